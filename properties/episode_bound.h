// episode_bound.h: the analytic bound that applies to one failover episode.
//
// Contract: `failoverWithin: auto` judges each episode against the bound of its own cause
// (client-go spec section 5, as computed by properties/analytic.h):
// - crash, pause, or a partition that cuts the leader's requests: the crash bound (the leader
//   writes nothing after the fault; a candidate counts the lease down from its last renewal);
// - stop: the stop bound (with a release when the leader has releaseOnCancel);
// - apiServerSlow: the crash bound at the slow window's latency.
// When an apiServerSlow window overlaps the episode (or the stretch of one crash bound before
// its fault, where the leader's last renewal lies), the bound is computed at the latency range
// widened by that window's range; when at that latency a round trip can outlast a request
// timeout (which the bounds assume never happens), no bound applies. No analytic bound applies to an episode whose cause is an
// apiServerOutage or a responses-only partition (the leader's renewals still commit while it
// cannot see them), or that an apiServerOutage overlaps: the bounds assume an API server that
// answers. Such an episode is reported as not judged, never as passing.
// Leaves out: models without an analytic bound (the caller gets nullopt from analytic_bounds).
#pragma once

#include <optional>
#include <string>

#include "properties/failover.h"
#include "sim/history.h"
#include "sim/scenario.h"

namespace leasesim {

struct EpisodeBound {
  std::optional<Duration> bound;  // nullopt: no analytic bound applies (see `basis`)
  std::string basis;              // "crash bound", "stop bound at apiServerSlow latency 2s-6s", or why none applies
  bool operator==(const EpisodeBound&) const = default;
};

// The fault that opened the episode (spec.faults, or an injected one from its record).
const FaultSpec& episode_fault(const Scenario& scenario, const History& history, const FailoverEpisode& episode);

EpisodeBound analytic_episode_bound(const Scenario& scenario, const History& history, const FailoverEpisode& episode,
                                    TrueInstant end);

}  // namespace leasesim
