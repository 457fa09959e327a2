// node_detection.cc: see node_detection.h.
#include "properties/node_detection.h"

#include <algorithm>

#include "model/process_model.h"
#include "properties/node_failover_bound.h"

namespace leasesim {
namespace {

bool runs_node(const ProcessSpec& p) {
  const ModelEntry* entry = find_model(model_name(p.model));
  return entry && entry->runs_node;
}

// Does this fault stop the heartbeats of process p (a kubelet)?
bool stops_heartbeats(const FaultSpec& f) {
  switch (f.type) {
    case FaultType::Crash:
    case FaultType::Stop:
    case FaultType::Pause:
      return true;
    case FaultType::Partition:
      return f.direction == Direction::Both || f.direction == Direction::Requests;
    default:
      return false;
  }
}

std::string seconds_text(Duration d) { return format_duration(d); }

// When each Lease had a committed write that left it in place (a renewal, for a node Lease), by
// LeaseId, in time order: the kubelets' own writes (the compact list) and any other writer's,
// merged.
std::vector<std::vector<TrueInstant>> lease_renewals(const Scenario& scenario, const History& history) {
  std::vector<std::vector<TrueInstant>> out(scenario.lease_keys.size());
  for (const NodeLeaseWrite& w : history.node_lease_writes)
    if (!w.deleted) out[w.lease].push_back(w.t);
  bool others = false;
  for (const LeaseWrite& w : history.writes)
    if (w.after) {
      out[w.lease].push_back(w.t);
      others = true;
    }
  // Each list is in time order; only a Lease written through both needs sorting again.
  if (others && !history.node_lease_writes.empty())
    for (auto& times : out) std::sort(times.begin(), times.end());
  return out;
}

}  // namespace

std::vector<std::optional<NodeId>> node_of_process(const Scenario& scenario) {
  std::vector<std::optional<NodeId>> out(scenario.processes.size());
  NodeId next = 0;
  for (uint32_t p = 0; p < scenario.processes.size(); ++p)
    if (runs_node(scenario.processes[p])) out[p] = next++;
  return out;
}

std::vector<NodeDetection> node_detections(const Scenario& scenario, const History& history) {
  std::vector<NodeDetection> out;
  const auto node_of = node_of_process(scenario);
  if (scenario.node_names.empty()) return out;
  std::vector<uint32_t> proc_of(scenario.node_names.size(), 0);
  for (uint32_t p = 0; p < node_of.size(); ++p)
    if (node_of[p]) proc_of[*node_of[p]] = p;
  // Open episode per node (index into out), closed once it reached Unknown or its fault ended.
  std::vector<std::optional<size_t>> open(scenario.node_names.size());
  auto closed_by = [&](const NodeDetection& d, TrueInstant t) {
    return (d.unknown_at && *d.unknown_at <= t) || (d.fault_end && *d.fault_end <= t);
  };
  // Indexes built once: each node's Unknown writes and each node Lease's renewals, in order.
  std::vector<std::vector<TrueInstant>> unknowns(scenario.node_names.size());
  // Each node's Ready writes (commit time, Unknown or not), to tell what Ready was at a fault.
  std::vector<std::vector<std::pair<TrueInstant, bool>>> ready_writes(scenario.node_names.size());
  for (const NodeWrite& w : history.node_writes) {
    const auto ready = w.after.ready();
    if (!ready) continue;
    const bool unknown = *ready == ConditionStatus::Unknown;
    if (unknown) unknowns[w.node].push_back(w.t);
    ready_writes[w.node].emplace_back(w.t, unknown);
  }
  auto unknown_at = [&](NodeId n, TrueInstant t) {
    const auto& v = ready_writes[n];
    const auto it = std::upper_bound(v.begin(), v.end(), t,
                                     [](TrueInstant x, const std::pair<TrueInstant, bool>& e) { return x < e.first; });
    return it != v.begin() && (it - 1)->second;
  };
  std::vector<std::vector<TrueInstant>> renewals;
  auto first_unknown = [&](NodeId n, TrueInstant from) -> std::optional<TrueInstant> {
    const auto& v = unknowns[n];
    const auto it = std::lower_bound(v.begin(), v.end(), from);
    if (it == v.end()) return std::nullopt;
    return *it;
  };
  auto last_renewal = [&](NodeId n, TrueInstant at) -> std::optional<TrueInstant> {
    if (renewals.empty()) renewals = lease_renewals(scenario, history);
    const auto& v = renewals[scenario.processes[proc_of[n]].lease];
    const auto it = std::upper_bound(v.begin(), v.end(), at);
    if (it == v.begin()) return std::nullopt;
    return *(it - 1);
  };
  // When does the fault at history.faults[i] end for its target?
  auto fault_end = [&](size_t i) -> std::optional<TrueInstant> {
    const FaultRecord& start = history.faults[i];
    for (size_t j = i + 1; j < history.faults.size(); ++j) {
      const FaultRecord& r = history.faults[j];
      if (!r.skipped.empty()) continue;
      if (r.is_end && r.index == start.index) return r.t;
      // A crashed or stopped kubelet heartbeats again once it restarts.
      if (!r.is_end && r.spec.type == FaultType::Restart && start.target && r.target == start.target &&
          (start.spec.type == FaultType::Crash || start.spec.type == FaultType::Stop))
        return r.t;
    }
    return std::nullopt;
  };
  for (size_t i = 0; i < history.faults.size(); ++i) {
    const FaultRecord& r = history.faults[i];
    if (r.is_end || !r.skipped.empty()) continue;
    std::vector<NodeId> hit;
    if (r.spec.type == FaultType::ApiServerOutage) {
      for (NodeId n = 0; n < scenario.node_names.size(); ++n) hit.push_back(n);
    } else if (stops_heartbeats(r.spec) && r.target && node_of[*r.target]) {
      hit.push_back(*node_of[*r.target]);
    }
    if (hit.empty()) continue;
    const std::optional<TrueInstant> end = fault_end(i);
    for (NodeId n : hit) {
      if (open[n] && !closed_by(out[*open[n]], r.t)) continue;  // one episode at a time
      // A Node already Unknown has been detected: a second fault on its kubelet (a partition of
      // a crashed kubelet, an outage while it is cut off) stops no heartbeat that was reaching
      // the controller, and no Unknown write can follow while it stays Unknown.
      if (unknown_at(n, r.t)) continue;
      NodeDetection d;
      d.node = n;
      d.proc = proc_of[n];
      d.cause = fault_type_name(r.spec.type);
      d.fault_index = r.index;
      d.fault_at = r.t;
      d.fault_end = end;
      d.last_renewal_at = last_renewal(n, r.t);
      d.unknown_at = first_unknown(n, r.t);
      open[n] = out.size();
      out.push_back(std::move(d));
    }
  }
  return out;
}

std::optional<Duration> node_detection_bound(const Scenario& scenario) {
  std::optional<Duration> grace;
  Duration period_true{};
  for (const ProcessSpec& p : scenario.processes) {
    const auto* c = std::get_if<NodeLifecycleConfig>(&p.model);
    if (!c) continue;
    grace = std::max(grace.value_or(Duration{}), c->node_monitor_grace_period);
    // Local period -> true time at this clock's rate, rounded up.
    const int64_t rate = p.clock.rate_ppb > 0 ? p.clock.rate_ppb : kRateOne;
    const __int128 ns = static_cast<__int128>(c->node_monitor_period.ns) * kRateOne;
    const Duration t(static_cast<int64_t>((ns + rate - 1) / rate));
    period_true = std::max(period_true, t);
  }
  if (!grace) return std::nullopt;
  Duration latency = scenario.api_server.latency.max;
  for (const FaultSpec& f : scenario.faults)
    if (f.type == FaultType::ApiServerSlow) latency = std::max(latency, f.latency.max);
  // Three monitor passes, not two: when the last heartbeat the controller sees is a node status
  // post (a new lastHeartbeatTime), upstream tryUpdateNodeHealth
  // (pkg/controller/nodelifecycle/node_lifecycle_controller.go) replaces the node's health
  // entry with one that has no Lease, so the next pass finds no saved Lease and takes a fresh
  // probe timestamp once more, one pass after the heartbeat (docs/nodes.md). Each pass also
  // lengthens the wait by the round trips of its writes (2N latencies).
  const int64_t hops = 4 + 6 * static_cast<int64_t>(scenario.node_names.size());
  const Duration steady = *grace + period_true * 3 + latency * hops;
  // A fault that also removes the controller-manager leader adds its failover and a fresh grace
  // period (properties/node_failover_bound.h).
  return steady + controller_failover_extra(scenario, steady);
}

std::vector<Violation> check_node_not_ready_within(const Scenario& scenario, const std::vector<NodeDetection>& episodes,
                                                   Duration bound, TrueInstant end) {
  std::vector<Violation> out;
  for (const NodeDetection& d : episodes) {
    const bool long_enough = !d.fault_end || *d.fault_end - d.fault_at >= bound;
    if (!long_enough || d.fault_at + bound > end) continue;
    const auto detection = d.detection();
    if (detection && *detection <= bound) continue;
    Violation v;
    v.at = d.fault_at;
    v.procs = {d.proc};
    const std::string& node = scenario.node_names[d.node];
    if (detection) {
      v.until = *d.unknown_at;
      v.message = "node " + node + ": " + d.cause + " at " + format_seconds(d.fault_at.ns) + "s, Ready=Unknown at " +
                  format_seconds(d.unknown_at->ns) + "s, " + seconds_text(*detection) + " after the fault (bound " +
                  seconds_text(bound) + ")";
    } else {
      v.message = "node " + node + ": " + d.cause + " at " + format_seconds(d.fault_at.ns) +
                  "s, never Ready=Unknown by the end of the run (bound " + seconds_text(bound) + ")";
    }
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<Violation> check_no_false_not_ready(const Scenario& scenario, const History& history) {
  std::vector<Violation> out;
  // The grace period of the controller that wrote; the largest configured one for any other
  // writer (none writes Unknown in the modelled components).
  Duration largest{seconds(50)};
  bool any = false;
  for (const ProcessSpec& p : scenario.processes)
    if (const auto* c = std::get_if<NodeLifecycleConfig>(&p.model)) {
      largest = any ? std::max(largest, c->node_monitor_grace_period) : c->node_monitor_grace_period;
      any = true;
    }
  std::vector<std::vector<TrueInstant>> renewals;  // by LeaseId, built on first need
  for (const NodeWrite& w : history.node_writes) {
    const auto after = w.after.ready();
    const auto before = w.before ? w.before->ready() : std::nullopt;
    if (!after || *after != ConditionStatus::Unknown || (before && *before == ConditionStatus::Unknown)) continue;
    if (renewals.empty()) renewals = lease_renewals(scenario, history);
    Duration grace = largest;
    if (const auto* c = std::get_if<NodeLifecycleConfig>(&scenario.processes[w.proc].model))
      grace = c->node_monitor_grace_period;
    const LeaseId lease = w.after.lease;
    if (lease >= renewals.size()) continue;
    const auto& times = renewals[lease];
    // A renewal committed in (t - grace, t].
    const auto it = std::upper_bound(times.begin(), times.end(), w.t - grace);
    if (it == times.end() || *it > w.t) continue;
    Violation v;
    v.at = w.t;
    v.procs = {w.proc};
    v.message = "node " + scenario.node_names[w.node] + " set Ready=Unknown at " + format_seconds(w.t.ns) + "s by " +
                scenario.processes[w.proc].name + ", but its Lease was renewed at " + format_seconds(it->ns) +
                "s, within the grace period " + format_duration(grace);
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace leasesim
