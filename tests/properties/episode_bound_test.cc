// Tests of the per-episode analytic bound (properties/episode_bound.h): each cause gets its own
// bound, an overlapping apiServerSlow window raises it, an outage leaves it unjudged, and
// `failoverWithin: auto` applies them through evaluate().
#include "properties/episode_bound.h"

#include <gtest/gtest.h>

#include "properties/analytic.h"
#include "properties/evaluate.h"
#include "tests/model/client_go_configs.h"
#include "tests/properties/history_builders.h"

namespace leasesim {
namespace {

using namespace testing_history;

// Two client-go electors (15s/10s/2s) on default/x; `release` sets releaseOnCancel.
Scenario client_go_pair(bool release = false) {
  Scenario s = scenario_with(2);
  for (ProcessSpec& p : s.processes) {
    ClientGoConfig c = timing(seconds(15), seconds(10), seconds(2));
    c.release_on_cancel = release;
    p.model = c;
  }
  return s;
}

FailoverEpisode episode_of(const Scenario& s, const History& h) {
  const auto episodes = failover_episodes(s, h);
  EXPECT_EQ(episodes.size(), 1u);
  return episodes.empty() ? FailoverEpisode{} : episodes[0];
}

TEST(EpisodeBound, CrashUsesTheCrashBoundAndStopTheStopBound) {
  for (bool release : {false, true}) {
    Scenario s = client_go_pair(release);
    const AnalyticBounds b = *analytic_bounds(s);
    const uint32_t crash = add_fault(s, FaultType::Crash, sec(10), std::nullopt, 0);
    History h;
    h.leaderships = {lead(0, sec(1), sec(10), 0, "crash"), lead(1, sec(25), std::nullopt)};
    h.faults = {struck(crash, sec(10), 0, {{0, 0}})};
    EpisodeBound eb = analytic_episode_bound(s, h, episode_of(s, h), sec(120));
    EXPECT_EQ(eb.bound, b.crash_to_leader_max);
    EXPECT_EQ(eb.basis, "crash bound");
    s.faults[crash].type = FaultType::Stop;
    eb = analytic_episode_bound(s, h, episode_of(s, h), sec(120));
    EXPECT_EQ(eb.bound, b.stop_to_leader_max);
    EXPECT_EQ(eb.basis, "stop bound");
  }
  // The two bounds differ when the leader releases, which is why the cause matters.
  const AnalyticBounds released = *analytic_bounds(client_go_pair(true));
  EXPECT_LT(released.stop_to_leader_max, released.crash_to_leader_max);
}

TEST(EpisodeBound, AnOverlappingSlowWindowRaisesTheBound) {
  Scenario s = client_go_pair();
  const AnalyticBounds plain = *analytic_bounds(s);
  FaultSpec slow;
  slow.type = FaultType::ApiServerSlow;
  slow.at = seconds(50);
  slow.for_ = seconds(30);
  slow.latency = {milliseconds(200), milliseconds(800)};
  s.faults.push_back(slow);
  const uint32_t crash = add_fault(s, FaultType::Crash, sec(60), std::nullopt, 0);
  History h;
  h.leaderships = {lead(0, sec(1), sec(60), 0, "crash"), lead(1, sec(80), std::nullopt)};
  h.faults = {struck(0, sec(50), std::nullopt, {{0, 0}}), struck(crash, sec(60), 0, {{0, 0}})};
  const FailoverEpisode e = episode_of(s, h);
  EXPECT_EQ(e.cause, "crash");
  const EpisodeBound eb = analytic_episode_bound(s, h, e, sec(120));
  ASSERT_TRUE(eb.bound);
  EXPECT_GT(*eb.bound, plain.crash_to_leader_max);
  EXPECT_EQ(*eb.bound, analytic_bounds(s, LatencyRange{milliseconds(1), milliseconds(800)})->crash_to_leader_max);
  EXPECT_EQ(eb.basis, "crash bound at apiServerSlow latency 1ms-800ms");
  // At 2-6s one way a round trip outlasts the 5s request timeout the bounds assume away: none.
  s.faults[0].latency = {seconds(2), seconds(6)};
  const EpisodeBound slowest = analytic_episode_bound(s, h, e, sec(120));
  EXPECT_FALSE(slowest.bound);
  EXPECT_NE(slowest.basis.find("outlast the request timeout"), std::string::npos) << slowest.basis;
  s.faults[0].latency = {milliseconds(200), milliseconds(800)};
  // Twin: the same window long before the episode leaves the plain bound.
  s.faults[0].at = seconds(5);
  s.faults[0].for_ = seconds(2);
  h.faults = {struck(0, sec(5), std::nullopt, {{0, 0}}), struck(crash, sec(60), 0, {{0, 0}})};
  EXPECT_EQ(analytic_episode_bound(s, h, episode_of(s, h), sec(120)).bound, plain.crash_to_leader_max);
}

TEST(EpisodeBound, OutagesAndResponsesOnlyPartitionsHaveNoBound) {
  Scenario s = client_go_pair();
  FaultSpec outage;
  outage.type = FaultType::ApiServerOutage;
  outage.at = seconds(10);
  outage.for_ = seconds(20);
  s.faults.push_back(outage);
  History h;
  h.leaderships = {lead(0, sec(1), sec(20), 0, "renewFailed"), lead(1, sec(35), std::nullopt)};
  h.faults = {struck(0, sec(10), std::nullopt, {{0, 0}})};
  EpisodeBound eb = analytic_episode_bound(s, h, episode_of(s, h), sec(120));
  EXPECT_FALSE(eb.bound);
  EXPECT_NE(eb.basis.find("apiServerOutage"), std::string::npos);
  // A partition of the leader in the requests direction is bounded; responses-only is not.
  Scenario p = client_go_pair();
  const uint32_t cut = add_fault(p, FaultType::Partition, sec(10), seconds(40), 0);
  h.faults = {struck(cut, sec(10), 0, {{0, 0}})};
  p.faults[cut].direction = Direction::Requests;
  EXPECT_TRUE(analytic_episode_bound(p, h, episode_of(p, h), sec(120)).bound);
  p.faults[cut].direction = Direction::Responses;
  EXPECT_FALSE(analytic_episode_bound(p, h, episode_of(p, h), sec(120)).bound);
}

TEST(EpisodeBound, AutoJudgesAStopAgainstTheStopBound) {
  // releaseOnCancel: the stop bound is much shorter than the crash bound. A stop whose new
  // leader came between the two must fail under `auto` (it used to pass under the crash bound).
  Scenario s = client_go_pair(true);
  s.properties.failover_within_auto = true;
  const AnalyticBounds b = *analytic_bounds(s);
  const uint32_t stop = add_fault(s, FaultType::Stop, sec(10), std::nullopt, 0);
  const TrueInstant between = sec(10) + (b.stop_to_leader_max + b.crash_to_leader_max) / 2;
  History h;
  h.leaderships = {lead(0, sec(1), sec(10), 0, "released"), lead(1, between, std::nullopt)};
  h.faults = {struck(stop, sec(10), 0, {{0, 0}})};
  Evaluation ev = evaluate(s, h, sec(120), b.failover_bound);
  EXPECT_EQ(ev.violated, (std::vector<std::string>{"failoverWithin"}));
  ASSERT_EQ(ev.episode_bounds.size(), 1u);
  EXPECT_EQ(ev.episode_bounds[0].basis, "stop bound");
  // Twin: the same timing after a crash is within the crash bound.
  s.faults[stop].type = FaultType::Crash;
  ev = evaluate(s, h, sec(120), b.failover_bound);
  EXPECT_TRUE(ev.passed);
}

TEST(EpisodeBound, AutoLeavesAnOutageEpisodeUnjudgedAndSaysSo) {
  Scenario s = client_go_pair();
  s.properties.failover_within_auto = true;
  FaultSpec outage;
  outage.type = FaultType::ApiServerOutage;
  outage.at = seconds(10);
  outage.for_ = seconds(60);
  s.faults.push_back(outage);
  History h;
  h.leaderships = {lead(0, sec(1), sec(20), 0, "renewFailed"), lead(1, sec(75), std::nullopt)};
  h.faults = {struck(0, sec(10), std::nullopt, {{0, 0}})};
  const Evaluation ev = evaluate(s, h, sec(120), analytic_bounds(s)->failover_bound);
  EXPECT_TRUE(ev.passed);
  ASSERT_EQ(ev.results.size(), 3u);
  EXPECT_NE(ev.results[1].detail.find("1 episode(s) not judged"), std::string::npos) << ev.results[1].detail;
}

}  // namespace
}  // namespace leasesim
