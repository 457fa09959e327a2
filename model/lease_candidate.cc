// lease_candidate.cc: see lease_candidate.h.
#include "model/lease_candidate.h"

#include <charconv>

namespace leasesim {

template <class H>
void LeaseCandidate::hash_into(H& h, const HashFrame& frame) const {
  h.u64(lease | (static_cast<uint64_t>(ping_time.has_value()) << 32) | (static_cast<uint64_t>(renew_time.has_value()) << 33));
  h.u64(frame.rv(resource_version)).u64(frame.rv(creation_rv));
  hash_name(h, name);
  if (ping_time) h.i64(frame.at(*ping_time));
  if (renew_time) h.i64(frame.at(*renew_time));
  hash_name(h, binary_version);
  hash_name(h, emulation_version);
  hash_name(h, strategy);
}

template void LeaseCandidate::hash_into(Hasher&, const HashFrame&) const;
template void LeaseCandidate::hash_into(StateHasher&, const HashFrame&) const;

std::optional<Semver> parse_semver(const std::string& text) {
  // Upstream parses with k8s.io/apimachinery/pkg/util/version (election.go
  // getEmulationVersionOrZero / getBinaryVersionOrZero); a missing patch counts as 0.
  Semver v;
  int64_t* parts[3] = {&v.major, &v.minor, &v.patch};
  const char* p = text.data();
  const char* end = text.data() + text.size();
  int count = 0;
  while (count < 3) {
    auto [next, ec] = std::from_chars(p, end, *parts[count]);
    if (ec != std::errc() || next == p) return std::nullopt;
    ++count;
    p = next;
    if (p == end) break;
    if (*p != '.') return std::nullopt;
    ++p;
  }
  if (p != end || count < 2) return std::nullopt;
  return v;
}

bool valid_for_oldest_emulation(const LeaseCandidate& c) {
  return parse_semver(c.binary_version).has_value() && parse_semver(c.emulation_version).has_value();
}

int compare_oldest_emulation(const LeaseCandidate& a, const LeaseCandidate& b) {
  // election.go compare(): emulation version first, then binary version, then creation time.
  const Semver ea = *parse_semver(a.emulation_version), eb = *parse_semver(b.emulation_version);
  if (ea != eb) return ea < eb ? -1 : 1;
  const Semver ba = *parse_semver(a.binary_version), bb = *parse_semver(b.binary_version);
  if (ba != bb) return ba < bb ? -1 : 1;
  if (a.creation_rv != b.creation_rv) return a.creation_rv < b.creation_rv ? -1 : 1;
  return 0;
}

}  // namespace leasesim
