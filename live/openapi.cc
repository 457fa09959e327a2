// openapi.cc: see openapi.h. The schemas name the fields the live server reads and writes
// (live/lease_json.h), with the types of k8s.io/api/coordination/v1/types.go.
#include "live/openapi.h"

#include <set>

namespace leasesim {
namespace {

using nlohmann::json;

const std::set<std::string>& top_fields() {
  static const std::set<std::string>* const s = new std::set<std::string>{"apiVersion", "kind", "metadata", "spec"};
  return *s;
}
const std::set<std::string>& meta_fields() {
  static const std::set<std::string>* const s = new std::set<std::string>{
      "name",           "namespace", "uid",         "resourceVersion", "creationTimestamp", "labels",
      "annotations",    "generation", "managedFields", "ownerReferences", "finalizers",      "selfLink",
      "generateName",   "deletionTimestamp", "deletionGracePeriodSeconds"};
  return *s;
}
const std::set<std::string>& spec_fields() {
  static const std::set<std::string>* const s = new std::set<std::string>{
      "holderIdentity", "leaseDurationSeconds", "acquireTime", "renewTime", "leaseTransitions", "strategy",
      "preferredHolder"};
  return *s;
}

json ref(const char* name) { return json{{"allOf", {{{"$ref", std::string("#/components/schemas/") + name}}}}}; }

json query(const char* name, const char* type = "string") {
  return json{{"name", name}, {"in", "query"}, {"schema", {{"type", type}, {"uniqueItems", true}}}};
}

json operation(const char* action, const char* id, bool body) {
  json op{{"operationId", id},
          {"x-kubernetes-action", action},
          {"x-kubernetes-group-version-kind", {{"group", "coordination.k8s.io"}, {"kind", "Lease"}, {"version", "v1"}}},
          {"responses", {{"200", {{"description", "OK"}}}}}};
  json params = json::array({query("pretty")});
  if (body) {
    params.push_back(query("dryRun"));
    params.push_back(query("fieldManager"));
    params.push_back(query("fieldValidation"));
    op["requestBody"] = {{"content", {{"*/*", {{"schema", {{"$ref", "#/components/schemas/io.k8s.api.coordination.v1.Lease"}}}}}}}};
  }
  op["parameters"] = params;
  return op;
}

}  // namespace

json openapi_v3_index() {
  return json{{"paths",
               {{"apis/coordination.k8s.io/v1",
                 {{"serverRelativeURL", "/openapi/v3/apis/coordination.k8s.io/v1?hash=leasesim-v1"}}}}}};
}

json openapi_v3_coordination() {
  const json gvk = json::array({{{"group", "coordination.k8s.io"}, {"kind", "Lease"}, {"version", "v1"}}});
  json schemas;
  schemas["io.k8s.api.coordination.v1.Lease"] = {
      {"type", "object"},
      {"description", "Lease defines a lease concept."},
      {"properties",
       {{"apiVersion", {{"type", "string"}}},
        {"kind", {{"type", "string"}}},
        {"metadata", ref("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")},
        {"spec", ref("io.k8s.api.coordination.v1.LeaseSpec")}}},
      {"x-kubernetes-group-version-kind", gvk}};
  schemas["io.k8s.api.coordination.v1.LeaseSpec"] = {
      {"type", "object"},
      {"properties",
       {{"acquireTime", ref("io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime")},
        {"holderIdentity", {{"type", "string"}}},
        {"leaseDurationSeconds", {{"type", "integer"}, {"format", "int32"}}},
        {"leaseTransitions", {{"type", "integer"}, {"format", "int32"}}},
        {"preferredHolder", {{"type", "string"}}},
        {"renewTime", ref("io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime")},
        {"strategy", {{"type", "string"}}}}}};
  schemas["io.k8s.api.coordination.v1.LeaseList"] = {
      {"type", "object"},
      {"required", {"items"}},
      {"properties",
       {{"apiVersion", {{"type", "string"}}},
        {"items", {{"type", "array"}, {"items", ref("io.k8s.api.coordination.v1.Lease")}}},
        {"kind", {{"type", "string"}}},
        {"metadata", {{"type", "object"}}}}},
      {"x-kubernetes-group-version-kind",
       json::array({{{"group", "coordination.k8s.io"}, {"kind", "LeaseList"}, {"version", "v1"}}})}};
  schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"] = {
      {"type", "object"},
      {"properties",
       {{"annotations", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}},
        {"creationTimestamp", ref("io.k8s.apimachinery.pkg.apis.meta.v1.Time")},
        {"generateName", {{"type", "string"}}},
        {"generation", {{"type", "integer"}, {"format", "int64"}}},
        {"labels", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}},
        {"managedFields", {{"type", "array"}, {"items", {{"type", "object"}}}}},
        {"name", {{"type", "string"}}},
        {"namespace", {{"type", "string"}}},
        {"resourceVersion", {{"type", "string"}}},
        {"uid", {{"type", "string"}}}}}};
  schemas["io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime"] = {{"type", "string"}, {"format", "date-time"}};
  schemas["io.k8s.apimachinery.pkg.apis.meta.v1.Time"] = {{"type", "string"}, {"format", "date-time"}};
  json item_path;
  item_path["get"] = operation("get", "readCoordinationV1NamespacedLease", false);
  item_path["put"] = operation("put", "replaceCoordinationV1NamespacedLease", true);
  item_path["patch"] = operation("patch", "patchCoordinationV1NamespacedLease", true);
  item_path["delete"] = operation("delete", "deleteCoordinationV1NamespacedLease", false);
  json list_path;
  list_path["get"] = operation("list", "listCoordinationV1NamespacedLease", false);
  list_path["post"] = operation("post", "createCoordinationV1NamespacedLease", true);
  json all_path;
  all_path["get"] = operation("list", "listCoordinationV1LeaseForAllNamespaces", false);
  return json{{"openapi", "3.0.0"},
              {"info", {{"title", "Kubernetes (leasesim serve)"}, {"version", "v1.33.0"}}},
              {"paths",
               {{"/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}", item_path},
                {"/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases", list_path},
                {"/apis/coordination.k8s.io/v1/leases", all_path}}},
              {"components", {{"schemas", schemas}}}};
}

std::optional<std::string> strict_problem(const json& body) {
  if (!body.is_object()) return std::nullopt;
  for (const auto& [k, v] : body.items()) {
    if (!top_fields().count(k)) return k;
    if (k == "metadata" && v.is_object())
      for (const auto& [mk, mv] : v.items())
        if (!meta_fields().count(mk)) return "metadata." + mk;
    if (k == "spec" && v.is_object())
      for (const auto& [sk, sv] : v.items())
        if (!spec_fields().count(sk)) return "spec." + sk;
  }
  return std::nullopt;
}

}  // namespace leasesim
