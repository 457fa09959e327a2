// warnings.cc: see warnings.h.
#include "properties/warnings.h"

#include <algorithm>

#include "properties/analytic.h"

namespace leasesim {
namespace {

std::string secs(TrueInstant t) { return format_seconds(t.ns) + "s"; }

}  // namespace

std::vector<RunWarning> run_warnings(const RunResult& run) {
  const Scenario& s = *run.scenario;
  const World& w = run.world;
  const History& h = w.history();
  std::vector<RunWarning> out;
  for (const ProcessExit& e : h.exits) {
    out.push_back(RunWarning{"processExited", e.t, e.proc,
                             s.processes[e.proc].name + " died on its own at " + secs(e.t) + ": " + e.cause});
  }
  for (const FaultRecord& r : h.faults) {
    if (r.is_end || r.skipped.empty()) continue;
    const FaultSpec& f = r.index < s.faults.size() ? s.faults[r.index] : r.spec;
    std::string what = std::string(fault_type_name(f.type)) + " at " + secs(r.t);
    if (r.index < s.faults.size()) what += " (spec.faults[" + std::to_string(r.index) + "])";
    out.push_back(RunWarning{"faultSkipped", r.t, r.target, what + " skipped: " + r.skipped});
  }
  for (LeaseId lease : elected_leases(s)) {
    const bool led = std::any_of(h.leaderships.begin(), h.leaderships.end(),
                                 [&](const Leadership& l) { return l.lease == lease; });
    if (!led) {
      out.push_back(RunWarning{"leaseNeverLed", w.now(), std::nullopt,
                               "nobody led " + s.lease_keys[lease] + " in the " + secs(w.now()) + " of the run"});
    }
  }
  // A round trip at the slowest latency the scenario allows: a request older than that is not
  // merely in flight at the horizon.
  const Duration round_trip = slow_latency_envelope(s).max * 2;
  for (const PendingRequest& r : w.pending_requests()) {
    const Duration waited = w.now() - r.sent;
    const bool forever = r.lost && !r.has_timeout;
    if (!forever && waited <= round_trip) continue;
    std::string message = s.processes[r.proc].name + "'s " + verb_name(r.verb) + " of " + s.lease_keys[r.lease] +
                          " sent at " + secs(r.sent) + " had no answer after " + format_duration(waited);
    if (r.lost) message += r.has_timeout ? " (lost on the way; its timeout has not fired)" : " (lost on the way and the client has no timeout: it waits forever)";
    else if (!r.has_timeout) message += " (the client has no timeout)";
    out.push_back(RunWarning{"requestPending", r.sent, r.proc, std::move(message)});
  }
  if (run.stopped_by == StepStatus::EventLimit) {
    out.push_back(RunWarning{"eventLimit", w.now(), std::nullopt,
                             "the run stopped at the event bound (" + std::to_string(s.max_events) + " events) at " +
                                 secs(w.now()) + ", before its horizon of " + format_duration(s.duration)});
  }
  const Evaluation& ev = run.evaluation;
  for (size_t i = 0; i < ev.episode_bounds.size() && i < ev.failovers.size(); ++i) {
    if (ev.episode_bounds[i].bound) continue;
    const FailoverEpisode& e = ev.failovers[i];
    out.push_back(RunWarning{"failoverUnjudged", e.fault_at, e.from,
                             "failoverWithin did not judge the failover after " + e.cause + " of " +
                                 s.processes[e.from].name + " at " + secs(e.fault_at) + ": " + ev.episode_bounds[i].basis});
  }
  if (!run.replay_diverged.empty()) {
    // Placed at the end of the run: the chooser does not know the simulated time of the entry
    // that failed to fit, only its index.
    out.push_back(RunWarning{"replayDiverged", w.now(), std::nullopt,
                             run.replay_diverged + ", so this run is not the recorded counterexample"});
  }
  std::stable_sort(out.begin(), out.end(), [](const RunWarning& a, const RunWarning& b) { return a.at < b.at; });
  return out;
}

}  // namespace leasesim
