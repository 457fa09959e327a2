// live_only.h: the simulated commands (run, check, campaign, fuzz) refuse scenarios whose
// processes are real programs (model: exec), which only `leasesim serve` can start.
#pragma once

#include <optional>
#include <string>

#include "sim/scenario.h"

namespace leasesim {

// A one-line message naming the first exec process and the command to use instead, or nullopt
// when every process has a simulated model.
std::optional<std::string> live_only_refusal(const Scenario& scenario, const std::string& file,
                                             const std::string& command);

}  // namespace leasesim
