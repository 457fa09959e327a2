// scenario_writer.h: a typed Scenario back to a canonical scenario file (YAML or JSON).
//
// Contract: the output follows docs/cli.md section 1 and loads back
// (cli/scenario_loader.h) into a Scenario that is == to the input, except source_path. It is
// canonical, so counterexamples saved by `check` and `fuzz` read the same way every time:
// - no `count`: every process is written out with its name and identity;
// - every setting is explicit (defaults included), durations via format_duration, the clock
//   rate as its exact decimal ("1.0001"), lease times with microseconds, startTime exact to the
//   nanosecond;
// - a fault carries only the fields its type takes (direction for partition, by for
//   clockJump, mode for apiServerOutage, latency for apiServerSlow);
// - JSON writes the rate as a string ("rate": "1.0001") so no JSON reader turns it into a
//   double; the loader accepts both spellings.
// Assumes: the Scenario is loader-shaped, i.e. lease ids are in order of first mention
// (spec.leases, then processes), as the loader and Scenario::lease_id produce them; a fault's
// fields that do not apply to its type hold their defaults.
// Leaves out: comments, `description` when empty, and writing files (the caller does, atomically).
#pragma once

#include <string>

#include "sim/scenario.h"

namespace leasesim {

std::string scenario_to_yaml(const Scenario& scenario);
std::string scenario_to_json(const Scenario& scenario);  // nlohmann ordered_json, 2-space indent

}  // namespace leasesim
