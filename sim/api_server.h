// api_server.h: the simulated kube-apiserver's Lease storage and its answers.
//
// Contract (docs/architecture.md "The simulated API server", docs/trace-format.md section 3;
// docs/models/client-go-elector.md sections 3 "Optimistic concurrency", 4, 8.2):
// - One store of Leases keyed by LeaseId ("namespace/name"), one cluster-wide
//   resourceVersion counter that every successful write (create, update, delete) increments.
// - get: 404 when absent. list: every Lease whose labels match the selector (and that lies in
//   the request's namespace, when it names one), by key order.
// - create: validated first (422 on an invalid spec, even when the Lease exists), then 409
//   (AlreadyExists) when present; the stored object gets the new resourceVersion and a new uid.
// - update, in upstream's order (k8s.io/apiserver pkg/registry/generic/registry/store.go,
//   Store.Update, and pkg/storage/etcd3/store.go, store.GuaranteedUpdate):
//   1. A body with a uid makes it a precondition (pkg/registry/rest/update.go,
//      defaultUpdatedObjectInfo.Preconditions), checked against the stored object, or against an
//      empty one when the Lease is missing (storage.Preconditions.Check): a mismatch is 409
//      Conflict "Precondition failed: UID in precondition". client-go's update bodies always
//      carry the uid they read, so an update of a deleted Lease is 409, not 404.
//   2. A missing Lease is created (the Lease strategy's AllowCreateOnUpdate is true,
//      pkg/registry/coordination/lease/strategy.go): validated as a create, new uid.
//   3. With conflict_check (the default, as Leases have AllowUnconditionalUpdate = false), a
//      body without a resourceVersion is 422 and a stale one is 409 Conflict; with
//      conflict_check false the write is unconditional (the what-if knob).
//   4. Validation (422).
//   5. An update that leaves the stored object as it is (same labels and, at microsecond
//      precision, the same spec) writes nothing: GuaranteedUpdate returns the stored object when
//      the encoded bytes are equal, so the resourceVersion stays (committed is false).
// - delete: 404 when absent; 409 when a resourceVersion precondition does not match; without a
//   precondition it removes whatever is stored (metav1.DeleteOptions{}).
// - Validation as the real Lease strategy does it: leaseDurationSeconds <= 0, leaseTransitions
//   < 0, preferredHolder without strategy are 422 with the server's field path.
// - acquireTime / renewTime are stored at microsecond precision (MicroTime).
// - LeaseCandidates (docs/models/coordinated-election.md section 2) live in a second store,
//   keyed by name, with the same resourceVersion counter and the same get/list/create/update/
//   delete answers (sim/api_server_candidates.cc); create stamps creation_rv. Validation as
//   v1beta1 does it: binaryVersion and strategy required, versions parse, emulationVersion
//   not above binaryVersion.
// - uids: the real server draws a random UUID; here a Lease's uid is the resourceVersion it was
//   created with (unique within a run, deterministic), shown in messages in UUID form.
// - Nodes (request kind Node) are handled by NodeStore (sim/node_store.h). A Lease list may
//   name a namespace (ApiRequest::list_namespace).
// Leaves out: admission, managedFields, creationTimestamp, generation; watches are the World's
// (sim/world.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/api.h"
#include "model/lease.h"
#include "core/cow.h"
#include "core/hash.h"
#include "sim/node_store.h"
#include "sim/scenario.h"

namespace leasesim {

struct ApiOutcome {
  ApiResponse response;
  bool committed = false;        // a write changed the store
  std::optional<Lease> before;   // the stored object before a committed write
  std::optional<Lease> after;    // after (nullopt for a delete)
  // A Node write (request kind Node): the objects before and after; `before`/`after` stay empty.
  std::optional<Node> node_before;
  std::optional<Node> node_after;
  // A committed LeaseCandidate write: the object after it (nullopt for a delete). Lease
  // fields above stay empty for those.
  bool candidate_write = false;
  std::optional<LeaseCandidate> candidate_after;
};

class ApiServer {
 public:
  explicit ApiServer(const Scenario& scenario);

  ApiOutcome handle(const ApiRequest& request);

  const std::optional<Lease>& lease(LeaseId id) const { return store_->at(id); }
  // The key "namespace/name" of a LeaseId, and the LeaseId of a key, if known.
  const std::string& key(LeaseId id) const { return keys_->names.at(id); }
  std::optional<LeaseId> find_key(const std::string& key) const;
  // Adds a key the scenario did not name, for the live server (live/), where clients create
  // Leases by any name: the new LeaseId starts absent. A simulated World never calls it, so its
  // key table stays the scenario's.
  LeaseId add_key(const std::string& key);
  uint64_t resource_version() const { return resource_version_; }
  size_t lease_count() const { return store_->size(); }
  const NodeStore& nodes() const { return nodes_; }
  // Every LeaseCandidate, by name (empty when none was ever created).
  const std::vector<LeaseCandidate>& candidates() const;

  // Feeds the state to a Hasher or a StateHasher (instantiated for both in the .cc). In the
  // absolute frame the store enters as its cached StateHasher digest; the canonical frame
  // hashes resourceVersions relative to the counter (see HashFrame), so it feeds every lease.
  template <class H>
  void hash_into(H& h, HashFrame frame = HashFrame{}) const;
  bool operator==(const ApiServer&) const = default;

 private:
  static std::optional<std::string> validate(const LeaseSpec& spec);
  // Whether an update with `body` would store exactly what is stored (the no-op update).
  static bool unchanged(const Lease& stored, const Lease& body);
  std::string describe(LeaseId id) const;
  ApiOutcome commit(const ApiRequest& request, std::optional<Lease> after);
  ApiOutcome handle_candidate(const ApiRequest& request);
  ApiOutcome handle_node(const ApiRequest& request);   // kinds Node and Pod
  ApiOutcome handle_lease(const ApiRequest& request);  // kind Lease

  // Copies share the store until a write commits (most requests are reads or fail), with its
  // fingerprint digest cached, and share the table of keys for good: it never changes after
  // construction.
  struct Keys {
    std::vector<std::string> names;  // LeaseId -> "namespace/name"
    std::vector<LeaseId> order;      // LeaseIds sorted by key, for list
    bool operator==(const Keys&) const = default;
  };

  using Store = std::vector<std::optional<Lease>>;
  static uint64_t store_digest(const Store& store);
  CowSlot<Store> store_;  // always present
  Cow<Keys> keys_;
  uint64_t resource_version_ = 0;
  bool conflict_check_ = true;
  NodeStore nodes_;  // v1 Nodes (sim/node_store.h), sharing the resourceVersion counter
  // LeaseCandidates by name; absent until the first create, so Lease-only runs copy and hash
  // exactly what they did before candidates existed.
  CowSlot<std::vector<LeaseCandidate>> candidates_;
};

}  // namespace leasesim
