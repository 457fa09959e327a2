// lease_json.cc: see lease_json.h.
#include "audit/lease_json.h"

#include <cstdint>

#include "audit/audit_time.h"

namespace leasesim {
namespace {

using nlohmann::json;

const json* field(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

// Reads an optional field of JSON type `is` into `out`; a wrong type is an error naming the
// field path.
template <class T>
bool read_field(const json& object, const char* key, const std::string& path, bool (json::*is)() const noexcept,
                const char* expected, std::optional<T>* out, std::string* error) {
  const json* v = field(object, key);
  if (!v) return true;
  if (!(v->*is)()) {
    *error = path + key + ": expected " + expected;
    return false;
  }
  *out = v->get<T>();
  return true;
}

bool read_string(const json& object, const char* key, const std::string& path, std::optional<std::string>* out,
                 std::string* error) {
  return read_field(object, key, path, &json::is_string, "a string", out, error);
}

// leaseDurationSeconds and leaseTransitions are int32 in LeaseSpec; anything outside that range
// (or negative) is not a Lease the API server would have stored.
bool read_int(const json& object, const char* key, const std::string& path, std::optional<int64_t>* out,
              std::string* error) {
  if (!read_field(object, key, path, &json::is_number_integer, "an integer", out, error)) return false;
  if (*out && (**out < 0 || **out > INT32_MAX)) {
    *error = path + key + ": " + std::to_string(**out) + " is outside 0..2147483647";
    out->reset();
    return false;
  }
  return true;
}

bool read_time(const json& object, const char* key, const std::string& path, std::optional<WallInstant>* out,
               std::string* error) {
  std::optional<std::string> text;
  if (!read_string(object, key, path, &text, error)) return false;
  if (!text) return true;
  AuditTime t = parse_audit_time(*text);
  if (!t.at) {
    *error = path + key + ": " + t.error;
    return false;
  }
  *out = t.at;
  return true;
}

}  // namespace

bool looks_like_lease(const json& object) {
  if (!object.is_object()) return false;
  auto kind = object.find("kind");
  if (kind != object.end() && kind->is_string()) return *kind == "Lease";
  auto spec = object.find("spec");
  return spec != object.end() && spec->is_object();
}

LeaseJson lease_from_json(const json& object, bool partial) {
  LeaseJson r;
  r.body.partial = partial;
  if (!object.is_object()) {
    r.error = "expected a Lease object";
    return r;
  }
  if (const json* meta = field(object, "metadata")) {
    if (!meta->is_object()) {
      r.error = "metadata: expected an object";
      return r;
    }
    std::optional<std::string> s;
    if (!read_string(*meta, "name", "metadata.", &s, &r.error)) return r;
    if (s) r.name = *s;
    s.reset();
    if (!read_string(*meta, "namespace", "metadata.", &s, &r.error)) return r;
    if (s) r.ns = *s;
    s.reset();
    if (!read_string(*meta, "resourceVersion", "metadata.", &s, &r.error)) return r;
    if (s) r.body.resource_version = *s;
    if (const json* labels = field(*meta, "labels"); labels && labels->is_object())
      r.body.identity_label = labels->contains("apiserver.kubernetes.io/identity");
  }
  const json* spec = field(object, "spec");
  if (!spec) {
    if (!partial) r.body.holder = std::string();
    return r;
  }
  if (!spec->is_object()) {
    r.error = "spec: expected an object";
    return r;
  }
  LeaseBody& b = r.body;
  if (!read_string(*spec, "holderIdentity", "spec.", &b.holder, &r.error)) return r;
  if (!read_int(*spec, "leaseDurationSeconds", "spec.", &b.duration_s, &r.error)) return r;
  if (!read_time(*spec, "acquireTime", "spec.", &b.acquire, &r.error)) return r;
  if (!read_time(*spec, "renewTime", "spec.", &b.renew, &r.error)) return r;
  if (!read_int(*spec, "leaseTransitions", "spec.", &b.transitions, &r.error)) return r;
  if (!read_string(*spec, "strategy", "spec.", &b.strategy, &r.error)) return r;
  if (!read_string(*spec, "preferredHolder", "spec.", &b.preferred_holder, &r.error)) return r;
  // A full object without holderIdentity has no holder; a patch without it leaves it alone.
  if (!partial && !b.holder) b.holder = std::string();
  return r;
}

}  // namespace leasesim
