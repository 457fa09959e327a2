// kubelet_config.cc: reading and validating the kubelet model's config (see kubelet_config.h).
#include "model/kubelet_config.h"

namespace leasesim {

std::optional<ConfigError> validate(const KubeletConfig& config) {
  if (config.node_status_update_frequency.ns <= 0)
    return ConfigError{"nodeStatusUpdateFrequency", "nodeStatusUpdateFrequency must be greater than zero"};
  if (config.node_status_report_frequency.ns <= 0)
    return ConfigError{"nodeStatusReportFrequency", "nodeStatusReportFrequency must be greater than zero"};
  if (config.zone.empty()) return ConfigError{"zone", "zone must not be empty"};
  return std::nullopt;
}

std::optional<KubeletConfig> read_kubelet_config(ConfigReader& reader) {
  KubeletConfig config;
  if (auto n = reader.integer("nodeLeaseDurationSeconds", 1, 86400))
    config.node_lease_duration_seconds = static_cast<int32_t>(*n);
  if (auto d = reader.duration("nodeStatusUpdateFrequency")) config.node_status_update_frequency = *d;
  if (auto d = reader.duration("nodeStatusReportFrequency")) config.node_status_report_frequency = *d;
  if (auto z = reader.string("zone")) config.zone = *z;
  if (auto n = reader.integer("pods", 0, 110000)) config.pods = *n;
  if (reader.failed()) return std::nullopt;
  if (const auto problem = validate(config)) {
    reader.error(problem->field, problem->message);
    return std::nullopt;
  }
  return config;
}

}  // namespace leasesim
