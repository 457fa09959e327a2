// sweep.h: `campaign --sweep NAME=V1,V2,...`: the points of a parameter sweep as scenarios.
//
// Contract:
// - Parameters: leaseDuration, renewDeadline, retryPeriod (the election config of every
//   client-go-elector and node-lifecycle-controller process), clockRate (clock.rate of every process except the first one in the
//   file, since the dangerous direction is a candidate's clock running fast relative to the
//   leader's, and scenarios start their first process as the leader), latencyMin, latencyMax
//   (spec.apiServer.latency). `--sweep-target NAME` narrows every per-process parameter
//   (leaseDuration, renewDeadline, retryPeriod, clockRate) to that one process.
// - Points are the cartesian product in odometer order: the first parameter varies slowest,
//   the last fastest. Point i's settings are what the user typed, in parameter order.
// - A point is built by editing the canonical JSON of the base scenario (scenario_writer.h) and
//   loading it back with the scenario loader, so a point is validated exactly as a scenario file
//   would be: a combination the model rejects (client-go: "leaseDuration must be greater than
//   renewDeadline") makes that point invalid, with the loader's message, and the sweep goes on.
// - parse_sweep rejects what is wrong for every point alike (unknown parameter, repeated
//   parameter, a value that is not a duration or a rate, no process the parameter applies to,
//   an unknown target, more than kMaxSweepPoints points): those are usage errors (exit 2).
// Deterministic: the same base scenario and arguments give the same points, byte for byte.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reports/report.h"
#include "sim/scenario.h"

namespace leasesim {

inline constexpr size_t kMaxSweepPoints = 1000;

struct SweepParameter {
  std::string name;
  std::vector<std::string> values;
  bool operator==(const SweepParameter&) const = default;
};

struct SweepSpec {
  std::vector<SweepParameter> parameters;  // empty = no sweep: one point, the base scenario
  std::string target;                      // "" = the default targets
  bool operator==(const SweepSpec&) const = default;
};

struct SweepPoint {
  std::vector<SweepSetting> settings;
  std::shared_ptr<const Scenario> scenario;  // null when invalid
  std::string error;                         // the loader's messages when invalid
  std::string canonical_yaml;                // scenario_to_yaml of the point ("" when invalid)
  std::string hash;                          // scenario_hash(canonical_yaml) ("" when invalid)
};

// `args` are the --sweep option values ("leaseDuration=10s,15s"); `base` is checked for
// processes the parameters apply to. nullopt with *error set on a usage error.
std::optional<SweepSpec> parse_sweep(const std::vector<std::string>& args, const std::string& target,
                                     const Scenario& base, std::string* error);

// Every point of the sweep (one point, the base itself, when the spec is empty). The points'
// scenarios keep base.source_path.
std::vector<SweepPoint> sweep_points(const Scenario& base, const SweepSpec& spec);

}  // namespace leasesim
