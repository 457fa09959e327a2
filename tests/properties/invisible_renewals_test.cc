// invisible_renewals_test.cc: the client-go safety bound against the simulator for retryPeriods
// under a second (model/client_go_bounds.h: the invisible-renewal lag of spec 4's whole-second
// change detection).
//
// Every point of the sweep is a configuration the old bound (spec 5 without the lag) called safe:
// the leader's hold and the candidate's wait are `margin_old` apart, more than the latency. The
// margin is swept in fractions of what the new bound needs (latency + lag), so some points stay
// safe under the new bound and the others do not. Each point runs a leader and five candidates
// on many seeds; the leader is cut off for good at a time that varies with the seed, so its last
// renewal lands anywhere in a wall-clock second. A test fails if a point the new bound calls safe
// ever has two leaders (the bound is unsound), or if the points only the old bound calls safe
// never do (for each retryPeriod at 1-5ms latency, overall at 0-30ms): the sweep would show
// nothing, or the lag would not be real. Each table row is printed, for the figures in docs/models/client-go-elector.md section 5.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "model/client_go_bounds.h"
#include "properties/run.h"

namespace leasesim {
namespace {

constexpr int kSeeds = 100;     // per point at 1-5ms: every retryPeriod shows overlaps (6+ at 800, 900ms)
constexpr int kSlowSeeds = 30;  // per point at 0-30ms: soundness, and overlaps overall
constexpr int kCandidates = 5;
const Duration kLeaseDuration = seconds(4);

ClientGoConfig config_for(Duration retry_period, Duration margin_old) {
  ClientGoConfig c;
  c.retry_period = retry_period;
  c.lease_duration = kLeaseDuration;
  // LDS - (RP + RD) = margin_old at equal rates.
  c.renew_deadline = kLeaseDuration - retry_period - margin_old;
  return c;
}

std::shared_ptr<Scenario> sweep_scenario(const ClientGoConfig& c, LatencyRange latency, uint64_t seed) {
  auto s = std::make_shared<Scenario>();
  s->name = "invisible-renewals-sweep";
  s->seed = seed;
  s->api_server.latency = latency;
  const LeaseId lease = s->lease_id("kube-system/sweep");
  for (int i = 0; i <= kCandidates; ++i) {
    ProcessSpec p;
    p.name = p.identity = "p" + std::to_string(i);
    p.model = c;
    p.lease = lease;
    p.start = milliseconds(250LL * i);  // p0 creates the Lease and leads
    s->processes.push_back(p);
  }
  // The wall clock starts at a phase of its second and the cut-off comes at a time that both
  // move with the seed, so the leader's last renewals fall at every phase of a wall-clock second.
  s->start_time = s->start_time + milliseconds(static_cast<int64_t>(seed % 29) * 34);
  FaultSpec cut;
  cut.type = FaultType::Partition;
  cut.target = FaultTarget{FaultTarget::Kind::Leader, 0};
  cut.direction = Direction::Both;
  cut.at = seconds(3) + milliseconds(static_cast<int64_t>(seed % 31) * 97);
  s->faults.push_back(cut);
  s->duration = cut.at + kLeaseDuration + c.retry_period + c.renew_deadline + seconds(3);
  return s;
}

struct PointResult {
  bool old_no_overlap = false;
  ClientGoBounds bounds;
  int overlaps = 0;
};

PointResult run_point(Duration retry_period, Duration margin_old, LatencyRange latency, int seeds) {
  const ClientGoConfig c = config_for(retry_period, margin_old);
  EXPECT_FALSE(validate(c).has_value()) << "RP " << format_duration(retry_period);
  BoundsEnvironment env;
  env.latency_min = latency.min;
  env.latency_max = latency.max;
  PointResult r;
  r.bounds = client_go_bounds(c, c, env);
  r.old_no_overlap = latency.max < r.bounds.candidate_wait_true - r.bounds.leader_hold_true;
  for (int seed = 1; seed <= seeds; ++seed) {
    const RunResult run = run_scenario(sweep_scenario(c, latency, static_cast<uint64_t>(seed)),
                                       static_cast<uint64_t>(seed));
    const auto& v = run.evaluation.violated;
    r.overlaps += std::find(v.begin(), v.end(), "singleLeader") != v.end();
  }
  return r;
}

// The seeds per point: `fallback`, or LEASESIM_SWEEP_SEEDS for a longer look (the figures in docs/models/client-go-elector.md section 5).
int seeds_per_point(int fallback) {
  const char* env = std::getenv("LEASESIM_SWEEP_SEEDS");
  return env && std::atoi(env) > 0 ? std::atoi(env) : fallback;
}

// Sweeps retryPeriod 100ms..900ms and six margins per retryPeriod at one latency range. With
// `each_retry_period`, every retryPeriod must show an overlap where only the old bound is safe;
// otherwise the sweep as a whole must.
void sweep(LatencyRange latency, int seeds, bool each_retry_period) {
  // Margins as a share of what the new bound needs (latency_max + lag), in percent; 101 is just
  // past the edge, 120 comfortably past it.
  const int shares[] = {20, 40, 60, 80, 101, 120};
  int safe_points = 0, unsafe_points = 0, unsafe_overlaps = 0;
  for (int64_t rp_ms = 100; rp_ms <= 900; rp_ms += 100) {
    const Duration rp = milliseconds(rp_ms);
    BoundsEnvironment env;
    env.latency_min = latency.min;
    env.latency_max = latency.max;
    const ClientGoConfig probe = config_for(rp, seconds(1));  // the lag does not depend on RD
    const Duration needed = latency.max + client_go_bounds(probe, probe, env).invisible_renewal_lag_true;
    int overlaps_only_old_safe = 0;
    for (int share : shares) {
      const Duration margin_old = Duration(needed.ns / 100 * share);
      const PointResult r = run_point(rp, margin_old, latency, seeds);
      ASSERT_TRUE(r.old_no_overlap) << "every point is one the old bound called safe";
      std::cout << "  RP " << format_duration(rp) << "  margin_old " << format_duration(margin_old) << " ("
                << share << "%)  lag " << format_duration(r.bounds.invisible_renewal_lag_true) << "  no_overlap "
                << r.bounds.no_overlap << "  overlaps " << r.overlaps << "/" << seeds << "\n";
      if (r.bounds.no_overlap) {
        ++safe_points;
        EXPECT_EQ(r.overlaps, 0) << "the bound says no overlap: RP " << format_duration(rp) << ", margin_old "
                                 << format_duration(margin_old);
      } else {
        ++unsafe_points;
        unsafe_overlaps += r.overlaps;
        overlaps_only_old_safe += r.overlaps;
      }
    }
    if (each_retry_period) {
      EXPECT_GT(overlaps_only_old_safe, 0) << "RP " << format_duration(rp)
                                           << ": no overlap where only the old bound says safe";
    }
  }
  EXPECT_GT(unsafe_overlaps, 0) << "no overlap where only the old bound says safe";
  std::cout << "  latency " << format_duration(latency.min) << ".." << format_duration(latency.max) << ": "
            << safe_points << " points safe by the new bound, " << unsafe_points
            << " safe only by the old one, with " << unsafe_overlaps << " overlapping runs of "
            << unsafe_points * seeds << "\n";
  EXPECT_EQ(safe_points, 18);  // shares 101 and 120 for each of 9 retryPeriods
  EXPECT_EQ(unsafe_points, 36);
}

TEST(InvisibleRenewals, SubSecondRetryPeriodsOverlapOnlyWhereTheBoundAllows) {
  sweep(LatencyRange{milliseconds(1), milliseconds(5)}, seeds_per_point(kSeeds), true);
}

// Larger latency: the latency terms of the lag (5L per write, 6L per step) and, up to 400ms, the
// cap instead of the cadence. Fewer seeds: this one checks soundness more than reach (the 5L of
// a fast path that fell through is pessimistic for runs without refusals, so overlaps thin out
// near the edge).
TEST(InvisibleRenewals, SubSecondRetryPeriodsWithSlowRequests) {
  sweep(LatencyRange{milliseconds(0), milliseconds(30)}, seeds_per_point(kSlowSeeds), false);
}

}  // namespace
}  // namespace leasesim
