// node_detection.h: node detections (how long until a dead kubelet's Node is Ready=Unknown) and
// the node properties nodeNotReadyWithin and noFalseNotReady (docs/nodes.md).
//
// Contract:
// - A detection episode starts at a fault that stops a kubelet heartbeating: crash, stop,
//   pause, or partition of its requests (direction both or requests) of a kubelet process, and
//   an API server outage (every kubelet). It ends at the first committed write that sets the
//   Node's Ready condition to Unknown at or after the fault (`unknownAt`, server commit time);
//   `detection` = unknownAt - faultAt, as failovers' faultToLeader. lastRenewalAt is the last
//   committed write of the node's Lease at or before the fault. One episode per node at a time;
//   a fault that finds the Node already Unknown (its kubelet crashed earlier and was detected,
//   or it is still cut off) starts none: it stops no heartbeat the controller was seeing.
// - nodeNotReadyWithin D: every episode whose fault lasts at least D (or has no end) and whose
//   fault + D falls inside the run must reach Unknown within D. An episode whose fault window
//   is shorter than D is reported and not judged: the kubelet heartbeats again before the
//   bound.
// - nodeNotReadyWithin auto (node_detection_bound): grace + 3 x monitor period + (4 + 6N) x the
//   largest one-way latency (N = the number of nodes: the requests of a pass go one at a time,
//   and three passes count), with the monitor period in true time at the slowest controller
//   clock. The third pass: a node status post seen in one pass leaves the node's health entry
//   without a saved Lease (upstream tryUpdateNodeHealth), so the next pass takes a fresh probe
//   timestamp again. Derivation in docs/nodes.md. nullopt when the scenario has no node
//   lifecycle controller.
// - noFalseNotReady: no write sets a Node's Ready to Unknown at a true instant t while its
//   Lease has a renewal committed in (t - nodeMonitorGracePeriod, t].
//   When a fault may also remove the controller-manager leader (a crash or partition of the
//   leader, an API server outage, a slow API server past the elector's request timeout), the
//   auto bound adds that failover and a fresh grace period (properties/node_failover_bound.h),
//   as the contract's "plus the KCM failover bound" asks.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "properties/violation.h"
#include "sim/history.h"
#include "sim/scenario.h"

namespace leasesim {

struct NodeDetection {
  NodeId node = 0;
  uint32_t proc = 0;  // the kubelet
  std::string cause;  // the fault type
  uint32_t fault_index = 0;
  TrueInstant fault_at;
  std::optional<TrueInstant> fault_end;  // nullopt: no end (crash, stop, or a window to the end)
  std::optional<TrueInstant> last_renewal_at;
  std::optional<TrueInstant> unknown_at;
  std::optional<Duration> detection() const {
    if (!unknown_at) return std::nullopt;
    return *unknown_at - fault_at;
  }
  bool operator==(const NodeDetection&) const = default;
};

std::vector<NodeDetection> node_detections(const Scenario& scenario, const History& history);

// The NodeId of each process that runs a node, or nullopt.
std::vector<std::optional<NodeId>> node_of_process(const Scenario& scenario);

std::optional<Duration> node_detection_bound(const Scenario& scenario);

std::vector<Violation> check_node_not_ready_within(const Scenario& scenario, const std::vector<NodeDetection>& episodes,
                                                   Duration bound, TrueInstant end);
std::vector<Violation> check_no_false_not_ready(const Scenario& scenario, const History& history);

}  // namespace leasesim
