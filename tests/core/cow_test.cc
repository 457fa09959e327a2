// Tests of the copy-on-write holders (core/cow.h) and the block pool under them
// (core/pool.h): copies share a value until one changes it, a change is never seen through
// another copy, and cached digests are dropped when the value changes.
#include "core/cow.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/pool.h"

namespace leasesim {
namespace {

TEST(Cow, AssigningTheSharedValueAgainKeepsItShared) {
  // Assignment over the node already shared (and self-assignment) changes no count: the value is
  // still shared by two, so a change through one copies it first.
  Cow<std::vector<int>> a(std::vector<int>{1});
  Cow<std::vector<int>> b = a;
  b = a;
  a = *&a;
  a.mut().push_back(2);
  EXPECT_EQ(*b, std::vector<int>{1});
  EXPECT_EQ(*a, (std::vector<int>{1, 2}));
}

TEST(Cow, CopiesShareUntilOneChanges) {
  Cow<std::vector<int>> a(std::vector<int>{1, 2, 3});
  Cow<std::vector<int>> b = a;
  EXPECT_EQ(&*a, &*b);  // shared: one value
  b.mut().push_back(4);
  EXPECT_NE(&*a, &*b);
  EXPECT_EQ(*a, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(*b, (std::vector<int>{1, 2, 3, 4}));
}

TEST(Cow, ASoleOwnerChangesInPlace) {
  Cow<std::string> a(std::string("x"));
  const std::string* before = &*a;
  a.mut() += "y";
  EXPECT_EQ(&*a, before);
  EXPECT_EQ(*a, "xy");
}

TEST(Cow, EqualityComparesValues) {
  Cow<std::string> a(std::string("same")), b(std::string("same")), c(std::string("other"));
  EXPECT_TRUE(a == b);  // distinct values, equal contents
  EXPECT_FALSE(a == c);
}

TEST(CowSlot, ReadsLikeAnOptional) {
  CowSlot<std::string> s;
  EXPECT_FALSE(s.has_value());
  s.emplace_from([] { return std::string("v"); });
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, "v");
  EXPECT_EQ(s->size(), 1u);
  s.reset();
  EXPECT_FALSE(s);
}

TEST(CowSlot, CopiesShareAndDetachOnWrite) {
  CowSlot<std::string> a;
  a.emplace_from([] { return std::string("v"); });
  CowSlot<std::string> b = a;
  EXPECT_TRUE(a.shared());
  b.mut() += "w";
  EXPECT_FALSE(a.shared());
  EXPECT_EQ(*a, "v");
  EXPECT_EQ(*b, "vw");
  EXPECT_FALSE(a == b);
}

TEST(CowSlot, DigestIsCachedUntilTheValueChanges) {
  int calls = 0;
  const auto hash = [&calls](const std::string& s) {
    ++calls;
    return static_cast<uint64_t>(s.size()) + 100;
  };
  CowSlot<std::string> a;
  a.emplace_from([] { return std::string("ab"); });
  EXPECT_EQ(a.digest(hash), 102u);
  EXPECT_EQ(a.digest(hash), 102u);
  EXPECT_EQ(calls, 1);
  CowSlot<std::string> b = a;  // a copy shares the cached digest
  EXPECT_EQ(b.digest(hash), 102u);
  EXPECT_EQ(calls, 1);
  b.mut() += "c";  // a change drops it, in the copy that changed only
  EXPECT_EQ(b.digest(hash), 103u);
  EXPECT_EQ(a.digest(hash), 102u);
  EXPECT_EQ(calls, 2);
}

TEST(BlockPool, ReusesAReleasedBlock) {
  using Pool = BlockPool<48>;
  void* first = Pool::allocate();
  Pool::release(first);
  void* second = Pool::allocate();
  EXPECT_EQ(second, first);  // the free list is last in, first out
  Pool::release(second);
  Pool::release(nullptr);  // a no-op
}

TEST(PoolAllocator, ServesSharedPointers) {
  std::vector<std::shared_ptr<std::string>> many;
  for (int i = 0; i < 100; ++i)
    many.push_back(std::allocate_shared<std::string>(PoolAllocator<std::string>(), std::to_string(i)));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(*many[static_cast<size_t>(i)], std::to_string(i));
  many.clear();
  // Arrays fall back to the global allocator.
  PoolAllocator<int> ints;
  int* array = ints.allocate(10);
  for (int i = 0; i < 10; ++i) array[i] = i;
  ints.deallocate(array, 10);
}

}  // namespace
}  // namespace leasesim
