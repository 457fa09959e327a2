// fuzz.h: random scenarios, judged against what their configuration permits, and shrunk.
//
// Contract (`leasesim fuzz`, README "Fuzzing"):
// - Case i of a fuzz campaign with seed S is a pure function of (S, i, template): its generator
//   is Rng(S).fork(i), so any number of worker threads, in any order, produce the same cases and
//   the same verdicts, and case i never depends on how many cases ran before it.
// - Built-in generators (no template): client-go-elector scenarios with 2-5 processes, random
//   election parameters that pass client-go's validation, clock offsets and rates, latency
//   ranges, releaseOnCancel, and schedules of crash/restart/stop/partition/apiServerOutage/
//   clockJump/pause faults; and tutorial-elector scenarios (2-5 processes, random loop period,
//   lease duration, offsets and faults). A violation is a failure only if the configuration
//   should not have it (`permitted`): for client-go, singleLeader is permitted only when some
//   leader/candidate pair is outside the analytic tolerance (client_go_bounds no_overlap false:
//   rates, latency, releaseOnCancel) or a process is paused (pauses break it by design);
//   transitionsMatch is never permitted. For the tutorial elector transitionsMatch is off (it
//   never counts transitions, by design) and singleLeader is permitted with a pause, a
//   partition, a blackhole outage, a wall-clock jump, or wall clocks further apart than
//   leaseDurationSeconds - loopPeriod - 1s (shared/spec/tutorial-elector.md).
// - With a template: its seed, latency range, clock offsets and rates and fault times vary
//   within fixed ranges (latency x0.5..x2, offsets +-1s, rates +-100ppm, fault times +-2s,
//   windows x0.5..x1.5); a failure is a violation that `expect.violated` does not name.
// - A failing case is shrunk greedily (drop faults, drop processes, shorten the run, simplify
//   values: offsets 0, rates 1, latencies 1ms-5ms, start 0, windows halved), keeping each change
//   that still fails on the same property, until no change helps. The result is a valid
//   scenario (every config still validates) that `leasesim run` reproduces with its own seed.
// Leaves out: coverage guidance, failoverWithin and eventuallyLeader (not generated).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario.h"

namespace leasesim {

struct FuzzCase {
  uint64_t index = 0;
  std::string family;  // "client-go", "tutorial" or "template"
  std::shared_ptr<const Scenario> scenario;
};

// The property names `scenario` may violate by configuration (see the contract), sorted, with a
// one-line reason for each.
struct Permitted {
  std::vector<std::string> names;
  std::vector<std::string> reasons;
};
Permitted permitted_violations(const Scenario& scenario, bool from_template);

FuzzCase generate_case(const Scenario* tmpl, uint64_t fuzz_seed, uint64_t index);

struct FuzzOutcome {
  uint64_t index = 0;
  std::string family;
  uint64_t seed = 0;                   // the scenario's seed (the run's)
  uint64_t trace_hash = 0;
  std::vector<std::string> violated;   // every violated property
  std::vector<std::string> unexpected; // those not permitted: non-empty = failure
  std::vector<std::string> messages;   // the first violation of each unexpected property
  std::shared_ptr<const Scenario> scenario;  // as generated
  std::shared_ptr<const Scenario> shrunk;    // failures only
  uint32_t shrink_runs = 0;
  bool failed() const { return !unexpected.empty(); }
};

// Generates, runs and (on failure) shrinks case `index`.
FuzzOutcome fuzz_case(const Scenario* tmpl, uint64_t fuzz_seed, uint64_t index);

// Greedy shrinking of `scenario` while `still_fails` holds for the candidate; returns the
// smallest scenario found and counts the candidate runs in *runs.
std::shared_ptr<const Scenario> shrink_scenario(std::shared_ptr<const Scenario> scenario,
                                                const std::function<bool(const Scenario&)>& still_fails, uint32_t* runs);

// Whether a scenario built in code is one the loader would accept as far as shrinking can
// break it: faults before the end of the run, eventuallyLeader fitting after the last fault,
// every fault target an existing process, every model config valid.
bool shrink_candidate_valid(const Scenario& scenario);

}  // namespace leasesim
