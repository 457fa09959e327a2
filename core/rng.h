// rng.h: our own pseudo-random generator and integer distributions.
//
// Contract:
// - Rng is xoshiro256** seeded through splitmix64: fast, 256-bit state, and specified to the
//   bit, so a seed gives the same stream on every platform, compiler and standard library.
//   We never use std::*_distribution (their algorithms differ between libraries).
// - below(n) is Lemire's nearly-divisionless unbiased bounded draw; between(lo, hi) is
//   inclusive on both ends.
// - fork(stream) derives an independent generator for a numbered sub-stream (for example one
//   per campaign seed), so adding draws in one stream never shifts another.
// - Leaves out: floating-point draws (time and probabilities are integers here).
#pragma once

#include <cstdint>

#include "core/check.h"

namespace leasesim {

constexpr uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t sm = seed;
    for (uint64_t& word : s_) word = splitmix64(sm);
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n); n must be positive.
  uint64_t below(uint64_t n) {
    LS_CHECK(n > 0, "Rng::below needs a positive bound");
    unsigned __int128 m = static_cast<unsigned __int128>(next()) * n;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(next()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

  // Uniform in [lo, hi], inclusive; requires lo <= hi.
  int64_t between(int64_t lo, int64_t hi) {
    LS_CHECK(lo <= hi, "Rng::between needs lo <= hi");
    const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
    if (span == UINT64_MAX) return static_cast<int64_t>(next());
    return static_cast<int64_t>(static_cast<uint64_t>(lo) + below(span + 1));
  }

  // True with probability num/den.
  bool chance(uint64_t num, uint64_t den) { return below(den) < num; }

  // An independent generator for sub-stream `stream`, derived from this one's current state.
  Rng fork(uint64_t stream) const {
    uint64_t sm = s_[0] ^ rotl(s_[1], 13) ^ rotl(s_[2], 29) ^ rotl(s_[3], 47) ^ (stream * 0xD1B54A32D192ED03ull);
    return Rng(splitmix64(sm));
  }

  bool operator==(const Rng&) const = default;

 private:
  static constexpr uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace leasesim
