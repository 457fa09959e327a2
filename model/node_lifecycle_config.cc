// node_lifecycle_config.cc: reading and validating the node lifecycle controller's flags (see
// node_lifecycle_config.h).
#include "model/node_lifecycle_config.h"

namespace leasesim {

std::vector<ConfigError> config_problems(const NodeLifecycleConfig& config) {
  std::vector<ConfigError> out = config_problems(config.elector);
  // kube-controller-manager refuses a zero monitor period (wait.Until needs a positive one);
  // the grace periods must be positive for "now > probe + grace" to mean anything.
  if (config.node_monitor_period.ns <= 0)
    out.push_back({"nodeMonitorPeriod", "nodeMonitorPeriod must be greater than zero"});
  if (config.node_monitor_grace_period.ns <= 0)
    out.push_back({"nodeMonitorGracePeriod", "nodeMonitorGracePeriod must be greater than zero"});
  if (config.node_startup_grace_period.ns <= 0)
    out.push_back({"nodeStartupGracePeriod", "nodeStartupGracePeriod must be greater than zero"});
  if (config.unhealthy_zone_threshold_ppb > kPartsPerBillion)
    out.push_back({"unhealthyZoneThreshold", "unhealthyZoneThreshold must be between 0 and 1"});
  return out;
}

std::optional<ConfigError> validate(const NodeLifecycleConfig& config) {
  return first_problem(config_problems(config));
}

std::optional<NodeLifecycleConfig> read_node_lifecycle_config(ConfigReader& reader, Duration* quiesce) {
  NodeLifecycleConfig config;
  auto elector = read_client_go_config(reader, quiesce);
  if (elector) {
    config.elector = *elector;
    if (config.elector.preset.empty()) config.elector.preset = "kube-controller-manager";
  }
  if (auto d = reader.duration("nodeMonitorPeriod")) config.node_monitor_period = *d;
  if (auto d = reader.duration("nodeMonitorGracePeriod")) config.node_monitor_grace_period = *d;
  if (auto d = reader.duration("nodeStartupGracePeriod")) config.node_startup_grace_period = *d;
  if (auto r = reader.decimal("nodeEvictionRate", kPartsPerBillion)) config.node_eviction_rate_ppb = *r;
  if (auto r = reader.decimal("secondaryNodeEvictionRate", kPartsPerBillion))
    config.secondary_node_eviction_rate_ppb = *r;
  if (auto n = reader.integer("largeClusterSizeThreshold", 0, 1000000)) config.large_cluster_size_threshold = *n;
  if (auto r = reader.decimal("unhealthyZoneThreshold", kPartsPerBillion)) config.unhealthy_zone_threshold_ppb = *r;
  if (auto d = reader.seconds_or_duration("defaultUnreachableTolerationSeconds")) config.default_unreachable_toleration = *d;
  // Every problem is reported, not only the first: the checks below run on what was read (a
  // field the reader refused keeps its valid default, so it adds no second message).
  for (const ConfigError& problem : config_problems(config)) reader.error(problem.field, problem.message);
  if (reader.failed() || !elector) return std::nullopt;
  return config;
}

}  // namespace leasesim
