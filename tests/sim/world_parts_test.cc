// world_parts_test.cc: the small value types a World copies with every successor
// (sim/world.h): TimerGenerations and HeldEvents.
#include <gtest/gtest.h>

#include <type_traits>
#include <vector>

#include "core/check.h"
#include "sim/world.h"

namespace leasesim {
namespace {

Event event_at(int64_t ns, uint64_t a) {
  Event e;
  e.at = TrueInstant(ns);
  e.kind = EventKind::Timer;
  e.a = a;
  return e;
}

TEST(TimerGenerations, IsTriviallyCopyable) { static_assert(std::is_trivially_copyable_v<TimerGenerations>); }

TEST(TimerGenerations, GrowsWithZerosLikeAVectorAndClearsToEmpty) {
  TimerGenerations g;
  EXPECT_EQ(g.size(), 0u);
  g.resize(3, 0);
  EXPECT_EQ(g.size(), 3u);
  ++g[2];
  g.resize(2, 0);  // never shrinks
  EXPECT_EQ(g.size(), 3u);
  EXPECT_EQ(g[2], 1u);
  g.resize(5, 0);
  EXPECT_EQ(g[3], 0u);
  EXPECT_EQ(g[4], 0u);
  g.clear();
  EXPECT_EQ(g.size(), 0u);
  g.resize(4, 0);  // entries come back as 0, not as the values before the clear
  EXPECT_EQ(g[2], 0u);
}

TEST(TimerGenerations, EqualityLooksOnlyAtTheEntriesInUse) {
  TimerGenerations a, b;
  a.resize(3, 0);
  ++a[1];
  b.resize(3, 0);
  EXPECT_FALSE(a == b);
  ++b[1];
  EXPECT_TRUE(a == b);
  b.resize(4, 0);
  EXPECT_FALSE(a == b);  // [0,1,0] is not [0,1,0,0]
}

TEST(TimerGenerations, ATimerIdBeyondTheCapacityIsAnInvariantViolation) {
  TimerGenerations g;
  g.resize(TimerGenerations::kCapacity, 0);  // ids 0..14 fit
  EXPECT_THROW(g.resize(TimerGenerations::kCapacity + 1, 0), InvariantViolation);
  EXPECT_EQ(g.size(), TimerGenerations::kCapacity);
}

TEST(HeldEvents, KeepsTheOrderAndGivesTheEventsUpOnce) {
  HeldEvents h;
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.begin(), h.end());
  h.push_back(event_at(5, 1));
  h.push_back(event_at(3, 2));
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h.begin()->a, 1u);
  const std::vector<Event> taken = h.take();
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_EQ(taken[0].a, 1u);
  EXPECT_EQ(taken[1].a, 2u);
  EXPECT_TRUE(h.empty());
}

TEST(HeldEvents, ACopyIsUntouchedByChangesToTheOriginal) {
  HeldEvents h;
  h.push_back(event_at(1, 1));
  const HeldEvents copy = h;
  h.push_back(event_at(2, 2));
  EXPECT_EQ(copy.size(), 1u);
  EXPECT_EQ(h.size(), 2u);
  EXPECT_FALSE(copy == h);
  const std::vector<Event> taken = h.take();  // shared with nobody now: moved out
  EXPECT_EQ(taken.size(), 2u);
  EXPECT_EQ(copy.size(), 1u);
  HeldEvents again = copy;
  EXPECT_EQ(again.take().size(), 1u);  // shared with `copy`: copied out
  EXPECT_EQ(copy.size(), 1u);
  EXPECT_TRUE(again.empty());
  EXPECT_TRUE(again == HeldEvents());
}

}  // namespace
}  // namespace leasesim
