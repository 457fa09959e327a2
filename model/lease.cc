// lease.cc: stable hashing of Lease values (see lease.h).
#include "model/lease.h"

namespace leasesim {
template <class H>
void LeaseSpec::hash_into(H& h, const HashFrame& frame) const {
  // The presence of every field and the two int32s share two words (one-to-one); then the set
  // values that are not in those words. The rarely set strings add nothing when absent.
  h.u64(static_cast<uint64_t>(holder_identity.has_value()) | (static_cast<uint64_t>(lease_duration_seconds.has_value()) << 1) |
        (static_cast<uint64_t>(acquire_time.has_value()) << 2) | (static_cast<uint64_t>(renew_time.has_value()) << 3) |
        (static_cast<uint64_t>(lease_transitions.has_value()) << 4) | (static_cast<uint64_t>(strategy.has_value()) << 5) |
        (static_cast<uint64_t>(preferred_holder.has_value()) << 6));
  h.u64(static_cast<uint64_t>(static_cast<uint32_t>(lease_duration_seconds.value_or(0))) |
        (static_cast<uint64_t>(static_cast<uint32_t>(lease_transitions.value_or(0))) << 32));
  if (holder_identity) hash_name(h, *holder_identity);
  // The canonical frame leaves acquireTime's value out (see the header).
  if (acquire_time && !frame.canonical) h.i64(acquire_time->ns);
  if (renew_time) h.i64(frame.at(*renew_time));
  if (strategy) hash_name(h, *strategy);
  if (preferred_holder) hash_name(h, *preferred_holder);
}

// Flattened, so that the spec's fields are hashed in the same body (fingerprints hash a Lease
// for every request and model that holds one), into a local copy of the hasher: the caller's
// hasher could share memory with this Lease as far as the compiler knows, which would make it
// store and reload the hasher's state around every field; the copy lives in registers.
template <class H>
[[gnu::flatten]] void Lease::hash_into(H& out, const HashFrame& frame) const {
  H h = out;
  // The uid is hashed as it is in both frames: only its equality with other uids decides
  // anything, and it stays fixed while the Lease lives (relative to the growing
  // resourceVersion counter it would keep a steady state from ever repeating).
  h.u64(id | (static_cast<uint64_t>(labels.size()) << 32)).u64(frame.rv(resource_version)).u64(uid);
  for (const auto& [k, v] : labels) h.bytes(k).bytes(v);
  spec.hash_into(h, frame);
  out = h;
}

// The hashers this file serves: Hasher for published values, StateHasher for fingerprints.
template void LeaseSpec::hash_into(Hasher&, const HashFrame&) const;
template void LeaseSpec::hash_into(StateHasher&, const HashFrame&) const;
template void Lease::hash_into(Hasher&, const HashFrame&) const;
template void Lease::hash_into(StateHasher&, const HashFrame&) const;

}  // namespace leasesim
