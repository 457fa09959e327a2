// steady_regime.h: the steady renew regime of client-go electors, a lemma the explorer's
// converge mode uses to close paths that would otherwise drift for ever.
//
// Contract (docs/check-verdicts.md, "The steady-regime lemma", has the proof):
// - The regime: after the last fault, one client-go elector L leads and renews, every other
//   elector of the lease only reads, and each reader is sure to see L's next renewal before
//   its view of the lease expires. From such a state every path, for all time and for every
//   latency and jitter value in their ranges (not only the declared points), keeps L the only
//   acting leader, renewing every RP plus two latencies, and no other process ever writes:
//   no violation of singleLeader or transitionsMatch can occur, no leadership starts or ends,
//   and eventuallyLeader is met. So a search may treat such a state as a leaf.
// - steady_regime_unsupported(scenario) says why the lemma can never apply to a scenario (any
//   process other than a model client-go elector, a coordinated one, several leases, a clock
//   not at rate 1, a clockJump fault, or timings outside the lemma's inequalities: RP >= 1s,
//   min(H, RD) and H above a round trip 2*lmax, LD > RP + 2*lmax).
// - in_steady_regime(world) tests one state: no fault can still happen (World::faults_settled),
//   every process is connected, exactly one acting leader L with its next renewal certain to
//   succeed (no call, the round timer pending and its cached resourceVersion the server's; or
//   its fast Update in flight with the server's version, or answered Ok, before its deadlines),
//   every other live process between attempts or with a Get in flight (an answered Get naming
//   L), no write of anyone else in flight, no earlier leadership of the lease that could still
//   overlap L's; C1, the latest instant of L's next commit that changes the record's bytes, is
//   before now + LD; and each reader that may still read the record it observed has its
//   observedTime + LDS after max(now, C1).
// Assumes: the model of client-go (model/client_go_elector.h) and the World's message rules
//   (one-way latency draws within [lmin, lmax], requests handled at arrival); rate-1 clocks, so
//   local durations are true durations. Leaves out: clocks at other rates (the inequalities
//   would need the rate bounds), coordinated electors, other models, several leases; such
//   scenarios are searched without the lemma.
#pragma once

#include <optional>
#include <string>

#include "sim/scenario.h"
#include "sim/world.h"

namespace leasesim {

// Why the lemma never applies to `scenario` (nullopt: it may, state by state).
std::optional<std::string> steady_regime_unsupported(const Scenario& scenario);

// nullopt when `w` is in the steady regime; otherwise the first condition it fails, in words
// (tests read it; the explorer only needs the yes or no). `scenario_supported`: the caller
// already knows steady_regime_unsupported(w.scenario()) is nullopt (the explorer asks once).
std::optional<std::string> steady_regime_gap(const World& w, bool scenario_supported = false);

// The same yes or no without the words (the explorer's per-state test).
bool in_steady_regime(const World& w, bool scenario_supported = false);

// Every condition of the regime but "no fault is pending or in effect" (conditions 1, second
// half, to 6), for the crash lemma (explore/crash_lemma.h), which allows a pending crash of the
// leader: true with *leader set to the acting leader when they hold, else false with the first
// failed condition in *why (either pointer may be null). The caller has checked the scenario
// with steady_regime_unsupported and rules out the faults that would make the World's latency
// or connectivity change.
bool steady_conditions_hold(const World& w, uint32_t* leader, std::string* why);

}  // namespace leasesim
