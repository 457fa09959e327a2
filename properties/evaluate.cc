// evaluate.cc: see evaluate.h.
#include "properties/evaluate.h"

#include <algorithm>

#include "properties/elects_preferred.h"
#include "properties/analytic.h"
#include "properties/eventually_leader.h"
#include "properties/identity.h"
#include "properties/pod_evictions.h"
#include "properties/single_leader.h"
#include "properties/transitions_match.h"
#include "core/check.h"

namespace leasesim {

std::vector<LeaseId> elected_leases(const Scenario& scenario) {
  std::vector<bool> used(scenario.lease_keys.size(), false);
  for (const ProcessSpec& p : scenario.processes)
    if (model_elects(p.model)) used[p.lease] = true;
  std::vector<LeaseId> out;
  for (LeaseId id = 0; id < used.size(); ++id)
    if (used[id]) out.push_back(id);
  return out;
}

namespace {

// The node properties (properties/node_detection.h), judged over every node at once.
void evaluate_nodes(const Scenario& scenario, const History& history, TrueInstant end, Evaluation& ev) {
  if (scenario.node_names.empty()) return;
  const PropertySpec& props = scenario.properties;
  ev.node_detections = node_detections(scenario, history);
  ev.node_bound = props.node_not_ready_within_auto ? node_detection_bound(scenario) : props.node_not_ready_within;
  auto add = [&](const char* name, std::vector<Violation> violations, std::string detail) {
    PropertyResult r;
    r.name = name;
    r.scope = "kube-node-lease";
    r.holds = violations.empty();
    r.violations = std::move(violations);
    r.detail = std::move(detail);
    if (!r.holds) ev.violated.push_back(name);
    ev.results.push_back(std::move(r));
  };
  if (props.node_not_ready_within_auto && !ev.node_bound) {
    // No node lifecycle controller: no analytic bound, and no node can ever be judged Unknown.
    Violation v;
    v.message = "nodeNotReadyWithin: auto needs a node-lifecycle-controller process";
    add("nodeNotReadyWithin", {v}, "no analytic bound");
  } else if (ev.node_bound) {
    add("nodeNotReadyWithin", check_node_not_ready_within(scenario, ev.node_detections, *ev.node_bound, end),
        "bound " + format_duration(*ev.node_bound) + (props.node_not_ready_within_auto ? " (analytic)" : ""));
  }
  if (props.no_false_not_ready) add("noFalseNotReady", check_no_false_not_ready(scenario, history), "");
  if (props.max_pod_evictions)
    add("maxPodEvictions", check_max_pod_evictions(scenario, history, *props.max_pod_evictions),
        "at most " + std::to_string(*props.max_pod_evictions) + " pods evicted");
}

}  // namespace

Evaluation evaluate(const Scenario& scenario, const History& history, TrueInstant end,
                    std::optional<Duration> analytic_failover_bound) {
  Evaluation ev;
  const PropertySpec& props = scenario.properties;
  ev.failovers = failover_episodes(scenario, history);
  if (props.failover_within_auto) {
    LS_CHECK(analytic_failover_bound.has_value(), "failoverWithin: auto needs an analytic bound");
    ev.failover_bound = analytic_failover_bound;
  } else {
    ev.failover_bound = props.failover_within;
  }
  auto add = [&](const char* name, LeaseId lease, std::vector<Violation> violations, std::string detail = {}) {
    PropertyResult r;
    r.name = name;
    r.lease = lease;
    r.holds = violations.empty();
    r.violations = std::move(violations);
    r.detail = std::move(detail);
    if (!r.holds) ev.violated.push_back(name);
    ev.results.push_back(std::move(r));
  };
  std::vector<std::optional<Duration>> bounds;
  std::vector<std::string> bases;
  // Per-cause bounds need the scenario's own analytic bounds; a caller that computed the `auto`
  // bound some other way gets that one bound for every episode.
  const std::optional<AnalyticBounds> per_cause =
      props.failover_within_auto ? analytic_bounds(scenario) : std::optional<AnalyticBounds>();
  if (ev.failover_bound) {
    for (const FailoverEpisode& e : ev.failovers) {
      EpisodeBound b = per_cause ? analytic_episode_bound(scenario, history, e, end)
                                 : EpisodeBound{ev.failover_bound, ""};
      bounds.push_back(b.bound);
      bases.push_back(b.basis);
      ev.episode_bounds.push_back(std::move(b));
    }
  }
  for (LeaseId lease : elected_leases(scenario)) {
    if (props.single_leader) add("singleLeader", lease, check_single_leader(scenario, history, lease, end));
    if (ev.failover_bound) {
      std::string detail = "bound " + format_duration(*ev.failover_bound) + (props.failover_within_auto ? " (analytic)" : "");
      if (per_cause) {
        detail = "analytic: crash bound " + format_duration(per_cause->crash_to_leader_max) + ", stop bound " +
                 format_duration(per_cause->stop_to_leader_max) +
                 "; each episode judged against the bound of its own cause";
        size_t unjudged = 0;
        for (size_t i = 0; i < ev.failovers.size(); ++i)
          if (ev.failovers[i].lease == lease && !bounds[i]) ++unjudged;
        if (unjudged) detail += "; " + std::to_string(unjudged) + " episode(s) not judged: no analytic bound applies";
      }
      add("failoverWithin", lease, check_failover_within(scenario, ev.failovers, lease, bounds, bases, end),
          std::move(detail));
    }
    if (props.transitions_match) add("transitionsMatch", lease, check_transitions_match(scenario, history, lease));
    if (props.eventually_leader) {
      add("eventuallyLeader", lease, check_eventually_leader(scenario, history, lease, *props.eventually_leader, end),
          "within " + format_duration(*props.eventually_leader) + " of the last fault's end");
    }
  }
  if (props.elects_preferred) {
    for (LeaseId lease : coordinated_leases(scenario)) {
      std::string detail;
      std::vector<Violation> violations = check_elects_preferred(scenario, history, lease, end, &detail);
      add("electsPreferred", lease, std::move(violations), std::move(detail));
    }
  }
  const bool stale_judged = props.stale_identity_collected_within || props.stale_identity_collected_within_auto;
  const std::vector<StaleIdentity> stale = stale_judged ? stale_identities(scenario, history) : std::vector<StaleIdentity>{};
  for (LeaseId lease : identity_leases(scenario)) {
    if (props.no_live_identity_deleted)
      add("noLiveIdentityDeleted", lease, check_no_live_identity_deleted(scenario, history, lease));
    if (!stale_judged) continue;
    std::optional<Duration> bound = props.stale_identity_collected_within;
    if (props.stale_identity_collected_within_auto) bound = identity_collection_bound(scenario, lease);
    if (!bound) {
      // auto without an analytic bound (no collector, or drifting clocks): say so, judge nothing.
      add("staleIdentityCollectedWithin", lease, {}, "not judged: no analytic bound (no collector, a clock rate other than 1.0, or a clockJump)");
      continue;
    }
    StaleCheck check = check_stale_identity_collected_within(scenario, stale, lease, *bound, end);
    std::string detail = "bound " + format_duration(*bound) + (props.stale_identity_collected_within_auto ? " (analytic)" : "") +
                         "; " + (check.collected + check.undecided + check.violations.size() == 0
                                     ? std::string("no instance down for good")
                                     : std::to_string(check.collected) + " collected");
    if (check.undecided > 0) detail += ", " + std::to_string(check.undecided) + " not yet due when the run ended";
    add("staleIdentityCollectedWithin", lease, std::move(check.violations), std::move(detail));
  }
  evaluate_nodes(scenario, history, end, ev);
  std::sort(ev.violated.begin(), ev.violated.end());
  ev.violated.erase(std::unique(ev.violated.begin(), ev.violated.end()), ev.violated.end());
  ev.passed = scenario.expect.present ? ev.violated == scenario.expect.violated : ev.violated.empty();
  return ev;
}

}  // namespace leasesim
