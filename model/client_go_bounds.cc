// client_go_bounds.cc: spec section 5, derivation by derivation (see the header for the inputs).
//
// Notation (true time unless marked local): L = latency_max, l = latency_min (one-way),
// G = acquire_gap_max(RP_C) (local, the candidate's largest gap between attempts, spec 2.2),
// LDS = floor(LD_L / 1s) (the leader's, written into the record, spec 0), r_L and r_C the rates.
#include "model/client_go_bounds.h"

#include "model/client_go_elector.h"
#include "sim/core/check.h"

namespace leasesim {
namespace {

using Wide = __int128;

int64_t narrow(Wide v) {
  LS_CHECK(v <= INT64_MAX && v >= INT64_MIN, "bound does not fit in 64-bit nanoseconds");
  return static_cast<int64_t>(v);
}

Wide floor_div_wide(Wide a, Wide b) {
  const Wide q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

Wide ceil_div_wide(Wide a, Wide b) { return -floor_div_wide(-a, b); }

}  // namespace

Duration local_to_true_ceil(Duration local, int64_t rate_ppb) {
  LS_CHECK(rate_ppb > 0, "clock rate must be positive");
  // local = rate * true  =>  true = local / rate = local * 1e9 / rate_ppb.
  return Duration(narrow(ceil_div_wide(Wide(local.ns) * kRatePpbOne, rate_ppb)));
}

Duration local_to_true_floor(Duration local, int64_t rate_ppb) {
  LS_CHECK(rate_ppb > 0, "clock rate must be positive");
  return Duration(narrow(floor_div_wide(Wide(local.ns) * kRatePpbOne, rate_ppb)));
}

ClientGoBounds client_go_bounds(const ClientGoConfig& leader, const ClientGoConfig& candidate,
                                const BoundsEnvironment& env) {
  LS_CHECK(env.latency_min >= Duration{} && env.latency_min <= env.latency_max, "latency range is ordered");
  ClientGoBounds b;
  const Duration L = env.latency_max;
  const Duration l = env.latency_min;
  const int64_t r_l = env.leader_rate_ppb;
  const int64_t r_c = env.candidate_rate_ppb;

  // ---------------------------------------------------------------------------------------
  // Safety.
  //
  // 1. The leader's last successful write commits at true w; the leader processes the response
  //    d later (0 <= d <= L) at its local time s, and sets observedTime there.
  // 2. spec 2.3: the next round starts at s + RP and, if every attempt fails, fails at
  //    s + RP + RD (local). With releaseOnCancel leadCtx is cancelled only after release(),
  //    up to RD later: s + RP + 2*RD.
  //    In true time: w + d + (RP + RD) / r_L.
  // 3. A candidate's first sight of that write is at o >= w (it needs a Get served after w),
  //    and it takes over no earlier than LDS on its own clock after o (spec 3 takeover rule):
  //    true >= w + LDS / r_C.
  // 4. No overlap iff  d + (RP + RD)/r_L < LDS/r_C.  Rounding the leader's hold up and the
  //    candidate's wait down keeps "margin > d" sufficient.
  b.lease_duration_seconds = lease_duration_seconds_of(leader.lease_duration);
  b.leader_hold_local = leader.retry_period + leader.renew_deadline;
  b.leader_hold_with_release_local = leader.retry_period + leader.renew_deadline * 2;
  b.leader_hold_true = local_to_true_ceil(b.leader_hold_local, r_l);
  const Duration lds = seconds(b.lease_duration_seconds);
  b.candidate_wait_true = local_to_true_floor(lds, r_c);
  b.safety_margin = b.candidate_wait_true - b.leader_hold_true;
  // d < margin  <=>  d <= margin - 1ns (integer nanoseconds).
  b.max_safe_response_latency = b.safety_margin - nanoseconds(1);
  // 5. spec 2.4a: with releaseOnCancel a release after a failed round can hand the lease over
  //    while leadCtx is still live, so no latency or rate condition rules out overlap.
  b.release_voids_safety = leader.release_on_cancel;
  b.no_overlap = L < b.safety_margin && !b.release_voids_safety;

  // 6. The rate ratio. Multiply step 4 by r_C:  r_C*d + (r_C/r_L)(RP+RD) < LDS, so
  //    r_C / r_L < (LDS - r_C*d) / (RP + RD)   (spec 5). r_C*d is d in candidate-local time.
  //    In ppb: floor((LDS - r_C*d) * 1e9 / (RP + RD)); rounding down keeps "ratio < limit"
  //    sufficient. At d = 0 this is LDS / (RP + RD) (1.25 with 15 s / 10 s / 2 s).
  const Wide hold_ns = b.leader_hold_local.ns;
  b.rate_ratio_limit_ppb_zero_latency = narrow(floor_div_wide(Wide(lds.ns) * kRatePpbOne, hold_ns));
  const Wide d_local_c = ceil_div_wide(Wide(L.ns) * r_c, kRatePpbOne);  // r_C * d, rounded up
  b.rate_ratio_limit_ppb = narrow(floor_div_wide((Wide(lds.ns) - d_local_c) * kRatePpbOne, hold_ns));
  b.rate_ratio_limit = static_cast<double>(b.rate_ratio_limit_ppb) / static_cast<double>(kRatePpbOne);
  b.rate_ratio_ppb = narrow(floor_div_wide(Wide(r_c) * kRatePpbOne, r_l));

  // ---------------------------------------------------------------------------------------
  // Failover after a leader crash (spec 5 "Failover timing").
  //
  // 1. The crash fault is at F. The last renewal may be a request sent just before F that
  //    still reaches the server and commits: w <= F + L.
  // 2. First sight: the candidate's Get served just before w misses it; that Get's response
  //    arrives <= L later, then the candidate waits a gap <= G (local), then its next Get
  //    reaches the server <= L later and answers <= L later, where R3 sets observedTime:
  //    o <= w + 3L + G/r_C.
  // 3. Takeover: the first attempt that starts at or after o + LDS (local, spec 0: expired iff
  //    now >= observedTime + LDS). The attempt before it started earlier, lasted one Get round
  //    trip (<= 2L, R4 returns false) and was followed by a gap <= G:
  //    T <= o + LDS/r_C + 2L + G/r_C.
  // 4. The takeover attempt is Get + Update (spec 3 R2-R6), 4 one-way latencies; the new
  //    leader acts when the Update's response arrives: leader <= T + 4L.
  // Hence  w -> leader <= LDS/r_C + 2*G/r_C + 9L  and  F -> leader <= LDS/r_C + 2*G/r_C + 10L.
  // With 15 s / 2 s and tiny latency: 15 + 2 * 4.4 = 23.8 s (spec 5: "about 15 s to 24 s").
  // Best case from w: the Get that first sees w is served at >= w and answers >= l later
  // (o >= w + l); T >= o + LDS/r_C; then 4 more one-way latencies: LDS/r_C + 5l.
  const Duration gap_true = local_to_true_ceil(acquire_gap_max(candidate.retry_period), r_c);
  const Duration lds_true_ceil = local_to_true_ceil(lds, r_c);
  b.candidate_gap_max_true = gap_true;
  b.commit_to_leader_max = lds_true_ceil + gap_true * 2 + L * 9;
  b.commit_to_leader_min = b.candidate_wait_true + l * 5;
  b.crash_to_leader_max = b.commit_to_leader_max + L;

  // ---------------------------------------------------------------------------------------
  // Failover after a graceful stop.
  //
  // With releaseOnCancel (spec 2.4): the stop at F cancels the in-flight call and release()
  // starts at once: its Get is answered by F + 2L and its Update reaches the server by F + 3L.
  // The abandoned renewal (sent before F, at the server by F + L) may commit after that Get was
  // served and make the Update conflict once; the v0.37 retry then costs the 409's return (L),
  // a Get round trip (2L) and the Update's trip (L): release commit w_r <= F + 7L.
  // The candidate (spec 3 R4: an empty holder skips the wait): its Get served just before w_r
  // answers <= L later, a gap <= G, then Get + Update (4L): leader <= w_r + G/r_C + 5L.
  // Best case: an attempt whose Get is served right after w_r: l back, then Update 2l: 3l.
  // (Spec 5's "[RP, 2.2*RP)" is the gap's range; the gap may have started before the release,
  // so the delay after the release can be as small as the latencies.)
  // Without releaseOnCancel a stop leaves the lease to expire exactly as a crash does.
  b.release_commit_to_leader_min = l * 3;
  b.release_commit_to_leader_max = gap_true + L * 5;
  b.stop_to_leader_max =
      leader.release_on_cancel ? L * 7 + b.release_commit_to_leader_max : b.crash_to_leader_max;

  // No request may hit its timeout H for the latency terms above to hold (spec 0: H).
  b.assumes_no_request_timeouts =
      L * 2 < leader.effective_request_timeout() && L * 2 < candidate.effective_request_timeout();
  return b;
}

}  // namespace leasesim
