// rest_api.h: the Kubernetes REST API for coordination.k8s.io/v1 Leases, as pure routing over a
// LeaseStore: one HTTP request in, one answer (or a watch to stream) out.
//
// Contract:
// - Discovery: /version, /api, /api/v1, /apis, /apis/coordination.k8s.io,
//   /apis/coordination.k8s.io/v1 (the `leases` resource with its verbs), /healthz, /livez,
//   /readyz. Anything else is a 404 Status "the server could not find the requested resource".
// - Leases: GET (get, list with labelSelector and fieldSelector, watch=true), POST (create),
//   PUT (update), PATCH (application/merge-patch+json per RFC 7386,
//   application/json-patch+json per RFC 6902, application/strategic-merge-patch+json read as a
//   merge patch: a Lease has no list whose merge keys would differ), DELETE (with
//   DeleteOptions.preconditions). Lists under /apis/coordination.k8s.io/v1/leases cover every
//   namespace.
// - Errors are Kubernetes Status objects with the code and reason a real server gives: 400
//   BadRequest for undecodable bodies and bad selectors, 404, 405 MethodNotAllowed, 409
//   Conflict/AlreadyExists, 410 Expired, 415 UnsupportedMediaType (server-side apply), 422
//   Invalid. Nothing a client sends can make route() throw.
// - `Accept: ...;as=Table;...` on a get or list returns a meta.k8s.io/v1 Table with the
//   columns a real server prints for Leases (Name, Holder, Age), so `kubectl get lease` reads as
//   on a cluster.
// Leaves out: server-side apply, dryRun, deletecollection, pagination (limit is ignored and
// every item returned; no continue token), protobuf, the legacy /watch/ paths.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "live/label_selector.h"
#include "live/lease_store.h"

namespace leasesim {

struct HttpRequestView {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, e.g. "/apis/coordination.k8s.io/v1/leases?watch=1"
  std::string content_type;
  std::string accept;
  std::string body;
};

struct HttpAnswer {
  int code = 200;
  std::string content_type = "application/json";
  std::string body;
};

struct WatchPlan {
  std::string ns;  // "" = all namespaces
  LabelSelector labels;
  FieldSelector fields;
  std::optional<uint64_t> from_rv;  // nullopt: start with the current objects as ADDED events
  bool bookmarks = false;
  int64_t timeout_seconds = 1800;
  bool table = false;  // Accept asked for meta.k8s.io Tables: each event's object is a one-row Table
};

using RestOutcome = std::variant<HttpAnswer, WatchPlan>;

// `client` tags the writes this request commits (a process index, or -1); `now` is the wall
// time used for Table ages; `server_address` goes into /api's serverAddressByClientCIDRs.
RestOutcome route(LeaseStore& store, const HttpRequestView& request, int client, WallInstant now,
                  const std::string& server_address);

// One watch event as the line a real server streams: {"type":...,"object":...}\n
std::string watch_event_line(const std::string& type, const nlohmann::json& object);
// Whether a watch plan selects this event.
bool watch_selects(const WatchPlan& plan, const WatchEvent& event);
// A meta.k8s.io/v1 Table of Lease objects (Name, Holder, Age), as a real server prints them.
nlohmann::json lease_table(const nlohmann::json& items, const std::string& resource_version, WallInstant now);

}  // namespace leasesim
