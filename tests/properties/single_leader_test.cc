// Tests of singleLeader (properties/single_leader.h) on hand-built Histories. Every check has a
// twin that fails and one that passes, so neither verdict is vacuous.
#include "properties/single_leader.h"

#include <gtest/gtest.h>

#include "tests/properties/history_builders.h"

namespace leasesim {
namespace {

using namespace testing_history;

TEST(SingleLeader, OverlapIsReportedWithBothProcessesAndTheInterval) {
  const Scenario s = scenario_with(2);
  History h;
  h.leaderships = {lead(0, sec(0), sec(10), 0, "renewFailed", 2), lead(1, sec(5), sec(15), 0, "notRenewed", 7)};
  const auto v = check_single_leader(s, h, 0, sec(100));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].at, sec(5));
  EXPECT_EQ(v[0].until, sec(10));
  EXPECT_EQ(v[0].procs, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(v[0].message,
            "a and b both acted as leader of default/x from 5s to 10s: b started leading at 5s (lease rv 7) while a "
            "had led since 0s; a stopped at 10s (renewFailed)");
}

TEST(SingleLeader, DisjointLeadershipsPass) {
  const Scenario s = scenario_with(2);
  History h;
  h.leaderships = {lead(0, sec(0), sec(10)), lead(1, sec(12), sec(15))};
  EXPECT_TRUE(check_single_leader(s, h, 0, sec(100)).empty());
}

TEST(SingleLeader, MessageNamesTheFirstLeadersLastWriteBeforeTheSecondStarted) {
  const Scenario s = scenario_with(2);
  History h;
  h.leaderships = {lead(0, sec(0), std::nullopt), lead(1, sec(5), sec(15), 0, "", 9)};
  h.writes = {write(ms(100), 0, spec("", 0), spec("a", 0), 2), write(sec(3), 0, spec("a", 0), spec("a", 0), 4),
              write(sec(5), 1, spec("a", 0), spec("b", 0), 9),  // b's own write does not count
              write(sec(6), 0, spec("b", 0), spec("a", 0), 10)};  // after b started: not "before"
  const auto v = check_single_leader(s, h, 0, sec(100));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].message,
            "a and b both acted as leader of default/x from 5s to 15s: b started leading at 5s (lease rv 9) while a "
            "had led since 0s and last wrote the lease at 3s (rv 4)");
}

TEST(SingleLeader, TouchingHalfOpenIntervalsDoNotOverlap) {
  // [0, 10) and [10, 20): at the instant 10 only b acts.
  const Scenario s = scenario_with(2);
  History h;
  h.leaderships = {lead(0, sec(0), sec(10)), lead(1, sec(10), sec(20))};
  EXPECT_TRUE(check_single_leader(s, h, 0, sec(100)).empty());
}

TEST(SingleLeader, OneNanosecondOfOverlapIsAViolation) {
  const Scenario s = scenario_with(2);
  History h;
  h.leaderships = {lead(0, sec(0), sec(10)), lead(1, TrueInstant(seconds(10).ns - 1), sec(20))};
  const auto v = check_single_leader(s, h, 0, sec(100));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].until->ns - v[0].at.ns, 1);
}

TEST(SingleLeader, TheSameProcessTwiceDoesNotCount) {
  // Two records of one process that overlap (e.g. a re-acquire reported before the old interval
  // was closed) are not two leaders.
  const Scenario s = scenario_with(2);
  History h;
  h.leaderships = {lead(0, sec(0), sec(10)), lead(0, sec(5), sec(15))};
  EXPECT_TRUE(check_single_leader(s, h, 0, sec(100)).empty());
  // Twin: the same intervals held by two processes do overlap.
  h.leaderships[1].proc = 1;
  EXPECT_EQ(check_single_leader(s, h, 0, sec(100)).size(), 1u);
}

TEST(SingleLeader, ProcessesWithTheSameIdentityAreStillTwoLeaders) {
  // Duplicated identities are allowed on purpose: acting leadership is per process.
  Scenario s = scenario_with(2);
  s.processes[1].identity = s.processes[0].identity;
  History h;
  h.leaderships = {lead(0, sec(0), sec(10)), lead(1, sec(5), sec(15))};
  EXPECT_EQ(check_single_leader(s, h, 0, sec(100)).size(), 1u);
}

TEST(SingleLeader, AnOpenIntervalExtendsToTheEndOfTheRun) {
  const Scenario s = scenario_with(2);
  History h;
  h.leaderships = {lead(0, sec(0), std::nullopt), lead(1, sec(50), std::nullopt)};
  const auto v = check_single_leader(s, h, 0, sec(100));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].at, sec(50));
  EXPECT_EQ(v[0].until, sec(100));
  // No "stopped at" clause: a never stopped.
  EXPECT_EQ(v[0].message.find("stopped"), std::string::npos);
}

TEST(SingleLeader, AnOpenIntervalOverlapsAClosedOneInside) {
  const Scenario s = scenario_with(2);
  History h;
  h.leaderships = {lead(0, sec(0), std::nullopt), lead(1, sec(50), sec(60))};
  const auto v = check_single_leader(s, h, 0, sec(100));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].until, sec(60));
}

TEST(SingleLeader, AnIntervalStartingAtTheEndHasNoLength) {
  // Twin of the open-interval case: a second leader that starts only at `end` never coexists.
  const Scenario s = scenario_with(2);
  History h;
  h.leaderships = {lead(0, sec(0), std::nullopt), lead(1, sec(100), std::nullopt)};
  EXPECT_TRUE(check_single_leader(s, h, 0, sec(100)).empty());
}

TEST(SingleLeader, OtherLeasesAreIgnored) {
  const Scenario s = scenario_with(2, /*on_y=*/{1});
  History h;
  h.leaderships = {lead(0, sec(0), sec(10), 0), lead(1, sec(5), sec(15), 1)};
  EXPECT_TRUE(check_single_leader(s, h, 0, sec(100)).empty());
  EXPECT_TRUE(check_single_leader(s, h, 1, sec(100)).empty());
}

TEST(SingleLeader, EveryOverlappingPairIsOneViolationOrderedByStart) {
  const Scenario s = scenario_with(3);
  History h;
  // Recorded out of start order on purpose: c [2, 20) before a [0, 10) and b [5, 15).
  h.leaderships = {lead(2, sec(2), sec(20)), lead(0, sec(0), sec(10)), lead(1, sec(5), sec(15))};
  const auto v = check_single_leader(s, h, 0, sec(100));
  ASSERT_EQ(v.size(), 3u);
  // Pairs by the later start, then the earlier: (a, c), (a, b), (c, b).
  EXPECT_EQ(v[0].procs, (std::vector<uint32_t>{0, 2}));
  EXPECT_EQ(v[0].at, sec(2));
  EXPECT_EQ(v[0].until, sec(10));
  EXPECT_EQ(v[1].procs, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(v[1].at, sec(5));
  EXPECT_EQ(v[2].procs, (std::vector<uint32_t>{2, 1}));
  EXPECT_EQ(v[2].at, sec(5));
  EXPECT_EQ(v[2].until, sec(15));
}

TEST(SingleLeader, EmptyHistoryPasses) {
  const Scenario s = scenario_with(2);
  EXPECT_TRUE(check_single_leader(s, History{}, 0, sec(100)).empty());
}

}  // namespace
}  // namespace leasesim
