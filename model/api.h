// api.h: what a model may ask the API server, and what comes back.
//
// Contract:
// - A request names one Lease (by LeaseId), one LeaseCandidate (kind LeaseCandidate) or one Node
//   (by NodeId, kind Node), or, for List, a label selector and optionally a namespace. Update
//   carries the
//   body whose resource_version is the optimistic-concurrency precondition (0 = none); Delete
//   may carry a resource_version precondition the same way.
// - `timeout` is the client-side timeout of this one request, in the process's local time
//   (0 = wait forever, as a client without a timeout does). When it passes, the model gets a
//   response with result Timeout; the server may still commit the request later.
// - `tag` is the model's own label for the call; the world echoes it in the response so a
//   model can tell its calls apart and ignore stale ones.
// - Results follow the HTTP statuses a Lease client sees: 200/201 Ok, 409 Conflict (stale
//   resourceVersion, or AlreadyExists on create), 404 NotFound, 422 Invalid, and two
//   client-side outcomes: Timeout (no answer in time, or the call was cancelled) and
//   Unavailable (connection refused / 503). Cancelled is the World's record of a call still
//   outstanding when its process exited or crashed: no model ever receives it.
// - `kind` picks the object type. LeaseCandidate requests (docs/models/coordinated-election.md
//   section 2) address the candidate by `candidate_name` (Get, Delete) or by the body's name
//   (Create, Update, whose body is `candidate_body`); a List of candidates returns all of them,
//   ordered by name, in `candidates`. The Lease fields are unused for them, and vice versa.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/lease.h"
#include "model/lease_candidate.h"
#include "model/node.h"

namespace leasesim {

enum class Verb : uint8_t { Get, List, Create, Update, Delete };
enum class ApiResult : uint8_t { Ok, Conflict, NotFound, Invalid, Timeout, Unavailable, Cancelled };
// Which resource a request addresses: a Lease (the default), a LeaseCandidate, a v1 Node, or
// the pods bound to one Node (kind Pod, `node`; see sim/node_store.h: Update marks them
// NotReady, Delete evicts them).
enum class ObjectKind : uint8_t { Lease, LeaseCandidate, Node, Pod };

// The names of verbs and results as views of string literals: their characters have static
// storage, so a trace record may point at them rather than copy them (sim/trace_format.h).
constexpr std::string_view verb_text(Verb v) {
  switch (v) {
    case Verb::Get: return "get";
    case Verb::List: return "list";
    case Verb::Create: return "create";
    case Verb::Update: return "update";
    case Verb::Delete: return "delete";
  }
  return "?";
}
constexpr std::string_view result_text(ApiResult r) {
  switch (r) {
    case ApiResult::Ok: return "ok";
    case ApiResult::Conflict: return "conflict";
    case ApiResult::NotFound: return "notFound";
    case ApiResult::Invalid: return "invalid";
    case ApiResult::Timeout: return "timeout";
    case ApiResult::Unavailable: return "unavailable";
    case ApiResult::Cancelled: return "cancelled";
  }
  return "?";
}
// The same, NUL-terminated (a literal's view ends where the literal does).
inline const char* verb_name(Verb v) { return verb_text(v).data(); }
inline const char* result_name(ApiResult r) { return result_text(r).data(); }
inline bool is_write(Verb v) { return v == Verb::Create || v == Verb::Update || v == Verb::Delete; }

struct ApiRequest {
  uint32_t tag = 0;
  Verb verb = Verb::Get;
  LeaseId lease = 0;              // Get, Create, Update, Delete
  std::optional<Lease> body;      // Create, Update (body->id must equal lease)
  uint64_t delete_precondition_rv = 0;  // Delete: 0 = unconditional
  Labels selector;                // List: every label must match
  Name list_namespace;            // List: only this namespace ("" = all namespaces)
  Duration timeout{};             // local time; 0 = none
  ObjectKind kind = ObjectKind::Lease;
  Name candidate_name;                          // LeaseCandidate Get, Delete
  std::optional<LeaseCandidate> candidate_body;  // LeaseCandidate Create, Update
  // Nodes (model/node.h): kind Node addresses `node`; a Node update with resource_version 0
  // is a patch (no precondition), as the kubelet's status PATCH is.
  NodeId node = 0;
  std::optional<Node> node_body;  // Create, Update of a Node
  // List only: whether to watch from the listed resourceVersion on (an informer's
  // list-then-watch; sim/world.h).
  bool watch = false;
  // Update only: write even when the spec and labels are unchanged. Only the live server sets
  // it, when a client changed metadata the model leaves out (annotations), which a real server
  // stores as a new version.
  bool write_unchanged = false;

  bool operator==(const ApiRequest&) const = default;
};

// What a watch delivers to a process (sim/world.h): the current version of one object, its
// deletion, or the news that the watch broke and the process must list again (a reflector's
// relist, after a watchStall). The pointers are valid for the duration of the call only.
struct WatchDelivery {
  enum class Type : uint8_t { Lease, Node, Relist };
  Type type = Type::Relist;
  LeaseId lease_id = 0;
  NodeId node_id = 0;
  const Lease* lease = nullptr;  // nullptr with type Lease: deleted
  const Node* node = nullptr;
};

struct ApiResponse {
  uint32_t tag = 0;
  Verb verb = Verb::Get;
  ApiResult result = ApiResult::Ok;
  std::optional<Lease> object;    // Get/Create/Update on success; the stored object
  std::vector<Lease> items;       // List on success, ordered by namespace/name
  std::string message;            // the server's reason on failure (e.g. the 422 field error)
  std::optional<LeaseCandidate> candidate;  // LeaseCandidate Get/Create/Update on success
  std::vector<LeaseCandidate> candidates;   // LeaseCandidate List on success, by name
  std::optional<Node> node;       // a Node request's stored object on success
  std::vector<Node> node_items;   // a Node List on success, by NodeId
  uint32_t pod_count = 0;         // a Pod request on success: the pods it changed

  bool operator==(const ApiResponse&) const = default;
};

}  // namespace leasesim
