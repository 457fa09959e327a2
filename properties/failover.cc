// failover.cc: see failover.h.
#include "properties/failover.h"

namespace leasesim {
namespace {

std::string secs(TrueInstant t) { return format_seconds(t.ns) + "s"; }

// The leadership of `proc` on `lease` that is open at instant t (start <= t < end).
const Leadership* open_at(const History& history, uint32_t proc, LeaseId lease, TrueInstant t) {
  for (const Leadership& l : history.leaderships)
    if (l.proc == proc && l.lease == lease && l.start <= t && (!l.end || *l.end >= t)) return &l;
  return nullptr;
}

// The first leadership of `lease` that starts at or after t, other than `except`.
const Leadership* next_start(const History& history, LeaseId lease, TrueInstant t, const Leadership* except) {
  const Leadership* best = nullptr;
  for (const Leadership& l : history.leaderships)
    if (l.lease == lease && &l != except && l.start >= t && (!best || l.start < best->start)) best = &l;
  return best;
}

bool other_acting_at(const History& history, uint32_t proc, LeaseId lease, TrueInstant t) {
  for (const Leadership& l : history.leaderships)
    if (l.proc != proc && l.lease == lease && l.start <= t && (!l.end || *l.end > t)) return true;
  return false;
}

bool wrote_between(const History& history, uint32_t proc, LeaseId lease, TrueInstant after, TrueInstant before) {
  for (const LeaseWrite& w : history.writes)
    if (w.proc == proc && w.lease == lease && !w.late && w.t > after && w.t < before) return true;
  return false;
}

TrueInstant window_end(const FaultSpec& f) { return TrueInstant((f.at + f.for_.value_or(Duration(0))).ns); }

bool api_wide(FaultType t) { return t == FaultType::ApiServerOutage || t == FaultType::ApiServerSlow; }

const FaultSpec& spec_of(const Scenario& scenario, const FaultRecord& record) {
  return record.index < scenario.faults.size() ? scenario.faults[record.index] : record.spec;
}

// Whether a fault aimed at `proc` itself (crash, stop, pause, partition) struck it as acting
// leader of `lease` after `after` and no later than `loss`. Such a fault is what removed the
// leader, so it outranks an API-wide slowdown or outage that was already active: the leader
// crashed at 60s inside a slow window that began at 50s is a crash episode measured from 60s.
bool own_fault_before_loss(const Scenario& scenario, const History& history, LeaseId lease, uint32_t proc,
                           TrueInstant after, TrueInstant loss) {
  for (const FaultRecord& r : history.faults) {
    if (r.is_end || !r.skipped.empty() || r.t <= after || r.t > loss) continue;
    if (api_wide(spec_of(scenario, r).type)) continue;
    for (const auto& [l, p] : r.acting_leaders_hit)
      if (l == lease && p == proc) return true;
  }
  return false;
}

}  // namespace

std::vector<FailoverEpisode> failover_episodes(const Scenario& scenario, const History& history) {
  std::vector<FailoverEpisode> out;
  std::vector<std::optional<TrueInstant>> busy_until(scenario.lease_keys.size());  // open episode per lease
  for (const FaultRecord& record : history.faults) {
    if (record.is_end || !record.skipped.empty()) continue;
    // A fault of spec.faults, or one `check` injected (spec.explore.faults), which only its
    // record describes.
    const FaultSpec& fault = spec_of(scenario, record);
    // A stalled watch delays what a controller's informers see; the elector's own requests and
    // deadlines are untouched, so it never removes a leader. Charging it with a later loss (a
    // crash inside the stall) would measure that failover from the wrong instant.
    if (fault.type == FaultType::WatchStall) continue;
    for (const auto& [lease, proc] : record.acting_leaders_hit) {
      if (busy_until[lease] && *busy_until[lease] > record.t) continue;
      const Leadership* current = open_at(history, proc, lease, record.t);
      if (!current) continue;
      // The lease still has a leader when another process acts at that instant: no failover.
      if (other_acting_at(history, proc, lease, record.t)) continue;
      const Leadership* next = next_start(history, lease, record.t, current);
      std::optional<TrueInstant> loss = current->end;
      if (next && (!loss || next->start < *loss)) loss = next->start;
      if (!loss) continue;  // it kept the lease to the end of the run
      // A leader that renewed after the fault's window and lost the lease later lost it for
      // another reason; this fault did not cause that.
      if (wrote_between(history, proc, lease, window_end(fault), *loss)) continue;
      if (api_wide(fault.type) && own_fault_before_loss(scenario, history, lease, proc, record.t, *loss)) continue;
      FailoverEpisode e;
      e.lease = lease;
      e.from = proc;
      e.cause = fault_type_name(fault.type);
      e.fault_index = record.index;
      e.fault_at = record.t;
      e.lost_at = current->end;
      if (next) {
        e.to = next->proc;
        e.new_leader_at = next->start;
      }
      busy_until[lease] = e.new_leader_at.value_or(TrueInstant(INT64_MAX));
      out.push_back(e);
    }
  }
  return out;
}

std::vector<Violation> check_failover_within(const Scenario& scenario, const std::vector<FailoverEpisode>& episodes,
                                             LeaseId lease, Duration bound, TrueInstant end) {
  return check_failover_within(scenario, episodes, lease, std::vector<std::optional<Duration>>(episodes.size(), bound),
                               std::vector<std::string>(episodes.size()), end);
}

std::vector<Violation> check_failover_within(const Scenario& scenario, const std::vector<FailoverEpisode>& episodes,
                                             LeaseId lease, const std::vector<std::optional<Duration>>& bounds,
                                             const std::vector<std::string>& bases, TrueInstant end) {
  std::vector<Violation> out;
  for (size_t i = 0; i < episodes.size(); ++i) {
    const FailoverEpisode& e = episodes[i];
    if (e.lease != lease || !bounds[i]) continue;
    const Duration bound = *bounds[i];
    const std::string bound_text =
        "bound " + format_duration(bound) + (bases[i].empty() ? std::string() : ", " + bases[i]);
    const std::string& from = scenario.processes[e.from].name;
    Violation v;
    v.at = e.fault_at;
    v.procs = {e.from};
    if (e.new_leader_at) {
      const Duration took = *e.new_leader_at - e.fault_at;
      if (took <= bound) continue;
      v.until = e.new_leader_at;
      v.procs.push_back(*e.to);
      v.message = "failover of " + scenario.lease_keys[lease] + " after " + e.cause + " of " + from + " at " +
                  secs(e.fault_at) + " took " + format_duration(took) + " (" + bound_text + "): " +
                  scenario.processes[*e.to].name + " started leading at " + secs(*e.new_leader_at);
    } else {
      if (end - e.fault_at <= bound) continue;
      v.message = "no new leader of " + scenario.lease_keys[lease] + " within " + format_duration(bound) + " after " +
                  e.cause + " of " + from + " at " + secs(e.fault_at) + " (none by the end of the run at " + secs(end) +
                  (bases[i].empty() ? std::string() : "; " + bases[i]) + ")";
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace leasesim
