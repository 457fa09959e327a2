// node_store.h: the simulated API server's v1 Node objects, next to its Leases.
//
// Contract:
// - One slot per NodeId (Scenario::node_names); every committed write takes the next value of
//   the API server's one cluster-wide resourceVersion counter (passed in), as a Lease write does.
// - get: 404 when absent. list: every Node, by NodeId. create: 409 AlreadyExists when present.
// - update: 404 when absent; a body with a resourceVersion must match the stored one (409
//   Conflict otherwise; the node lifecycle controller's UpdateStatus); a body without one is a
//   patch and always applies (the kubelet's status PATCH, upstream
//   pkg/kubelet/kubelet_node_status.go tryUpdateNodeStatus, which PATCHes without a
//   precondition). The body replaces the whole object: callers send what they read plus their
//   change, which for a patch of the conditions the kubelet owns is the same thing.
// - condition and taint times are metav1.Time: truncated to whole seconds on write.
// - A patch (no resourceVersion) is the kubelet's status PATCH: it leaves spec.taints as stored
//   (a strategic merge of status does not touch the spec), so a kubelet never erases a taint
//   the node lifecycle controller added between its GET and its PATCH.
// - Pods (request kind Pod, addressed by the NodeId they are bound to): a compact group per
//   node, not API objects: how many are bound (the kubelet's `pods`, from the start of the run),
//   how many are marked Ready=False and how many were deleted. Update marks every remaining
//   pod of the node NotReady (upstream MarkPodsNotReady sends one UpdateStatus per pod; one
//   request for the group here); Delete deletes every remaining pod (the taint eviction
//   controller deletes each pod whose toleration expired; all pods here carry the same default
//   toleration, so they expire together). Both succeed with pod_count = the pods changed; a
//   Pod write takes no resourceVersion (pods are not watched in the model).
// Leaves out: delete (nothing in the modelled subsystems deletes a Node), validation, the
// status subresource split (status and spec writes are one update here).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/cow.h"
#include "core/hash.h"
#include "model/api.h"
#include "model/node.h"

namespace leasesim {

struct NodeOutcome {
  ApiResponse response;
  bool committed = false;
  std::optional<Node> before;  // the stored object before a committed write
  std::optional<Node> after;
};

// The pods bound to one node (see the contract above).
struct PodGroup {
  int64_t bound = 0;
  int64_t not_ready = 0;  // of the remaining pods, how many are marked Ready=False
  int64_t evicted = 0;
  int64_t remaining() const { return bound - evicted; }
  bool operator==(const PodGroup&) const = default;
};

class NodeStore {
 public:
  NodeStore(const std::vector<std::string>& names, const std::vector<int64_t>& pods);

  NodeOutcome handle(const ApiRequest& request, uint64_t& resource_version);
  // A request of kind Pod: committed when it changed some pod.
  NodeOutcome handle_pods(const ApiRequest& request);
  const PodGroup& pods(NodeId id) const { return pods_->at(id); }
  const std::optional<Node>& node(NodeId id) const { return store_->at(id); }
  size_t size() const { return store_->size(); }
  const std::string& name(NodeId id) const { return names_->at(id); }

  template <class H>
  void hash_into(H& h, const HashFrame& frame) const;
  bool operator==(const NodeStore&) const = default;

 private:
  using Store = std::vector<std::optional<Node>>;
  static uint64_t store_digest(const Store& store);
  CowSlot<Store> store_;
  Cow<std::vector<PodGroup>> pods_;
  Cow<std::vector<std::string>> names_;
};

}  // namespace leasesim
