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

class NodeStore {
 public:
  explicit NodeStore(const std::vector<std::string>& names);

  NodeOutcome handle(const ApiRequest& request, uint64_t& resource_version);
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
  Cow<std::vector<std::string>> names_;
};

}  // namespace leasesim
