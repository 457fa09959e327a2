// lease_json.cc: see lease_json.h.
#include "live/lease_json.h"

#include <charconv>

namespace leasesim {
namespace {

using nlohmann::json;

// Reads an optional string-to-string map; an error names the path.
std::optional<std::string> read_string_map(const json& obj, const char* key, const std::string& path,
                                           std::map<std::string, std::string>* out) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_object()) return path + "." + key + ": expected an object of strings";
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) return path + "." + key + "." + k + ": expected a string";
    (*out)[k] = v.get<std::string>();
  }
  return std::nullopt;
}

std::optional<std::string> read_int32(const json& spec, const char* key, std::optional<int32_t>* out) {
  const auto it = spec.find(key);
  if (it == spec.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer()) return std::string("spec.") + key + ": expected an integer";
  const int64_t v = it->get<int64_t>();
  if (v < INT32_MIN || v > INT32_MAX) return std::string("spec.") + key + ": out of the int32 range";
  *out = static_cast<int32_t>(v);
  return std::nullopt;
}

std::optional<std::string> read_name(const json& spec, const char* key, std::optional<Name>* out) {
  const auto it = spec.find(key);
  if (it == spec.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) return std::string("spec.") + key + ": expected a string";
  *out = Name(it->get<std::string>());
  return std::nullopt;
}

std::optional<std::string> read_time(const json& spec, const char* key, std::optional<WallInstant>* out) {
  const auto it = spec.find(key);
  if (it == spec.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) return std::string("spec.") + key + ": expected an RFC 3339 time string";
  const auto t = parse_rfc3339(it->get<std::string>());
  if (!t) return std::string("spec.") + key + ": cannot parse \"" + it->get<std::string>() + "\" as RFC 3339 time";
  *out = *t;
  return std::nullopt;
}

}  // namespace

json lease_object(const Lease& lease, const std::string& ns, const std::string& name, const LiveMeta& meta,
                  bool with_type_meta) {
  json out = json::object();
  if (with_type_meta) {
    out["kind"] = "Lease";
    out["apiVersion"] = "coordination.k8s.io/v1";
  }
  json md = json::object();
  md["name"] = name;
  md["namespace"] = ns;
  md["uid"] = meta.uid;
  md["resourceVersion"] = std::to_string(lease.resource_version);
  md["creationTimestamp"] = format_rfc3339_seconds(meta.created);
  if (!lease.labels.empty()) {
    json labels = json::object();
    for (const auto& [k, v] : lease.labels) labels[k] = v;
    md["labels"] = labels;
  }
  if (!meta.annotations.empty()) md["annotations"] = meta.annotations;
  out["metadata"] = md;
  json spec = json::object();
  const LeaseSpec& s = lease.spec;
  if (s.holder_identity) spec["holderIdentity"] = s.holder_identity->str();
  if (s.lease_duration_seconds) spec["leaseDurationSeconds"] = *s.lease_duration_seconds;
  if (s.acquire_time) spec["acquireTime"] = format_rfc3339_micro(*s.acquire_time);
  if (s.renew_time) spec["renewTime"] = format_rfc3339_micro(*s.renew_time);
  if (s.lease_transitions) spec["leaseTransitions"] = *s.lease_transitions;
  if (s.strategy) spec["strategy"] = s.strategy->str();
  if (s.preferred_holder) spec["preferredHolder"] = s.preferred_holder->str();
  out["spec"] = spec;
  return out;
}

std::variant<LeaseRequestBody, std::string> parse_lease_body(const json& body) {
  if (!body.is_object()) return std::string("the request body must be a JSON object (a Lease)");
  LeaseRequestBody out;
  if (const auto kind = body.find("kind"); kind != body.end() && !kind->is_null()) {
    if (!kind->is_string() || (kind->get<std::string>() != "Lease" && !kind->get<std::string>().empty()))
      return std::string("kind: expected \"Lease\"");
  }
  if (const auto api = body.find("apiVersion"); api != body.end() && !api->is_null()) {
    if (!api->is_string() ||
        (api->get<std::string>() != "coordination.k8s.io/v1" && !api->get<std::string>().empty()))
      return std::string("apiVersion: expected \"coordination.k8s.io/v1\"");
  }
  if (const auto md = body.find("metadata"); md != body.end() && !md->is_null()) {
    if (!md->is_object()) return std::string("metadata: expected an object");
    const auto str = [&](const char* key, std::string* dst) -> std::optional<std::string> {
      const auto it = md->find(key);
      if (it == md->end() || it->is_null()) return std::nullopt;
      if (!it->is_string()) return std::string("metadata.") + key + ": expected a string";
      *dst = it->get<std::string>();
      return std::nullopt;
    };
    std::string rv;
    for (auto [key, dst] : {std::pair{"name", &out.name}, std::pair{"namespace", &out.ns},
                            std::pair{"uid", &out.uid}, std::pair{"resourceVersion", &rv}})
      if (auto e = str(key, dst)) return *e;
    if (!rv.empty()) {
      const auto [ptr, ec] = std::from_chars(rv.data(), rv.data() + rv.size(), out.resource_version);
      if (ec != std::errc() || ptr != rv.data() + rv.size() || out.resource_version == 0)
        return "metadata.resourceVersion: invalid value \"" + rv + "\"";
    }
    if (auto e = read_string_map(*md, "labels", "metadata", &out.labels)) return *e;
    if (auto e = read_string_map(*md, "annotations", "metadata", &out.annotations)) return *e;
  }
  if (const auto spec = body.find("spec"); spec != body.end() && !spec->is_null()) {
    if (!spec->is_object()) return std::string("spec: expected an object");
    LeaseSpec& s = out.spec;
    if (auto e = read_name(*spec, "holderIdentity", &s.holder_identity)) return *e;
    if (auto e = read_int32(*spec, "leaseDurationSeconds", &s.lease_duration_seconds)) return *e;
    if (auto e = read_time(*spec, "acquireTime", &s.acquire_time)) return *e;
    if (auto e = read_time(*spec, "renewTime", &s.renew_time)) return *e;
    if (auto e = read_int32(*spec, "leaseTransitions", &s.lease_transitions)) return *e;
    if (auto e = read_name(*spec, "strategy", &s.strategy)) return *e;
    if (auto e = read_name(*spec, "preferredHolder", &s.preferred_holder)) return *e;
  }
  return out;
}

}  // namespace leasesim
