// live_only.h: the simulated commands (run, check, campaign, fuzz) refuse scenarios whose
// processes are real programs (model: exec), which only `leasesim serve` can start, and prepare
// `model: client-go-real` processes (cli/client_go_real_setup.h: refusals, helper, factory).
#pragma once

#include <optional>
#include <string>

#include "sim/scenario.h"

namespace leasesim {

// A one-line message naming the first exec process and the command to use instead, or nullopt
// when every process has a simulated model. A scenario with client-go-real processes gets their
// helper factory injected, or the reason it cannot run under `command`.
std::optional<std::string> live_only_refusal(Scenario& scenario, const std::string& file,
                                             const std::string& command);

}  // namespace leasesim
