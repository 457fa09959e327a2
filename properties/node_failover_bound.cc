// node_failover_bound.cc: see node_failover_bound.h.
#include "properties/node_failover_bound.h"

#include <algorithm>
#include <vector>

#include "model/client_go_bounds.h"
#include "model/process_model.h"
#include "properties/analytic.h"

namespace leasesim {
namespace {

bool is_controller(const Scenario& s, const FaultTarget& t) {
  if (t.kind == FaultTarget::Kind::Leader) return true;
  return t.kind == FaultTarget::Kind::Process && t.process < s.processes.size() &&
         std::holds_alternative<NodeLifecycleConfig>(s.processes[t.process].model);
}

bool is_kubelet(const Scenario& s, const FaultTarget& t) {
  return t.kind == FaultTarget::Kind::Process && t.process < s.processes.size() &&
         model_entry(s.processes[t.process].model).runs_node;
}

bool is_node_fault(const Scenario& s, const FaultSpec& f) {
  switch (f.type) {
    case FaultType::ApiServerOutage:
      return true;
    case FaultType::Crash:
    case FaultType::Stop:
    case FaultType::Pause:
      return is_kubelet(s, f.target);
    case FaultType::Partition:
      return is_kubelet(s, f.target) && (f.direction == Direction::Both || f.direction == Direction::Requests);
    default:
      return false;
  }
}

// The window a fault lasts, true time: its `for`, or to the end of the run.
Duration window(const Scenario& s, const FaultSpec& f) {
  if (f.for_) return *f.for_;
  return std::max(Duration{}, s.duration - f.at);
}

}  // namespace

Duration controller_failover_extra(const Scenario& s, Duration steady_bound) {
  std::vector<const ProcessSpec*> controllers;
  for (const ProcessSpec& p : s.processes)
    if (std::holds_alternative<NodeLifecycleConfig>(p.model)) controllers.push_back(&p);
  if (controllers.empty()) return Duration{};
  // The election's worst crash- and stop-to-leader over every ordered pair (leader, candidate).
  const LatencyRange latency = slow_latency_envelope(s);
  Duration crash_to_leader{}, stop_to_leader{}, retry{}, request_timeout = hours(1);
  for (const ProcessSpec* a : controllers) {
    const ClientGoConfig& la = std::get<NodeLifecycleConfig>(a->model).elector;
    retry = std::max(retry, la.retry_period);
    request_timeout = std::min({request_timeout, la.renew_deadline, la.effective_request_timeout()});
    for (const ProcessSpec* b : controllers) {
      BoundsEnvironment env;
      env.leader_rate_ppb = a->clock.rate_ppb > 0 ? a->clock.rate_ppb : kRatePpbOne;
      env.candidate_rate_ppb = b->clock.rate_ppb > 0 ? b->clock.rate_ppb : kRatePpbOne;
      env.latency_min = latency.min;
      env.latency_max = latency.max;
      const ClientGoBounds bounds = client_go_bounds(la, std::get<NodeLifecycleConfig>(b->model).elector, env);
      crash_to_leader = std::max(crash_to_leader, bounds.crash_to_leader_max);
      stop_to_leader = std::max(stop_to_leader, bounds.stop_to_leader_max);
    }
  }
  // F(K) for each controller fault.
  struct ControllerFault {
    Duration at;
    Duration failover;
  };
  std::vector<ControllerFault> hits;
  for (const FaultSpec& f : s.faults) {
    std::optional<Duration> failover;
    switch (f.type) {
      case FaultType::Crash:
      case FaultType::Restart:
        if (is_controller(s, f.target)) failover = crash_to_leader;
        break;
      case FaultType::Stop:
        if (is_controller(s, f.target)) failover = stop_to_leader;
        break;
      case FaultType::Pause:
      case FaultType::Partition:
        if (is_controller(s, f.target)) failover = window(s, f) + crash_to_leader;
        break;
      case FaultType::ApiServerOutage:
        failover = window(s, f) + crash_to_leader;
        break;
      case FaultType::ApiServerSlow:
        if (f.latency.max * 2 >= request_timeout) failover = window(s, f) + crash_to_leader;
        break;
      default:
        break;
    }
    if (failover) hits.push_back({f.at, *failover + retry});
  }
  Duration extra{};
  for (const FaultSpec& node : s.faults) {
    if (!is_node_fault(s, node)) continue;
    for (const ControllerFault& k : hits) {
      const Duration lag = k.at - node.at;  // K - T
      if (lag >= steady_bound || lag + k.failover <= Duration{}) continue;
      extra = std::max(extra, std::max(lag, Duration{}) + k.failover);
    }
  }
  return extra;
}

}  // namespace leasesim
