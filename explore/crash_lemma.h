// crash_lemma.h: the leader-crash lemma, the explorer's second lemma after the steady regime
// (explore/steady_regime.h): it closes the states of a converge search in which a steady
// leader's crash, and nothing else, is still to come.
//
// Contract (docs/check-verdicts.md, "The leader-crash lemma", has the proof):
// - The state: every condition of the steady regime holds except that faults are pending: one
//   crash of the steady leader L (by name or `target: leader`) at T_c, and restarts that are
//   either of L at least a second and more than a latency after T_c (or before T_c, when L
//   still runs and the restart is skipped), or of a process that runs (skipped too). At least
//   one other elector runs. With eventuallyLeader, T_c + B <= the window's end, with B the
//   least over the running readers of client-go's analytic crash bound for (L, reader)
//   (model/client_go_bounds.h crash_to_leader_max).
// - The conclusion, on every path, for all time and every latency and jitter value in the
//   ranges: L leads alone until the crash; after it exactly one process W takes the lease (the
//   first Update carrying the last record's resourceVersion), acts by T_c + B and leads for
//   ever; nobody else ever acts; every committed write keeps leaseTransitions consistent. So
//   singleLeader, transitionsMatch and eventuallyLeader hold and no leaderless cycle exists:
//   the explorer may treat the state as a leaf, in converge mode and (with RunEnd below) in a
//   search up to the run's end.
// - crash_lemma_unsupported(scenario): why the lemma can never apply (everything
//   steady_regime_unsupported rules out; a fault other than crash and restart; injectable
//   faults; an API server without resourceVersion checks; a lease not longer than retryPeriod plus four latencies, which a new leader's first
//   changing renewal needs: C3 in the docs).
// Assumes: what the steady-regime lemma assumes (client-go model electors only, rate-1 clocks,
//   no clock jumps, requests answered before their timeouts), and that a crash ends the
//   crashed process's acting leadership at the crash instant (sim/world.cc crash_process).
// Leaves out: a crash of a reader, two crashes, pauses, partitions, outages, slow windows
//   and stops (their scenarios are searched without this lemma); failoverWithin, which `check`
//   does not judge (the lemma's bound B is client-go's analytic crash bound, which `run` judges).
#pragma once

#include <optional>
#include <string>

#include "sim/scenario.h"
#include "sim/world.h"

namespace leasesim {

// Why the lemma never applies to `scenario` (nullopt: it may, state by state).
std::optional<std::string> crash_lemma_unsupported(const Scenario& scenario);

// A search up to the run's end (check without --converge) judges every path where `run` would:
// at the scenario's end, or where the event bound stops it. The lemma then also needs the
// takeover inside the eventuallyLeader window as that end cuts it (T_c + B <= the end, and the
// window opening before the end), and no path from the state able to reach the event bound:
// client-go electors whose every attempt waits at least a second (C1) fire well under 32 events
// a second each, so the state's events so far, its pending events and 32 a second per process
// up to the end must fit under the bound.
inline constexpr uint64_t kCrashLemmaEventsPerSecond = 32;  // per process: RunEnd's event budget

struct RunEnd {
  TrueInstant end;
  uint64_t max_events = 0;
};

// nullopt when `w` satisfies the lemma's conditions; otherwise the first one it fails, in
// words. `scenario_supported`: the caller knows crash_lemma_unsupported(w.scenario()) is
// nullopt (the explorer asks once). `run_end`: the search stops paths at the run's end (nullopt:
// converge mode, which judges for all time).
std::optional<std::string> crash_lemma_gap(const World& w, bool scenario_supported = false,
                                           const std::optional<RunEnd>& run_end = std::nullopt);

// The same yes or no without the words (the explorer's per-state test).
bool in_crash_lemma(const World& w, bool scenario_supported = false, const std::optional<RunEnd>& run_end = std::nullopt);

}  // namespace leasesim
