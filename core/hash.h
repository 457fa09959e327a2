// hash.h: stable 64-bit hashing for trace hashes and world fingerprints.
//
// Contract: Hasher folds integers and byte strings into a 64-bit FNV-1a-style state followed by
// a final avalanche; the value depends only on the sequence of inputs, never on addresses,
// platform endianness (integers are fed byte by byte, little-endian) or library hash functions.
// Its values are published (traceHash, seed records), so its algorithm never changes.
// StateHasher has the same interface and the same guarantees, but folds a whole 64-bit word per
// step (a 64x64->128-bit multiply, folded) into one of two lanes in turn, so that consecutive
// words do not wait for each other's multiply; several times faster than FNV's byte steps; it is
// for values that never leave the process, such as World fingerprints, and may change between
// versions. Neither is cryptographic; collisions are possible but rare enough for deduplication
// and change detection (the explorer documents its own collision stance).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace leasesim {

// How times and counters are fed to a Hasher by the state's hash_into functions.
//
// The absolute frame (the default: every origin 0, canonical false) hashes every value as it
// is: a fingerprint of the exact state. The canonical frame (the explorer's `--converge`, see
// explore/explorer.h) hashes the state as seen from "now": true instants relative to true
// now, each process's monotonic instants relative to its own monotonic reading now, wall
// instants relative to a reference wall reading now, resourceVersions relative to the server's
// counter, request tags relative to the model's tag counter; and it leaves out data that never
// decides anything (acquireTime, which is only copied along; stale values of fields that the
// model resets before it reads them again). Two states with equal canonical hashes then have
// the same futures shifted in time, which is what lets a steady renew loop close a cycle.
struct HashFrame {
  bool canonical = false;
  // Exact frame only: leave out model state that no future step reads before it is written
  // again (the explorer's reduced key; each model says which, e.g. client-go's attempt values
  // between attempts). The canonical frame leaves such values out anyway.
  bool drop_dead = false;
  int64_t true_origin = 0;  // ns
  int64_t mono_origin = 0;  // ns, the process whose state is being hashed
  int64_t wall_origin = 0;  // ns, the reference wall reading (process 0's)
  uint64_t rv_origin = 0;   // the server's resourceVersion counter
  uint64_t tag_origin = 0;  // the model's next request tag
  // For a model's raw record (client-go's change detection): the server's current object of
  // the model's lease (nullptr when absent), and the earliest wall reading of any process now.
  const void* lease_now = nullptr;  // a const Lease*, typed void here to keep this header low
  int64_t min_wall = 0;

  // Wall instants before `old_before` (canonical frame only) are in a record whose lease has
  // expired for every process, now and from now on: no model reads how old they are, only
  // whether two of them are equal (and which is earlier). Each is hashed as a placeholder and
  // appended to `collect` in the order met; the caller then hashes their ranks among
  // themselves in that order (World::fingerprint).
  int64_t old_before = INT64_MIN;
  std::vector<int64_t>* collect = nullptr;

  int64_t at(TrueInstant t) const { return t.ns - true_origin; }
  int64_t at(LocalInstant t) const { return t.ns - mono_origin; }
  int64_t at(WallInstant t) const {
    if (!canonical || t.ns >= old_before) return t.ns - wall_origin;
    if (collect) collect->push_back(t.ns);
    return INT64_MIN;
  }
  // 0 means "none" for both (no precondition, no call in flight) and stays distinct.
  uint64_t rv(uint64_t v) const { return canonical && v != 0 ? rv_origin - v + 1 : v; }
  uint64_t tag(uint64_t v) const { return canonical && v != 0 ? tag_origin - v + 1 : v; }
};

// SplitMix64's finalizer: a bijection of 64-bit words in which every output bit depends on
// every input bit.
constexpr uint64_t avalanche(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// A 64x64->128-bit multiply folded to 64 bits (high half xor low half): nonlinear in both words.
inline uint64_t mum(uint64_t a, uint64_t b) {
  const unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(p) ^ static_cast<uint64_t>(p >> 64);
}

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
  uint64_t digest() const { return avalanche(h_); }

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
    for (; i + 8 <= s.size(); i += 8) u64(load8(s.data() + i));
    if (i < s.size()) u64(load_tail(s.data() + i, s.size() - i));
    return u64(s.size());
  }
  StateHasher& u64(uint64_t v) {
    // Word i folds into lane i % 2. The lane a word folds into is always held in next_, and the
    // two trade places after each word, rather than being picked by the parity of the count:
    // the same values, but with no index computed from the count the compiler can keep both
    // lanes in registers wherever a sequence of words is inlined.
    const uint64_t folded = mum(next_ ^ v, kMul);
    next_ = other_;
    other_ = folded;
    ++count_;
    return *this;
  }
  StateHasher& i64(int64_t v) { return u64(static_cast<uint64_t>(v)); }
  StateHasher& boolean(bool b) { return u64(b ? 1 : 0); }
  uint64_t digest() const {
    // Lane 0 is next_ after an even number of words, other_ after an odd one.
    const uint64_t lane0 = count_ & 1 ? other_ : next_;
    const uint64_t lane1 = count_ & 1 ? next_ : other_;
    // The lanes meet in one more fold (with the word count, so that a trailing zero word counts).
    return avalanche(mum(lane0 ^ count_, lane1 | 1) ^ lane1);
  }

 private:
  static constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  // Little-endian whatever the platform, so the value is the same everywhere.
  static uint64_t load8(const char* p) {
    uint64_t v = 0;
    std::memcpy(&v, p, 8);  // a fixed size: one load, no library call
    if constexpr (std::endian::native == std::endian::big) v = byteswap(v);
    return v;
  }
  // Fewer than 8 bytes, assembled byte by byte (a memcpy of a variable size is a call).
  static uint64_t load_tail(const char* p, size_t n) {
    uint64_t v = 0;
    for (size_t k = 0; k < n; ++k) v |= static_cast<uint64_t>(static_cast<unsigned char>(p[k])) << (8 * k);
    return v;
  }
  static uint64_t byteswap(uint64_t v) {
    uint64_t r = 0;
    for (int k = 0; k < 8; ++k) r = (r << 8) | ((v >> (8 * k)) & 0xff);
    return r;
  }
  // The lane the next word folds into and the other one (lanes 0 and 1 after an even count).
  uint64_t next_ = 0x243F6A8885A308D3ull;
  uint64_t other_ = 0x13198A2E03707344ull;
  uint64_t count_ = 0;
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
