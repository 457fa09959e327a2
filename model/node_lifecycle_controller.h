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
// - List, then watch, without a gap: a watch event that reaches the process while its list of
//   that kind is still on the way (the list was served, its answer not yet delivered) is kept
//   and applied after the list, when it is newer than the listed object, as a reflector's
//   watch from the list's resourceVersion delivers it (upstream client-go tools/cache
//   reflector.go, ListAndWatch). Dropping it lost a Node created just after the list for good:
//   the kubelet writes its Node again only on a change or after nodeStatusReportFrequency.
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
// - Nodes labelled node.kubernetes.io/exclude-disruption (any value; upstream
//   isNodeExcludedFromDisruptionChecks, called from monitorNodeHealth) are left out of the
//   pass's zone conditions: they count neither in their zone's state nor in its size for
//   setLimiterInZone, and a zone with only such nodes has no state (handleDisruption forgets
//   it; its tainting queue keeps the rate it had, even while the all-zones guard has stopped
//   every other zone's). They are still health-checked, tainted,
//   their pods marked and evicted, and the all-zones-disrupted guard still marks them
//   reachable (it walks every node).
// - Every request of the controller carries the elector's request timeout (a simplification:
//   kube-controller-manager's general client sets none, and relies on HTTP/2 health checks).
// - Taints, pods and eviction (model/node_taints.cc; docs/models/node-lifecycle-controller.md):
//     * after a node's successful health update the pass runs processTaintBaseEviction on the
//       OBSERVED Ready condition (the one before this pass's update): False or Unknown ->
//       markNodeForTainting in the zone's RateLimitedQueue (model/rate_limited_queue.h), or
//       an immediate swap when the node carries the opposite NoExecute taint; True ->
//       markNodeAsReachable (both NoExecute taints removed, node out of the queue);
//     * MarkPodsNotReady when this pass turned Ready from True to not True, or when the node is
//       in nodesToRetry and not Ready; a failed MarkPodsNotReady puts it in nodesToRetry, an
//       in-memory set lost when the controller stops leading (incident: pods never marked
//       NotReady after a failover);
//     * doNoExecuteTaintingPass every 100 ms: each zone's queue, in zone name order, takes
//       nodes while its limiter gives tokens; a taken node gets the NoExecute taint of its
//       cached Ready condition (not-ready for False, unreachable for Unknown; none when Ready);
//     * doNoScheduleTaintingPass whenever the Node informer delivers a node (list or watch):
//       the NoSchedule taint of its Ready condition, not rate limited;
//     * handleDisruption sets each zone's limiter (setLimiterInZone): Normal and
//       FullDisruption -> nodeEvictionRate, PartialDisruption -> secondaryNodeEvictionRate
//       above largeClusterSizeThreshold nodes, else 0; when EVERY zone becomes fully disrupted,
//       every node is marked reachable and every limiter set to 0; when that ends, probe
//       timestamps are reset and limiters follow the new states;
//     * the taint eviction controller (pkg/controller/tainteviction/taint_eviction.go) runs in
//       the leader: when the informer shows a node with a NoExecute taint, its pods are due at
//       now + defaultUnreachableTolerationSeconds (the pods' default toleration, 300 s, for both
//       taints); an earlier schedule is kept when the taint swaps; no NoExecute taint cancels
//       it. Due pods are deleted (up to 5 attempts).
//   Taint and pod writes go through one worker lane, one request at a time, in FIFO order,
//   beside the pass (upstream uses several goroutines). A taint write starts from the cached
//   node and carries its resourceVersion; a Conflict GETs the node and tries again, up to 5
//   attempts; another failure drops it (a NoExecute node is queued again).
// NodeLifecycleCore is the controller; NodeLifecycleController, the process model, holds it in a
// copy-on-write block so that model slots stay small (below).
// Leaves out (not yet modelled): the pod and DaemonSet informers (the pods of a node
// are a count in the API server, sim/node_store.h), the pod worker that marks newly bound pods
// NotReady, NoSchedule taints of the pressure conditions; a node's creationTimestamp (first
// sight counts from now instead). A node whose health update failed is still counted in its
// zone (upstream leaves it out of zoneToNodeConditions), but gets no taint or pod processing.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cow.h"
#include "core/hash.h"
#include "model/api.h"
#include "model/client_go_elector.h"
#include "model/effects.h"
#include "model/node.h"
#include "model/node_lifecycle_config.h"
#include "model/rate_limited_queue.h"

namespace leasesim {

enum class ZoneState : uint8_t { Initial, Normal, FullDisruption, PartialDisruption };
const char* zone_state_name(ZoneState s);

// The ready counts of one zone in one pass -> its state (upstream ComputeZoneState).
ZoneState compute_zone_state(int64_t ready, int64_t not_ready, int64_t unhealthy_threshold_ppb);

// The controller's state and code. Process models hold it through NodeLifecycleController (below).
class NodeLifecycleCore {
 public:
  static constexpr TimerId kMonitorTimer = 6;   // the next monitorNodeHealth pass
  static constexpr TimerId kRelistTimer = 7;    // a failed list, tried again
  static constexpr TimerId kRetryTimer = 8;     // retrySleepTime between update attempts
  static constexpr TimerId kTaintTimer = 9;     // the next doNoExecuteTaintingPass
  static constexpr TimerId kEvictTimer = 10;    // the earliest scheduled pod eviction
  static constexpr Duration kTaintPassPeriod = milliseconds(100);
  static constexpr uint32_t kTagBit = 0x80000000u;  // the controller's tags; the elector's are below

  // upstream nodeStatusUpdateRetry and retrySleepTime.
  static constexpr int kUpdateAttempts = 5;
  static constexpr Duration kRetrySleep = milliseconds(20);

  NodeLifecycleCore(std::string identity, LeaseId lease, NodeLifecycleConfig config);

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
  // The state handleDisruption last gave `zone`; nullopt for a zone with no state (none of its
  // nodes counted in the last pass, or no pass yet). For tests and reports.
  std::optional<ZoneState> zone_state(std::string_view zone) const;
  const ClientGoElector& elector() const { return elector_; }
  const std::string& identity() const { return elector_.identity(); }
  uint64_t tag_origin() const { return elector_.tag_origin(); }
  std::optional<LocalInstant> backdate_floor() const { return elector_.backdate_floor(); }

  template <class H>
  void hash_into(H& h, const HashFrame& frame = HashFrame{}) const;
  bool operator==(const NodeLifecycleCore&) const = default;

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
  void handle_disruption(const Now& now, Effects& out);
  void send_node(Verb verb, std::optional<Node> body, NodeId id, Effects& out);
  void record_zone(const Node& node, std::optional<ConditionStatus> ready);

  // Taints, pods and eviction (model/node_taints.cc).
  enum class JobKind : uint8_t { NoSchedule, NoExecute, Reachable, MarkPods, Evict };
  struct Job {
    JobKind kind = JobKind::NoSchedule;
    NodeId node = 0;
    bool operator==(const Job&) const = default;
  };
  // After a successful tryUpdateNodeHealth: taints and MarkPodsNotReady for `node`.
  void process_node(const Node& node, std::optional<ConditionStatus> observed, std::optional<ConditionStatus> current,
                    const Now& now, Effects& out);
  void process_taint_based_eviction(const Node& node, ConditionStatus observed, const Now& now, Effects& out);
  void mark_for_tainting(const Node& node, ConditionStatus status, const Now& now);
  void mark_reachable(const Node& node, Effects& out, const Now& now);
  RateLimitedQueue& tainter(const Name& zone, const Now& now);
  void set_limiter(const Name& zone, int64_t size, ZoneState state, const Now& now);
  void tainting_pass(const Now& now, Effects& out);
  // The informer delivered `id`: NoSchedule reconciliation and the taint eviction schedule.
  void on_node_cached(NodeId id, const Now& now, Effects& out);
  void schedule_eviction_timer(const Now& now, Effects& out);
  void evict_due(const Now& now, Effects& out);
  void enqueue(JobKind kind, NodeId node, const Now& now, Effects& out);
  void pump_jobs(const Now& now, Effects& out);
  // The job's write from `base`; nullopt when the node needs no change.
  std::optional<Node> job_body(const Job& job, const Node& base, const Now& now) const;
  void job_response(const ApiResponse& response, const Now& now, Effects& out);
  void job_done(const Now& now, Effects& out);
  void hash_taints(Hasher& h, const HashFrame& frame) const;
  void hash_taints(StateHasher& h, const HashFrame& frame) const;
  template <class H>
  void hash_taints_impl(H& h, const HashFrame& frame) const;
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
  // Watch events that arrived while a list of their kind was in flight, in arrival order
  // (applied after the list: see the contract).
  struct EarlyLease {
    LeaseId id = 0;
    bool present = false;              // false: deleted
    uint64_t rv = 0;
    std::optional<WallInstant> renew;
    bool operator==(const EarlyLease&) const = default;
  };
  struct EarlyNode {
    NodeId id = 0;
    std::optional<Node> node;          // nullopt: deleted
    bool operator==(const EarlyNode&) const = default;
  };
  std::vector<EarlyNode> early_nodes_;
  std::vector<EarlyLease> early_leases_;
  void apply_early_nodes(const std::vector<Node>& listed);
  void apply_early_leases(const std::vector<Lease>& listed);
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
  // Where `zone` is in a list sorted by zone name (zones_, tainters_): its entry, or the place a
  // new one goes. A cluster has a few zones and every node of a pass looks its own up; names are
  // interned, so up to 16 entries are scanned by identity before an ordered search by characters.
  template <class List, class NameOf>
  static auto zone_place(List& list, const Name& zone, NameOf name_of) {
    auto it = list.end();
    if (list.size() <= 16) it = std::find_if(list.begin(), list.end(), [&](const auto& e) { return name_of(e) == zone; });
    if (it == list.end())
      it = std::lower_bound(list.begin(), list.end(), zone, [&](const auto& e, const Name& n) { return name_of(e).str() < n.str(); });
    return it;
  }
  // Taints, pods and eviction.
  std::vector<RateLimitedQueue> tainters_;  // zoneNoExecuteTainter, sorted by zone name
  std::vector<NodeId> nodes_to_retry_;      // nodesToRetry, sorted
  std::vector<Job> jobs_;                   // the worker lane's FIFO; the front is in flight
  bool job_in_flight_ = false;
  uint32_t job_tag_ = 0;
  bool job_getting_ = false;                // the in-flight request is the GET after a Conflict
  int job_attempt_ = 0;
  std::optional<Node> job_base_;            // the node a retried taint write starts from
  std::vector<bool> no_schedule_queued_;    // by NodeId: a NoSchedule job is waiting
  std::vector<std::optional<LocalInstant>> evict_at_;  // by NodeId: when its pods are due
  std::optional<LocalInstant> evict_timer_at_;         // when kEvictTimer fires
};

// The node lifecycle controller's process model: a NodeLifecycleCore in a copy-on-write block
// (core/cow.h). A process's model slot is a variant as large as its largest alternative
// (model/process_model.h), and this controller's 1.7 KB would make each of a 65,000-node
// cluster's kubelet slots that large (docs/nodes.md "Scale"). Copies share the core until one
// of them reacts; equality and hashing are the core's, so World fingerprints do not change.
class NodeLifecycleController {
 public:
  using Core = NodeLifecycleCore;
  static constexpr TimerId kMonitorTimer = Core::kMonitorTimer;
  static constexpr TimerId kRelistTimer = Core::kRelistTimer;
  static constexpr TimerId kRetryTimer = Core::kRetryTimer;
  static constexpr TimerId kTaintTimer = Core::kTaintTimer;
  static constexpr TimerId kEvictTimer = Core::kEvictTimer;
  static constexpr Duration kTaintPassPeriod = Core::kTaintPassPeriod;
  static constexpr uint32_t kTagBit = Core::kTagBit;
  static constexpr int kUpdateAttempts = Core::kUpdateAttempts;
  static constexpr Duration kRetrySleep = Core::kRetrySleep;

  NodeLifecycleController(std::string identity, LeaseId lease, NodeLifecycleConfig config)
      : core_(Core(std::move(identity), lease, std::move(config))) {}

  void on_start(const Now& now, Effects& out) { core_.mut().on_start(now, out); }
  void on_timer(TimerId timer, const Now& now, Effects& out) { core_.mut().on_timer(timer, now, out); }
  void on_response(const ApiResponse& response, const Now& now, Effects& out) {
    core_.mut().on_response(response, now, out);
  }
  void on_watch(const WatchDelivery& event, const Now& now, Effects& out) { core_.mut().on_watch(event, now, out); }
  void on_stop(const Now& now, Effects& out) { core_.mut().on_stop(now, out); }

  bool is_leader() const { return core_->is_leader(); }
  bool running() const { return core_->running(); }
  std::optional<WallInstant> cached_renew_time(LeaseId lease) const { return core_->cached_renew_time(lease); }
  const Node* cached_node(NodeId node) const { return core_->cached_node(node); }
  std::optional<ZoneState> zone_state(std::string_view zone) const { return core_->zone_state(zone); }
  const ClientGoElector& elector() const { return core_->elector(); }
  const std::string& identity() const { return core_->identity(); }
  uint64_t tag_origin() const { return core_->tag_origin(); }
  std::optional<LocalInstant> backdate_floor() const { return core_->backdate_floor(); }

  template <class H>
  void hash_into(H& h, const HashFrame& frame = HashFrame{}) const {
    core_->hash_into(h, frame);
  }
  bool operator==(const NodeLifecycleController&) const = default;

 private:
  Cow<Core> core_;
};

}  // namespace leasesim
