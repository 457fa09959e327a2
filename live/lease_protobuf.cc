// lease_protobuf.cc: see lease_protobuf.h. A small reader of the protobuf wire format
// (varint, 64-bit, length-delimited, 32-bit), enough for the messages a Lease is made of.
#include "live/lease_protobuf.h"

#include <cstdint>
#include <optional>

#include "core/time.h"

namespace leasesim {
namespace {

using nlohmann::json;

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool done() const { return pos_ >= data_.size(); }
  bool failed() const { return failed_; }

  // The next field's number and wire type; false at the end or on malformed input.
  bool next(uint32_t* field, uint32_t* wire) {
    if (done() || failed_) return false;
    const auto key = varint();
    if (!key || *key >> 3 == 0) return fail();
    *field = static_cast<uint32_t>(*key >> 3);
    *wire = static_cast<uint32_t>(*key & 7);
    return true;
  }
  std::optional<uint64_t> varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return fail_value();
      const auto byte = static_cast<uint8_t>(data_[pos_++]);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    return fail_value();
  }
  std::optional<std::string_view> bytes() {
    const auto n = varint();
    if (!n || *n > data_.size() - pos_) return fail_value<std::string_view>();
    const std::string_view out = data_.substr(pos_, static_cast<size_t>(*n));
    pos_ += static_cast<size_t>(*n);
    return out;
  }
  bool skip(uint32_t wire) {
    switch (wire) {
      case 0: return varint().has_value();
      case 1: return advance(8);
      case 2: return bytes().has_value();
      case 5: return advance(4);
      default: return fail();
    }
  }

 private:
  bool advance(size_t n) {
    if (n > data_.size() - pos_) return fail();
    pos_ += n;
    return true;
  }
  bool fail() {
    failed_ = true;
    return false;
  }
  template <class T = uint64_t>
  std::optional<T> fail_value() {
    failed_ = true;
    return std::nullopt;
  }
  std::string_view data_;
  size_t pos_ = 0;
  bool failed_ = false;
};

// Time / MicroTime: {seconds = 1 (int64), nanos = 2 (int32)} as RFC 3339 (microseconds).
std::optional<std::string> read_time(std::string_view msg) {
  Reader r(msg);
  int64_t seconds = 0;
  int64_t nanos = 0;
  uint32_t f, w;
  while (r.next(&f, &w)) {
    if (f == 1 && w == 0) {
      seconds = static_cast<int64_t>(*r.varint());
    } else if (f == 2 && w == 0) {
      nanos = static_cast<int32_t>(static_cast<uint32_t>(*r.varint()));
    } else if (!r.skip(w)) {
      break;
    }
  }
  if (r.failed() || nanos < 0 || nanos >= kNanosPerSecond) return std::nullopt;
  if (seconds < -9223372036LL || seconds > 9223372035LL) return std::nullopt;
  return format_rfc3339_micro(WallInstant{seconds * kNanosPerSecond + nanos});
}

// A map<string,string> entry: {key = 1, value = 2}.
bool read_entry(std::string_view msg, json* map) {
  Reader r(msg);
  std::string key, value;
  uint32_t f, w;
  while (r.next(&f, &w)) {
    if ((f == 1 || f == 2) && w == 2) {
      const auto b = r.bytes();
      if (!b) break;
      (f == 1 ? key : value) = std::string(*b);
    } else if (!r.skip(w)) {
      break;
    }
  }
  if (r.failed()) return false;
  (*map)[key] = value;
  return true;
}

std::optional<json> read_meta(std::string_view msg) {
  Reader r(msg);
  json md = json::object();
  uint32_t f, w;
  while (r.next(&f, &w)) {
    const char* name = f == 1 ? "name" : f == 2 ? "generateName" : f == 3 ? "namespace" : f == 5 ? "uid"
                       : f == 6 ? "resourceVersion" : nullptr;
    if (name && w == 2) {
      const auto b = r.bytes();
      if (!b) break;
      if (!b->empty()) md[name] = std::string(*b);
    } else if ((f == 11 || f == 12) && w == 2) {
      const auto b = r.bytes();
      if (!b) break;
      json& map = md[f == 11 ? "labels" : "annotations"];
      if (map.is_null()) map = json::object();
      if (!read_entry(*b, &map)) return std::nullopt;
    } else if (!r.skip(w)) {
      break;
    }
  }
  if (r.failed()) return std::nullopt;
  return md;
}

std::optional<json> read_spec(std::string_view msg) {
  Reader r(msg);
  json spec = json::object();
  uint32_t f, w;
  while (r.next(&f, &w)) {
    if ((f == 1 || f == 6 || f == 7) && w == 2) {
      const auto b = r.bytes();
      if (!b) break;
      spec[f == 1 ? "holderIdentity" : f == 6 ? "strategy" : "preferredHolder"] = std::string(*b);
    } else if ((f == 2 || f == 5) && w == 0) {
      const auto v = r.varint();
      if (!v) break;
      spec[f == 2 ? "leaseDurationSeconds" : "leaseTransitions"] = static_cast<int32_t>(static_cast<uint32_t>(*v));
    } else if ((f == 3 || f == 4) && w == 2) {
      const auto b = r.bytes();
      if (!b) break;
      const auto t = read_time(*b);
      if (!t) return std::nullopt;
      spec[f == 3 ? "acquireTime" : "renewTime"] = *t;
    } else if (!r.skip(w)) {
      break;
    }
  }
  if (r.failed()) return std::nullopt;
  return spec;
}

// Unwraps the envelope: "k8s\0" + runtime.Unknown{typeMeta = 1 {apiVersion = 1, kind = 2},
// raw = 2}. Returns the raw object and fills apiVersion/kind.
std::variant<std::string_view, std::string> unwrap(std::string_view body, std::string* api_version,
                                                   std::string* kind) {
  static constexpr std::string_view kMagic("k8s\0", 4);
  if (body.substr(0, 4) != kMagic) return std::string("protobuf body without the Kubernetes envelope prefix");
  Reader r(body.substr(4));
  std::optional<std::string_view> raw;
  uint32_t f, w;
  while (r.next(&f, &w)) {
    if (f == 1 && w == 2) {
      const auto tm = r.bytes();
      if (!tm) break;
      Reader t(*tm);
      uint32_t tf, tw;
      while (t.next(&tf, &tw)) {
        if ((tf == 1 || tf == 2) && tw == 2) {
          const auto b = t.bytes();
          if (!b) break;
          (tf == 1 ? *api_version : *kind) = std::string(*b);
        } else if (!t.skip(tw)) {
          break;
        }
      }
      if (t.failed()) return std::string("malformed protobuf typeMeta");
    } else if (f == 2 && w == 2) {
      raw = r.bytes();
      if (!raw) break;
    } else if (!r.skip(w)) {
      break;
    }
  }
  if (r.failed() || !raw) return std::string("malformed protobuf envelope");
  return *raw;
}

}  // namespace

std::variant<json, std::string> lease_json_from_protobuf(std::string_view body) {
  std::string api_version, kind;
  auto raw = unwrap(body, &api_version, &kind);
  if (auto* e = std::get_if<std::string>(&raw)) return *e;
  if (!kind.empty() && kind != "Lease") return "protobuf body holds a " + kind + ", not a Lease";
  Reader r(std::get<std::string_view>(raw));
  json out = json::object();
  if (!api_version.empty()) out["apiVersion"] = api_version;
  if (!kind.empty()) out["kind"] = kind;
  uint32_t f, w;
  while (r.next(&f, &w)) {
    if ((f == 1 || f == 2) && w == 2) {
      const auto b = r.bytes();
      if (!b) break;
      auto part = f == 1 ? read_meta(*b) : read_spec(*b);
      if (!part) return std::string(f == 1 ? "malformed protobuf ObjectMeta" : "malformed protobuf LeaseSpec");
      out[f == 1 ? "metadata" : "spec"] = *part;
    } else if (!r.skip(w)) {
      break;
    }
  }
  if (r.failed()) return std::string("malformed protobuf Lease");
  return out;
}

std::variant<json, std::string> delete_options_json_from_protobuf(std::string_view body) {
  std::string api_version, kind;
  auto raw = unwrap(body, &api_version, &kind);
  if (auto* e = std::get_if<std::string>(&raw)) return *e;
  Reader r(std::get<std::string_view>(raw));
  json out = json::object();
  uint32_t f, w;
  while (r.next(&f, &w)) {
    if (f == 5 && w == 2) {
      const auto b = r.bytes();
      if (!b) break;
      Reader p(*b);
      json pre = json::object();
      uint32_t pf, pw;
      while (p.next(&pf, &pw)) {
        if ((pf == 1 || pf == 2) && pw == 2) {
          const auto v = p.bytes();
          if (!v) break;
          pre[pf == 1 ? "uid" : "resourceVersion"] = std::string(*v);
        } else if (!p.skip(pw)) {
          break;
        }
      }
      if (p.failed()) return std::string("malformed protobuf preconditions");
      out["preconditions"] = pre;
    } else if (!r.skip(w)) {
      break;
    }
  }
  if (r.failed()) return std::string("malformed protobuf DeleteOptions");
  return out;
}

}  // namespace leasesim
