// live_only.cc: see live_only.h.
#include "cli/live_only.h"

#include "cli/client_go_real_setup.h"

namespace leasesim {

std::optional<std::string> live_only_refusal(Scenario& scenario, const std::string& file,
                                             const std::string& command) {
  for (const ProcessSpec& p : scenario.processes) {
    if (!runs_live_only(p.model)) continue;
    return file + ": process " + p.name + " uses model exec, a real program that `leasesim " + command +
           "` cannot simulate; run this scenario with `leasesim serve " + file + "`";
  }
  return setup_client_go_real(scenario, file, command);
}

}  // namespace leasesim
