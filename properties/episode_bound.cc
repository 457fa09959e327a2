// episode_bound.cc: see episode_bound.h.
#include "properties/episode_bound.h"

#include <algorithm>

#include "properties/analytic.h"

namespace leasesim {
const FaultSpec& episode_fault(const Scenario& scenario, const History& history, const FailoverEpisode& episode) {
  if (episode.fault_index < scenario.faults.size()) return scenario.faults[episode.fault_index];
  for (const FaultRecord& r : history.faults)
    if (!r.is_end && r.index == episode.fault_index) return r.spec;
  return scenario.faults.at(episode.fault_index);  // unreachable for a History of this scenario
}

EpisodeBound analytic_episode_bound(const Scenario& scenario, const History& history, const FailoverEpisode& episode,
                                    TrueInstant end) {
  EpisodeBound out;
  const FaultSpec& cause = episode_fault(scenario, history, episode);
  if (cause.type == FaultType::ApiServerOutage) {
    out.basis = "no analytic bound: an apiServerOutage removed the leader (the bounds assume an API server that answers)";
    return out;
  }
  if (cause.type == FaultType::Partition && cause.direction == Direction::Responses) {
    out.basis = "no analytic bound: a responses-only partition (the leader's renewals still commit while it cannot see them)";
    return out;
  }
  const std::optional<AnalyticBounds> base = analytic_bounds(scenario);
  if (!base) {
    out.basis = "no analytic bound for these models";
    return out;
  }
  // The episode, and the stretch before its fault where the leader's last renewal lies.
  const TrueInstant from = TrueInstant(std::max<int64_t>(0, episode.fault_at.ns - base->crash_to_leader_max.ns));
  const TrueInstant to = episode.new_leader_at.value_or(end);
  LatencyRange latency = scenario.api_server.latency;
  bool slowed = false;
  for (const FaultRecord& r : history.faults) {
    if (r.is_end || !r.skipped.empty()) continue;
    const FaultSpec& f = r.index < scenario.faults.size() ? scenario.faults[r.index] : r.spec;
    // An outage must overlap the episode itself; a slow window may also have slowed the
    // leader's last renewal before the fault.
    if (f.type != FaultType::ApiServerSlow && f.type != FaultType::ApiServerOutage) continue;
    const TrueInstant lo = r.t;
    const TrueInstant hi = f.for_ ? r.t + *f.for_ : end;  // a window without `for` lasts to the end
    const bool overlaps = f.type == FaultType::ApiServerOutage ? (lo <= to && hi > episode.fault_at) : (lo <= to && hi > from);
    if (!overlaps) continue;
    if (f.type == FaultType::ApiServerOutage) {
      out.basis = "no analytic bound: an apiServerOutage at " + format_seconds(lo.ns) +
                  "s overlaps the episode (the bounds assume an API server that answers)";
      return out;
    }
    latency.min = std::min(latency.min, f.latency.min);
    latency.max = std::max(latency.max, f.latency.max);
    slowed = true;
  }
  const std::optional<AnalyticBounds> b = slowed ? analytic_bounds(scenario, latency) : base;
  if (slowed && !b->assumes_no_request_timeouts) {
    out.basis = "no analytic bound: at apiServerSlow latency " + format_duration(latency.min) + "-" +
                format_duration(latency.max) + " a round trip can outlast the request timeout, which the bounds assume away";
    return out;
  }
  const bool stop = cause.type == FaultType::Stop;
  out.bound = stop ? b->stop_to_leader_max : b->crash_to_leader_max;
  out.basis = stop ? "stop bound" : "crash bound";
  if (slowed)
    out.basis += " at apiServerSlow latency " + format_duration(latency.min) + "-" + format_duration(latency.max);
  return out;
}

}  // namespace leasesim
