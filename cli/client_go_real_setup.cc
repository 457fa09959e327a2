// client_go_real_setup.cc: see client_go_real_setup.h.
#include "cli/client_go_real_setup.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "live/go_helper.h"

namespace leasesim {
namespace {

bool executable(const std::string& path) { return !path.empty() && ::access(path.c_str(), X_OK) == 0; }

}  // namespace

bool uses_client_go_real(const Scenario& scenario) {
  for (const ProcessSpec& p : scenario.processes)
    if (std::holds_alternative<ClientGoRealConfig>(p.model)) return true;
  return false;
}

std::string default_go_helper_path() {
  if (const char* env = std::getenv("LEASESIM_GO_HELPER"); env && *env) return env;
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  const std::filesystem::path next_to = self.parent_path() / "client-go-real.test";
  return std::filesystem::exists(next_to, ec) ? next_to.string() : "";
}

std::optional<std::string> setup_client_go_real(Scenario& scenario, const std::string& file, const std::string& command) {
  if (!uses_client_go_real(scenario)) return std::nullopt;
  const std::string prefix = file + ": ";
  if (command == "check")
    return prefix + "model client-go-real runs the real library in a helper program, which a search cannot copy "
                    "per state; `leasesim check` needs simulated models (use client-go-elector, or `leasesim run` "
                    "and `leasesim campaign` for client-go-real)";
  for (size_t i = 0; i < scenario.faults.size(); ++i) {
    const FaultSpec& f = scenario.faults[i];
    if (f.type == FaultType::Pause || f.type == FaultType::ClockJump)
      return prefix + "spec.faults[" + std::to_string(i) + "]: " + fault_type_name(f.type) +
             " is not supported with model client-go-real (a synctest bubble has one clock that cannot be held or "
             "stepped while the World's time runs)";
  }
  if (scenario.explore.faults.max > 0)
    return prefix + "spec.explore.faults: injected faults are not supported with model client-go-real";
  bool needs_default = false;
  const std::filesystem::path base = std::filesystem::path(file).parent_path();
  for (size_t i = 0; i < scenario.processes.size(); ++i) {
    ProcessSpec& p = scenario.processes[i];
    auto* config = std::get_if<ClientGoRealConfig>(&p.model);
    if (!config) continue;
    const std::string where = prefix + "process " + p.name + " (model client-go-real): ";
    if (p.clock.offset.ns != 0 || p.clock.rate_ppb != kRateOne)
      return where + "clock offset and rate must be 0 and 1: a synctest bubble's clock cannot be offset or drift "
                     "(wall-clock offsets may come later)";
    if (config->helper.empty()) {
      needs_default = true;
    } else {
      std::filesystem::path h(config->helper);
      if (h.is_relative()) h = base / h;
      config->helper = h.string();
      if (!executable(config->helper))
        return where + "config.helper " + config->helper + " is not an executable file (build it with `go test -c`)";
    }
  }
  const std::string helper = default_go_helper_path();
  if (needs_default && !executable(helper))
    return prefix + "model client-go-real needs its Go helper program, which is not built: run `cmake --build build "
                    "--target client-go-real-helper` (needs Go >= 1.25 and the module proxy or a filled module cache), "
                    "or set LEASESIM_GO_HELPER to a helper built with `go test -c` in go/client-go-real";
  auto factory = std::make_shared<const GoHelperFactory>(helper, scenario.lease_keys);
  for (ProcessSpec& p : scenario.processes)
    if (auto* config = std::get_if<ClientGoRealConfig>(&p.model)) config->factory = factory;
  return std::nullopt;
}

}  // namespace leasesim
