// node_store.cc: see node_store.h for the contract.
#include "sim/node_store.h"

#include "core/check.h"
#include "sim/api_failure.h"

namespace leasesim {
namespace {

// metav1.Time keeps whole seconds.
void truncate_node_times(Node& node) {
  for (NodeCondition& c : node.conditions) {
    c.last_heartbeat = truncate_to_seconds(c.last_heartbeat);
    c.last_transition = truncate_to_seconds(c.last_transition);
  }
  for (Taint& t : node.taints) t.time_added = truncate_to_seconds(t.time_added);
}

}  // namespace

NodeStore::NodeStore(const std::vector<std::string>& names, const std::vector<int64_t>& pods) : names_(names) {
  store_.emplace_from([&] { return Store(names.size()); });
  std::vector<PodGroup> groups(names.size());
  for (size_t i = 0; i < groups.size() && i < pods.size(); ++i) groups[i].bound = pods[i];
  pods_ = Cow<std::vector<PodGroup>>(std::move(groups));
}

NodeOutcome NodeStore::handle_pods(const ApiRequest& request) {
  NodeOutcome out;
  out.response.tag = request.tag;
  out.response.verb = request.verb;
  LS_CHECK(request.node < pods_->size(), "pod request for an unknown NodeId");
  const PodGroup& g = (*pods_)[request.node];
  int64_t changed = 0;
  if (request.verb == Verb::Update) {
    changed = g.remaining() - g.not_ready;
    if (changed > 0) pods_.mut()[request.node].not_ready = g.remaining();
  } else if (request.verb == Verb::Delete) {
    changed = g.remaining();
    if (changed > 0) {
      PodGroup& m = pods_.mut()[request.node];
      m.evicted = m.bound;
      m.not_ready = 0;
    }
  } else {
    out.response.result = ApiResult::Invalid;
    out.response.message = "only update (MarkPodsNotReady) and delete (eviction) of pods are modelled";
    return out;
  }
  out.committed = changed > 0;
  out.response.pod_count = static_cast<uint32_t>(changed);
  return out;
}

NodeOutcome NodeStore::handle(const ApiRequest& request, uint64_t& resource_version) {
  NodeOutcome out;
  out.response.tag = request.tag;
  out.response.verb = request.verb;
  if (request.verb == Verb::List) {
    for (const std::optional<Node>& n : *store_)
      if (n) out.response.node_items.push_back(*n);
    return out;
  }
  LS_CHECK(request.node < store_->size(), "request for an unknown NodeId");
  const std::optional<Node>& stored = (*store_)[request.node];
  // The object's name for failure messages, built only for a failure (a GET per kubelet every
  // 10 s succeeds: bench/nodes_bench.cc).
  const auto what = [&] { return "nodes \"" + names_->at(request.node) + "\""; };
  auto commit = [&](Node after) {
    out.committed = true;
    out.before = stored;
    after.id = request.node;
    after.resource_version = ++resource_version;
    truncate_node_times(after);
    out.after = after;
    out.response.node = after;
    store_.mut()[request.node] = std::move(after);
  };
  switch (request.verb) {
    case Verb::Get:
      if (!stored) out.response = api_failure(request, ApiResult::NotFound, what() + " not found");
      else out.response.node = stored;
      return out;
    case Verb::Create:
      LS_CHECK(request.node_body.has_value(), "node create without a body");
      if (stored) out.response = api_failure(request, ApiResult::Conflict, what() + " already exists");
      else commit(*request.node_body);
      return out;
    case Verb::Update:
      LS_CHECK(request.node_body.has_value(), "node update without a body");
      if (!stored) {
        out.response = api_failure(request, ApiResult::NotFound, what() + " not found");
      } else if (request.node_body->resource_version != 0 &&
                 request.node_body->resource_version != stored->resource_version) {
        out.response = api_failure(request, ApiResult::Conflict,
                                    "Operation cannot be fulfilled on " + what() +
                                        ": the object has been modified; please apply your changes to the latest "
                                        "version and try again");
      } else if (request.node_body->resource_version == 0) {
        // The kubelet's status PATCH leaves the spec (taints) as stored.
        Node patched = *request.node_body;
        patched.taints = stored->taints;
        commit(std::move(patched));
      } else {
        commit(*request.node_body);
      }
      return out;
    case Verb::Delete:
      out.response = api_failure(request, ApiResult::Invalid, "deleting a Node is not modelled");
      return out;
    case Verb::List:
      break;
  }
  LS_CHECK(false, "unhandled verb");
  return out;
}

uint64_t NodeStore::store_digest(const Store& store) {
  StateHasher h;
  for (const auto& n : store) {
    h.boolean(n.has_value());
    if (n) n->hash_into(h);
  }
  return h.digest();
}

template <class H>
void NodeStore::hash_into(H& h, const HashFrame& frame) const {
  for (const PodGroup& g : *pods_)
    if (g.not_ready != 0 || g.evicted != 0) h.u64(static_cast<uint64_t>(&g - pods_->data())).i64(g.not_ready).i64(g.evicted);
  if (!frame.canonical) {
    h.u64(store_.digest(&NodeStore::store_digest));
    return;
  }
  for (const auto& n : *store_) {
    h.boolean(n.has_value());
    if (n) n->hash_into(h, frame);
  }
}

template void NodeStore::hash_into(Hasher&, const HashFrame&) const;
template void NodeStore::hash_into(StateHasher&, const HashFrame&) const;

}  // namespace leasesim
