// api_server.cc: see api_server.h for the contract.
#include "sim/api_server.h"

#include <algorithm>
#include <cstdio>

#include "core/check.h"
#include "sim/api_failure.h"

namespace leasesim {
namespace {

void truncate_times(LeaseSpec& spec) {
  // MicroTime: the server keeps microseconds (docs/models/client-go-elector.md section 4, "Precision").
  if (spec.acquire_time) spec.acquire_time = truncate_to_micros(*spec.acquire_time);
  if (spec.renew_time) spec.renew_time = truncate_to_micros(*spec.renew_time);
}

// A uid in the 8-4-4-4-12 form of a UUID, for messages: a counter value, so the digits are its
// hexadecimal form, zero-padded.
std::string uid_text(uint64_t uid) {
  if (uid == 0) return "";
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-0000-%04llx-%012llx", static_cast<unsigned long long>(uid >> 48),
                static_cast<unsigned long long>(uid & 0xffffffffffffull));
  return buf;
}

// Whether "namespace/name" lies in `ns`.
bool in_namespace(const std::string& key, const std::string& ns) {
  return key.size() > ns.size() && key.compare(0, ns.size(), ns) == 0 && key[ns.size()] == '/';
}

bool labels_match(const Labels& labels, const Labels& selector) {
  for (const auto& [k, v] : selector) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  return true;
}

}  // namespace

ApiServer::ApiServer(const Scenario& scenario)
    : conflict_check_(scenario.api_server.conflict_check), nodes_(scenario.node_names, scenario.node_pods) {
  store_.emplace_from([&] { return Store(scenario.lease_keys.size()); });
  Keys& keys = keys_.mut();
  keys.names = scenario.lease_keys;
  for (LeaseId id = 0; id < keys.names.size(); ++id) keys.order.push_back(id);
  std::sort(keys.order.begin(), keys.order.end(),
            [&](LeaseId a, LeaseId b) { return keys.names[a] < keys.names[b]; });
  for (const InitialLease& initial : scenario.leases) {
    Lease lease;
    lease.id = initial.id;
    lease.labels = initial.labels;
    lease.spec = initial.spec;
    truncate_times(lease.spec);
    lease.resource_version = ++resource_version_;
    lease.uid = lease.resource_version;
    store_.mut().at(initial.id) = std::move(lease);
  }
}

std::optional<std::string> ApiServer::validate(const LeaseSpec& spec) {
  // The Lease validation of kube-apiserver (docs/models/client-go-elector.md section 4, last bullet).
  if (spec.lease_duration_seconds && *spec.lease_duration_seconds <= 0)
    return "spec.leaseDurationSeconds: Invalid value: " + std::to_string(*spec.lease_duration_seconds) +
           ": must be greater than 0";
  if (spec.lease_transitions && *spec.lease_transitions < 0)
    return "spec.leaseTransitions: Invalid value: " + std::to_string(*spec.lease_transitions) +
           ": must be greater than or equal to 0";
  if (spec.preferred_holder && !spec.preferred_holder->empty() && (!spec.strategy || spec.strategy->empty()))
    return "spec.preferredHolder: Forbidden: preferredHolder is only allowed if strategy is set";
  return std::nullopt;
}

bool ApiServer::unchanged(const Lease& stored, const Lease& body) {
  // What the server would store: the body's labels and spec at MicroTime precision, the stored
  // uid (the body's matched it or was empty). The resourceVersion is not part of the stored
  // bytes.
  LeaseSpec spec = body.spec;
  truncate_times(spec);
  return spec == stored.spec && body.labels == stored.labels;
}

std::string ApiServer::describe(LeaseId id) const {
  const std::string& key = keys_->names.at(id);
  return "leases.coordination.k8s.io \"" + key.substr(key.find('/') + 1) + "\"";
}

ApiOutcome ApiServer::commit(const ApiRequest& request, std::optional<Lease> after) {
  ApiOutcome out;
  out.committed = true;
  out.before = store_->at(request.lease);
  ++resource_version_;
  if (after) {
    after->id = request.lease;
    after->resource_version = resource_version_;
    // A created object gets a new uid; an update keeps the stored one (a body without a uid gets
    // it filled in: pkg/registry/rest/update.go, BeforeUpdate).
    after->uid = out.before ? out.before->uid : resource_version_;
    truncate_times(after->spec);
  }
  store_.mut().at(request.lease) = after;
  out.after = after;
  out.response.tag = request.tag;
  out.response.verb = request.verb;
  out.response.result = ApiResult::Ok;
  out.response.object = after;
  return out;
}

// Each kind has its own function returning its outcome as a value: a function that returns both
// a named outcome and another function's result cannot build the named one in place, and an
// outcome (a response and objects before and after, over a kilobyte) was then moved at every
// node status GET of a kubelet cluster.
ApiOutcome ApiServer::handle(const ApiRequest& request) {
  if (request.kind == ObjectKind::LeaseCandidate) return handle_candidate(request);
  if (request.kind == ObjectKind::Node || request.kind == ObjectKind::Pod) return handle_node(request);
  return handle_lease(request);
}

ApiOutcome ApiServer::handle_node(const ApiRequest& request) {
  NodeOutcome node = request.kind == ObjectKind::Pod ? nodes_.handle_pods(request) : nodes_.handle(request, resource_version_);
  return ApiOutcome{.response = std::move(node.response),
                    .committed = node.committed,
                    .before = std::nullopt,
                    .after = std::nullopt,
                    .node_before = std::move(node.before),
                    .node_after = std::move(node.after),
                    .candidate_write = false,
                    .candidate_after = std::nullopt};
}

ApiOutcome ApiServer::handle_lease(const ApiRequest& request) {
  ApiOutcome out;
  if (request.verb == Verb::List) {
    out.response.tag = request.tag;
    out.response.verb = request.verb;
    for (LeaseId id : keys_->order) {
      const std::optional<Lease>& stored = (*store_)[id];
      if (!stored || !labels_match(stored->labels, request.selector)) continue;
      if (!request.list_namespace.str().empty() && !in_namespace(keys_->names[id], request.list_namespace.str())) continue;
      out.response.items.push_back(*stored);
    }
    return out;
  }
  LS_CHECK(request.lease < store_->size(), "request for an unknown LeaseId");
  const std::optional<Lease>& stored = (*store_)[request.lease];
  switch (request.verb) {
    case Verb::Get:
      if (!stored) {
        out.response = api_failure(request, ApiResult::NotFound, describe(request.lease) + " not found");
        return out;
      }
      out.response.tag = request.tag;
      out.response.verb = request.verb;
      out.response.object = stored;
      return out;
    case Verb::Create: {
      LS_CHECK(request.body.has_value(), "create without a body");
      // Validation comes before the existence check: Store.Create runs rest.BeforeCreate before
      // the storage create that reports AlreadyExists (k8s.io/apiserver
      // pkg/registry/generic/registry/store.go, Store.Create).
      if (auto invalid = validate(request.body->spec)) {
        out.response = api_failure(request, ApiResult::Invalid, *invalid);
        return out;
      }
      if (stored) {
        out.response = api_failure(request, ApiResult::Conflict, describe(request.lease) + " already exists");
        return out;
      }
      return commit(request, request.body);
    }
    case Verb::Update: {
      LS_CHECK(request.body.has_value(), "update without a body");
      const Lease& body = *request.body;
      // The uid precondition, checked before anything else, against an empty object when the
      // Lease is missing (k8s.io/apiserver pkg/storage/etcd3/store.go, store.GuaranteedUpdate;
      // pkg/storage/interfaces.go, Preconditions.Check); the storage error is reported as a
      // Conflict (pkg/storage/errors/storage.go, InterpretUpdateError).
      const uint64_t stored_uid = stored ? stored->uid : 0;
      if (body.uid != 0 && body.uid != stored_uid) {
        out.response = api_failure(request, ApiResult::Conflict,
                               "Operation cannot be fulfilled on " + describe(request.lease) +
                                   ": Precondition failed: UID in precondition: " + uid_text(body.uid) +
                                   ", UID in object meta: " + uid_text(stored_uid));
        return out;
      }
      if (!stored) {
        // Create on update: the Lease strategy allows it (AllowCreateOnUpdate), and the new
        // object is validated as a create (Store.Update's creating branch, rest.BeforeCreate).
        if (auto invalid = validate(body.spec)) {
          out.response = api_failure(request, ApiResult::Invalid, *invalid);
          return out;
        }
        return commit(request, request.body);
      }
      if (conflict_check_) {
        if (body.resource_version == 0) {
          out.response = api_failure(request, ApiResult::Invalid,
                                 "metadata.resourceVersion: Invalid value: 0x0: must be specified for an update");
          return out;
        }
        if (body.resource_version != stored->resource_version) {
          out.response = api_failure(request, ApiResult::Conflict,
                                 "Operation cannot be fulfilled on " + describe(request.lease) +
                                     ": the object has been modified; please apply your changes to the latest "
                                     "version and try again");
          return out;
        }
      }
      if (auto invalid = validate(body.spec)) {
        out.response = api_failure(request, ApiResult::Invalid, *invalid);
        return out;
      }
      if (!request.write_unchanged && unchanged(*stored, body)) {
        // Nothing to write: GuaranteedUpdate compares the encoded new object with the stored
        // bytes and, when equal, returns the stored object without a write, so the
        // resourceVersion stays (k8s.io/apiserver pkg/storage/etcd3/store.go,
        // store.GuaranteedUpdate).
        out.response.tag = request.tag;
        out.response.verb = request.verb;
        out.response.object = stored;
        return out;
      }
      return commit(request, request.body);
    }
    case Verb::Delete:
      if (!stored) {
        out.response = api_failure(request, ApiResult::NotFound, describe(request.lease) + " not found");
        return out;
      }
      if (request.delete_precondition_rv != 0 && request.delete_precondition_rv != stored->resource_version) {
        out.response = api_failure(request, ApiResult::Conflict,
                               "Operation cannot be fulfilled on " + describe(request.lease) +
                                   ": Precondition failed: ResourceVersion in precondition does not match");
        return out;
      }
      return commit(request, std::nullopt);
    case Verb::List:
      break;
  }
  LS_CHECK(false, "unhandled verb");
  return out;
}

std::optional<LeaseId> ApiServer::find_key(const std::string& key) const {
  const auto& names = keys_->names;
  const auto& order = keys_->order;
  const auto it = std::lower_bound(order.begin(), order.end(), key,
                                   [&](LeaseId id, const std::string& k) { return names[id] < k; });
  if (it != order.end() && names[*it] == key) return *it;
  return std::nullopt;
}

LeaseId ApiServer::add_key(const std::string& key) {
  if (auto existing = find_key(key)) return *existing;
  Keys& keys = keys_.mut();
  const auto id = static_cast<LeaseId>(keys.names.size());
  keys.names.push_back(key);
  keys.order.insert(std::lower_bound(keys.order.begin(), keys.order.end(), key,
                                     [&](LeaseId other, const std::string& k) { return keys.names[other] < k; }),
                    id);
  store_.mut().emplace_back();
  return id;
}

uint64_t ApiServer::store_digest(const Store& store) {
  StateHasher h;
  for (const auto& lease : store) {
    h.boolean(lease.has_value());
    if (lease) lease->hash_into(h);
  }
  return h.digest();
}

template <class H>
void ApiServer::hash_into(H& h, HashFrame frame) const {
  if (!frame.canonical) {
    // The store enters as its cached digest: it changes only when a write commits.
    h.u64(resource_version_).boolean(conflict_check_).u64(store_.digest(&ApiServer::store_digest));
    if (candidates_)
      for (const LeaseCandidate& c : *candidates_) c.hash_into(h);
    if (nodes_.size() > 0) nodes_.hash_into(h, frame);
    return;
  }
  frame.rv_origin = resource_version_;
  h.boolean(conflict_check_);
  for (const auto& lease : *store_) {
    h.boolean(lease.has_value());
    if (lease) lease->hash_into(h, frame);
  }
  if (candidates_)
    for (const LeaseCandidate& c : *candidates_) c.hash_into(h, frame);
  if (nodes_.size() > 0) nodes_.hash_into(h, frame);
}

// The hashers this file serves: Hasher for published values, StateHasher for fingerprints.
template void ApiServer::hash_into(Hasher&, HashFrame) const;
template void ApiServer::hash_into(StateHasher&, HashFrame) const;

}  // namespace leasesim
