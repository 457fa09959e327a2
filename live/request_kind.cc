// request_kind.cc: see request_kind.h.
#include "live/request_kind.h"

#include <vector>

namespace leasesim {
namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    const size_t end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) out.push_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

// Whether the query has watch=true or watch=1 (the forms rest_api.cc accepts).
bool is_watch(std::string_view query) {
  size_t start = 0;
  while (start < query.size()) {
    const size_t amp = query.find('&', start);
    const std::string_view pair = query.substr(start, amp == std::string_view::npos ? query.npos : amp - start);
    if (pair == "watch=true" || pair == "watch=1") return true;
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  return false;
}

}  // namespace

RequestKind classify_request(std::string_view method, std::string_view target) {
  const size_t q = target.find('?');
  const std::string_view path = target.substr(0, q);
  const std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  const auto seg = segments(path);
  const bool lease_api = seg.size() >= 4 && seg[0] == "apis" && seg[1] == "coordination.k8s.io" && seg[2] == "v1";
  const bool cluster_collection = lease_api && seg.size() == 4 && seg[3] == "leases";
  const bool namespaced = lease_api && (seg.size() == 6 || seg.size() == 7) && seg[3] == "namespaces" && seg[5] == "leases";
  if (!cluster_collection && !namespaced) return {"discovery", ""};
  if (namespaced && seg.size() == 7) {
    const std::string object = std::string(seg[4]) + "/" + std::string(seg[6]);
    if (method == "GET") return {"get", object};
    if (method == "PUT") return {"update", object};
    if (method == "PATCH") return {"patch", object};
    if (method == "DELETE") return {"delete", object};
    return {"other", object};
  }
  // A collection is "leases", in a namespace or across them, as a simulated trace names a
  // list: never "NS/NAME", which would read as a Lease of that name.
  const std::string object = "leases";
  if (method == "GET") return {is_watch(query) ? "watch" : "list", object};
  if (method == "POST") return {"create", object};
  return {"other", object};
}

const char* live_result(int status, RequestPolicy::Action action) {
  switch (action) {
    case RequestPolicy::Action::DropRequest:
    case RequestPolicy::Action::DropResponse: return "timeout";
    case RequestPolicy::Action::Refuse: return "unavailable";
    case RequestPolicy::Action::Serve: break;
  }
  if (status >= 200 && status < 300) return "ok";
  switch (status) {
    case 404: return "notFound";
    case 409: return "conflict";
    case 400:
    case 405:
    case 413:
    case 415:
    case 422:
    case 431: return "invalid";
    case 410: return "expired";
    case 429: return "unavailable";
    default: break;
  }
  return status >= 500 && status < 600 ? "unavailable" : "error";
}

const char* delivery_name(RequestPolicy::Action action) {
  switch (action) {
    case RequestPolicy::Action::Serve: return "served";
    case RequestPolicy::Action::DropRequest: return "requestLost";
    case RequestPolicy::Action::DropResponse: return "responseLost";
    case RequestPolicy::Action::Refuse: return "refused";
  }
  return "served";
}

}  // namespace leasesim
