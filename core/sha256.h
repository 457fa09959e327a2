// sha256.h: SHA-256 (FIPS 180-4) of a byte string, and RFC 4648 base32 without padding.
//
// Contract: sha256() returns the 32-byte digest of `data`; base32_no_padding() encodes bytes
// with the standard alphabet (A-Z, 2-7) and no '=' padding, as Go's
// base32.StdEncoding.WithPadding(base32.NoPadding) does. Both exist so that a model can derive
// names exactly as a Kubernetes component derives them (kube-apiserver's identity lease name).
// Not for security: no constant-time guarantees, no streaming interface.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace leasesim {

std::array<uint8_t, 32> sha256(std::string_view data);
std::string base32_no_padding(const uint8_t* bytes, size_t n);

}  // namespace leasesim
