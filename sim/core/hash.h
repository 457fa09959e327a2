// hash.h: stable 64-bit hashing for trace hashes and world fingerprints.
//
// Contract: Hasher folds integers and byte strings into a 64-bit FNV-1a-style state followed by
// a final avalanche; the value depends only on the sequence of inputs, never on addresses,
// platform endianness (integers are fed byte by byte, little-endian) or library hash functions.
// Its values are published (traceHash, seed records), so its algorithm never changes.
// StateHasher has the same interface and the same guarantees, but folds a whole 64-bit word per
// step (a 64x64->128-bit multiply, folded), several times faster than FNV's byte steps; it is
// for values that never leave the process, such as World fingerprints, and may change between
// versions. Neither is cryptographic; collisions are possible but rare enough for deduplication
// and change detection (the explorer documents its own collision stance).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace leasesim {

class Hasher {
 public:
  Hasher& bytes(std::string_view s) {
    for (unsigned char c : s) h_ = (h_ ^ c) * kPrime;
    return u64(s.size());
  }
  Hasher& u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      h_ = (h_ ^ (v & 0xff)) * kPrime;
      v >>= 8;
    }
    return *this;
  }
  Hasher& i64(int64_t v) { return u64(static_cast<uint64_t>(v)); }
  Hasher& boolean(bool b) { return u64(b ? 1 : 0); }
  uint64_t digest() const {
    uint64_t z = h_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

 private:
  static constexpr uint64_t kPrime = 0x100000001b3ull;
  uint64_t h_ = 0xcbf29ce484222325ull;
};

class StateHasher {
 public:
  StateHasher& bytes(std::string_view s) {
    // Whole little-endian words, then the tail zero-padded; the length ends the field so that
    // ("ab", "c") and ("a", "bc") differ.
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) u64(load(s.data() + i, 8));
    if (i < s.size()) u64(load(s.data() + i, s.size() - i));
    return u64(s.size());
  }
  StateHasher& u64(uint64_t v) {
    const unsigned __int128 p = static_cast<unsigned __int128>(h_ ^ v) * kMul;
    h_ = static_cast<uint64_t>(p) ^ static_cast<uint64_t>(p >> 64);
    return *this;
  }
  StateHasher& i64(int64_t v) { return u64(static_cast<uint64_t>(v)); }
  StateHasher& boolean(bool b) { return u64(b ? 1 : 0); }
  uint64_t digest() const {
    uint64_t z = h_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

 private:
  static constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  // Little-endian whatever the platform, so the value is the same everywhere.
  static uint64_t load(const char* p, size_t n) {
    uint64_t v = 0;
    std::memcpy(&v, p, n);
    if constexpr (std::endian::native == std::endian::big) v = byteswap(v);
    return v;
  }
  static uint64_t byteswap(uint64_t v) {
    uint64_t r = 0;
    for (int k = 0; k < 8; ++k) r = (r << 8) | ((v >> (8 * k)) & 0xff);
    return r;
  }
  uint64_t h_ = 0x243F6A8885A308D3ull;
};

// 16 lowercase hex digits.
inline std::string_view hex64(uint64_t v, char (&buf)[17]) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int i = 15; i >= 0; --i) {
    buf[i] = kDigits[v & 0xf];
    v >>= 4;
  }
  buf[16] = '\0';
  return std::string_view(buf, 16);
}

}  // namespace leasesim
