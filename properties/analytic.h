// analytic.h: the client-go analytic bounds of a whole scenario (docs/models/client-go-elector.md section 5).
//
// Contract: for every elected lease whose processes all run client-go-elector, every ordered
// pair (leader L, candidate C) of distinct processes is judged with client_go_bounds() under
// the scenario's API latency range and the two clock rates. Failover: for a given leader the
// episode ends when the first candidate takes over, so its bound is the least over candidates;
// the scenario's bound is the worst over possible leaders. Safety: the worst pair decides
// (smallest margin, smallest tolerated rate ratio, largest actual ratio). Processes are grouped
// by (config, clock rate) first, so 10,000 identical candidates cost one pair. Returns nullopt
// when any elected lease has a process with another model (the tutorial elector has no bound).
// The safety margin includes the invisible-renewal lag of whole-second change detection
// (model/client_go_bounds.h); `no_overlap` assumes, as that lag does, that no successful renewal
// had a timed-out request and that no leader restarts under its own identity within a second of
// its last renewal; the two `despite` verdicts drop those assumptions in turn.
// The bounds hold for one latency range: the scenario's own, or one given (the range an
// apiServerSlow window imposes; properties/episode_bound.h picks it per failover episode).
// Leaves out: pauses, outages and request timeouts, which the bounds assume away
// (`assumes_no_request_timeouts` says whether the latency range does).
#pragma once

#include <cstdint>
#include <optional>

#include "sim/scenario.h"

namespace leasesim {

struct AnalyticBounds {
  Duration crash_to_leader_max{};   // leader crash fault -> new leader, worst case
  Duration stop_to_leader_max{};    // graceful stop fault -> new leader, worst case
  Duration failover_bound{};        // the larger of the two: what failoverWithin: auto applies
  Duration safety_margin{};         // least (candidate wait - leader hold - lag) over the pairs, true time
  Duration invisible_renewal_lag{}; // largest invisible-renewal lag over the pairs (in the margin)
  int64_t rate_ratio_limit_ppb = 0; // least tolerated r_C / r_L over the pairs
  int64_t rate_ratio_ppb = 0;       // largest actual r_C / r_L over the pairs
  bool no_overlap = true;           // every pair is inside its tolerance
  bool no_overlap_despite_restarts = true;  // ... even with a same-identity restart in the second
  bool no_overlap_despite_timeouts = true;  // ... even with a timed-out fast-path renewal
  bool release_voids_safety = false;  // some process releases on cancel (hazard 2.4a)
  bool assumes_no_request_timeouts = true;
};

std::optional<AnalyticBounds> analytic_bounds(const Scenario& scenario);
std::optional<AnalyticBounds> analytic_bounds(const Scenario& scenario, const LatencyRange& latency);

// The scenario's latency range widened by every apiServerSlow window's range: the latency the
// bounds must assume if they are to cover the whole run. Equal to the scenario's own range
// when it has no slow window.
LatencyRange slow_latency_envelope(const Scenario& scenario);

// The safety verdict as reports print it: "overlap possible", or "no overlap possible without
// pauses" followed by the assumptions it still needs (request timeouts, quick restarts).
const char* overlap_verdict(const AnalyticBounds& bounds);

}  // namespace leasesim
