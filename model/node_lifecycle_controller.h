// node_lifecycle_controller.h: a kube-controller-manager replica whose leader runs the node
// lifecycle controller (docs/models/node-lifecycle-controller.md).
//
// Contract (upstream pkg/controller/nodelifecycle/node_lifecycle_controller.go; functions named
// below are upstream's):
// - Election: a client-go elector (model/client_go_elector.h) on the process's lease. The
//   controller runs only while the elector leads; kube-controller-manager exits when it stops
//   leading (the elector's afterLeadershipLoss), so a new leader starts with empty caches and
//   an empty nodeHealthMap: its first sight of a node gives that node a fresh grace period.
// - Informers: on StartedLeading it lists Nodes and the Leases of kube-node-lease, each with a
//   watch (sim/world.h, "Watches"); a failed list is retried after 1 s. The monitor starts once
//   both caches are synced (WaitForNamedCacheSync). A Relist (the end of a watchStall) lists
//   again and replaces the cache.
// - monitorNodeHealth runs at once and then nodeMonitorPeriod after each pass ends (wait.Until,
//   sliding). A pass visits every cached node in NodeId order; for each it runs
//   tryUpdateNodeHealth:
//     * probe and transition timestamps are the controller's own clock. Go compares time.Time
//       values by their monotonic reading, so they are local monotonic instants here;
//     * a fresh probe timestamp when the Ready condition's lastHeartbeatTime differs from the
//       saved one, when the cached Lease's renewTime is strictly after the saved Lease's, or
//       at first sight;
//     * grace = nodeMonitorGracePeriod, or nodeStartupGracePeriod while the node has no Ready
//       condition; past probe + grace, Ready, MemoryPressure, DiskPressure and PIDPressure are
//       set to Unknown (reason NodeStatusUnknown; a missing condition is added with reason
//       NodeStatusNeverUpdated) and written with UpdateStatus (resourceVersion precondition)
//       when the Ready condition changed;
//     * a failed attempt GETs the node from the API server and tries again, 20 ms later, up
//       to 5 attempts (nodeStatusUpdateRetry, retrySleepTime); a failed GET skips the node for
//       this pass.
//   Nodes whose update needs no request take no simulated time; the requests of one pass go
//   one at a time (upstream runs 8 workers in parallel: a simplification that lengthens a pass
//   by the latencies of its writes, which matters only when many nodes change in one pass).
// - handleDisruption after each pass: zone states from the Ready conditions of the pass
//   (ComputeZoneState: FullDisruption when no node of the zone is Ready, PartialDisruption
//   when more than 2 are not Ready and their fraction reaches unhealthyZoneThreshold, else
//   Normal); when every zone was fully disrupted and no longer is, every probe and transition
//   timestamp is reset to now (the guard of upstream #24200 / #77864).
// - Every request of the controller carries the elector's request timeout (a simplification:
//   kube-controller-manager's general client sets none, and relies on HTTP/2 health checks).
// Leaves out (not yet modelled): taints (NoSchedule, NoExecute and the per-zone token buckets),
// MarkPodsNotReady, taint-based eviction, nodes excluded from disruption checks, the pod and
// DaemonSet informers; a node's creationTimestamp (first sight counts from now instead).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/hash.h"
#include "model/api.h"
#include "model/client_go_elector.h"
#include "model/effects.h"
#include "model/node.h"
#include "model/node_lifecycle_config.h"

namespace leasesim {

enum class ZoneState : uint8_t { Initial, Normal, FullDisruption, PartialDisruption };
const char* zone_state_name(ZoneState s);

// The ready counts of one zone in one pass -> its state (upstream ComputeZoneState).
ZoneState compute_zone_state(int64_t ready, int64_t not_ready, int64_t unhealthy_threshold_ppb);

class NodeLifecycleController {
 public:
  static constexpr TimerId kMonitorTimer = 6;   // the next monitorNodeHealth pass
  static constexpr TimerId kRelistTimer = 7;    // a failed list, tried again
  static constexpr TimerId kRetryTimer = 8;     // retrySleepTime between update attempts
  static constexpr uint32_t kTagBit = 0x80000000u;  // the controller's tags; the elector's are below

  // upstream nodeStatusUpdateRetry and retrySleepTime.
  static constexpr int kUpdateAttempts = 5;
  static constexpr Duration kRetrySleep = milliseconds(20);

  NodeLifecycleController(std::string identity, LeaseId lease, NodeLifecycleConfig config);

  void on_start(const Now& now, Effects& out);
  void on_timer(TimerId timer, const Now& now, Effects& out);
  void on_response(const ApiResponse& response, const Now& now, Effects& out);
  void on_watch(const WatchDelivery& event, const Now& now, Effects& out);
  void on_stop(const Now& now, Effects& out);

  bool is_leader() const { return elector_.is_leader(); }
  bool running() const { return running_; }
  // The informer caches, as the monitor reads them (for tests and reports).
  std::optional<WallInstant> cached_renew_time(LeaseId lease) const {
    return lease < lease_renew_.size() ? lease_renew_[lease] : std::nullopt;
  }
  const Node* cached_node(NodeId node) const {
    return node < nodes_.size() && nodes_[node] ? &*nodes_[node] : nullptr;
  }
  const ClientGoElector& elector() const { return elector_; }
  const std::string& identity() const { return elector_.identity(); }
  uint64_t tag_origin() const { return elector_.tag_origin(); }
  std::optional<LocalInstant> backdate_floor() const { return elector_.backdate_floor(); }

  template <class H>
  void hash_into(H& h, const HashFrame& frame = HashFrame{}) const;
  bool operator==(const NodeLifecycleController&) const = default;

 private:
  // upstream nodeHealthData.
  struct Health {
    bool known = false;
    LocalInstant probe{};
    LocalInstant ready_transition{};
    NodeCondition saved_ready;                 // the Ready condition of the saved status
    std::optional<WallInstant> lease_renew;    // the saved Lease's renewTime (nullopt: no lease)
    bool operator==(const Health&) const = default;
  };
  // The node whose update the pass is waiting on.
  enum class Step : uint8_t { Idle, Updating, Getting, Sleeping };

  // Reacts to the elector's notes (appended to `out` from index `from` on).
  void after_elector(size_t from, const Now& now, Effects& out);
  void start_controller(const Now& now, Effects& out);
  void stop_controller();
  void send_list(ObjectKind kind, Effects& out);
  void maybe_start_monitor(const Now& now, Effects& out);
  uint32_t next_tag();

  // monitorNodeHealth.
  void begin_pass(const Now& now, Effects& out);
  void continue_pass(const Now& now, Effects& out);
  // tryUpdateNodeHealth for `node`; returns the updated object when a write is needed.
  std::optional<Node> try_update_health(const Node& node, const Now& now);
  void node_done(const Now& now, Effects& out);
  void end_pass(const Now& now, Effects& out);
  void handle_disruption(const Now& now);
  void send_node(Verb verb, std::optional<Node> body, NodeId id, Effects& out);
  void record_zone(const Node& node, std::optional<ConditionStatus> ready);

  ClientGoElector elector_;
  NodeLifecycleConfig config_;
  uint32_t next_tag_ = kTagBit | 1;
  bool running_ = false;            // leading, controller started
  bool nodes_synced_ = false;
  bool leases_synced_ = false;
  uint32_t list_nodes_tag_ = 0;     // 0: no list in flight
  uint32_t list_leases_tag_ = 0;
  bool monitor_started_ = false;
  // Informer caches, indexed by NodeId and LeaseId.
  std::vector<std::optional<Node>> nodes_;
  std::vector<std::optional<WallInstant>> lease_renew_;  // renewTime of each cached Lease
  std::vector<bool> lease_present_;
  std::vector<Health> health_;      // nodeHealthMap
  // The pass in progress.
  bool in_pass_ = false;
  NodeId pass_node_ = 0;            // the node being visited
  Step step_ = Step::Idle;
  uint32_t step_tag_ = 0;
  int attempt_ = 0;
  std::optional<Node> working_;     // the node object the current attempt started from
  // Zones: name -> state, and the pass's counts per zone (ready, not ready), sorted by name.
  struct Zone {
    Name name;
    ZoneState state = ZoneState::Initial;
    int64_t ready = 0;
    int64_t not_ready = 0;
    bool seen = false;  // has a node in this pass
    bool operator==(const Zone&) const = default;
  };
  std::vector<Zone> zones_;
};

}  // namespace leasesim
