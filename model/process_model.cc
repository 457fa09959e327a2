// process_model.cc: model construction by config type (see process_model.h).
#include "model/process_model.h"

#include <array>

#include "core/check.h"

namespace leasesim {
namespace {

constexpr std::array<std::string_view, 4> kTutorialKeys{"loopPeriod", "crashOnError", "requestTimeout", "quiesce"};
constexpr std::array<std::string_view, 11> kClientGoKeys{
    "preset",          "leaseDuration",  "renewDeadline",       "retryPeriod", "releaseOnCancel", "requestTimeout",
    "afterLeadershipLoss", "quiesce", "coordinated", "binaryVersion", "emulationVersion"};
constexpr std::array<std::string_view, 6> kCleControllerKeys{"leaseDuration",  "renewDeadline",       "retryPeriod",
                                                              "requestTimeout", "afterLeadershipLoss", "quiesce"};
constexpr std::array<std::string_view, 6> kExecKeys{"command",         "env",      "leaderPattern",
                                                    "followerPattern", "stopGracePeriod", "quiesce"};

std::optional<ParsedConfig> read_tutorial(ConfigReader& reader) {
  Duration quiesce{};
  auto config = read_tutorial_config(reader, &quiesce);
  if (!config) return std::nullopt;
  return ParsedConfig{*config, quiesce};
}

std::optional<ParsedConfig> read_client_go(ConfigReader& reader) {
  Duration quiesce{};
  auto config = read_client_go_config(reader, &quiesce);
  if (!config) return std::nullopt;
  return ParsedConfig{*config, quiesce};
}

std::optional<ParsedConfig> read_exec(ConfigReader& reader) {
  Duration quiesce{};
  auto config = read_exec_config(reader, &quiesce);
  if (!config) return std::nullopt;
  return ParsedConfig{*config, quiesce};
}

std::optional<ParsedConfig> read_cle_controller(ConfigReader& reader) {
  Duration quiesce{};
  auto config = read_cle_controller_config(reader, &quiesce);
  if (!config) return std::nullopt;
  return ParsedConfig{*config, quiesce};
}

// The models of the documentation that have no implementation yet keep their entries, so a
// user who names one is told it is planned rather than misspelt.
constexpr std::array<ModelEntry, 9> kModels{{
    {"tutorial-elector", kTutorialKeys, &read_tutorial},
    {"client-go-elector", kClientGoKeys, &read_client_go},
    {"exec", kExecKeys, &read_exec},
    {"cle-controller", kCleControllerKeys, &read_cle_controller},
    {"kubelet", {}, nullptr},
    {"node-lifecycle-controller", {}, nullptr},
    {"apiserver-identity", {}, nullptr},
    {"apiserver-identity-gc", {}, nullptr},
    {"lease-candidate", {}, nullptr},
}};

}  // namespace

std::span<const ModelEntry> model_registry() { return kModels; }

const ModelEntry* find_model(std::string_view name) {
  for (const ModelEntry& entry : kModels)
    if (entry.name == name) return &entry;
  return nullptr;
}

const char* model_name(const ModelConfig& config) {
  struct Visitor {
    const char* operator()(const TutorialConfig&) const { return "tutorial-elector"; }
    const char* operator()(const ClientGoConfig&) const { return "client-go-elector"; }
    const char* operator()(const ExecConfig&) const { return "exec"; }
    const char* operator()(const CleControllerConfig&) const { return "cle-controller"; }
  };
  return std::visit(Visitor{}, config);
}

bool model_implemented(const ModelConfig& config) {
  // Every simulated alternative has a model; exec is a real program (`leasesim serve`).
  return !std::holds_alternative<ExecConfig>(config);
}

bool runs_live_only(const ModelConfig& config) { return std::holds_alternative<ExecConfig>(config); }

ModelState make_model(const ModelConfig& config, const std::string& identity, LeaseId lease) {
  if (const auto* tutorial = std::get_if<TutorialConfig>(&config)) return TutorialElector(identity, lease, *tutorial);
  if (const auto* client_go = std::get_if<ClientGoConfig>(&config)) return ClientGoElector(identity, lease, *client_go);
  if (const auto* cle = std::get_if<CleControllerConfig>(&config)) return CleController(identity, lease, *cle);
  LS_CHECK(false, std::string("model not implemented: ") + model_name(config));
  __builtin_unreachable();
}

}  // namespace leasesim
