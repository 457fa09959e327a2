// Tests of eventuallyLeader (properties/eventually_leader.h): the window starts when the last
// fault ends and some leadership must overlap it.
#include "properties/eventually_leader.h"

#include <gtest/gtest.h>

#include "tests/properties/history_builders.h"

namespace leasesim {
namespace {

using namespace testing_history;

// Faults: a crash at 10s and a partition from 20s for 10s, so the last one ends at 30s.
Scenario faulted() {
  Scenario s = scenario_with(2, /*on_y=*/{1});
  add_fault(s, FaultType::Crash, sec(10));
  add_fault(s, FaultType::Partition, sec(20), seconds(10), 1);
  return s;
}

std::vector<Violation> check(const std::vector<Leadership>& ls, Duration window = seconds(20), TrueInstant end = sec(120)) {
  History h;
  h.leaderships = ls;
  return check_eventually_leader(faulted(), h, 0, window, end);
}

TEST(LastFaultEnd, IsTheLatestAtPlusFor) {
  EXPECT_EQ(last_fault_end(faulted()), sec(30));
  EXPECT_EQ(last_fault_end(scenario_with(1)), TrueInstant(0));
  // An instant fault that comes later than every window's end wins.
  Scenario s = faulted();
  add_fault(s, FaultType::Restart, sec(45));
  EXPECT_EQ(last_fault_end(s), sec(45));
}

TEST(EventuallyLeader, LeaderInsideTheWindowPasses) {
  EXPECT_TRUE(check({lead(1, sec(35), sec(40))}).empty());
}

TEST(EventuallyLeader, NoLeaderInTheWindowIsAViolation) {
  const auto v = check({lead(0, sec(1), sec(10))});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].at, sec(30));
  EXPECT_EQ(v[0].until, sec(50));
  EXPECT_TRUE(v[0].procs.empty());
  EXPECT_EQ(v[0].message, "no process led default/x between 30s (the last fault ended) and 50s");
  EXPECT_EQ(check({}).size(), 1u);
}

TEST(EventuallyLeader, LeaderAlreadyActingAtTheWindowStartCounts) {
  EXPECT_TRUE(check({lead(0, sec(20), std::nullopt)}).empty());
  EXPECT_TRUE(check({lead(0, sec(20), TrueInstant(seconds(30).ns + 1))}).empty());
}

TEST(EventuallyLeader, LeadershipEndingExactlyAtTheWindowStartDoesNotCount) {
  // Intervals are half-open: [20s, 30s) has no instant in common with a window starting at 30s.
  EXPECT_EQ(check({lead(0, sec(20), sec(30))}).size(), 1u);
}

TEST(EventuallyLeader, WindowIsClosedAtItsEnd) {
  EXPECT_TRUE(check({lead(0, sec(50), std::nullopt)}).empty());
  EXPECT_EQ(check({lead(0, TrueInstant(seconds(50).ns + 1), std::nullopt)}).size(), 1u);
}

TEST(EventuallyLeader, WindowIsClippedByTheEndOfTheRun) {
  // The run ends at 40s, before the window would: a leader at 45s cannot count, and the
  // message says where the window really ended.
  const auto v = check({lead(0, sec(45), std::nullopt)}, seconds(20), sec(40));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].until, sec(40));
  EXPECT_EQ(v[0].message, "no process led default/x between 30s (the last fault ended) and 40s");
  // Twin: a leader inside the clipped window counts.
  EXPECT_TRUE(check({lead(0, sec(39), std::nullopt)}, seconds(20), sec(40)).empty());
}

TEST(EventuallyLeader, LeadersOfOtherLeasesDoNotCount) {
  EXPECT_EQ(check({lead(1, sec(35), sec(40), /*lease=*/1)}).size(), 1u);
}

TEST(EventuallyLeader, WithoutFaultsTheWindowStartsAtZero) {
  Scenario s = scenario_with(1);
  History h;
  h.leaderships = {lead(0, sec(5), sec(15))};
  EXPECT_TRUE(check_eventually_leader(s, h, 0, seconds(10), sec(60)).empty());
  h.leaderships = {lead(0, sec(11), sec(15))};
  const auto v = check_eventually_leader(s, h, 0, seconds(10), sec(60));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].message, "no process led default/x between 0s (the last fault ended) and 10s");
}

}  // namespace
}  // namespace leasesim
