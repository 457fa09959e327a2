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

constexpr std::array<std::string_view, 16> kNodeLifecycleKeys{
    "preset",          "leaseDuration",  "renewDeadline",       "retryPeriod",
    "releaseOnCancel", "requestTimeout", "afterLeadershipLoss", "quiesce",
    "nodeMonitorPeriod", "nodeMonitorGracePeriod", "nodeStartupGracePeriod", "nodeEvictionRate",
    "secondaryNodeEvictionRate", "largeClusterSizeThreshold", "unhealthyZoneThreshold",
    "defaultUnreachableTolerationSeconds"};

std::optional<ParsedConfig> read_node_lifecycle(ConfigReader& reader) {
  Duration quiesce{};
  auto config = read_node_lifecycle_config(reader, &quiesce);
  if (!config) return std::nullopt;
  return ParsedConfig{*config, quiesce};
}

constexpr std::array<std::string_view, 6> kKubeletKeys{"nodeLeaseDurationSeconds", "nodeStatusUpdateFrequency",
                                                      "nodeStatusReportFrequency", "zone", "labels", "pods"};

std::optional<ParsedConfig> read_kubelet(ConfigReader& reader) {
  auto config = read_kubelet_config(reader);
  if (!config) return std::nullopt;
  return ParsedConfig{*config, Duration{}};
}

// upstream pkg/kubelet/nodelease: the kubelet's Lease is kube-node-lease/<node name>, and the
// node is named after the process.
std::string kubelet_lease(ModelConfig&, const std::string& process_name) { return "kube-node-lease/" + process_name; }

constexpr std::array<std::string_view, 7> kKubeApiserverKeys{
    "hostname", "identityLeaseDurationSeconds", "identityLeaseRenewInterval", "gcPeriod",
    "gc",       "requestTimeout",               "coordinatedLeaderElection"};

std::optional<ParsedConfig> read_kube_apiserver(ConfigReader& reader) {
  auto config = read_kube_apiserver_config(reader);
  if (!config) return std::nullopt;
  return ParsedConfig{*config, Duration{}};
}

std::string kube_apiserver_lease(ModelConfig& config, const std::string& process_name) {
  return kube_apiserver_implied_lease(std::get<KubeApiserverConfig>(config), process_name);
}

void kube_apiserver_leases(ModelConfig& config, const std::function<LeaseId(const std::string&)>& intern) {
  kube_apiserver_bind_leases(std::get<KubeApiserverConfig>(config), intern);
}

std::optional<ParsedConfig> read_client_go(ConfigReader& reader) {
  Duration quiesce{};
  auto config = read_client_go_config(reader, &quiesce);
  if (!config) return std::nullopt;
  return ParsedConfig{*config, quiesce};
}

constexpr std::array<std::string_view, 9> kClientGoRealKeys{
    "preset", "leaseDuration", "renewDeadline", "retryPeriod", "releaseOnCancel", "requestTimeout",
    "afterLeadershipLoss", "quiesce", "helper"};

std::optional<ParsedConfig> read_client_go_real(ConfigReader& reader) {
  Duration quiesce{};
  auto config = read_client_go_real_config(reader, &quiesce);
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
    {"client-go-real", kClientGoRealKeys, &read_client_go_real},
    {"exec", kExecKeys, &read_exec, nullptr, true},
    {"cle-controller", kCleControllerKeys, &read_cle_controller, nullptr, true, kCleLockLeaseKey},
    {"kube-apiserver", kKubeApiserverKeys, &read_kube_apiserver, &kube_apiserver_lease, false, "", false,
     &kube_apiserver_leases},
    {"kubelet", kKubeletKeys, &read_kubelet, &kubelet_lease, false, "", true},
    {"node-lifecycle-controller", kNodeLifecycleKeys, &read_node_lifecycle, nullptr, true,
     "kube-system/kube-controller-manager"},
    {"lease-candidate", {}, nullptr},
}};

}  // namespace

std::span<const ModelEntry> model_registry() { return kModels; }

const ModelEntry* find_model(std::string_view name) {
  for (const ModelEntry& entry : kModels)
    if (entry.name == name) return &entry;
  return nullptr;
}

const ModelEntry& model_entry(const ModelConfig& config) {
  const ModelEntry* entry = find_model(model_name(config));
  LS_CHECK(entry != nullptr, "every model config has a registry entry");
  return *entry;
}

bool model_elects(const ModelConfig& config) {
  if (const auto* k = std::get_if<KubeApiserverConfig>(&config)) return k->coordinated_leader_election;
  return model_entry(config).elects;
}

void assign_node(ModelConfig& config, NodeId node) {
  if (auto* kubelet = std::get_if<KubeletConfig>(&config)) kubelet->node = node;
}

const char* model_name(const ModelConfig& config) {
  struct Visitor {
    const char* operator()(const TutorialConfig&) const { return "tutorial-elector"; }
    const char* operator()(const ClientGoConfig&) const { return "client-go-elector"; }
    const char* operator()(const ClientGoRealConfig&) const { return "client-go-real"; }
    const char* operator()(const ExecConfig&) const { return "exec"; }
    const char* operator()(const NodeLifecycleConfig&) const { return "node-lifecycle-controller"; }
    const char* operator()(const KubeletConfig&) const { return "kubelet"; }
    const char* operator()(const CleControllerConfig&) const { return "cle-controller"; }
    const char* operator()(const KubeApiserverConfig&) const { return "kube-apiserver"; }
  };
  return std::visit(Visitor{}, config);
}

bool model_implemented(const ModelConfig& config) {
  // Every simulated alternative has a model; exec is a real program (`leasesim serve` only).
  return !std::holds_alternative<ExecConfig>(config);
}

bool runs_live_only(const ModelConfig& config) { return std::holds_alternative<ExecConfig>(config); }

ModelState make_model(const ModelConfig& config, const std::string& identity, LeaseId lease, uint64_t start_nonce) {
  if (const auto* tutorial = std::get_if<TutorialConfig>(&config)) return TutorialElector(identity, lease, *tutorial);
  if (const auto* client_go = std::get_if<ClientGoConfig>(&config)) return ClientGoElector(identity, lease, *client_go);
  if (const auto* nlc = std::get_if<NodeLifecycleConfig>(&config)) return NodeLifecycleController(identity, lease, *nlc);
  if (const auto* kubelet = std::get_if<KubeletConfig>(&config)) return Kubelet(identity, lease, *kubelet);
  if (const auto* cle = std::get_if<CleControllerConfig>(&config)) return CleController(identity, lease, *cle);
  if (const auto* real = std::get_if<ClientGoRealConfig>(&config)) return ClientGoReal(identity, lease, *real, start_nonce);
  if (const auto* apiserver = std::get_if<KubeApiserverConfig>(&config)) return KubeApiserver(lease, *apiserver, start_nonce);
  LS_CHECK(false, std::string("model not implemented: ") + model_name(config));
  __builtin_unreachable();
}

}  // namespace leasesim
