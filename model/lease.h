// lease.h: the coordination.k8s.io/v1 Lease object as the simulated API server stores it.
//
// Contract:
// - Field presence is kept exactly as Kubernetes does (every spec field is a pointer in Go, so
//   "absent" and "zero" differ; holderIdentity "" is not the same as no holderIdentity).
// - acquireTime and renewTime are MicroTime values: the server keeps them at microsecond
//   precision (docs/models/client-go-elector.md section 4); callers may hand in nanoseconds,
//   the API server truncates on write.
// - A Lease is addressed inside the simulator by a LeaseId, an index into the scenario's table
//   of "namespace/name" keys, so hot paths never compare strings.
// - The string fields are Names (core/name.h): interned, so a LeaseSpec copies as plain
//   memory.
// - metadata.uid: the server gives every created Lease a uid that no other object of the run
//   had (see sim/api_server.h); a client that read a Lease sends it back in its update body, as
//   client-go does, and the server checks it as a precondition.
// - Leaves out: ownerReferences, managedFields, generation, annotations.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/hash.h"
#include "core/name.h"
#include "core/time.h"

namespace leasesim {

using LeaseId = uint32_t;

// metadata.labels: a sorted map from key to value, shared by copies until one of them changes
// (most Leases have none, and the explorer copies every Lease it keeps many times). Sharing is
// through a shared_ptr to an immutable map (atomic counts: a scenario's labels are copied by
// several threads), and an empty Labels holds no map at all, so copying one costs nothing.
class Labels {
 public:
  using Map = std::map<std::string, std::string>;
  using const_iterator = Map::const_iterator;

  Labels() = default;
  Labels(std::initializer_list<Map::value_type> items) : Labels(Map(items)) {}
  explicit Labels(Map map) {
    if (!map.empty()) map_ = std::make_shared<const Map>(std::move(map));
  }

  const Map& map() const { return map_ ? *map_ : empty_map(); }
  size_t size() const { return map_ ? map_->size() : 0; }
  bool empty() const { return map_ == nullptr; }
  const_iterator begin() const { return map().begin(); }
  const_iterator end() const { return map().end(); }
  const_iterator find(const std::string& key) const { return map().find(key); }
  // Adds key=value unless the key is present; false if it was (as std::map::emplace).
  bool emplace(const std::string& key, const std::string& value) {
    if (map().count(key) != 0) return false;
    Map copy = map();
    copy.emplace(key, value);
    map_ = std::make_shared<const Map>(std::move(copy));
    return true;
  }

  bool operator==(const Labels& o) const { return map_ == o.map_ || map() == o.map(); }

 private:
  static const Map& empty_map() {
    static const Map* const empty = new Map;  // never destroyed: readable by static destructors
    return *empty;
  }
  std::shared_ptr<const Map> map_;  // null when empty
};

struct LeaseSpec {
  std::optional<Name> holder_identity;
  std::optional<int32_t> lease_duration_seconds;
  std::optional<WallInstant> acquire_time;
  std::optional<WallInstant> renew_time;
  std::optional<int32_t> lease_transitions;
  std::optional<Name> strategy;
  std::optional<Name> preferred_holder;

  bool operator==(const LeaseSpec&) const = default;
  // Feeds every field to a Hasher or a StateHasher (instantiated for both in the .cc).
  // The canonical frame leaves acquireTime's value out: no model decides anything by it (it is
  // only copied into later writes), and its distance from "now" grows for as long as a leader
  // holds, which would keep a steady state from ever repeating.
  template <class H>
  void hash_into(H& h, const HashFrame& frame = HashFrame{}) const;
};

struct Lease {
  LeaseId id = 0;
  uint64_t resource_version = 0;  // 0 = not set (a request body without a precondition)
  uint64_t uid = 0;               // metadata.uid; 0 = not set (no uid precondition)
  Labels labels;
  LeaseSpec spec;

  bool operator==(const Lease&) const = default;
  // Feeds every field to a Hasher or a StateHasher (instantiated for both in the .cc).
  template <class H>
  void hash_into(H& h, const HashFrame& frame = HashFrame{}) const;
};

// Convenience accessors with Go's nil-to-zero conversion (docs/models/client-go-elector.md section 4 table).
inline Name holder_or_empty(const LeaseSpec& s) { return s.holder_identity.value_or(Name()); }
inline int32_t transitions_or_zero(const LeaseSpec& s) { return s.lease_transitions.value_or(0); }
// Whether a write from `before` to `after` changed the holder as leaseTransitions counts it: the
// new holderIdentity is set and differs from the old one (client-go's tryAcquireOrRenew adds one
// to LeaderTransitions when the holder changes).
inline bool holder_changed(const LeaseSpec& before, const LeaseSpec& after) {
  const Name holder = holder_or_empty(after);
  return !holder.empty() && holder != holder_or_empty(before);
}

}  // namespace leasesim
