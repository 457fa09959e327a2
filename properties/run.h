// run.h: one deterministic run of a scenario, judged.
//
// Contract: run_scenario builds a World from the scenario, resolves every choice with a
// RandomChooser seeded by `seed`, steps until a bound stops it, evaluates every property, and
// appends one `violation` line per violation to the trace after the run's events (so the
// trace hash covers the verdicts too). The same scenario and seed give the same RunResult and
// the same trace bytes on every machine. Nothing here prints.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "properties/evaluate.h"
#include "sim/world.h"

namespace leasesim {

struct RunResult {
  std::shared_ptr<const Scenario> scenario;
  uint64_t seed = 0;
  StepStatus stopped_by = StepStatus::Horizon;
  World world;
  Evaluation evaluation;
  uint64_t trace_hash = 0;
  uint64_t trace_lines = 0;
  // When the scenario carries a recorded replay (spec.explore.replay) that the run could not
  // follow to its end: why, in one line ("entry 3 ... is a timer, but the run asks for a
  // latency"), or how many recorded choices were left unused. Empty otherwise.
  std::string replay_diverged;

  std::string trace_hash_hex() const;
};

// The failoverWithin `auto` bound for the scenario's models, when every process of every elected
// lease runs a model with an analytic bound (docs/models/client-go-elector.md section 5); nullopt otherwise.
std::optional<Duration> analytic_failover_bound(const Scenario& scenario);

// Runs the scenario. `trace_out` (optional) receives the JSON Lines trace.
RunResult run_scenario(std::shared_ptr<const Scenario> scenario, uint64_t seed, std::ostream* trace_out = nullptr);

}  // namespace leasesim
