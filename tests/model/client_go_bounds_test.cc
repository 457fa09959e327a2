// client_go_bounds_test.cc: the spec section 5 bounds, pinned on the defaults and on edge rates.
#include "model/client_go_bounds.h"

#include <gtest/gtest.h>

#include "model/client_go_elector.h"

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
  EXPECT_EQ(b.safety_margin, seconds(3));                    // spec 5: 3 s minus latency
  EXPECT_EQ(b.max_safe_response_latency, seconds(3) - nanoseconds(1));
  EXPECT_EQ(b.rate_ratio_limit_ppb_zero_latency, 1250000000);  // 15 / 12
  EXPECT_EQ(b.rate_ratio_limit_ppb, 1250000000);
  EXPECT_DOUBLE_EQ(b.rate_ratio_limit, 1.25);
  EXPECT_EQ(b.rate_ratio_ppb, kRatePpbOne);
  EXPECT_TRUE(b.no_overlap);
  EXPECT_FALSE(b.release_voids_safety);
}

TEST(ClientGoBounds, LatencyShrinksTheRateRatioLimit) {
  BoundsEnvironment env;
  env.latency_max = seconds(1);
  const ClientGoBounds b = client_go_bounds(defaults(), defaults(), env);
  // (LDS - r_C d) / (RP + RD) = (15 - 1) / 12.
  EXPECT_EQ(b.rate_ratio_limit_ppb, 1166666666);
  EXPECT_TRUE(b.no_overlap);  // 1 s < 3 s
  env.latency_max = seconds(3);
  EXPECT_FALSE(client_go_bounds(defaults(), defaults(), env).no_overlap);  // d must be < margin
  env.latency_max = seconds(3) - nanoseconds(1);
  EXPECT_TRUE(client_go_bounds(defaults(), defaults(), env).no_overlap);
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
  EXPECT_EQ(b.commit_to_leader_min, seconds(15) + milliseconds(5));
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
