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
// Leaves out: the Coordinated path (spec 7.2), where a server-side controller picks leaders.
#pragma once

#include <cstdint>

#include "model/client_go_config.h"
#include "sim/core/time.h"

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
  // --- Safety (spec 5 "Refined safety condition"): no overlap iff d + (RP+RD)/r_L < LDS/r_C.
  int32_t lease_duration_seconds = 0;      // LDS the leader writes (spec 0)
  Duration leader_hold_local{};            // RP + RD: last observed renewal s -> give-up (spec 2.3)
  Duration leader_hold_with_release_local{};  // RP + 2*RD when the leader releases on cancel
  Duration leader_hold_true{};             // ceil((RP + RD) / r_L)
  Duration candidate_wait_true{};          // floor(LDS / r_C): the least a candidate waits
  Duration safety_margin{};                // candidate_wait_true - leader_hold_true
  // The largest response latency d of the leader's last write that still rules out overlap
  // (d < margin); negative when even d = 0 overlaps.
  Duration max_safe_response_latency{};
  // Sup of r_C / r_L (exclusive) at zero latency: LDS / (RP + RD), in ppb, rounded down.
  int64_t rate_ratio_limit_ppb_zero_latency = 0;
  // Sup of r_C / r_L (exclusive) with d = latency_max and this r_C: (LDS - r_C*d) / (RP + RD).
  int64_t rate_ratio_limit_ppb = 0;
  double rate_ratio_limit = 0;             // rate_ratio_limit_ppb / 1e9, for reports only
  int64_t rate_ratio_ppb = 0;              // the actual r_C / r_L, rounded down
  bool release_voids_safety = false;       // leader has releaseOnCancel: hazard 2.4a
  bool no_overlap = false;                 // latency_max < margin and no release hazard

  // --- Failover (spec 5 "Failover timing"), true time.
  Duration candidate_gap_max_true{};       // ceil(G_max / r_C), G_max = acquire_gap_max(RP_C)
  Duration commit_to_leader_min{};         // last renewal commit w -> new leader, best case
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
