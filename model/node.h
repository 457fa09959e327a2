// node.h: the v1 Node object as the simulated API server stores it (the parts node heartbeats
// and the node lifecycle controller read and write).
//
// Contract:
// - A Node is addressed inside the simulator by a NodeId, an index into the scenario's table of
//   node names (Scenario::node_names), as a Lease is by its LeaseId.
// - labels: `topology.kubernetes.io/zone` is `zone`; every other label (the kubelet's
//   --node-labels, model/kubelet_config.h) is in `labels`, which the node lifecycle controller
//   reads for node.kubernetes.io/exclude-disruption. Most nodes have none, and an empty
//   Labels costs nothing to copy (model/lease.h).
// - status.conditions: the four conditions the node lifecycle controller sets to Unknown
//   (Ready, MemoryPressure, DiskPressure, PIDPressure; upstream
//   pkg/controller/nodelifecycle/node_lifecycle_controller.go, tryUpdateNodeHealth), each with
//   status, reason, lastHeartbeatTime and lastTransitionTime. A condition the kubelet never
//   posted is absent (`present` false). Times are metav1.Time: whole seconds, as the API
//   server serialises them (lastHeartbeatTime therefore only changes once per second).
// - spec.taints: key, effect and timeAdded.
// - `lease` is the LeaseId of the node's Lease in kube-node-lease: simulator addressing (the real
//   link is the Lease's name and its ownerReference), never serialised.
// Leaves out: addresses, capacity, images, volumes, NetworkUnavailable, annotations, uid.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/hash.h"
#include "core/name.h"
#include "core/time.h"
#include "model/lease.h"

namespace leasesim {

using NodeId = uint32_t;

enum class ConditionType : uint8_t { Ready, MemoryPressure, DiskPressure, PIDPressure };
inline constexpr size_t kConditionCount = 4;
enum class ConditionStatus : uint8_t { True, False, Unknown };

const char* condition_type_name(ConditionType t);     // "Ready", "MemoryPressure", ...
const char* condition_status_name(ConditionStatus s); // "True", "False", "Unknown"

struct NodeCondition {
  bool present = false;
  ConditionStatus status = ConditionStatus::Unknown;
  Name reason;
  WallInstant last_heartbeat{};
  WallInstant last_transition{};
  bool operator==(const NodeCondition&) const = default;
};

enum class TaintEffect : uint8_t { NoSchedule, NoExecute };
const char* taint_effect_name(TaintEffect e);

struct Taint {
  Name key;  // node.kubernetes.io/unreachable or node.kubernetes.io/not-ready
  TaintEffect effect = TaintEffect::NoSchedule;
  WallInstant time_added{};
  bool operator==(const Taint&) const = default;
};

inline constexpr const char* kTaintUnreachable = "node.kubernetes.io/unreachable";
inline constexpr const char* kTaintNotReady = "node.kubernetes.io/not-ready";
// upstream node_lifecycle_controller.go, labelNodeDisruptionExclusion: a node carrying this
// label (any value) is left out of its zone's disruption state.
inline constexpr const char* kLabelExcludeDisruption = "node.kubernetes.io/exclude-disruption";

struct Node {
  NodeId id = 0;
  uint64_t resource_version = 0;  // 0 = no precondition (a patch), as for a Lease body
  Name zone;
  Labels labels;  // metadata.labels other than the zone
  LeaseId lease = 0;
  std::array<NodeCondition, kConditionCount> conditions{};
  std::vector<Taint> taints;

  const NodeCondition& condition(ConditionType t) const { return conditions[static_cast<size_t>(t)]; }
  NodeCondition& condition(ConditionType t) { return conditions[static_cast<size_t>(t)]; }
  // The Ready condition's status, or nullopt when the kubelet never posted one.
  std::optional<ConditionStatus> ready() const {
    const NodeCondition& c = condition(ConditionType::Ready);
    return c.present ? std::optional(c.status) : std::nullopt;
  }
  bool has_taint(std::string_view key, TaintEffect effect) const;
  // upstream isNodeExcludedFromDisruptionChecks: the label is present, whatever its value.
  // (The empty test first: most nodes have no labels, and the lookup builds a std::string.)
  bool excluded_from_disruption() const {
    return !labels.empty() && labels.find(kLabelExcludeDisruption) != labels.end();
  }

  bool operator==(const Node&) const = default;
  // Feeds every field to a Hasher or a StateHasher (instantiated for both in the .cc).
  template <class H>
  void hash_into(H& h, const HashFrame& frame = HashFrame{}) const;
};

}  // namespace leasesim
