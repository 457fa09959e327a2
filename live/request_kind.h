// request_kind.h: one HTTP request to the live server in the words of a simulated trace: the
// Kubernetes verb, the object it names, and the result, so a `serve` trace and summary read
// like a `run` one (docs/cli.md section 4: `api` lines carry `verb`, `object` and `result`;
// the summary counts requests by verb and result).
//
// Contract:
// - verb: get, list, watch, create, update, patch, delete for the Lease paths of rest_api.h
//   (GET with watch=true or watch=1 is a watch); every other path (/version, /api, /apis,
//   /openapi, /healthz, ...) is "discovery", and a method a Lease path does not take (answered
//   405) is "other".
// - object: "NAMESPACE/NAME" for a request to one Lease; "leases" for a request to a collection
//   (a list, a watch, a create, in one namespace or across them), as a simulated trace names a
//   list; a create names its Lease in its body only, and its `lease` line names it. "" for
//   discovery. Only the path's shape is read: the REST layer decides whether the request is
//   valid.
// - result: what the client learned. Served: 2xx ok, 404 notFound, 409 conflict, 400 405 413
//   415 422 431 invalid, 410 expired (a watch from a compacted resourceVersion), 429 and 5xx
//   unavailable, any other code error. A request or response held by a partition or a black
//   hole is "timeout" (the client gives up), a refused connection "unavailable".
// Leaves out: query parameters other than watch; the network fate is the trace's `delivery`.
#pragma once

#include <string>
#include <string_view>

#include "live/http_server.h"

namespace leasesim {

struct RequestKind {
  std::string verb;
  std::string object;
};

RequestKind classify_request(std::string_view method, std::string_view target);

const char* live_result(int status, RequestPolicy::Action action);

// The network fate of a request: served, requestLost, responseLost or refused.
const char* delivery_name(RequestPolicy::Action action);

}  // namespace leasesim
