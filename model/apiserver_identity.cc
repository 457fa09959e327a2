// apiserver_identity.cc: see apiserver_identity.h.
#include "model/apiserver_identity.h"

#include <cctype>

#include "core/rng.h"
#include "core/sha256.h"

namespace leasesim {

std::string identity_lease_name(std::string_view hostname) {
  // Two length-prefixed fields (uint16, big-endian), as Go's cryptobyte builder writes them.
  std::string data;
  auto field = [&](std::string_view s) {
    data.push_back(static_cast<char>((s.size() >> 8) & 0xff));
    data.push_back(static_cast<char>(s.size() & 0xff));
    data.append(s);
  };
  field(hostname);
  field(kIdentityLabelValue);
  const auto digest = sha256(data);
  std::string encoded = base32_no_padding(digest.data(), 16);
  for (char& c : encoded) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return "apiserver-" + encoded;
}

std::string identity_lease_key(std::string_view hostname) {
  return std::string(kIdentityLeaseNamespace) + "/" + identity_lease_name(hostname);
}

std::string holder_uuid(uint64_t nonce) {
  // 128 bits from two splitmix64 outputs, then RFC 4122's version (4) and variant (10) bits.
  uint64_t state = nonce;
  uint64_t hi = splitmix64(state);
  uint64_t lo = splitmix64(state);
  hi = (hi & ~0xf000ull) | 0x4000ull;
  lo = (lo & ~(3ull << 62)) | (2ull << 62);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  auto put = [&](uint64_t v, int nibbles_from, int nibbles_to) {
    for (int i = nibbles_from; i < nibbles_to; ++i) out.push_back(kHex[(v >> (60 - 4 * i)) & 15]);
  };
  put(hi, 0, 8);
  out.push_back('-');
  put(hi, 8, 12);
  out.push_back('-');
  put(hi, 12, 16);
  out.push_back('-');
  put(lo, 0, 4);
  out.push_back('-');
  put(lo, 4, 16);
  return out;
}

}  // namespace leasesim
