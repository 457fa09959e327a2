// run.cc: see run.h.
#include "properties/run.h"

#include "properties/analytic.h"
#include "core/hash.h"
#include "sim/replay.h"

namespace leasesim {

std::string RunResult::trace_hash_hex() const {
  char buf[17];
  return std::string(hex64(trace_hash, buf));
}

std::optional<Duration> analytic_failover_bound(const Scenario& scenario) {
  const std::optional<AnalyticBounds> bounds = analytic_bounds(scenario);
  if (!bounds || bounds->failover_bound.ns == 0) return std::nullopt;
  return bounds->failover_bound;
}

RunResult run_scenario(std::shared_ptr<const Scenario> scenario, uint64_t seed, std::ostream* trace_out) {
  Trace trace(trace_out);
  // A counterexample written by `check` carries its choices (spec.explore.replay); without one
  // this is exactly RandomChooser(seed).
  ReplayChooser chooser(scenario->explore.replay, seed);
  // The World derives per-start values (kube-apiserver's holder UUIDs) from the scenario's
  // seed, so a seed given on the command line must reach it too; the result keeps the
  // scenario as given (reports hash it).
  std::shared_ptr<const Scenario> world_scenario = scenario;
  if (seed != scenario->seed) {
    auto reseeded = std::make_shared<Scenario>(*scenario);
    reseeded->seed = seed;
    world_scenario = std::move(reseeded);
  }
  World world(world_scenario);
  // A run by a seeded chooser keeps client deadlines out of the event queue and reads no
  // fingerprint after each step: the same trace, cheaper inert deadlines and no upkeep of the
  // pending events' digest (sim/world.h, "Lazy deadlines", "Pending digest on demand").
  world.set_lazy_deadlines(true);
  world.set_digest_on_demand(true);
  const StepStatus stopped_by = world.run(chooser, &trace);
  Evaluation evaluation = evaluate(*scenario, world.history(), world.now(), analytic_failover_bound(*scenario));
  for (const PropertyResult& r : evaluation.results) {
    for (const Violation& v : r.violations) {
      TraceLine line = trace.line(v.at, "violation");
      line.str("property", r.name).str("lease", property_scope(scenario->lease_keys, r));
      if (v.until) line.secs("until", v.until->ns);
      line.str("message", v.message);
      line.end();
    }
  }
  RunResult result{scenario, seed, stopped_by, std::move(world), std::move(evaluation), trace.hash(), trace.line_count(), {}};
  const size_t recorded = scenario->explore.replay.size();
  if (chooser.diverged_at()) {
    result.replay_diverged = "the recorded replay diverged at " + chooser.diverged_reason() +
                             "; from there on the run drew its choices from the seed";
  } else if (!chooser.finished()) {
    result.replay_diverged = std::to_string(recorded - chooser.consumed()) + " of the " + std::to_string(recorded) +
                             " recorded replay choices were never asked for (the run ended, or took another path, "
                             "before it reached them)";
  }
  return result;
}

}  // namespace leasesim
