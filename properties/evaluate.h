// evaluate.h: every property of a scenario, judged over one run's History.
//
// Contract: singleLeader and transitionsMatch are on by default for every lease that some
// process elects on (the scenario may switch them off); failoverWithin and eventuallyLeader
// apply only when set. failoverWithin `auto` needs the model's analytic bound, which the caller
// computes and passes in (nullopt with `auto` is a caller error); each episode is then judged
// against the bound of its own cause (properties/episode_bound.h), and episodes to which no
// analytic bound applies are counted in the property's detail as not judged. The run passes when the set of
// violated property names equals `expect.violated` (when an expect block is present), or is
// empty otherwise.
#pragma once

#include "properties/node_detection.h"

#include <optional>
#include <string>
#include <vector>

#include "properties/episode_bound.h"
#include "properties/failover.h"
#include "properties/violation.h"
#include "sim/history.h"
#include "sim/scenario.h"

namespace leasesim {

struct Evaluation {
  std::vector<PropertyResult> results;
  std::vector<FailoverEpisode> failovers;
  // One per failover episode when failoverWithin is set: the bound it was judged against
  // (`auto`: the bound of its own cause, properties/episode_bound.h; nullopt: not judged).
  std::vector<EpisodeBound> episode_bounds;
  std::vector<std::string> violated;  // sorted, unique property names
  std::optional<Duration> failover_bound;  // explicit bound, or the larger analytic bound (crash, stop)
  std::vector<NodeDetection> node_detections;  // empty without nodes
  std::optional<Duration> node_bound;          // nodeNotReadyWithin's bound, when set
  bool passed = true;
};

// Leases that at least one process elects on (an electing model's lease), in LeaseId order.
std::vector<LeaseId> elected_leases(const Scenario& scenario);

Evaluation evaluate(const Scenario& scenario, const History& history, TrueInstant end,
                    std::optional<Duration> analytic_failover_bound);

}  // namespace leasesim
