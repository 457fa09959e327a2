// Tests of failover episodes and failoverWithin (properties/failover.h) on hand-built
// Histories: which faults open an episode, what it measures, and when the bound is violated.
#include "properties/failover.h"

#include <gtest/gtest.h>

#include "tests/properties/history_builders.h"

namespace leasesim {
namespace {

using namespace testing_history;

// a leads from 1s until the crash at 10s; b starts leading at 25s.
struct CrashCase {
  Scenario s = scenario_with(2);
  History h;
  CrashCase() {
    const uint32_t crash = add_fault(s, FaultType::Crash, sec(10), std::nullopt, 0);
    h.leaderships = {lead(0, sec(1), sec(10), 0, "crash"), lead(1, sec(25), std::nullopt)};
    h.faults = {struck(crash, sec(10), 0, {{0, 0}})};
  }
};

TEST(FailoverEpisodes, CrashOfTheLeaderOpensAnEpisode) {
  CrashCase c;
  const auto episodes = failover_episodes(c.s, c.h);
  ASSERT_EQ(episodes.size(), 1u);
  const FailoverEpisode& e = episodes[0];
  EXPECT_EQ(e.lease, 0u);
  EXPECT_EQ(e.from, 0u);
  EXPECT_EQ(e.to, std::optional<uint32_t>(1));
  EXPECT_EQ(e.cause, "crash");
  EXPECT_EQ(e.fault_index, 0u);
  EXPECT_EQ(e.fault_at, sec(10));
  EXPECT_EQ(e.lost_at, sec(10));
  EXPECT_EQ(e.new_leader_at, sec(25));
  EXPECT_EQ(e.fault_to_leader(), seconds(15));
  EXPECT_EQ(e.leaderless_gap(), seconds(15));
}

TEST(FailoverEpisodes, GapIsMeasuredFromTheLossNotFromTheFault) {
  // A partition at 10s; a keeps acting until its renew deadline at 14s; b leads at 25s.
  Scenario s = scenario_with(2);
  const uint32_t cut = add_fault(s, FaultType::Partition, sec(10), seconds(20), 0);
  History h;
  h.leaderships = {lead(0, sec(1), sec(14), 0, "renewFailed"), lead(1, sec(25), std::nullopt)};
  h.faults = {struck(cut, sec(10), 0, {{0, 0}})};
  const auto episodes = failover_episodes(s, h);
  ASSERT_EQ(episodes.size(), 1u);
  EXPECT_EQ(episodes[0].cause, "partition");
  EXPECT_EQ(episodes[0].fault_to_leader(), seconds(15));
  EXPECT_EQ(episodes[0].leaderless_gap(), seconds(11));
}

TEST(FailoverEpisodes, ShortPartitionTheLeaderSurvivesOpensNoEpisode) {
  // A 3s partition at 10s; a renews at 15s, after the window, and loses the lease much later
  // for an unrelated reason: that loss is not this fault's doing.
  Scenario s = scenario_with(2);
  const uint32_t cut = add_fault(s, FaultType::Partition, sec(10), seconds(3), 0);
  History h;
  h.leaderships = {lead(0, sec(1), sec(40), 0, "renewFailed"), lead(1, sec(45), std::nullopt)};
  h.writes = {write(sec(1), 0, spec("", 0), spec("a", 1), 2), write(sec(15), 0, spec("a", 1), spec("a", 1), 3)};
  h.faults = {struck(cut, sec(10), 0, {{0, 0}})};
  EXPECT_TRUE(failover_episodes(s, h).empty());
}

TEST(FailoverEpisodes, PartitionTheLeaderDoesNotSurviveOpensAnEpisode) {
  // Twin: same history, but a's only write after the fault falls inside the window (a request
  // that got through while partitioned in the other direction does not prove it survived).
  Scenario s = scenario_with(2);
  const uint32_t cut = add_fault(s, FaultType::Partition, sec(10), seconds(3), 0);
  History h;
  h.leaderships = {lead(0, sec(1), sec(40), 0, "renewFailed"), lead(1, sec(45), std::nullopt)};
  h.writes = {write(sec(1), 0, spec("", 0), spec("a", 1), 2), write(sec(12), 0, spec("a", 1), spec("a", 1), 3)};
  h.faults = {struck(cut, sec(10), 0, {{0, 0}})};
  const auto episodes = failover_episodes(s, h);
  ASSERT_EQ(episodes.size(), 1u);
  EXPECT_EQ(episodes[0].new_leader_at, sec(45));
}

TEST(FailoverEpisodes, LateWritesDoNotProveSurvival) {
  // A write the client had given up on is not a successful renewal.
  Scenario s = scenario_with(2);
  const uint32_t cut = add_fault(s, FaultType::Partition, sec(10), seconds(3), 0);
  History h;
  h.leaderships = {lead(0, sec(1), sec(40), 0, "renewFailed"), lead(1, sec(45), std::nullopt)};
  LeaseWrite late = write(sec(15), 0, spec("a", 1), spec("a", 1), 3);
  late.late = true;
  h.writes = {late};
  h.faults = {struck(cut, sec(10), 0, {{0, 0}})};
  EXPECT_EQ(failover_episodes(s, h).size(), 1u);
}

TEST(FailoverEpisodes, NewLeaderBeforeTheOldStopsGivesGapZero) {
  // A paused leader keeps acting until it resumes at 40s; b took over at 31s.
  Scenario s = scenario_with(2);
  const uint32_t pause = add_fault(s, FaultType::Pause, sec(10), seconds(30), 0);
  History h;
  h.leaderships = {lead(0, sec(1), sec(40), 0, "notRenewed"), lead(1, sec(31), std::nullopt)};
  h.faults = {struck(pause, sec(10), 0, {{0, 0}})};
  const auto episodes = failover_episodes(s, h);
  ASSERT_EQ(episodes.size(), 1u);
  EXPECT_EQ(episodes[0].cause, "pause");
  EXPECT_EQ(episodes[0].lost_at, sec(40));
  EXPECT_EQ(episodes[0].new_leader_at, sec(31));
  EXPECT_EQ(episodes[0].fault_to_leader(), seconds(21));
  EXPECT_EQ(episodes[0].leaderless_gap(), Duration(0));
}

TEST(FailoverEpisodes, LeaderThatKeepsTheLeaseToTheEndOpensNoEpisode) {
  Scenario s = scenario_with(2);
  const uint32_t pause = add_fault(s, FaultType::Pause, sec(10), seconds(2), 0);
  History h;
  h.leaderships = {lead(0, sec(1), std::nullopt)};
  h.faults = {struck(pause, sec(10), 0, {{0, 0}})};
  EXPECT_TRUE(failover_episodes(s, h).empty());
}

TEST(FailoverEpisodes, SkippedFaultsFaultEndsAndMissesOpenNoEpisode) {
  CrashCase c;
  // The same crash, but skipped: nothing happened.
  c.h.faults[0].skipped = "no acting leader";
  c.h.faults[0].acting_leaders_hit.clear();
  EXPECT_TRUE(failover_episodes(c.s, c.h).empty());
  // A fault end is never the start of an episode.
  CrashCase d;
  d.h.faults[0].is_end = true;
  EXPECT_TRUE(failover_episodes(d.s, d.h).empty());
  // A fault that hit no acting leader (e.g. a standby) opens nothing.
  CrashCase e;
  e.h.faults[0].acting_leaders_hit.clear();
  EXPECT_TRUE(failover_episodes(e.s, e.h).empty());
}

TEST(FailoverEpisodes, NoNewLeaderLeavesTheEpisodeOpen) {
  CrashCase c;
  c.h.leaderships.pop_back();  // b never leads
  const auto episodes = failover_episodes(c.s, c.h);
  ASSERT_EQ(episodes.size(), 1u);
  EXPECT_FALSE(episodes[0].to);
  EXPECT_FALSE(episodes[0].new_leader_at);
  EXPECT_FALSE(episodes[0].fault_to_leader());
  EXPECT_FALSE(episodes[0].leaderless_gap());
}

TEST(FailoverEpisodes, OneEpisodePerLeaseAtATime) {
  // a is paused at 10s (keeps acting until 40s); at 20s a partition hits it too; b leads at 31s.
  // The second fault strikes during the open episode and opens no second one.
  Scenario s = scenario_with(2);
  const uint32_t pause = add_fault(s, FaultType::Pause, sec(10), seconds(30), 0);
  const uint32_t cut = add_fault(s, FaultType::Partition, sec(20), seconds(5), 0);
  History h;
  h.leaderships = {lead(0, sec(1), sec(40)), lead(1, sec(31), sec(50)), lead(0, sec(60), std::nullopt)};
  h.faults = {struck(pause, sec(10), 0, {{0, 0}}), struck(cut, sec(20), 0, {{0, 0}})};
  auto episodes = failover_episodes(s, h);
  ASSERT_EQ(episodes.size(), 1u);
  EXPECT_EQ(episodes[0].fault_index, pause);
  // Twin: after the new leader started, a fault on it opens a new episode.
  const uint32_t crash_b = add_fault(s, FaultType::Crash, sec(45), std::nullopt, 1);
  h.leaderships[1].end = sec(45);
  h.faults.push_back(struck(crash_b, sec(45), 1, {{0, 1}}));
  episodes = failover_episodes(s, h);
  ASSERT_EQ(episodes.size(), 2u);
  EXPECT_EQ(episodes[1].from, 1u);
  EXPECT_EQ(episodes[1].to, std::optional<uint32_t>(0));
  EXPECT_EQ(episodes[1].new_leader_at, sec(60));
}

TEST(FailoverEpisodes, OutageHittingLeadersOfTwoLeasesOpensOneEpisodeEach) {
  Scenario s = scenario_with(4, /*on_y=*/{2, 3});
  FaultSpec outage;
  outage.type = FaultType::ApiServerOutage;
  outage.at = seconds(10);
  outage.for_ = seconds(20);
  s.faults.push_back(outage);
  History h;
  h.leaderships = {lead(0, sec(1), sec(15), 0), lead(2, sec(1), sec(16), 1), lead(1, sec(35), std::nullopt, 0),
                   lead(3, sec(36), std::nullopt, 1)};
  h.faults = {struck(0, sec(10), std::nullopt, {{0, 0}, {1, 2}})};
  const auto episodes = failover_episodes(s, h);
  ASSERT_EQ(episodes.size(), 2u);
  EXPECT_EQ(episodes[0].lease, 0u);
  EXPECT_EQ(episodes[0].to, std::optional<uint32_t>(1));
  EXPECT_EQ(episodes[1].lease, 1u);
  EXPECT_EQ(episodes[1].to, std::optional<uint32_t>(3));
  EXPECT_EQ(episodes[1].cause, "apiServerOutage");
}

// failoverWithin

TEST(FailoverWithin, EpisodeLongerThanTheBoundIsAViolation) {
  CrashCase c;
  const auto episodes = failover_episodes(c.s, c.h);
  const auto v = check_failover_within(c.s, episodes, 0, seconds(10), sec(100));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].at, sec(10));
  EXPECT_EQ(v[0].until, sec(25));
  EXPECT_EQ(v[0].procs, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(v[0].message,
            "failover of default/x after crash of a at 10s took 15s (bound 10s): b started leading at 25s");
}

TEST(FailoverWithin, EpisodeWithinTheBoundPassesAndTheBoundIsInclusive) {
  CrashCase c;
  const auto episodes = failover_episodes(c.s, c.h);
  EXPECT_TRUE(check_failover_within(c.s, episodes, 0, seconds(20), sec(100)).empty());
  EXPECT_TRUE(check_failover_within(c.s, episodes, 0, seconds(15), sec(100)).empty());
  EXPECT_EQ(check_failover_within(c.s, episodes, 0, seconds(15) - Duration(1), sec(100)).size(), 1u);
}

TEST(FailoverWithin, NoNewLeaderIsAViolationOnlyOnceTheBoundHasPassedByTheEnd) {
  CrashCase c;
  c.h.leaderships.pop_back();
  const auto episodes = failover_episodes(c.s, c.h);
  // The run ended 25s after the crash: a 30s bound cannot be judged violated yet.
  EXPECT_TRUE(check_failover_within(c.s, episodes, 0, seconds(30), sec(35)).empty());
  // Exactly at the bound: still not violated.
  EXPECT_TRUE(check_failover_within(c.s, episodes, 0, seconds(30), sec(40)).empty());
  const auto v = check_failover_within(c.s, episodes, 0, seconds(30), sec(41));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].at, sec(10));
  EXPECT_FALSE(v[0].until);
  EXPECT_EQ(v[0].procs, (std::vector<uint32_t>{0}));
  EXPECT_EQ(v[0].message,
            "no new leader of default/x within 30s after crash of a at 10s (none by the end of the run at 41s)");
}

TEST(FailoverWithin, OnlyTheRequestedLeaseIsJudged) {
  CrashCase c;
  const auto episodes = failover_episodes(c.s, c.h);
  EXPECT_TRUE(check_failover_within(c.s, episodes, 1, seconds(1), sec(100)).empty());
}

}  // namespace
}  // namespace leasesim

namespace leasesim {
namespace {
using namespace testing_history;

TEST(FailoverEpisodes, FaultOnAnOldLeaderWhileAnotherLeadsOpensNoEpisode) {
  // a still acts (wedged) while b already leads since 20s; a crash of a at 30s leaves b leading,
  // so the lease never lost its leader (regression: this used to open an endless episode).
  Scenario s = scenario_with(2);
  const uint32_t crash = add_fault(s, FaultType::Crash, sec(30), std::nullopt, 0);
  History h;
  h.leaderships = {lead(0, sec(1), sec(30), 0, "crash"), lead(1, sec(20), std::nullopt)};
  h.faults = {struck(crash, sec(30), 0, {{0, 0}})};
  EXPECT_TRUE(failover_episodes(s, h).empty());
}

TEST(FailoverEpisodes, FaultOnTheOnlyLeaderStillOpensAnEpisode) {
  // The twin: same crash, but b starts only after it.
  Scenario s = scenario_with(2);
  const uint32_t crash = add_fault(s, FaultType::Crash, sec(30), std::nullopt, 0);
  History h;
  h.leaderships = {lead(0, sec(1), sec(30), 0, "crash"), lead(1, sec(45), std::nullopt)};
  h.faults = {struck(crash, sec(30), 0, {{0, 0}})};
  ASSERT_EQ(failover_episodes(s, h).size(), 1u);
}

// The case: the leader crashes at 60s inside an apiServerSlow window that began at 50s.
// The window hit the leader first, but the crash removed it: the episode is the crash's.
struct CrashInsideSlowWindow {
  Scenario s = scenario_with(2);
  History h;
  uint32_t slow = 0, crash = 0;
  CrashInsideSlowWindow() {
    FaultSpec f;
    f.type = FaultType::ApiServerSlow;
    f.at = seconds(50);
    f.for_ = seconds(30);
    f.latency = {seconds(1), seconds(2)};
    s.faults.push_back(f);
    slow = 0;
    crash = add_fault(s, FaultType::Crash, sec(60), std::nullopt, 0);
    h.leaderships = {lead(0, sec(1), sec(60), 0, "crash"), lead(1, sec(75), std::nullopt)};
    h.faults = {struck(slow, sec(50), std::nullopt, {{0, 0}}), struck(crash, sec(60), 0, {{0, 0}})};
  }
};

TEST(FailoverEpisodes, CrashInsideASlowWindowIsChargedToTheCrash) {
  CrashInsideSlowWindow c;
  const auto episodes = failover_episodes(c.s, c.h);
  ASSERT_EQ(episodes.size(), 1u);
  EXPECT_EQ(episodes[0].cause, "crash");
  EXPECT_EQ(episodes[0].fault_index, c.crash);
  EXPECT_EQ(episodes[0].fault_at, sec(60));
  EXPECT_EQ(episodes[0].fault_to_leader(), seconds(15));
}

TEST(FailoverEpisodes, SlowWindowThatAloneRemovedTheLeaderKeepsTheEpisode) {
  // Twin: without the crash the leader loses the lease inside the window by itself, and the
  // episode stays the window's.
  CrashInsideSlowWindow c;
  c.h.leaderships = {lead(0, sec(1), sec(60), 0, "renewFailed"), lead(1, sec(75), std::nullopt)};
  c.h.faults = {struck(c.slow, sec(50), std::nullopt, {{0, 0}})};
  const auto episodes = failover_episodes(c.s, c.h);
  ASSERT_EQ(episodes.size(), 1u);
  EXPECT_EQ(episodes[0].cause, "apiServerSlow");
  EXPECT_EQ(episodes[0].fault_at, sec(50));
}

TEST(FailoverEpisodes, AWatchStallOfTheLeaderOpensNoEpisodeTheCrashInsideItDoes) {
  // `fuzz --nodes --seed 1 --case 19805`: the leader's watch stalls from 187.3s for 14.75s and
  // the leader crashes at 198.5s, inside the stall. The stall leaves the election alone; the
  // episode is the crash's, measured from 198.5s (it was charged to the stall, measured from
  // 187.3s, and its bound ran out 11.2s early).
  Scenario s = scenario_with(2);
  const uint32_t stall = add_fault(s, FaultType::WatchStall, ms(187300), milliseconds(14750), 0);
  const uint32_t crash = add_fault(s, FaultType::Crash, ms(198500), std::nullopt, 0);
  History h;
  h.leaderships = {lead(0, sec(1), ms(198500), 0, "crash"), lead(1, sec(215), std::nullopt)};
  h.faults = {struck(stall, ms(187300), 0, {{0, 0}}), struck(crash, ms(198500), 0, {{0, 0}})};
  const auto episodes = failover_episodes(s, h);
  ASSERT_EQ(episodes.size(), 1u);
  EXPECT_EQ(episodes[0].cause, "crash");
  EXPECT_EQ(episodes[0].fault_index, crash);
  EXPECT_EQ(episodes[0].fault_to_leader(), milliseconds(16500));
  // Twin: the same History with the first fault a pause (which does cut the elector off) keeps
  // the episode at the earlier fault.
  s.faults[stall].type = FaultType::Pause;
  const auto paused = failover_episodes(s, h);
  ASSERT_EQ(paused.size(), 1u);
  EXPECT_EQ(paused[0].cause, "pause");
  EXPECT_EQ(paused[0].fault_at, ms(187300));
}

TEST(FailoverEpisodes, CrashAfterTheLossDoesNotTakeOverTheEpisode) {
  // A crash of the old leader after it already lost the lease did not remove a leader.
  CrashInsideSlowWindow c;
  c.h.leaderships = {lead(0, sec(1), sec(55), 0, "renewFailed"), lead(1, sec(75), std::nullopt)};
  c.h.faults = {struck(c.slow, sec(50), std::nullopt, {{0, 0}}), struck(c.crash, sec(60), 0, {})};
  const auto episodes = failover_episodes(c.s, c.h);
  ASSERT_EQ(episodes.size(), 1u);
  EXPECT_EQ(episodes[0].cause, "apiServerSlow");
}

TEST(FailoverWithin, PerEpisodeBoundsJudgeEachEpisodeAndSkipUnbounded) {
  CrashCase c;
  const auto episodes = failover_episodes(c.s, c.h);
  ASSERT_EQ(episodes.size(), 1u);
  // 15s against 10s fails and names the basis; no bound at all is not judged.
  const auto v = check_failover_within(c.s, episodes, 0, {seconds(10)}, {"crash bound"}, sec(60));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].message.find("bound 10s, crash bound"), std::string::npos) << v[0].message;
  EXPECT_TRUE(check_failover_within(c.s, episodes, 0, {std::nullopt}, {"none"}, sec(60)).empty());
  EXPECT_TRUE(check_failover_within(c.s, episodes, 0, {seconds(15)}, {""}, sec(60)).empty());
}

}  // namespace
}  // namespace leasesim
