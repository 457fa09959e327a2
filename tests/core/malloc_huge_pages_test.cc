// Tests of core/malloc_huge_pages.h: when leasesim re-executes itself with malloc's huge pages,
// and with which GLIBC_TUNABLES. (The exec itself is exercised by every CLI test that runs the
// leasesim binary: their outputs are the ones without it.)
#include "core/malloc_huge_pages.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace leasesim
