// lease.h: the coordination.k8s.io/v1 Lease object as the simulated API server stores it.
//
// Contract:
// - Field presence is kept exactly as Kubernetes does (every spec field is a pointer in Go, so
//   "absent" and "zero" differ; holderIdentity "" is not the same as no holderIdentity).
// - acquireTime and renewTime are MicroTime values: the server keeps them at microsecond
//   precision (lease-subsystems / client-go spec section 4); callers may hand in nanoseconds,
//   the API server truncates on write.
// - A Lease is addressed inside the simulator by a LeaseId, an index into the scenario's table
//   of "namespace/name" keys, so hot paths never compare strings.
// - The string fields are Names (sim/core/name.h): interned, so a LeaseSpec copies as plain
//   memory.
// - Leaves out: ownerReferences, managedFields, uid, generation, annotations.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "sim/core/hash.h"
#include "sim/core/name.h"
#include "sim/core/time.h"

namespace leasesim {

using LeaseId = uint32_t;
using Labels = std::map<std::string, std::string>;

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
  Labels labels;
  LeaseSpec spec;

  bool operator==(const Lease&) const = default;
  // Feeds every field to a Hasher or a StateHasher (instantiated for both in the .cc).
  template <class H>
  void hash_into(H& h, const HashFrame& frame = HashFrame{}) const;
};

// Convenience accessors with Go's nil-to-zero conversion (client-go spec section 4 table).
inline Name holder_or_empty(const LeaseSpec& s) { return s.holder_identity.value_or(Name()); }
inline int32_t transitions_or_zero(const LeaseSpec& s) { return s.lease_transitions.value_or(0); }

}  // namespace leasesim
