// client_go_bounds.h: analytic bounds for client-go leader election (spec section 5).
//
// Contract:
// - Pure functions of the two election configs (the leader's, whose LDS is written into the
//   record and whose RP/RD decide when it gives up, and one candidate's, whose RP decides its
//   polling), the two clock rates as integers in parts per billion (local ns per true ns:
//   local = offset + rate * true, so a local duration D takes D / rate of true time), and the
//   API latency range (one-way, true time, the same range for each request and each response).
// - Every result that reaches output is an integer Duration or ppb value. Local durations are
//   converted to true time rounding *up* where the bound is an upper bound and *down* where it
//   is a lower bound, so each bound stays sound after rounding. The one double
//   (`rate_ratio_limit`) is computed from the ppb integer by a single exact division.
// - Assumptions (stated so that users can tell when a scenario leaves them): the candidates are
//   running and reachable in steady state (each polls with Gets only, spec 3 R4); no request
//   hits its timeout H (`assumes_no_request_timeouts` says whether 2*latency_max < H for both);
//   no stop-the-world pauses; no other writer than the leader and the candidate. A bound over
//   several candidates is the minimum of the per-candidate failover bounds (the first one to
//   take over ends the episode) and the maximum ratio over the pairs for safety.
// - Invisible renewals (our derivation: spec 4 names the effect for RP < 1s without bounding
//   it and says every renewal is visible with RP >= 1s, which misses the acquisition's immediate
//   first renewal; spec 5 assumes every renewal is seen). A candidate resets observedTime only
//   when the record's bytes change (spec 3 R3), and the bytes carry renewTime at whole seconds
//   (spec 4), so all writes whose attempts started in one second of the leader's wall clock look
//   alike: the candidate may count LDS down from the first of them while the leader counts its
//   hold from the last. That lag E is subtracted from the margin. Three cases, derived in the .cc:
//   `invisible_renewal_lag_true` for one incarnation of the leader whose requests do not time
//   out (its renew cadence limits how many renewals fit in a second; with RP >= 1s only the
//   acquisition and the first renewal, which follows at once, can share a second, so E is a few
//   latencies, not zero; a leader with `rejoin_after_loss` and RP + RD < 1s restarts by itself
//   within the second, so it gets the restart lag); `invisible_renewal_lag_restart_true` when the leader may also crash and come
//   back under its own identity inside that second (anything up to 1s); and
//   `invisible_renewal_lag_timeout_true` when, in addition, a renewal's fast-path Update may time
//   out and the slow path succeed later in the round (the write then commits up to H after its
//   renewTime; timeouts in attempts that fail do not matter). `no_overlap` uses the first; the
//   other two have their own verdicts, because partitions and restarts are ordinary faults in
//   scenarios but the bounds do not see faults. The candidate's poll period does not enter the
//   lag (it only makes the worst case more or less likely); its clock rate enters through LDS.
//   Not covered at all: a backward wall-clock jump of the leader (renewTime can then repeat an
//   older second; the lag grows by the jump).
// Leaves out: the Coordinated path (spec 7.2), where a server-side controller picks leaders.
#pragma once

#include <cstdint>

#include "model/client_go_config.h"
#include "core/time.h"

namespace leasesim {

inline constexpr int64_t kRatePpbOne = 1000000000;  // rate 1.0

struct BoundsEnvironment {
  int64_t leader_rate_ppb = kRatePpbOne;     // r_L
  int64_t candidate_rate_ppb = kRatePpbOne;  // r_C
  Duration latency_min{};                    // one-way API latency, true time
  Duration latency_max{};

  bool operator==(const BoundsEnvironment&) const = default;
};

struct ClientGoBounds {
  // --- Safety (spec 5 "Refined safety condition", corrected for spec 4's whole-second change
  // detection): no overlap iff d + E + (RP+RD)/r_L < LDS/r_C, E the invisible-renewal lag.
  int32_t lease_duration_seconds = 0;      // LDS the leader writes (spec 0)
  Duration leader_hold_local{};            // RP + RD: last observed renewal s -> give-up (spec 2.3)
  Duration leader_hold_with_release_local{};  // RP + 2*RD when the leader releases on cancel
  Duration leader_hold_true{};             // ceil((RP + RD) / r_L)
  Duration candidate_wait_true{};          // floor(LDS / r_C): the least a candidate waits
  // How many of the leader's RP waits fit strictly inside one second: floor((1s - 1ns) / RP),
  // 0 when RP >= 1s. With q waits a second holds at most q + 1 writes of one incarnation.
  int64_t retry_periods_within_one_second = 0;
  // E, true time, rounded up: the most the first write of a same-second run (the one a candidate
  // may count from) commits before the last (the one the leader counts its hold from), for one
  // incarnation without request timeouts; evaluated at latency_max.
  Duration invisible_renewal_lag_true{};
  Duration invisible_renewal_lag_restart_true{};  // ... when the leader may restart inside it
  Duration invisible_renewal_lag_timeout_true{};  // ... when a fast-path Update may also time out
  Duration safety_margin{};                // candidate_wait_true - leader_hold_true - E
  // The largest response latency d of the leader's last write that still rules out overlap
  // (d < margin, with E taken at latency_max); negative when even d = 0 overlaps.
  Duration max_safe_response_latency{};
  // Sup of r_C / r_L (exclusive) at zero latency: LDS / (RP + RD + q*RP) (1s for q*RP when the
  // leader may rejoin within the second), in ppb, rounded down.
  int64_t rate_ratio_limit_ppb_zero_latency = 0;
  // Sup of r_C / r_L (exclusive) with d = latency_max and this r_C, E included (see the .cc).
  int64_t rate_ratio_limit_ppb = 0;
  double rate_ratio_limit = 0;             // rate_ratio_limit_ppb / 1e9, for reports only
  int64_t rate_ratio_ppb = 0;              // the actual r_C / r_L, rounded down
  bool release_voids_safety = false;       // leader has releaseOnCancel: hazard 2.4a
  bool no_overlap = false;                 // latency_max < margin and no release hazard
  bool no_overlap_despite_restarts = false;  // the same with invisible_renewal_lag_restart_true
  bool no_overlap_despite_timeouts = false;  // the same with invisible_renewal_lag_timeout_true

  // --- Failover (spec 5 "Failover timing"), true time.
  Duration candidate_gap_max_true{};       // ceil(G_max / r_C), G_max = acquire_gap_max(RP_C)
  Duration commit_to_leader_min{};         // last renewal commit w -> new leader, best case (- E)
  Duration commit_to_leader_max{};         // ... worst case
  Duration crash_to_leader_max{};          // leader crash fault -> new leader, worst case
  Duration release_commit_to_leader_min{}; // release commit -> new leader
  Duration release_commit_to_leader_max{};
  Duration stop_to_leader_max{};           // graceful stop fault -> new leader (release if configured)
  bool assumes_no_request_timeouts = false;  // 2*latency_max < H for leader and candidate

  bool operator==(const ClientGoBounds&) const = default;
};

// A local duration on a clock running at rate_ppb, in true time, rounded up / down.
Duration local_to_true_ceil(Duration local, int64_t rate_ppb);
Duration local_to_true_floor(Duration local, int64_t rate_ppb);

ClientGoBounds client_go_bounds(const ClientGoConfig& leader, const ClientGoConfig& candidate,
                                const BoundsEnvironment& env);

}  // namespace leasesim
