// lease.cc: stable hashing of Lease values (see lease.h).
#include "model/lease.h"

namespace leasesim {
namespace {

template <class H, class T, class F>
void opt(H& h, const std::optional<T>& v, F&& f) {
  h.boolean(v.has_value());
  if (v) f(*v);
}

}  // namespace

template <class H>
void LeaseSpec::hash_into(H& h, const HashFrame& frame) const {
  opt(h, holder_identity, [&](const std::string& s) { h.bytes(s); });
  opt(h, lease_duration_seconds, [&](int32_t v) { h.i64(v); });
  opt(h, acquire_time, [&](WallInstant t) {
    if (!frame.canonical) h.i64(t.ns);
  });
  opt(h, renew_time, [&](WallInstant t) { h.i64(frame.at(t)); });
  opt(h, lease_transitions, [&](int32_t v) { h.i64(v); });
  opt(h, strategy, [&](const std::string& s) { h.bytes(s); });
  opt(h, preferred_holder, [&](const std::string& s) { h.bytes(s); });
}

template <class H>
void Lease::hash_into(H& h, const HashFrame& frame) const {
  h.u64(id).u64(frame.rv(resource_version)).u64(labels.size());
  for (const auto& [k, v] : labels) h.bytes(k).bytes(v);
  spec.hash_into(h, frame);
}

// The hashers this file serves: Hasher for published values, StateHasher for fingerprints.
template void LeaseSpec::hash_into(Hasher&, const HashFrame&) const;
template void LeaseSpec::hash_into(StateHasher&, const HashFrame&) const;
template void Lease::hash_into(Hasher&, const HashFrame&) const;
template void Lease::hash_into(StateHasher&, const HashFrame&) const;

}  // namespace leasesim
