// Tests of AppendLog (sim/append_log.h): it reads like a vector, copies share chunks, and a
// change through one copy (append, element write, pop) is never seen through another.
#include "sim/append_log.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace leasesim {
namespace {

std::vector<std::string> items(const AppendLog<std::string>& log) { return {log.begin(), log.end()}; }

TEST(AppendLog, ReadsLikeAVectorAcrossChunkBoundaries) {
  AppendLog<std::string> log;
  std::vector<std::string> reference;
  EXPECT_TRUE(log.empty());
  for (int i = 0; i < 40; ++i) {
    log.push_back("e" + std::to_string(i));
    reference.push_back("e" + std::to_string(i));
    ASSERT_EQ(log.size(), reference.size());
    ASSERT_EQ(log.back(), reference.back());
    ASSERT_EQ(items(log), reference);
  }
  EXPECT_EQ(log[17], "e17");
  EXPECT_EQ(log.at(39), "e39");
  EXPECT_EQ(log.front(), "e0");
  // Random-access iterators: distance, arithmetic, algorithms.
  EXPECT_EQ(log.end() - log.begin(), 40);
  EXPECT_EQ(*(log.begin() + 25), "e25");
  EXPECT_EQ(std::find(log.begin(), log.end(), "e33") - log.begin(), 33);
}

TEST(AppendLog, CopiesAreIndependent) {
  AppendLog<std::string> a;
  for (int i = 0; i < 11; ++i) a.push_back(std::to_string(i));
  AppendLog<std::string> b = a;
  EXPECT_EQ(a, b);
  b.push_back("b");  // into the shared, partly filled last chunk
  a.push_back("a");
  EXPECT_EQ(a.back(), "a");
  EXPECT_EQ(b.back(), "b");
  EXPECT_EQ(a.size(), 12u);
  EXPECT_FALSE(a == b);
  b.mut(3) = "three";  // an element in a shared full chunk
  b[4] = "four";       // non-const [] writes the same way
  EXPECT_EQ(a[3], "3");
  EXPECT_EQ(a[4], "4");
  EXPECT_EQ(b[3], "three");
  EXPECT_EQ(b[4], "four");
}

TEST(AppendLog, PopBackAndAssign) {
  AppendLog<int> a = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const AppendLog<int> copy = a;
  a.pop_back();  // leaves a chunk boundary
  a.pop_back();
  EXPECT_EQ(a.size(), 7u);
  EXPECT_EQ(a.back(), 7);
  EXPECT_EQ(copy.size(), 9u);
  EXPECT_EQ(copy.back(), 9);
  const std::vector<int> v = {4, 5};
  a = v;
  EXPECT_EQ(std::vector<int>(a.begin(), a.end()), v);
  AppendLog<int> tail;
  tail.assign(copy.begin() + 7, copy.end());
  EXPECT_EQ(std::vector<int>(tail.begin(), tail.end()), (std::vector<int>{8, 9}));
  a.clear();
  EXPECT_TRUE(a.empty());
}

}  // namespace
}  // namespace leasesim
