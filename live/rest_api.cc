// rest_api.cc: see rest_api.h.
#include "live/rest_api.h"

#include "live/lease_protobuf.h"
#include "live/openapi.h"
#include "reports/lease_table.h"

#include <charconv>
#include <vector>

namespace leasesim {
namespace {

using nlohmann::json;

constexpr std::string_view kGroupVersion = "/apis/coordination.k8s.io/v1";

// A body for the wire. Messages quote what the client sent (a path, a name), which need not be
// UTF-8; bytes that are not become U+FFFD instead of an exception, so a bad request still gets
// its Status answer.
std::string wire(const json& body) { return body.dump(-1, ' ', false, json::error_handler_t::replace); }
HttpAnswer answer(const RestReply& reply) { return HttpAnswer{reply.code, "application/json", wire(reply.body)}; }
HttpAnswer answer(int code, const json& body) { return HttpAnswer{code, "application/json", wire(body)}; }
HttpAnswer fail(int code, const std::string& reason, const std::string& message, const std::string& name = "") {
  return answer(failure_reply(code, reason, message, name));
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding as Go's url.QueryUnescape ('+' is a space in a query).
std::optional<std::string> unescape(std::string_view s, bool plus_is_space) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

struct Target {
  std::vector<std::string> segments;
  std::map<std::string, std::string> query;  // the first value of each key
};

std::optional<Target> parse_target(const std::string& target) {
  Target out;
  const size_t q = target.find('?');
  const std::string_view path = std::string_view(target).substr(0, q);
  if (path.empty() || path.front() != '/') return std::nullopt;
  size_t start = 1;
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      if (i > start) {
        auto seg = unescape(path.substr(start, i - start), false);
        if (!seg) return std::nullopt;
        out.segments.push_back(*seg);
      }
      start = i + 1;
    }
  }
  if (q != std::string::npos) {
    const std::string_view query = std::string_view(target).substr(q + 1);
    size_t s = 0;
    for (size_t i = 0; i <= query.size(); ++i) {
      if (i != query.size() && query[i] != '&') continue;
      const std::string_view pair = query.substr(s, i - s);
      s = i + 1;
      if (pair.empty()) continue;
      const size_t eq = pair.find('=');
      auto key = unescape(pair.substr(0, eq), true);
      auto value = eq == std::string_view::npos ? std::optional<std::string>("") : unescape(pair.substr(eq + 1), true);
      if (!key || !value) return std::nullopt;
      out.query.emplace(*key, *value);
    }
  }
  return out;
}

bool truthy(const std::map<std::string, std::string>& q, const char* key) {
  const auto it = q.find(key);
  return it != q.end() && (it->second == "true" || it->second == "1");
}

std::optional<uint64_t> parse_rv(const std::string& s) {
  uint64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// The core group (/api) is announced with no versions: this server serves no core resources,
// and a version whose resource list is empty is an error for kubectl's cached discovery
// ("received empty response for: v1", client-go discovery/cached/memory/memcache.go,
// serverResourcesForGroupVersion), which made `kubectl api-resources` exit 1. client-go skips
// a legacy group without versions (discovery_client.go, downloadLegacy).
json discovery_api(const std::string& address) {
  return {{"kind", "APIVersions"},
          {"versions", json::array()},
          {"serverAddressByClientCIDRs", {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", address}}}}};
}

json group_json() {
  const json version = {{"groupVersion", "coordination.k8s.io/v1"}, {"version", "v1"}};
  return {{"kind", "APIGroup"},
          {"apiVersion", "v1"},
          {"name", "coordination.k8s.io"},
          {"versions", {version}},
          {"preferredVersion", version}};
}

json resource_list() {
  return {{"kind", "APIResourceList"},
          {"apiVersion", "v1"},
          {"groupVersion", "coordination.k8s.io/v1"},
          {"resources",
           {{{"name", "leases"},
             {"singularName", "lease"},
             {"namespaced", true},
             {"kind", "Lease"},
             {"verbs", {"create", "delete", "get", "list", "patch", "update", "watch"}}}}}};
}

}  // namespace

json lease_table(const json& items, const std::string& rv, WallInstant now) {
  json rows = json::array();
  for (const json& item : items) {
    const json& md = item["metadata"];
    const std::string holder = item["spec"].value("holderIdentity", "<none>");
    const auto created = parse_rfc3339(md["creationTimestamp"].get<std::string>());
    const Duration age = created ? Duration{now.ns - created->ns} : Duration{};
    json object_meta = md;
    rows.push_back({{"cells", {md["name"], holder.empty() ? "<none>" : holder, kubectl_age(age)}},
                    {"object",
                     {{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", object_meta}}}});
  }
  const auto column = [](const char* name, const char* format, const char* description) {
    return json{{"name", name}, {"type", "string"}, {"format", format}, {"description", description}, {"priority", 0}};
  };
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", {{"resourceVersion", rv}}},
          {"columnDefinitions",
           {column("Name", "name", "Name must be unique within a namespace."),
            column("Holder", "", "The holder of the lease."),
            column("Age", "", "CreationTimestamp is a timestamp representing the server time when this object was created.")}},
          {"rows", rows}};
}

namespace {

bool wants_table(const std::string& accept) { return accept.find("as=Table") != std::string::npos; }

std::optional<json> parse_json_body(const std::string& body, std::string* error) {
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded()) {
    *error = "the request body is not valid JSON";
    return std::nullopt;
  }
  return parsed;
}

// A create or update body in either content type client-go may send: JSON, or Kubernetes
// protobuf (the typed clientsets' default for built-in kinds).
std::optional<json> parse_object_body(const HttpRequestView& r, std::string* error) {
  const std::string type = r.content_type.substr(0, r.content_type.find(';'));
  if (type == kProtobufContentType) {
    auto parsed = lease_json_from_protobuf(r.body);
    if (auto* e = std::get_if<std::string>(&parsed)) {
      *error = *e;
      return std::nullopt;
    }
    return std::get<json>(parsed);
  }
  if (!type.empty() && type != "application/json" && type != "*/*")
    if (type.find("yaml") != std::string::npos) {
      *error = "YAML request bodies are not supported by leasesim serve; send application/json";
      return std::nullopt;
    }
  return parse_json_body(r.body, error);
}

// Strategic merge patch directives ($patch, $retainKeys, $setElementOrder/...) have no
// meaning for a Lease's scalar fields and maps; they are removed before the merge.
void strip_directives(json& patch) {
  if (!patch.is_object()) return;
  for (auto it = patch.begin(); it != patch.end();) {
    if (!it.key().empty() && it.key()[0] == '$') {
      it = patch.erase(it);
    } else {
      strip_directives(*it);
      ++it;
    }
  }
}

// fieldValidation=Strict (what kubectl sends once the OpenAPI document says the server
// validates): an unknown field is a 400, as the real server's strict decoder answers.
std::optional<HttpAnswer> strict_check(const std::map<std::string, std::string>& q, const json& body) {
  const auto it = q.find("fieldValidation");
  if (it == q.end() || it->second != "Strict") return std::nullopt;
  if (const auto unknown = strict_problem(body))
    return fail(400, "BadRequest", "strict decoding error: unknown field \"" + *unknown + "\"");
  return std::nullopt;
}

HttpAnswer do_patch(LeaseStore& store, const std::string& ns, const std::string& name, const HttpRequestView& r,
                    int client, const std::map<std::string, std::string>& q) {
  const std::string type = r.content_type.substr(0, r.content_type.find(';'));
  if (type == "application/apply-patch+yaml")
    return fail(415, "UnsupportedMediaType",
                "server-side apply is not supported by leasesim serve; use client-side apply (kubectl apply without "
                "--server-side), update or a merge patch");
  if (type != "application/merge-patch+json" && type != "application/json-patch+json" &&
      type != "application/strategic-merge-patch+json")
    return fail(415, "UnsupportedMediaType",
                "the body of the request was in an unknown format - accepted media types include: "
                "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json");
  std::string error;
  auto patch = parse_json_body(r.body, &error);
  if (!patch) return fail(400, "BadRequest", error);
  auto current = store.object(ns, name);
  if (!current) return fail(404, "NotFound", "leases.coordination.k8s.io \"" + name + "\" not found", name);
  json patched;
  try {
    if (type == "application/json-patch+json") {
      if (!patch->is_array()) return fail(400, "BadRequest", "a JSON patch must be an array of operations");
      patched = current->patch(*patch);
    } else {
      if (!patch->is_object()) return fail(400, "BadRequest", "a merge patch must be a JSON object");
      if (type == "application/strategic-merge-patch+json") strip_directives(*patch);
      patched = *current;
      patched.merge_patch(*patch);
    }
  } catch (const json::exception& e) {
    return fail(422, "Invalid", std::string("the patch could not be applied: ") + e.what(), name);
  }
  if (const auto it = q.find("fieldValidation"); it != q.end() && it->second == "Strict")
    if (const auto unknown = strict_problem(patched))
      return fail(400, "BadRequest", "strict decoding error: unknown field \"" + *unknown + "\"");
  auto body = parse_lease_body(patched);
  if (auto* e = std::get_if<std::string>(&body)) return fail(422, "Invalid", "the patched object is invalid: " + *e, name);
  // The patch applies to the version read above: a concurrent write in between makes the
  // update conflict, and the real server then retries; leasesim answers the conflict.
  return answer(store.update(ns, name, std::get<LeaseRequestBody>(body), client));
}

HttpAnswer do_delete(LeaseStore& store, const std::string& ns, const std::string& name, const HttpRequestView& r,
                     int client) {
  DeletePreconditions pre;
  if (!r.body.empty()) {
    std::string error;
    std::optional<json> options;
    if (r.content_type.rfind(kProtobufContentType, 0) == 0) {
      auto parsed = delete_options_json_from_protobuf(r.body);
      if (auto* e = std::get_if<std::string>(&parsed)) return fail(400, "BadRequest", *e);
      options = std::get<json>(parsed);
    } else {
      options = parse_json_body(r.body, &error);
    }
    if (!options) return fail(400, "BadRequest", error);
    if (options->is_object()) {
      if (const auto p = options->find("preconditions"); p != options->end() && p->is_object()) {
        if (const auto uid = p->find("uid"); uid != p->end() && uid->is_string()) pre.uid = uid->get<std::string>();
        if (const auto rv = p->find("resourceVersion"); rv != p->end() && rv->is_string()) {
          const auto parsed = parse_rv(rv->get<std::string>());
          if (!parsed) return fail(400, "BadRequest", "preconditions.resourceVersion: invalid value");
          pre.resource_version = *parsed;
        }
      }
    }
  }
  return answer(store.remove(ns, name, pre, client));
}

}  // namespace

std::string watch_event_line(const std::string& type, const json& object) {
  return wire(json{{"type", type}, {"object", object}}) + "\n";
}

bool watch_selects(const WatchPlan& plan, const WatchEvent& event) {
  if (!plan.ns.empty() && event.ns != plan.ns) return false;
  return plan.labels.matches(event.labels) && plan.fields.matches(event.name, event.ns);
}

RestOutcome route(LeaseStore& store, const HttpRequestView& r, int client, WallInstant now,
                  const std::string& server_address) {
  const auto target = parse_target(r.target);
  if (!target) return fail(400, "BadRequest", "malformed request path or query");
  const auto& seg = target->segments;
  const auto& q = target->query;
  const bool get = r.method == "GET";
  const auto not_found = [] { return fail(404, "NotFound", "the server could not find the requested resource"); };
  const auto not_allowed = [&] {
    return fail(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
  };

  // Discovery and health.
  if (seg.size() == 1 && (seg[0] == "healthz" || seg[0] == "livez" || seg[0] == "readyz"))
    return HttpAnswer{200, "text/plain", "ok"};
  if (seg.size() == 1 && seg[0] == "version")
    return answer(200, json{{"major", "1"},
                            {"minor", "33"},
                            {"gitVersion", "v1.33.0-leasesim"},
                            {"platform", "linux/amd64"},
                            {"goVersion", "n/a (leasesim serve)"}});
  if (seg.size() == 2 && seg[0] == "openapi" && seg[1] == "v3")
    return get ? answer(200, openapi_v3_index()) : not_allowed();
  if (seg.size() == 5 && seg[0] == "openapi" && seg[1] == "v3" && seg[2] == "apis" && seg[3] == "coordination.k8s.io" &&
      seg[4] == "v1")
    return get ? answer(200, openapi_v3_coordination()) : not_allowed();
  if (seg.size() == 1 && seg[0] == "api") return get ? answer(200, discovery_api(server_address)) : not_allowed();
  if (seg.size() == 2 && seg[0] == "api" && seg[1] == "v1")
    return get ? answer(200, json{{"kind", "APIResourceList"}, {"groupVersion", "v1"}, {"resources", json::array()}})
               : not_allowed();
  if (seg.size() == 1 && seg[0] == "apis")
    return get ? answer(200, json{{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", {group_json()}}})
               : not_allowed();
  if (seg.size() == 2 && seg[0] == "apis" && seg[1] == "coordination.k8s.io")
    return get ? answer(200, group_json()) : not_allowed();
  if (seg.size() < 3 || seg[0] != "apis" || seg[1] != "coordination.k8s.io" || seg[2] != "v1") return not_found();
  if (seg.size() == 3) return get ? answer(200, resource_list()) : not_allowed();

  // Lease paths: v1/leases | v1/namespaces/NS/leases | v1/namespaces/NS/leases/NAME.
  std::string ns, name;
  if (seg.size() == 4 && seg[3] == "leases") {
    if (!get) return not_allowed();
  } else if (seg.size() >= 6 && seg[3] == "namespaces" && seg[5] == "leases" && seg.size() <= 7) {
    ns = seg[4];
    if (seg.size() == 7) name = seg[6];
  } else {
    return not_found();
  }
  if (q.count("dryRun")) return fail(400, "BadRequest", "dryRun is not supported by leasesim serve");

  if (name.empty()) {
    if (r.method == "POST") {
      if (ns.empty()) return not_allowed();
      std::string error;
      auto json_body = parse_object_body(r, &error);
      if (!json_body) return fail(400, "BadRequest", error);
      if (auto strict = strict_check(q, *json_body)) return *strict;
      auto body = parse_lease_body(*json_body);
      if (auto* e = std::get_if<std::string>(&body)) return fail(400, "BadRequest", "invalid Lease: " + *e);
      return answer(store.create(ns, std::get<LeaseRequestBody>(body), client));
    }
    if (!get) return not_allowed();
    auto labels = parse_label_selector(q.count("labelSelector") ? q.at("labelSelector") : "");
    if (auto* e = std::get_if<std::string>(&labels)) return fail(400, "BadRequest", *e);
    auto fields = parse_field_selector(q.count("fieldSelector") ? q.at("fieldSelector") : "");
    if (auto* e = std::get_if<std::string>(&fields)) return fail(400, "BadRequest", *e);
    if (truthy(q, "watch")) {
      WatchPlan plan;
      plan.ns = ns;
      plan.labels = std::get<LabelSelector>(labels);
      plan.fields = std::get<FieldSelector>(fields);
      plan.bookmarks = truthy(q, "allowWatchBookmarks");
      plan.table = wants_table(r.accept);
      if (const auto it = q.find("resourceVersion"); it != q.end() && !it->second.empty() && it->second != "0") {
        const auto rv = parse_rv(it->second);
        if (!rv) return fail(400, "BadRequest", "resourceVersion: invalid value \"" + it->second + "\"");
        plan.from_rv = *rv;
      }
      if (const auto it = q.find("timeoutSeconds"); it != q.end()) {
        const auto t = parse_rv(it->second);
        if (!t) return fail(400, "BadRequest", "timeoutSeconds: invalid value \"" + it->second + "\"");
        plan.timeout_seconds = static_cast<int64_t>(std::min<uint64_t>(*t, 3600));
      }
      return plan;
    }
    LeaseStore::Filter filter;
    const LabelSelector label_selector = std::get<LabelSelector>(labels);
    const FieldSelector field_selector = std::get<FieldSelector>(fields);
    filter.labels = [&](const std::map<std::string, std::string>& l) { return label_selector.matches(l); };
    filter.fields = [&](const std::string& n, const std::string& s) { return field_selector.matches(n, s); };
    const RestReply reply = store.list(ns, filter);
    if (wants_table(r.accept))
      return answer(200, lease_table(reply.body["items"], reply.body["metadata"]["resourceVersion"], now));
    return answer(reply);
  }

  if (r.method == "GET") {
    const RestReply reply = store.get(ns, name);
    if (reply.code == 200 && wants_table(r.accept)) {
      json items = json::array({reply.body});
      return answer(200, lease_table(items, reply.body["metadata"]["resourceVersion"], now));
    }
    return answer(reply);
  }
  if (r.method == "PUT") {
    std::string error;
    auto json_body = parse_object_body(r, &error);
    if (!json_body) return fail(400, "BadRequest", error);
    if (auto strict = strict_check(q, *json_body)) return *strict;
    auto body = parse_lease_body(*json_body);
    if (auto* e = std::get_if<std::string>(&body)) return fail(400, "BadRequest", "invalid Lease: " + *e);
    return answer(store.update(ns, name, std::get<LeaseRequestBody>(body), client));
  }
  if (r.method == "PATCH") return do_patch(store, ns, name, r, client, q);
  if (r.method == "DELETE") return do_delete(store, ns, name, r, client);
  return not_allowed();
}

}  // namespace leasesim
