// lease_store.h: the live server's Lease store: the simulated API server's semantics, shared,
// behind a lock, with what a real REST server adds around it.
//
// Contract:
// - Every get, list, create, update and delete goes through sim/api_server.h's ApiServer (the
//   same store semantics as a simulated run: one resourceVersion counter, 409 on a stale
//   resourceVersion, 422 for an update without one and for an invalid spec, MicroTime
//   truncation). Keys are added as clients name new Leases (ApiServer::add_key).
// - Around it, what the generic registry of kube-apiserver does
//   (k8s.io/apiserver/pkg/registry/generic/registry/store.go, Store.Update / Store.Delete):
//   a uid in an update's body is a precondition (409 "Precondition failed: UID in
//   precondition" when it differs from the stored object's, or the object is missing); an
//   update of a missing Lease without a uid creates it (the Lease strategy allows create on
//   update, pkg/registry/coordination/lease/strategy.go AllowCreateOnUpdate), unless the body
//   names a resourceVersion (then 404); delete takes uid and resourceVersion preconditions.
// - Each committed write gets a watch event (ADDED, MODIFIED, DELETED) in a bounded log of the
//   most recent kMaxEvents; a watch from an older resourceVersion gets 410 Gone, as etcd's
//   compaction gives ("too old resource version").
// - uids are deterministic given the seed (our PRNG), formatted as RFC 4122 version 4 UUIDs.
// - Thread-safe: one mutex; watchers wait on a condition variable.
// Leaves out: namespaces as objects (any namespace name is accepted), finalizers, generation,
// managedFields, dry runs (a dryRun request is refused by the REST layer).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/rng.h"
#include "live/lease_json.h"
#include "sim/api_server.h"
#include "sim/scenario.h"

namespace leasesim {

// A REST answer: the HTTP status and the JSON body (the object, a list, or a Status).
struct RestReply {
  int code = 200;
  nlohmann::json body;
};

// A Kubernetes Status failure object (k8s.io/apimachinery/pkg/api/errors: NewNotFound, ...).
nlohmann::json status_failure(int code, const std::string& reason, const std::string& message,
                              const std::string& name = "");
RestReply failure_reply(int code, const std::string& reason, const std::string& message, const std::string& name = "");

struct WatchEvent {
  uint64_t rv = 0;
  std::string type;  // ADDED, MODIFIED, DELETED
  std::string ns;
  std::string name;
  std::map<std::string, std::string> labels;
  nlohmann::json object;
};

// One committed write, for the caller's history and trace.
struct CommitRecord {
  std::string key;  // "namespace/name"
  LeaseId lease = 0;
  Verb verb = Verb::Update;
  uint64_t rv = 0;
  std::optional<LeaseSpec> before;
  std::optional<LeaseSpec> after;
  int client = -1;  // the caller's tag for who wrote it (a process index, or -1)
};

struct DeletePreconditions {
  std::string uid;
  uint64_t resource_version = 0;
};

class LeaseStore {
 public:
  static constexpr size_t kMaxEvents = 10000;
  static constexpr size_t kMaxLeases = 100000;

  // `now` gives the wall time that stamps creationTimestamp; `on_commit` (may be empty) is
  // called, under the store's lock, for every committed write.
  LeaseStore(const Scenario& scenario, std::function<WallInstant()> now,
             std::function<void(const CommitRecord&)> on_commit);

  RestReply get(const std::string& ns, const std::string& name);
  // Every Lease in `ns` ("" = all namespaces) whose labels and name/namespace match.
  struct Filter {
    std::function<bool(const std::map<std::string, std::string>&)> labels;
    std::function<bool(const std::string& name, const std::string& ns)> fields;
  };
  RestReply list(const std::string& ns, const Filter& filter, uint64_t* rv_out = nullptr);
  RestReply create(const std::string& ns, const LeaseRequestBody& body, int client);
  RestReply update(const std::string& ns, const std::string& name, const LeaseRequestBody& body, int client);
  RestReply remove(const std::string& ns, const std::string& name, const DeletePreconditions& pre, int client);
  // The stored object as JSON, or nullopt (for patches, which read, change and update).
  std::optional<nlohmann::json> object(const std::string& ns, const std::string& name);

  uint64_t resource_version();
  // Waits until an event with rv > after exists or `deadline_ms` passes or stop() is called.
  // Returns the events with rv > after (possibly none). `gone` is set when `after` is older
  // than the retained log.
  std::vector<WatchEvent> wait_events(uint64_t after, int64_t deadline_ms_from_now, bool* gone);
  // The current objects as ADDED events (a watch without a resourceVersion starts with them).
  std::vector<WatchEvent> snapshot_events(uint64_t* rv_out);
  // Wakes every waiting watcher for good (server shutdown).
  void stop();

 private:
  RestReply commit_reply(const ApiOutcome& outcome, const std::string& ns, const std::string& name, int code,
                         int client, Verb verb);
  LeaseId id_for(const std::string& ns, const std::string& name);
  std::string new_uid();
  nlohmann::json render(LeaseId id);

  std::mutex mu_;
  std::condition_variable cv_;
  ApiServer server_;
  std::map<LeaseId, LiveMeta> meta_;
  std::deque<WatchEvent> events_;
  uint64_t oldest_retained_rv_ = 0;  // events with rv >= this are in events_ (0 = all)
  Rng rng_;
  std::function<WallInstant()> now_;
  std::function<void(const CommitRecord&)> on_commit_;
  bool stopped_ = false;
};

}  // namespace leasesim
