// client_go_bounds.cc: spec section 5, derivation by derivation (see the header for the inputs).
//
// Notation (true time unless marked local): L = latency_max, l = latency_min (one-way),
// G = acquire_gap_max(RP_C) (local, the candidate's largest gap between attempts, spec 2.2),
// LDS = floor(LD_L / 1s) (the leader's, written into the record, spec 0), r_L and r_C the rates.
#include "model/client_go_bounds.h"

#include <algorithm>

#include "model/client_go_elector.h"
#include "core/check.h"

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
  // 4. No overlap iff  d + (RP + RD)/r_L < LDS/r_C  (spec 5), if the candidate saw w itself;
  //    step 5 corrects step 3 for writes it cannot tell apart.
  b.lease_duration_seconds = lease_duration_seconds_of(leader.lease_duration);
  b.leader_hold_local = leader.retry_period + leader.renew_deadline;
  b.leader_hold_with_release_local = leader.retry_period + leader.renew_deadline * 2;
  b.leader_hold_true = local_to_true_ceil(b.leader_hold_local, r_l);
  const Duration lds = seconds(b.lease_duration_seconds);
  b.candidate_wait_true = local_to_true_floor(lds, r_c);

  // ---------------------------------------------------------------------------------------
  // Invisible renewals (spec 4 precision and spec 3 R3; our derivation, see the header).
  //
  // 5. The candidate resets observedTime only when the fetched bytes differ from the last bytes
  //    it fetched (R3), and the bytes hold renewTime, the attempt's start on the leader's wall
  //    clock (spec 3), truncated to the second. Let W_1..W_k be the leader's writes whose bytes
  //    equal those of W_k, its last successful write: their attempts started at A_1 < .. < A_k
  //    inside one wall-clock second. Those bytes exist only from W_1's commit w_1 on, so step 3
  //    only gives o >= w_1, and step 4 becomes
  //        d + E + (RP + RD)/r_L < LDS/r_C,   E = sup (w_k - w_1).
  //    The candidate's poll period does not enter: it decides only whether some Get lands
  //    between w_1 and w_2, which some schedule always allows; a later sight only delays o.
  // 6. The cap. The wall clock runs at the monotonic rate (sim/clock.h; backward jumps are left
  //    out), so A_k - A_1 <= 1s - 1ns local, under ceil(1s / r_L) true. Let c_i be attempt start
  //    to commit of W_i: c_1 >= l, and c_k <= 5L, since a fast-path Update that fails without a
  //    timeout (a refusal, 2L) falls through to a Get (2L) and an Update (L) in the same attempt
  //    (spec 3 R1). So for any run:  E <= ceil(1s / r_L) - 1ns + 5L - l.
  // 7. The cadence of one incarnation (spec 2.3). A successful round returns on the write's
  //    response (d_i <= L after its commit) and the next round starts RP later; a failed attempt
  //    moves the next one to the next tick, RP later again. Only the acquisition is followed at
  //    once by a renewal (the first round is immediate). So
  //        w_{i+1} - w_i = d_i + W_i * RP / r_L + c_{i+1},  W_i >= 1 waits (0 after acquiring),
  //    and the waits of a run fit inside the second: sum W_i <= q = floor((1s - 1ns) / RP). At
  //    most q + 1 steps of at most L + 5L latency:  E <= q * ceil(RP / r_L) + (q + 1) * 6L.
  //    (The sum of per-step ceilings is at most q ceilings of RP.) This needs each failed attempt
  //    (at most 6L: fast path, Get, Update) to end before its next tick, else the overrun
  //    stretches a slot past RP and only the cap holds. With RP >= 1s, q = 0 and E <= 6L: the
  //    acquisition and the immediate first renewal share a second, which spec 4's "with RP >= 1s
  //    every renewal is visible" misses.
  // 8. A restart under the same identity re-acquires at once (spec 3 "same identity"; bytes
  //    differ only in renewTime), so a run may span two incarnations: only the cap holds. A
  //    leader that runs Run again after a lost lease (`rejoin_after_loss`) is such a restart
  //    without any fault, at least RP + RD after its last renewal started (its round failed):
  //    when RP + RD < 1s it may land in the same second, so the cap is its lag of record.
  // 9. A timeout: a fast-path Update that times out (H local, or the round's deadline) before the
  //    slow path succeeds commits c_k <= min(H / r_L + 3L, RD / r_L) after the attempt's start,
  //    which is still the renewTime written. Overruns void the cadence: the cap with that c_k.
  //    This breaks even the defaults: a lost first renewal retried 5s later via the slow path
  //    carries the acquisition's second (scenarios/client-go/first-renewal-timeout-two-leaders.yaml).
  const Duration one_second_true = local_to_true_ceil(seconds(1), r_l) - nanoseconds(1);
  const Duration c_max = L * 5;
  const Duration c_timeout_max = std::max(
      c_max, std::min(local_to_true_ceil(leader.effective_request_timeout(), r_l) + L * 3,
                      local_to_true_ceil(leader.renew_deadline, r_l)));
  const int64_t q =
      leader.retry_period < seconds(1) ? (seconds(1).ns - 1) / std::max<int64_t>(leader.retry_period.ns, 1) : 0;
  b.retry_periods_within_one_second = q;
  const Wide failed_attempt_local = ceil_div_wide(Wide(L.ns) * 6 * r_l, kRatePpbOne);
  const bool cadence_applies = q == 0 || failed_attempt_local <= leader.retry_period.ns;
  const Duration cap_lag = one_second_true + c_max - l;
  const Duration cadence_lag =
      cadence_applies ? Duration(narrow(Wide(local_to_true_ceil(leader.retry_period, r_l).ns) * q +
                                        Wide((L + c_max).ns) * (q + 1)))
                      : cap_lag;
  const bool rejoins_within_second = leader.rejoin_after_loss && b.leader_hold_local < seconds(1);
  b.invisible_renewal_lag_true = rejoins_within_second ? cap_lag : std::min(cadence_lag, cap_lag);
  b.invisible_renewal_lag_restart_true = cap_lag;
  b.invisible_renewal_lag_timeout_true = one_second_true + c_timeout_max - l;

  // 10. Rounding the leader's hold and E up and the candidate's wait down keeps "margin > d"
  //     sufficient.
  const Duration without_lag = b.candidate_wait_true - b.leader_hold_true;
  b.safety_margin = without_lag - b.invisible_renewal_lag_true;
  // d < margin  <=>  d <= margin - 1ns (integer nanoseconds).
  b.max_safe_response_latency = b.safety_margin - nanoseconds(1);
  // 11. spec 2.4a: with releaseOnCancel a release after a failed round can hand the lease over
  //     while leadCtx is still live, so no latency or rate condition rules out overlap.
  b.release_voids_safety = leader.release_on_cancel;
  b.no_overlap = L < b.safety_margin && !b.release_voids_safety;
  b.no_overlap_despite_restarts =
      L < without_lag - b.invisible_renewal_lag_restart_true && !b.release_voids_safety;
  b.no_overlap_despite_timeouts =
      L < without_lag - b.invisible_renewal_lag_timeout_true && !b.release_voids_safety;

  // 12. The rate ratio. Each bound on E above has the form X / r_L + Y, X leader-local (q*RP for
  //     the cadence, 1s for the cap) and Y latency ((q + 1)*6L, or 5L - l). Multiply
  //     d + Y + (RP + RD + X) / r_L < LDS / r_C by r_C:
  //        r_C / r_L < (LDS - r_C*(d + Y)) / (RP + RD + X)   (spec 5, with E),
  //     and either bound on E suffices, so the limit is the larger of the forms that apply. In
  //     ppb, rounded down, which keeps "ratio < limit" sufficient. r_C*(d + Y) is rounded up.
  //     At zero latency the cadence form wins: LDS / (RP + RD + q*RP), 1.25 with 15s/10s/2s.
  const Wide hold_ns = b.leader_hold_local.ns;
  auto ratio_limit = [&](Duration x_local, Duration latency_true) {
    const Wide local_c = ceil_div_wide(Wide(latency_true.ns) * r_c, kRatePpbOne);
    return narrow(floor_div_wide((Wide(lds.ns) - local_c) * kRatePpbOne, hold_ns + x_local.ns));
  };
  const Duration cadence_local = leader.retry_period * q;
  b.rate_ratio_limit_ppb_zero_latency =
      ratio_limit(rejoins_within_second ? seconds(1) : cadence_local, Duration{});
  b.rate_ratio_limit_ppb = ratio_limit(seconds(1), L + c_max - l);
  if (cadence_applies && !rejoins_within_second)
    b.rate_ratio_limit_ppb = std::max(b.rate_ratio_limit_ppb, ratio_limit(cadence_local, L + (L + c_max) * (q + 1)));
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
  // Best case from w: the Get that first sees w's bytes is served at >= w - E (safety step 5:
  // they may be the bytes of an earlier write in the same second) and answers >= l later;
  // T >= o + LDS/r_C; then 4 more one-way latencies: LDS/r_C + 5l - E. The worst case above
  // needs no such correction: bytes seen earlier only make o earlier.
  const Duration gap_true = local_to_true_ceil(acquire_gap_max(candidate.retry_period), r_c);
  const Duration lds_true_ceil = local_to_true_ceil(lds, r_c);
  b.candidate_gap_max_true = gap_true;
  b.commit_to_leader_max = lds_true_ceil + gap_true * 2 + L * 9;
  b.commit_to_leader_min = b.candidate_wait_true + l * 5 - b.invisible_renewal_lag_true;
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
