// Tests of StateHasher (core/hash.h): its digests are those of the two-lane fold it documents
// (word i folds into lane i % 2, then the lanes meet with the word count), whatever way the
// hasher keeps its lanes.
#include "core/hash.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace leasesim {
namespace {

// The fold written out directly, lanes picked by the parity of the word count: the reference the
// hasher's faster form must match.
uint64_t reference_digest(const std::vector<uint64_t>& words) {
  uint64_t lanes[2] = {0x243F6A8885A308D3ull, 0x13198A2E03707344ull};
  uint64_t count = 0;
  for (uint64_t w : words) {
    uint64_t& lane = lanes[count++ & 1];
    lane = mum(lane ^ w, 0x9E3779B97F4A7C15ull);
  }
  return avalanche(mum(lanes[0] ^ count, lanes[1] | 1) ^ lanes[1]);
}

TEST(StateHasher, DigestIsTheTwoLaneFoldForEveryLength) {
  uint64_t seed = 20261206;
  for (int length = 0; length < 64; ++length) {
    std::vector<uint64_t> words;
    for (int i = 0; i < length; ++i) words.push_back(avalanche(seed += 0x9E3779B97F4A7C15ull));
    StateHasher h;
    for (uint64_t w : words) h.u64(w);
    EXPECT_EQ(h.digest(), reference_digest(words)) << "length " << length;
  }
}

TEST(StateHasher, OrderOfWordsMatters) {
  // Swapping two words (one per lane) must change the digest: a fold that lost track of which
  // lane is which would not see it.
  StateHasher a, b;
  a.u64(1).u64(2).u64(3);
  b.u64(2).u64(1).u64(3);
  EXPECT_NE(a.digest(), b.digest());
}

}  // namespace
}  // namespace leasesim
