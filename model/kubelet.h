// kubelet.h: the kubelet of one node, as far as node heartbeats go (docs/models/kubelet.md).
//
// Contract (upstream pkg/kubelet/kubelet.go, kubelet_node_status.go, cmd/kubelet/app/server.go):
// - Two health signals, both through the heartbeat client (no client rate limit, a per-request
//   timeout of min(nodeStatusUpdateFrequency, lease duration)):
//   1. the node Lease kube-node-lease/<node name>, kept by the shared heartbeat controller
//      (model/lease_heartbeat_controller.h) with duration nodeLeaseDurationSeconds, renewed
//      every quarter of it (+4 % jitter, sliding); renewTime is the kubelet's wall clock. The
//      owner-reference hook (set the Node as owner) fails until the kubelet has seen its Node
//      exist, which blocks the lease's creation, as upstream's GET of the Node does at
//      bootstrap. onRepeatedHeartbeatFailure closes the client's connections: there are no
//      connections in the simulator, so it is counted and has no other effect;
//   2. the Node's status: syncNodeStatus every nodeStatusUpdateFrequency (wait.Until: sliding,
//      no jitter). It first registers the Node (registerWithAPIServer: CREATE with the zone
//      label and the initial status; AlreadyExists counts as registered; other errors retry
//      after 100 ms, doubling, capped at 7 s), then updateNodeStatus: up to 5 attempts
//      (nodeStatusUpdateRetry) of tryUpdateNodeStatus = GET the Node, set Ready=True and the
//      three pressure conditions False with lastHeartbeatTime = wall now, and PATCH it when
//      the status changed (heartbeat times aside) or nodeStatusReportFrequency has passed since
//      the last report.
// - Every restart is a fresh kubelet: no cached lease, no last report time.
// Leaves out: real node conditions (the runtime is always ready, no pressure), pods' own status,
//   the node's addresses, capacity and images, the random delay newer kubelets add to the
//   report period after a status change, node shutdown manager.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/hash.h"
#include "model/api.h"
#include "model/effects.h"
#include "model/kubelet_config.h"
#include "model/lease_heartbeat_controller.h"
#include "model/node.h"

namespace leasesim {

class Kubelet {
 public:
  static constexpr TimerId kHeartbeatTimerBase = 1;  // the heartbeat controller's timers 1 and 2
  static constexpr TimerId kStatusTimer = 3;         // the next syncNodeStatus
  static constexpr TimerId kRegisterTimer = 4;       // registerWithAPIServer's backoff
  static constexpr uint32_t kHeartbeatTag = 1;
  // upstream nodeStatusUpdateRetry.
  static constexpr int kStatusAttempts = 5;

  Kubelet(std::string identity, LeaseId lease, KubeletConfig config);

  void on_start(const Now& now, Effects& out);
  void on_timer(TimerId timer, const Now& now, Effects& out);
  void on_response(const ApiResponse& response, const Now& now, Effects& out);
  void on_stop(const Now& now, Effects& out);

  // A kubelet never leads a Lease.
  bool is_leader() const { return false; }
  const std::string& identity() const { return identity_.str(); }
  const KubeletConfig& config() const { return config_; }
  const LeaseHeartbeatController& heartbeat() const { return heartbeat_; }
  uint64_t repeated_heartbeat_failures() const { return repeated_failures_; }
  uint64_t tag_origin() const { return next_tag_; }
  std::optional<LocalInstant> backdate_floor() const { return std::nullopt; }

  template <class H>
  void hash_into(H& h, const HashFrame& frame = HashFrame{}) const;
  bool operator==(const Kubelet&) const = default;

 private:
  enum class Step : uint8_t { Idle, Registering, RegisterGet, StatusGet, StatusPatch, Stopped };

  // The heartbeat controller's hooks: the owner reference needs the Node to exist; a repeated
  // failure is counted (closing connections has no other effect here).
  class Hooks final : public LeaseHeartbeatHooks {
   public:
    explicit Hooks(Kubelet& k) : k_(k) {}
    bool post_process(Lease& lease, const Now& now) const override;
    bool has_repeated_failure() const override { return true; }
    void on_repeated_failure(const Now& now, Effects& out) const override;

   private:
    Kubelet& k_;
  };

  void sync_node_status(const Now& now, Effects& out);
  void register_node(const Now& now, Effects& out);
  void status_attempt(Effects& out);
  void status_done(Effects& out);
  Node initial_node(const Now& now) const;
  // setNodeStatus: the kubelet's conditions on `node`; true when the status changed (heartbeat
  // times aside).
  bool set_node_status(Node& node, const Now& now) const;
  void send(Verb verb, std::optional<Node> body, Effects& out);

  Name identity_;
  KubeletConfig config_;
  LeaseHeartbeatController heartbeat_;
  Step step_ = Step::Idle;
  uint32_t next_tag_ = 2;
  uint32_t step_tag_ = 0;
  bool registered_ = false;
  Duration register_backoff_{};
  int attempt_ = 0;
  std::optional<LocalInstant> last_report_;  // lastStatusReportTime (monotonic: Go's time.Since)
  uint64_t repeated_failures_ = 0;
};

}  // namespace leasesim
