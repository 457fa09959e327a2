// client_go_real_setup.h: prepares a scenario whose processes use `model: client-go-real` for a
// simulated command: checks what a helper in a synctest bubble can run, finds the helper
// programs, and injects the factory that starts them (docs/models/client-go-real.md).
//
// Contract:
// - A scenario without client-go-real processes is left alone (nullopt, no change).
// - Refusals, each one line naming the file, the process or fault and the reason (exit 2):
//   `check` (a search copies Worlds, and a helper program cannot be copied), a clock offset or
//   rate other than 0 and 1, clockJump and pause faults, injected faults (spec.explore.faults),
//   and a missing helper program (with how to build it).
// - The built-in helper is LEASESIM_GO_HELPER when set, else client-go-real.test next to the
//   leasesim executable (built by `cmake --build build --target client-go-real-helper`, which
//   needs Go). A process's `helper:` path is resolved against the scenario file's folder.
#pragma once

#include <optional>
#include <string>

#include "sim/scenario.h"

namespace leasesim {

std::optional<std::string> setup_client_go_real(Scenario& scenario, const std::string& file, const std::string& command);

// Whether the scenario has a client-go-real process.
bool uses_client_go_real(const Scenario& scenario);

// The built-in helper's path (see the contract); "" when it cannot be found.
std::string default_go_helper_path();

}  // namespace leasesim
