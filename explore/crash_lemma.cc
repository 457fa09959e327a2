// crash_lemma.cc: the conditions of the leader-crash lemma (crash_lemma.h); the proof that they
// suffice is in docs/check-verdicts.md, "The leader-crash lemma". The steady-regime conditions
// are shared with explore/steady_regime.cc; this file adds what the pending faults must be.
#include "explore/crash_lemma.h"

#include <algorithm>
#include <variant>

#include "explore/steady_regime.h"
#include "model/client_go_bounds.h"
#include "model/client_go_elector.h"
#include "properties/eventually_leader.h"

namespace leasesim {

std::optional<std::string> crash_lemma_unsupported(const Scenario& s) {
  if (auto why = steady_regime_unsupported(s)) return why;
  for (const FaultSpec& f : s.faults)
    if (f.type != FaultType::Crash && f.type != FaultType::Restart)
      return std::string("a ") + fault_type_name(f.type) + " fault (the lemma allows crashes and restarts only)";
  if (!s.explore.faults.candidates.empty()) return "injectable faults (spec.explore.faults)";
  // The takeover is unique only because the API server commits one Update per resourceVersion.
  if (!s.api_server.conflict_check) return "the API server does not check resourceVersions (apiServer.conflictCheck: false)";
  const Duration lmax = std::max(s.api_server.latency.max, s.api_server.latency.min);
  for (const ProcessSpec& p : s.processes) {
    // C3: a new leader's first renewal may share its acquisition's second, so a reader that saw
    // the acquisition waits for the renewal after it: RP plus four latencies after the commit.
    const ClientGoConfig& c = std::get<ClientGoConfig>(p.model);
    if (!(seconds(lease_duration_seconds_of(c.lease_duration)) > c.retry_period + lmax * 4))
      return "process " + p.name + "'s lease duration is not longer than retryPeriod plus four latencies (" +
             format_duration(c.retry_period + lmax * 4) + ")";
  }
  return std::nullopt;
}

namespace {

bool fail(std::string* why, const std::string& text) {
  if (why) *why = text;
  return false;
}

// The pending faults the lemma allows, read from the pending events.
struct PendingFaults {
  std::optional<TrueInstant> crash_at;
  FaultTarget crash_target;
  struct Restart {
    TrueInstant at;
    FaultTarget target;
  };
  std::vector<Restart> restarts;
  const char* problem = nullptr;  // an event the lemma does not allow
};

PendingFaults pending_faults(const World& w) {
  const Scenario& s = w.scenario();
  PendingFaults out;
  w.for_each_pending([&](const Event& e) {
    if (out.problem) return;
    switch (e.kind) {
      case EventKind::FaultStart: {
        if (e.a >= s.faults.size()) {
          out.problem = "an injected fault is pending";
          return;
        }
        const FaultSpec& f = s.faults[e.a];
        if (f.type == FaultType::Crash) {
          if (out.crash_at) {
            out.problem = "two crashes are pending";
            return;
          }
          out.crash_at = e.at;
          out.crash_target = f.target;
        } else if (f.type == FaultType::Restart) {
          out.restarts.push_back({e.at, f.target});
        } else {
          out.problem = "a fault other than a crash or a restart is pending";
        }
        return;
      }
      case EventKind::ProcessStart:
      case EventKind::FaultEnd:
      case EventKind::QuiesceEnd:
      case EventKind::StopRequest:
      case EventKind::FaultPoint:
        out.problem = "a process start, a fault's end, a stop or a fault point is pending";
        return;
      default:
        return;
    }
  });
  return out;
}

bool lemma_holds(const World& w, bool scenario_supported, const std::optional<RunEnd>& run_end, std::string* why) {
  const Scenario& s = w.scenario();
  if (!scenario_supported)
    if (auto problem = crash_lemma_unsupported(s)) return fail(why, *problem);
  const PendingFaults pending = pending_faults(w);
  if (pending.problem) return fail(why, pending.problem);
  if (!pending.crash_at) return fail(why, "no crash is pending");
  // Cheap tests first (the explorer asks at every new state). L is the acting leader;
  // steady_conditions_hold (last: it is the costly test) checks that it acts alone and renews
  // steadily.
  const std::optional<uint32_t> acting = w.acting_leader(s.processes.front().lease);
  if (!acting) return fail(why, "no process leads");
  const uint32_t leader = *acting;

  // The crash must hit L: by name, or as the acting leader at T_c (L, which leads alone until
  // then).
  const TrueInstant crash_at = *pending.crash_at;
  const FaultTarget& ct = pending.crash_target;
  if (!(ct.kind == FaultTarget::Kind::Leader || (ct.kind == FaultTarget::Kind::Process && ct.process == leader)))
    return fail(why, "the pending crash is not the leader's");

  // Restarts: of L a second and a latency after the crash (its new records then differ from its
  // old ones at whole seconds, and its old in-flight renewal has landed), or while L still runs;
  // of a running process or of `leader` (skipped when they strike: the process runs).
  const Duration lmax = std::max(s.api_server.latency.max, s.api_server.latency.min);
  for (const PendingFaults::Restart& r : pending.restarts) {
    if (r.target.kind == FaultTarget::Kind::Leader) continue;
    if (r.target.kind != FaultTarget::Kind::Process) return fail(why, "a restart has no target process");
    if (r.target.process == leader) {
      const bool before = r.at < crash_at;
      const bool well_after = r.at >= crash_at + seconds(1) && r.at > crash_at + lmax;
      if (!before && !well_after) return fail(why, "the leader restarts within a second of its crash");
    } else if (w.process(r.target.process).status != ProcStatus::Running) {
      return fail(why, "a restart of a process that is down is pending");
    }
  }

  // Someone to take over.
  bool reader_runs = false;
  for (uint32_t p = 0; p < w.process_count() && !reader_runs; ++p)
    reader_runs = p != leader && w.process(p).status == ProcStatus::Running;
  if (!reader_runs) return fail(why, "no other elector runs to take over");
  // And by when, where a window judges it: the least analytic crash bound over the running
  // readers (computed only then: nothing else needs it).
  if (s.properties.eventually_leader) {
    const ClientGoConfig& lc = std::get<ClientGoConfig>(s.processes[leader].model);
    BoundsEnvironment env;
    env.latency_min = s.api_server.latency.min;
    env.latency_max = lmax;
    std::optional<Duration> bound;
    for (uint32_t p = 0; p < w.process_count(); ++p) {
      if (p == leader || w.process(p).status != ProcStatus::Running) continue;
      const Duration b = client_go_bounds(lc, std::get<ClientGoConfig>(s.processes[p].model), env).crash_to_leader_max;
      if (!bound || b < *bound) bound = b;
    }
    const TrueInstant from = last_fault_end(s);
    TrueInstant window_end = from + *s.properties.eventually_leader;
    // A run that ends first cuts the window there (properties/eventually_leader.cc), and one
    // that ends before the window opens has no leader inside it whatever happens.
    if (run_end) {
      if (!(from < run_end->end)) return fail(why, "the eventuallyLeader window opens at or after the run's end");
      window_end = std::min(window_end, run_end->end);
    }
    if (crash_at + *bound > window_end) {
      if (why)  // the words only when asked: the explorer asks for a yes or no
        *why = "the takeover's bound (" + format_seconds((crash_at + *bound).ns) +
               "s) is after the eventuallyLeader window's end (" + format_seconds(window_end.ns) + "s)";
      return false;
    }
  }
  uint32_t steady_leader = 0;
  if (!steady_conditions_hold(w, &steady_leader, why)) return false;
  if (steady_leader != leader) return fail(why, "the steady leader is not the acting leader");
  if (run_end) {
    // See RunEnd: no path from here may be stopped by the event bound before the run's end.
    const int64_t seconds_left = std::max<int64_t>(0, (run_end->end - w.now()).ns / kNanosPerSecond + 1);
    const uint64_t budget = w.events_processed() + w.pending_count() +
                            static_cast<uint64_t>(seconds_left) * kCrashLemmaEventsPerSecond *
                                static_cast<uint64_t>(w.process_count());
    if (budget > run_end->max_events) return fail(why, "a path from here might reach the event bound");
  }
  return true;
}

}  // namespace

std::optional<std::string> crash_lemma_gap(const World& w, bool scenario_supported, const std::optional<RunEnd>& run_end) {
  std::string why;
  if (lemma_holds(w, scenario_supported, run_end, &why)) return std::nullopt;
  return why;
}

bool in_crash_lemma(const World& w, bool scenario_supported, const std::optional<RunEnd>& run_end) {
  return lemma_holds(w, scenario_supported, run_end, nullptr);
}

}  // namespace leasesim
