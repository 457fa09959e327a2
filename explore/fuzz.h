// fuzz.h: random scenarios, judged against what their configuration permits, grouped into bug
// classes, and shrunk.
//
// Contract (`leasesim fuzz`, docs/fuzz.md):
// - Case i of a fuzz campaign with seed S is a pure function of (S, i, template): its generator
//   is Rng(S).fork(i), so any number of worker threads, in any order, produce the same cases and
//   the same verdicts, and case i never depends on how many cases ran before it. The judge
//   (below) never changes a case, only how its verdict is counted.
// - Built-in generators (no template): client-go-elector scenarios with 2-5 processes, random
//   election parameters that pass client-go's validation, clock offsets and rates, latency
//   ranges, releaseOnCancel, and schedules of crash/restart/stop/partition/apiServerOutage/
//   clockJump/pause faults; and tutorial-elector scenarios (2-5 processes, random loop period,
//   lease duration, offsets and faults; one in eight judges transitionsMatch). Client-go clock
//   rates are equal, within 100ppm, 1% or 30%, or fast standbys (the first process at 0.9-1.0,
//   the others at 1.0-1.6). One case in three has a single partition of the acting leader
//   instead of a random schedule (for the tutorial loop inside its first leadership). One case
//   in eight of either family is a `conflictCheck: false` race: an existing Lease with no holder
//   and every process starting at the same instant.
// - Permitted violations (`permitted_violations`), each with a stable *kind* and a one-line
//   reason: for client-go, singleLeader is permitted when some leader/candidate pair is outside
//   the analytic tolerance (client_go_bounds no_overlap false; kind rate-outside-tolerance when
//   equal clock rates would be inside it, timing-outside-tolerance when even equal rates are
//   not, release-on-cancel when only the release hazard 2.4a remains) or a process is paused
//   (pauses break leases by design); transitionsMatch is never permitted. For the tutorial
//   elector transitionsMatch is permitted (no-transitions: it never counts them, by design) and
//   singleLeader with a pause, a partition, a blackhole outage or a slow API server
//   (lost-requests), a wall-clock jump (clock-jump), clock rates other than 1 (clock-rates), or
//   wall clocks further apart than leaseDurationSeconds - loopPeriod - 1s (clock-offset)
//   (docs/models/tutorial-elector.md). For both, `conflictCheck: false` permits both properties
//   (conflictCheck-off), as do duplicate identities and quiesce for singleLeader.
// - Judges: `Unexpected` (the default, for CI) counts a violation as a failure only when its
//   configuration does not permit it; `Known` (`--known`, to hunt the known bugs) also counts
//   every violation of singleLeader and transitionsMatch that the configuration permits.
// - Bug classes: each failing property of a case gets the class (family, property, kind), where
//   kind is the first permitting kind in the priority order of `permit_kinds()` (the most
//   specific cause first, pauses last so that they never hide another cause), or "unexpected"
//   when nothing permits it. `group_failures` lists each class once, with its case count, its
//   first case, and the case to shrink: the lowest index whose kind is the only one permitting
//   the property (a pure case), else the lowest index. Every choice is by index, so the groups
//   are the same for any number of threads.
// - With a template: its seed, latency range, clock offsets and rates and fault times vary
//   within fixed ranges (latency x0.5..x2, offsets +-1s, rates +-100ppm, fault times +-2s,
//   windows x0.5..x1.5); a violation that `expect.violated` names is permitted (kind expect).
// - Shrinking is greedy (drop faults, drop processes, move faults earlier, cut the run down to
//   whole seconds, simplify values: offsets 0, rates 1, latencies 1ms-5ms, start 0, configs to
//   their defaults, windows halved, seed 1), keeping each change after which the scenario, run
//   on its own seed or else on seed 1, 2 or 3, still fails; for a fuzz failure (shrink_failure)
//   "fails" means it violates the same property with the same class kind and no permitting kind
//   the original lacked, so a shrunk bug never drifts into another class. It stops when no change
//   helps. The result is a valid scenario (every config still validates) that `leasesim run`
//   reproduces with its own seed.
// - Generators `Nodes` (`--nodes`) replaces both built-in families with node-heartbeat
//   scenarios (family "nodes", explore/fuzz_nodes.h); a node case runs 3-7 simulated minutes
//   of kubelets, so it is not mixed into the election cases. Its permits are listed there; the
//   judge `Known` also counts permitted noFalseNotReady violations (the node safety property).
// Leaves out: coverage guidance, failoverWithin and eventuallyLeader (not generated).
#pragma once

#include <compare>
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
  std::string family;  // "client-go", "tutorial", "nodes" or "template"
  std::shared_ptr<const Scenario> scenario;
};

// One reason a configuration permits a property's violation.
struct Permit {
  std::string property;  // "singleLeader", "transitionsMatch", ...
  std::string kind;      // stable, for grouping: "clock-offset", "rate-outside-tolerance", ...
  std::string reason;    // one line for people: "wall clocks 25s apart, >= ..."
  bool operator==(const Permit&) const = default;
};

// The property names `scenario` may violate by configuration (see the contract), sorted, with a
// one-line reason for each ("property: reason") and the same as structured permits.
struct Permitted {
  std::vector<std::string> names;
  std::vector<std::string> reasons;
  std::vector<Permit> permits;
  // The kinds permitting `property`, unique, in the priority order of permit_kinds().
  std::vector<std::string> kinds(const std::string& property) const;
  // The reasons permitting `property` with `kind`, in the order found.
  std::vector<std::string> reasons_for(const std::string& property, const std::string& kind) const;
};
Permitted permitted_violations(const Scenario& scenario, bool from_template);

// Every permit kind, in priority order: the first one present names a violation's class.
const std::vector<std::string>& permit_kinds();
inline constexpr const char* kUnexpectedKind = "unexpected";

// How violations are counted: only those the configuration does not permit, or every violation
// of a judged safety property (singleLeader, transitionsMatch) too.
enum class FuzzJudge : uint8_t { Unexpected, Known };

struct BugClass {
  std::string family;    // the case's family
  std::string property;  // the violated property
  std::string kind;      // the first permitting kind, or "unexpected"
  std::string key() const { return family + "/" + property + "/" + kind; }
  auto operator<=>(const BugClass&) const = default;
};

// One failing property of a case.
struct FuzzFailure {
  BugClass bug;
  bool pure = false;                 // no other kind permits this property in this case
  std::vector<std::string> reasons;  // the reasons of the class kind (empty when unexpected)
  std::string message;               // the first violation's message
};

// Which built-in generators a campaign without a template uses.
enum class FuzzGenerators : uint8_t { Elections, Nodes };

FuzzCase generate_case(const Scenario* tmpl, uint64_t fuzz_seed, uint64_t index,
                       FuzzGenerators generators = FuzzGenerators::Elections);

// The name generate_case gives case `index` of `family`: "fuzz-client-go-12", "NAME-fuzz-12".
std::string fuzz_case_name(const Scenario* tmpl, const std::string& family, uint64_t index);

struct FuzzOutcome {
  uint64_t index = 0;
  std::string family;
  std::string name;                    // the scenario's name
  uint32_t processes = 0;              // the scenario's size
  uint32_t faults = 0;
  uint64_t seed = 0;                   // the scenario's seed (the run's)
  uint64_t trace_hash = 0;
  std::vector<std::string> violated;   // every violated property
  std::vector<std::string> unexpected; // those not permitted
  std::vector<std::string> messages;   // "property: message", the first violation of each failing property
  std::vector<FuzzFailure> failures;   // the failing properties under the judge: non-empty = failure
  // As generated; a caller that keeps many outcomes may drop it and generate it again with
  // generate_case (a pure function of the same inputs).
  std::shared_ptr<const Scenario> scenario;
  std::shared_ptr<const Scenario> shrunk;    // the first failure's, when shrinking was asked for
  uint32_t shrink_runs = 0;
  bool failed() const { return !failures.empty(); }
  std::vector<std::string> failing() const;  // the failing properties' names
};

// Generates, runs, judges and (on failure, when `shrink`) shrinks case `index` for its first
// failing property.
FuzzOutcome fuzz_case(const Scenario* tmpl, uint64_t fuzz_seed, uint64_t index,
                      FuzzJudge judge = FuzzJudge::Unexpected, bool shrink = true,
                      FuzzGenerators generators = FuzzGenerators::Elections);

// The failures of one run of `scenario` under `judge` (what fuzz_case records), given the
// properties it violated and their first messages.
std::vector<FuzzFailure> judge_violations(const Scenario& scenario, const std::string& family, bool from_template,
                                          FuzzJudge judge, const std::vector<std::string>& violated,
                                          const std::vector<std::string>& first_messages);

// Whether `scenario`, run on its own seed, violates bug.property with class kind bug.kind and
// with no permitting kind outside `allowed_kinds` (when given).
bool shows_bug(const Scenario& scenario, const BugClass& bug, bool from_template,
               const std::vector<std::string>* allowed_kinds = nullptr);

// Shrinks `scenario` keeping failure `f`: see the contract.
std::shared_ptr<const Scenario> shrink_failure(std::shared_ptr<const Scenario> scenario, const FuzzFailure& f,
                                               bool from_template, uint32_t* runs);

// One bug class of a fuzz campaign (see the contract).
struct ClassSummary {
  BugClass bug;
  uint64_t cases = 0;         // cases with this class
  uint64_t pure_cases = 0;    // of which pure
  uint64_t first_index = 0;   // the first case with this class
  uint64_t shrink_index = 0;  // the case to shrink
  std::vector<uint64_t> examples;  // the first few case indexes, ascending
};

// The classes of `outcomes` (ascending indexes), ordered by their first case.
std::vector<ClassSummary> group_failures(const std::vector<const FuzzOutcome*>& outcomes, size_t examples = 10);

// Greedy shrinking of `scenario` while `still_fails` holds for the candidate (tried with its
// own seed, then seeds 1, 2, 3); returns the smallest scenario found and counts the candidate
// runs in *runs.
std::shared_ptr<const Scenario> shrink_scenario(std::shared_ptr<const Scenario> scenario,
                                                const std::function<bool(const Scenario&)>& still_fails, uint32_t* runs);

// Whether a scenario built in code is one the loader would accept as far as shrinking can
// break it: faults before the end of the run, eventuallyLeader fitting after the last fault,
// every fault target an existing process, every model config valid.
bool shrink_candidate_valid(const Scenario& scenario);

}  // namespace leasesim
