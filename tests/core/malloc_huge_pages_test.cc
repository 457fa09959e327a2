// Tests of core/malloc_huge_pages.h: when leasesim re-executes itself with malloc's huge pages,
// and with which GLIBC_TUNABLES. (The exec itself is exercised by every CLI test that runs the
// leasesim binary: their outputs are the ones without it.)
#include "core/malloc_huge_pages.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace leasesim {
namespace {

constexpr const char* kMadvise = "always [madvise] never";

TEST(MallocHugePages, AddsTheTunableWhenTheKernelWantsAdvice) {
  EXPECT_EQ(huge_pages_tunables(nullptr, nullptr, kMadvise, "2.36"), "glibc.malloc.hugetlb=1");
  // Other tunables the user set are kept, in front.
  EXPECT_EQ(huge_pages_tunables(nullptr, "glibc.malloc.arena_max=2", kMadvise, "2.36"),
            "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1");
  EXPECT_EQ(huge_pages_tunables(nullptr, "", kMadvise, "2.35"), "glibc.malloc.hugetlb=1");
  EXPECT_EQ(huge_pages_tunables("1", nullptr, kMadvise, "3.0"), "glibc.malloc.hugetlb=1");
}

TEST(MallocHugePages, LeavesTheProgramAloneOtherwise) {
  // The user's opt-out, and a tunable already there (the user's value, or our own first exec:
  // this is what stops a second exec).
  EXPECT_EQ(huge_pages_tunables("0", nullptr, kMadvise, "2.36"), std::nullopt);
  EXPECT_EQ(huge_pages_tunables(nullptr, "glibc.malloc.hugetlb=1", kMadvise, "2.36"), std::nullopt);
  EXPECT_EQ(huge_pages_tunables(nullptr, "glibc.malloc.hugetlb=0", kMadvise, "2.36"), std::nullopt);
  // The kernel gives huge pages without advice, or never, or says nothing readable.
  EXPECT_EQ(huge_pages_tunables(nullptr, nullptr, "[always] madvise never", "2.36"), std::nullopt);
  EXPECT_EQ(huge_pages_tunables(nullptr, nullptr, "always madvise [never]", "2.36"), std::nullopt);
  EXPECT_EQ(huge_pages_tunables(nullptr, nullptr, "", "2.36"), std::nullopt);
  // A glibc that does not know the tunable, or a version that does not parse.
  EXPECT_EQ(huge_pages_tunables(nullptr, nullptr, kMadvise, "2.34"), std::nullopt);
  EXPECT_EQ(huge_pages_tunables(nullptr, nullptr, kMadvise, "1.99"), std::nullopt);
  EXPECT_EQ(huge_pages_tunables(nullptr, nullptr, kMadvise, "unknown"), std::nullopt);
}

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
// A block of 16 MiB, above glibc's default threshold for a mapping of its own (128 KiB, which
// slides up only after such a block is freed), comes from the heap once keep_malloc_memory()
// ran, and freeing it leaves the heap as large as it was. Without the call the block would be a
// mapping (hblkhd grows by its size) and its free would unmap it.
TEST(MallocHugePages, KeepMallocMemoryServesLargeBlocksFromTheHeapAndKeepsThem) {
  keep_malloc_memory();
  constexpr size_t kBytes = size_t{16} << 20;
  const struct mallinfo2 before = mallinfo2();
  char* block = static_cast<char*>(std::malloc(kBytes));
  ASSERT_NE(block, nullptr);
  std::memset(block, 1, kBytes);
  const struct mallinfo2 during = mallinfo2();
  EXPECT_LT(during.hblkhd, before.hblkhd + kBytes) << "the block was mapped on its own";
  EXPECT_GE(during.arena, before.arena + kBytes / 2) << "the block did not come from the heap";
  std::free(block);
  const struct mallinfo2 after = mallinfo2();
  EXPECT_EQ(after.arena, during.arena) << "the heap was trimmed after the free";
}
#endif

}  // namespace
}  // namespace leasesim
