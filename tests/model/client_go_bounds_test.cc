// client_go_bounds_test.cc: the spec section 5 bounds, pinned on the defaults and on edge rates.
#include "model/client_go_bounds.h"

#include <gtest/gtest.h>

#include "model/client_go_elector.h"
#include "tests/model/client_go_configs.h"

namespace leasesim {
namespace {

ClientGoConfig defaults(bool release_on_cancel = false) {
  ClientGoConfig c;
  EXPECT_TRUE(apply_client_go_preset(release_on_cancel ? "kube-scheduler" : "kube-controller-manager", &c));
  return c;
}

TEST(ClientGoBounds, RateConversionRoundsOutward) {
  EXPECT_EQ(local_to_true_ceil(seconds(10), kRatePpbOne), seconds(10));
  EXPECT_EQ(local_to_true_floor(seconds(10), kRatePpbOne), seconds(10));
  // A clock 3x fast: 10 ns local take 3.33 ns of true time.
  EXPECT_EQ(local_to_true_ceil(nanoseconds(10), 3 * kRatePpbOne), nanoseconds(4));
  EXPECT_EQ(local_to_true_floor(nanoseconds(10), 3 * kRatePpbOne), nanoseconds(3));
  // A clock at half speed: local 1 s is 2 s of true time.
  EXPECT_EQ(local_to_true_ceil(seconds(1), kRatePpbOne / 2), seconds(2));
}

TEST(ClientGoBounds, SafetyOnDefaults) {
  const ClientGoBounds b = client_go_bounds(defaults(), defaults(), BoundsEnvironment{});
  EXPECT_EQ(b.lease_duration_seconds, 15);
  EXPECT_EQ(b.leader_hold_local, seconds(12));             // RP + RD
  EXPECT_EQ(b.leader_hold_with_release_local, seconds(22));  // RP + 2 RD
  EXPECT_EQ(b.retry_periods_within_one_second, 0);
  EXPECT_EQ(b.invisible_renewal_lag_true, Duration{});       // no latency: nothing to lag
  EXPECT_EQ(b.safety_margin, seconds(3));                    // spec 5: 3 s minus latency
  EXPECT_EQ(b.max_safe_response_latency, seconds(3) - nanoseconds(1));
  EXPECT_EQ(b.rate_ratio_limit_ppb_zero_latency, 1250000000);  // 15 / 12
  EXPECT_EQ(b.rate_ratio_limit_ppb, 1250000000);
  EXPECT_DOUBLE_EQ(b.rate_ratio_limit, 1.25);
  EXPECT_EQ(b.rate_ratio_ppb, kRatePpbOne);
  EXPECT_TRUE(b.no_overlap);
  EXPECT_FALSE(b.release_voids_safety);
  // A restart under the same identity inside the second of the last renewal costs up to 1s of
  // the 3s margin; a first renewal whose fast path timed out (H = 5s) and then succeeded costs 5s.
  EXPECT_EQ(b.invisible_renewal_lag_restart_true, seconds(1) - nanoseconds(1));
  EXPECT_TRUE(b.no_overlap_despite_restarts);
  EXPECT_EQ(b.invisible_renewal_lag_timeout_true, seconds(6) - nanoseconds(1));
  EXPECT_FALSE(b.no_overlap_despite_timeouts);
}

TEST(ClientGoBounds, LatencyShrinksTheMarginAndTheRateRatioLimit) {
  BoundsEnvironment env;
  env.latency_max = milliseconds(100);
  const ClientGoBounds b = client_go_bounds(defaults(), defaults(), env);
  // RP >= 1s: only the acquisition and the immediate first renewal share a second; the lag is
  // the acquisition's response (L) and the renewal's attempt start -> commit (<= 5L).
  EXPECT_EQ(b.invisible_renewal_lag_true, milliseconds(600));
  EXPECT_EQ(b.safety_margin, milliseconds(2400));
  EXPECT_EQ(b.commit_to_leader_min, seconds(15) - milliseconds(600));
  // (LDS - r_C (d + 6L)) / (RP + RD) = (15 - 0.7) / 12; the cap's (15 - 0.6) / 13 is smaller.
  EXPECT_EQ(b.rate_ratio_limit_ppb, 1191666666);
  EXPECT_EQ(b.rate_ratio_limit_ppb_zero_latency, 1250000000);
  EXPECT_TRUE(b.no_overlap);
  // d + 6L < 3s: the edge is at 3s / 7.
  env.latency_max = nanoseconds(428571428);
  EXPECT_TRUE(client_go_bounds(defaults(), defaults(), env).no_overlap);
  env.latency_max = nanoseconds(428571429);
  EXPECT_FALSE(client_go_bounds(defaults(), defaults(), env).no_overlap);
}

// The shrunk fuzz case `leasesim fuzz --known --seed 2 --runs 777` (class invisible-renewals):
// 4s / 3s / 800ms leaves 200ms between the candidate's wait and the leader's hold, which the old
// bound called safe; two renewals 800ms apart can share a wall-clock second.
TEST(ClientGoBounds, SubSecondRetryPeriodLagsByItsCadence) {
  const ClientGoConfig c = timing(seconds(4), seconds(3), milliseconds(800));
  BoundsEnvironment env;
  env.latency_min = milliseconds(1);
  env.latency_max = milliseconds(5);
  const ClientGoBounds b = client_go_bounds(c, c, env);
  EXPECT_EQ(b.candidate_wait_true - b.leader_hold_true, milliseconds(200));  // the old margin
  EXPECT_EQ(b.retry_periods_within_one_second, 1);
  // The acquisition, its immediate renewal and one more RP later: RP + 2 * (L + 5L).
  EXPECT_EQ(b.invisible_renewal_lag_true, milliseconds(860));
  EXPECT_EQ(b.safety_margin, milliseconds(-660));
  EXPECT_FALSE(b.no_overlap);
  // (LDS - r_C (d + 2 * 6L)) / (RP + RD + RP) = 3.935 / 4.6; the cap's 3.971 / 4.8 is smaller.
  EXPECT_EQ(b.rate_ratio_limit_ppb, 855434782);
  EXPECT_EQ(b.rate_ratio_limit_ppb_zero_latency, 869565217);  // 4 / 4.6
  // 1s of granularity, H = 1.5s, + 3L for the slow path, - l.
  EXPECT_EQ(b.invisible_renewal_lag_timeout_true, milliseconds(2514) - nanoseconds(1));
  // A margin that covers the cadence lag and the latency is safe again: 4s / 2s / 800ms.
  const ClientGoBounds wide = client_go_bounds(timing(seconds(4), seconds(2), milliseconds(800)),
                                               timing(seconds(4), seconds(2), milliseconds(800)), env);
  EXPECT_EQ(wide.safety_margin, milliseconds(1200 - 860));
  EXPECT_TRUE(wide.no_overlap);
  EXPECT_TRUE(wide.no_overlap_despite_restarts);   // 5ms < 1.2s - (1s + 5L - l)
  EXPECT_FALSE(wide.no_overlap_despite_timeouts);  // H = 1s: the lag reaches 2.014s
}

TEST(ClientGoBounds, LagIsTheCadenceOrTheOneSecondCapWhicheverIsLess) {
  BoundsEnvironment env;
  env.latency_min = milliseconds(1);
  env.latency_max = milliseconds(5);
  const Duration cap = seconds(1) - nanoseconds(1) + milliseconds(25 - 1);  // 1s + 5L - l
  auto lag = [&](int64_t rp_ms) {
    const ClientGoConfig c = timing(seconds(9), seconds(5), milliseconds(rp_ms));
    return client_go_bounds(c, c, env);
  };
  EXPECT_EQ(lag(100).retry_periods_within_one_second, 9);
  EXPECT_EQ(lag(100).invisible_renewal_lag_true, cap);  // 900ms + 10 * 30ms > cap
  EXPECT_EQ(lag(300).retry_periods_within_one_second, 3);
  EXPECT_EQ(lag(300).invisible_renewal_lag_true, milliseconds(900 + 4 * 30));
  EXPECT_EQ(lag(500).retry_periods_within_one_second, 1);  // two RPs make a whole second
  EXPECT_EQ(lag(500).invisible_renewal_lag_true, milliseconds(500 + 2 * 30));
  EXPECT_EQ(lag(999).invisible_renewal_lag_true, cap);
  EXPECT_EQ(lag(1000).retry_periods_within_one_second, 0);
  EXPECT_EQ(lag(1000).invisible_renewal_lag_true, milliseconds(30));  // acquisition pair: 6L
  for (int64_t rp_ms : {100, 300, 500, 999, 1000}) EXPECT_EQ(lag(rp_ms).invisible_renewal_lag_restart_true, cap);
}

TEST(ClientGoBounds, RejoiningWithinTheSecondIsARestart) {
  // RP + RD = 900ms: a leader whose round failed can run Run again and re-acquire (same
  // identity, spec 3) inside the second of its last renewal, so its lag is the cap.
  BoundsEnvironment env;
  env.latency_min = milliseconds(1);
  env.latency_max = milliseconds(5);
  ClientGoConfig c = timing(seconds(3), milliseconds(500), milliseconds(400));
  EXPECT_EQ(client_go_bounds(c, c, env).invisible_renewal_lag_true, milliseconds(800 + 3 * 30));
  c.rejoin_after_loss = true;
  const ClientGoBounds b = client_go_bounds(c, c, env);
  EXPECT_EQ(b.invisible_renewal_lag_true, b.invisible_renewal_lag_restart_true);
  EXPECT_EQ(b.rate_ratio_limit_ppb_zero_latency, 1578947368);  // 3 / (0.9 + 1)
  // A round lasts RP + RD >= 1s: the rejoin starts in a later second.
  c.renew_deadline = milliseconds(600);
  EXPECT_EQ(client_go_bounds(c, c, env).invisible_renewal_lag_true, milliseconds(800 + 3 * 30));
}

TEST(ClientGoBounds, SlowLeaderClockStretchesTheLag) {
  // At half speed the leader's wall second and its RP take twice as long in true time.
  const ClientGoConfig c = timing(seconds(30), seconds(5), milliseconds(400));
  BoundsEnvironment env;
  env.leader_rate_ppb = kRatePpbOne / 2;
  const ClientGoBounds b = client_go_bounds(c, c, env);
  EXPECT_EQ(b.retry_periods_within_one_second, 2);
  EXPECT_EQ(b.invisible_renewal_lag_true, milliseconds(1600));  // 2 * 800ms, no latency
  EXPECT_EQ(b.invisible_renewal_lag_restart_true, seconds(2) - nanoseconds(1));
  // 30 / (5.4 + 0.8) in ppb, rounded down.
  EXPECT_EQ(b.rate_ratio_limit_ppb_zero_latency, 4838709677);
}

TEST(ClientGoBounds, FastCandidateClockBreaksSafetyAtTheRatio) {
  BoundsEnvironment env;
  env.candidate_rate_ppb = 1250000000;  // r_C / r_L = 1.25 = LDS / (RP + RD): the limit is exclusive
  ClientGoBounds b = client_go_bounds(defaults(), defaults(), env);
  EXPECT_EQ(b.candidate_wait_true, seconds(12));
  EXPECT_EQ(b.safety_margin, Duration{});
  EXPECT_FALSE(b.no_overlap);
  EXPECT_LT(b.max_safe_response_latency, Duration{});
  env.candidate_rate_ppb = 1240000000;
  b = client_go_bounds(defaults(), defaults(), env);
  EXPECT_GT(b.safety_margin, Duration{});
  EXPECT_TRUE(b.no_overlap);
  EXPECT_EQ(b.rate_ratio_ppb, 1240000000);
  // A slow leader clock is as bad as a fast candidate clock.
  env = BoundsEnvironment{};
  env.leader_rate_ppb = 800000000;  // 12 s local = 15 s true
  b = client_go_bounds(defaults(), defaults(), env);
  EXPECT_EQ(b.leader_hold_true, seconds(15));
  EXPECT_FALSE(b.no_overlap);
}

TEST(ClientGoBounds, ReleaseOnCancelVoidsTheSafetyCondition) {
  const ClientGoBounds b = client_go_bounds(defaults(true), defaults(), BoundsEnvironment{});
  EXPECT_TRUE(b.release_voids_safety);
  EXPECT_FALSE(b.no_overlap);
  EXPECT_EQ(b.safety_margin, seconds(3));  // the arithmetic is unchanged
}

TEST(ClientGoBounds, CrashFailoverOnDefaults) {
  BoundsEnvironment env;
  env.latency_min = milliseconds(1);
  env.latency_max = milliseconds(5);
  const ClientGoBounds b = client_go_bounds(defaults(), defaults(), env);
  const Duration gap = milliseconds(4400) - nanoseconds(1);
  EXPECT_EQ(b.candidate_gap_max_true, gap);
  // LDS + 2 G + 9 L from the last commit; + L from the crash (a late commit).
  EXPECT_EQ(b.commit_to_leader_max, seconds(15) + gap * 2 + milliseconds(45));
  EXPECT_EQ(b.crash_to_leader_max, seconds(15) + gap * 2 + milliseconds(50));
  EXPECT_EQ(b.commit_to_leader_min, seconds(15) + milliseconds(5) - milliseconds(30));  // - E = 6L
  // spec 5: "about 15 s to about 24 s".
  EXPECT_LT(b.crash_to_leader_max, seconds(24));
  EXPECT_GT(b.crash_to_leader_max, seconds(23));
  EXPECT_TRUE(b.assumes_no_request_timeouts);
  EXPECT_EQ(b.stop_to_leader_max, b.crash_to_leader_max);  // no release: the lease lapses
}

TEST(ClientGoBounds, ReleaseFailoverIsOneGapPlusLatency) {
  BoundsEnvironment env;
  env.latency_min = milliseconds(1);
  env.latency_max = milliseconds(5);
  const ClientGoBounds b = client_go_bounds(defaults(true), defaults(), env);
  const Duration gap = milliseconds(4400) - nanoseconds(1);
  EXPECT_EQ(b.release_commit_to_leader_max, gap + milliseconds(25));
  EXPECT_EQ(b.release_commit_to_leader_min, milliseconds(3));
  EXPECT_EQ(b.stop_to_leader_max, milliseconds(35) + gap + milliseconds(25));
  EXPECT_LT(b.stop_to_leader_max, b.crash_to_leader_max);
}

TEST(ClientGoBounds, CandidateClockRateStretchesFailover) {
  BoundsEnvironment env;
  env.candidate_rate_ppb = kRatePpbOne / 2;  // the candidate's local seconds take 2 true seconds
  const ClientGoBounds b = client_go_bounds(defaults(), defaults(), env);
  EXPECT_EQ(b.commit_to_leader_max, seconds(30) + (milliseconds(4400) - nanoseconds(1)) * 4);
  EXPECT_EQ(b.candidate_wait_true, seconds(30));
}

TEST(ClientGoBounds, TimeoutAssumptionIsReported) {
  BoundsEnvironment env;
  env.latency_max = milliseconds(2500);  // a round trip of 5 s reaches H = 5 s
  EXPECT_FALSE(client_go_bounds(defaults(), defaults(), env).assumes_no_request_timeouts);
}

}  // namespace
}  // namespace leasesim
