// line_allocator_test.cc: LineAllocator's blocks start on a cache line, a small vector that uses
// it behaves as one with the default allocator (same contents through growth, copies and
// equality), and every element of a whole-line type then starts a line (core/line_allocator.h).
#include "core/line_allocator.h"

#include <gtest/gtest.h>

#include <array>
#include <boost/container/small_vector.hpp>
#include <cstdint>

namespace leasesim {
namespace {

struct ThreeLines {
  std::array<uint64_t, 24> words{};
  bool operator==(const ThreeLines&) const = default;
};
static_assert(sizeof(ThreeLines) == 3 * kCacheLine);

TEST(LineAllocator, BlocksStartOnALine) {
  LineAllocator<char> a;
  for (size_t n : {1, 17, 64, 1000, 1 << 20}) {
    char* p = a.allocate(n);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % kCacheLine, 0u) << n;
    a.deallocate(p, n);
  }
}

TEST(LineAllocator, SmallVectorBehavesAsWithTheDefaultAllocator) {
  boost::container::small_vector<ThreeLines, 4, LineAllocator<ThreeLines>> lined;
  boost::container::small_vector<ThreeLines, 4> plain;
  for (uint64_t i = 0; i < 1000; ++i) {
    ThreeLines t;
    t.words[i % 24] = i;
    lined.push_back(t);
    plain.push_back(t);
    ASSERT_TRUE(std::equal(lined.begin(), lined.end(), plain.begin(), plain.end()));
  }
  // On the heap now: every element starts a line.
  for (const ThreeLines& t : lined) EXPECT_EQ(reinterpret_cast<uintptr_t>(&t) % kCacheLine, 0u);
  auto copy = lined;
  EXPECT_TRUE(copy == lined);
  copy[7].words[3] = 99;
  EXPECT_FALSE(copy == lined);
  EXPECT_EQ(lined[7], plain[7]);
}

}  // namespace
}  // namespace leasesim
