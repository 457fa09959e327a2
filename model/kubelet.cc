// kubelet.cc: the kubelet's node heartbeats, step by step (see the header; upstream
// pkg/kubelet/kubelet_node_status.go and the shared lease controller).
#include "model/kubelet.h"

#include <algorithm>

#include "core/check.h"

namespace leasesim {
namespace {

// registerWithAPIServer's backoff: 100 ms, doubling, capped at 7 s.
constexpr Duration kRegisterFirstBackoff = milliseconds(100);
constexpr Duration kRegisterMaxBackoff = seconds(7);

LeaseHeartbeatConfig heartbeat_config(const Name& identity, LeaseId lease, const KubeletConfig& c) {
  LeaseHeartbeatConfig h;
  h.lease = lease;
  h.holder_identity = identity;
  h.lease_duration_seconds = c.node_lease_duration_seconds;
  h.renew_interval = c.renew_interval();
  h.request_timeout = c.request_timeout();
  h.timer_base = Kubelet::kHeartbeatTimerBase;
  h.tag = Kubelet::kHeartbeatTag;
  return h;
}

}  // namespace

Kubelet::Kubelet(std::string identity, LeaseId lease, KubeletConfig config)
    : identity_(identity), config_(std::move(config)), heartbeat_(heartbeat_config(identity_, lease, config_)) {}

bool Kubelet::Hooks::post_process(Lease& /*lease*/, const Now& /*now*/) const {
  // setNodeOwnerFunc: the owner reference names the Node, which must exist (upstream GETs it;
  // here the kubelet knows whether it registered). Until then the lease is not created.
  return k_.registered_;
}

void Kubelet::Hooks::on_repeated_failure(const Now& /*now*/, Effects& /*out*/) const {
  // kl.onRepeatedHeartbeatFailure closes every connection of the client; with no connections
  // modelled, the call is only counted.
  ++k_.repeated_failures_;
}

void Kubelet::on_start(const Now& now, Effects& out) {
  // The node lease controller and the status loop both start with the kubelet.
  heartbeat_.start(now, Hooks(*this), out);
  sync_node_status(now, out);
}

void Kubelet::on_stop(const Now& /*now*/, Effects& out) {
  // A graceful stop ends both loops; the process exits.
  heartbeat_.stop(out);
  step_ = Step::Stopped;
  out.cancel_timer(kStatusTimer);
  out.cancel_timer(kRegisterTimer);
  out.note(NoteKind::Exited, 0);
}

void Kubelet::on_timer(TimerId timer, const Now& now, Effects& out) {
  if (step_ == Step::Stopped) return;
  if (heartbeat_.owns_timer(timer)) {
    heartbeat_.on_timer(timer, now, Hooks(*this), out);
    return;
  }
  if (timer == kStatusTimer && step_ == Step::Idle) sync_node_status(now, out);
  if (timer == kRegisterTimer && step_ == Step::Registering) register_node(now, out);
}

void Kubelet::sync_node_status(const Now& now, Effects& out) {
  if (!registered_) {
    step_ = Step::Registering;
    register_backoff_ = Duration{};
    register_node(now, out);
    return;
  }
  attempt_ = 0;
  status_attempt(out);
}

void Kubelet::register_node(const Now& now, Effects& out) {
  step_ = Step::Registering;
  send(Verb::Create, initial_node(now), out);
}

Node Kubelet::initial_node(const Now& now) const {
  Node node;
  node.id = config_.node;
  node.zone = Name(config_.zone);
  node.labels = config_.labels;  // --node-labels are set at registration
  node.lease = heartbeat_.config().lease;
  set_node_status(node, now);
  return node;
}

bool Kubelet::set_node_status(Node& node, const Now& now) const {
  // The kubelet's condition setters: Ready True (the runtime and network are always ready here)
  // and no pressure. A condition's transition time moves only when its status changes; every
  // condition gets lastHeartbeatTime = now.
  bool changed = false;
  for (size_t i = 0; i < kConditionCount; ++i) {
    const auto type = static_cast<ConditionType>(i);
    const ConditionStatus want = type == ConditionType::Ready ? ConditionStatus::True : ConditionStatus::False;
    // Interned once: making a Name looks its text up under the table's mutex (core/name.h),
    // which a step should not do, and this runs for every node every status period.
    static const Name kReady("KubeletReady"), kMemory("KubeletHasSufficientMemory"),
        kDisk("KubeletHasNoDiskPressure"), kPid("KubeletHasSufficientPID");
    const Name& reason = type == ConditionType::Ready            ? kReady
                         : type == ConditionType::MemoryPressure ? kMemory
                         : type == ConditionType::DiskPressure   ? kDisk
                                                                 : kPid;
    NodeCondition& c = node.condition(type);
    if (!c.present || c.status != want) {
      changed = true;
      c.present = true;
      c.status = want;
      c.last_transition = now.wall;
    }
    if (c.reason != reason) changed = true;
    c.reason = reason;
    c.last_heartbeat = now.wall;
  }
  return changed;
}

void Kubelet::status_attempt(Effects& out) {
  // tryUpdateNodeStatus: GET the Node first.
  step_ = Step::StatusGet;
  send(Verb::Get, std::nullopt, out);
}

void Kubelet::status_done(Effects& out) {
  // wait.Until: the next sync a full period after this one returned.
  step_ = Step::Idle;
  out.set_timer(kStatusTimer, config_.node_status_update_frequency);
}

void Kubelet::send(Verb verb, std::optional<Node> body, Effects& out) {
  ApiRequest request;
  request.tag = next_tag_;
  next_tag_ = next_tag_ == UINT32_MAX ? 2 : next_tag_ + 1;
  request.verb = verb;
  request.kind = ObjectKind::Node;
  request.node = config_.node;
  request.node_body = std::move(body);
  request.timeout = config_.request_timeout();
  step_tag_ = request.tag;
  out.call(std::move(request));
}

void Kubelet::on_response(const ApiResponse& response, const Now& now, Effects& out) {
  if (step_ == Step::Stopped) return;
  if (heartbeat_.owns_tag(response.tag)) {
    heartbeat_.on_response(response, now, Hooks(*this), out);
    return;
  }
  if (response.tag != step_tag_ || step_tag_ == 0) return;
  step_tag_ = 0;
  const bool ok = response.result == ApiResult::Ok;
  switch (step_) {
    case Step::Registering:
      if (ok) {
        registered_ = true;
        last_report_ = now.mono;  // the created Node carries a fresh status
        status_done(out);
        return;
      }
      if (response.result == ApiResult::Conflict) {
        // AlreadyExists: the kubelet reads the existing Node and reconciles it; here that is
        // the status update that follows at once.
        registered_ = true;
        attempt_ = 0;
        status_attempt(out);
        return;
      }
      register_backoff_ = register_backoff_.ns == 0 ? kRegisterFirstBackoff : register_backoff_ * 2;
      if (register_backoff_ > kRegisterMaxBackoff) register_backoff_ = kRegisterMaxBackoff;
      out.set_timer(kRegisterTimer, register_backoff_);
      return;
    case Step::StatusGet: {
      if (!ok || !response.node) break;
      Node node = *response.node;
      const bool changed = set_node_status(node, now);
      const bool due = !last_report_ || now.mono - *last_report_ >= config_.node_status_report_frequency;
      if (!changed && !due) {
        status_done(out);
        return;
      }
      // PATCH: no resourceVersion precondition.
      node.resource_version = 0;
      step_ = Step::StatusPatch;
      send(Verb::Update, std::move(node), out);
      return;
    }
    case Step::StatusPatch:
      if (ok) {
        last_report_ = now.mono;
        status_done(out);
        return;
      }
      break;
    default:
      return;
  }
  // A failed attempt: the next one at once, up to nodeStatusUpdateRetry.
  if (++attempt_ >= kStatusAttempts) {
    status_done(out);
    return;
  }
  status_attempt(out);
}

template <class H>
void Kubelet::hash_into(H& h, const HashFrame& frame) const {
  heartbeat_.hash_into(h, frame);
  h.u64(static_cast<uint64_t>(step_) | (static_cast<uint64_t>(registered_) << 8) |
        (static_cast<uint64_t>(attempt_) << 16) | (static_cast<uint64_t>(last_report_.has_value()) << 24));
  h.u64(frame.tag(step_tag_)).i64(register_backoff_.ns);
  // The counters only grow: the canonical frame leaves them out, as the elector's next tag.
  if (!frame.canonical) h.u64(next_tag_).u64(repeated_failures_);
  if (last_report_) h.i64(frame.at(*last_report_));
}

template void Kubelet::hash_into(Hasher&, const HashFrame&) const;
template void Kubelet::hash_into(StateHasher&, const HashFrame&) const;

}  // namespace leasesim
