// name_test.cc: Name, the interned string of Lease records (core/name.h).
#include "core/name.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace leasesim {
namespace {

TEST(Name, IsTriviallyCopyableAndOnePointerWide) {
  static_assert(std::is_trivially_copyable_v<Name>);
  static_assert(sizeof(Name) == sizeof(void*));
}

TEST(Name, ReadsAsItsText) {
  const Name a("candidate-a");
  EXPECT_EQ(a.str(), "candidate-a");
  EXPECT_EQ(a.size(), 11u);
  EXPECT_FALSE(a.empty());
  const std::string& s = a;  // converts implicitly wherever a string is read
  EXPECT_EQ(s, "candidate-a");
  EXPECT_EQ("id:" + a, "id:candidate-a");
}

TEST(Name, EmptyIsTheDefaultAndHasNoEntry) {
  const Name none;
  const Name empty("");
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none, empty);
  EXPECT_EQ(none.str(), "");
  EXPECT_EQ(none.digest(), 0u);
}

TEST(Name, EqualTextsAreEqualNamesAndDifferentTextsDiffer) {
  const std::string built = std::string("kube-") + "controller";
  EXPECT_EQ(Name("kube-controller"), Name(built));
  EXPECT_NE(Name("a"), Name("b"));
  EXPECT_NE(Name("a"), Name());
  EXPECT_EQ(Name("a").digest(), Name(std::string("a")).digest());
  EXPECT_NE(Name("a").digest(), Name("b").digest());
  EXPECT_NE(Name("a").digest(), 0u);
  EXPECT_TRUE(Name("x") == "x");
  EXPECT_TRUE(Name("x") == std::string("x"));
  EXPECT_FALSE(Name("x") == "y");
}

TEST(Name, OrdersByTextNotByAddress) {
  // Interned in reverse order, so addresses (if they decided) would order them the other way.
  const Name z("zz-order-test"), m("mm-order-test"), a("aa-order-test");
  std::set<Name> names{z, m, a};
  std::vector<std::string> texts;
  for (const Name& n : names) texts.push_back(n.str());
  EXPECT_EQ(texts, (std::vector<std::string>{"aa-order-test", "mm-order-test", "zz-order-test"}));
  EXPECT_LT(Name(""), Name("a"));
}

TEST(Name, TheFingerprintHashOfANameIsItsDigestAndThePublishedOneItsText) {
  StateHasher s1, s2;
  hash_name(s1, Name("holder"));
  s2.u64(Name("holder").digest());
  EXPECT_EQ(s1.digest(), s2.digest());
  Hasher h1, h2;
  hash_name(h1, Name("holder"));
  h2.bytes("holder");
  EXPECT_EQ(h1.digest(), h2.digest());
}

TEST(Name, ThreadsInterningTheSameTextsGetTheSameNames) {
  constexpr int kThreads = 4, kTexts = 500;
  std::vector<std::vector<Name>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &seen] {
      for (int i = 0; i < kTexts; ++i) seen[t].push_back(Name("thread-text-" + std::to_string((i * 7 + t) % kTexts)));
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kTexts; ++i) {
      const Name& n = seen[t][i];
      EXPECT_EQ(n.str(), "thread-text-" + std::to_string((i * 7 + t) % kTexts));
      EXPECT_EQ(n, Name(n.str()));
    }
  }
}

}  // namespace
}  // namespace leasesim
