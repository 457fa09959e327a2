// node_lifecycle_config.h: the parameters of the node-lifecycle-controller model: a
// kube-controller-manager replica (a client-go elector) whose leader runs the node lifecycle
// controller (docs/models/node-lifecycle-controller.md).
//
// Contract: every client-go elector field (model/client_go_config.h; the preset defaults to
// "kube-controller-manager"), plus the kube-controller-manager flags of the node lifecycle
// controller with their upstream defaults (cmd/kube-controller-manager options,
// NodeLifecycleControllerConfiguration): --node-monitor-period 5s,
// --node-monitor-grace-period 50s (since v1.32), --node-startup-grace-period 60s,
// --node-eviction-rate 0.1, --secondary-node-eviction-rate 0.01,
// --large-cluster-size-threshold 50, --unhealthy-zone-threshold 0.55, and the API server's
// --default-unreachable-toleration-seconds 300. Rates and the threshold are exact decimals in
// parts per billion, so no floating point enters the model.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/config_reader.h"
#include "core/time.h"
#include "model/client_go_config.h"

namespace leasesim {

inline constexpr int64_t kPartsPerBillion = 1000000000;

struct NodeLifecycleConfig {
  ClientGoConfig elector;
  Duration node_monitor_period = seconds(5);
  Duration node_monitor_grace_period = seconds(50);
  Duration node_startup_grace_period = seconds(60);
  int64_t node_eviction_rate_ppb = 100000000;           // 0.1 nodes per second
  int64_t secondary_node_eviction_rate_ppb = 10000000;  // 0.01
  int64_t large_cluster_size_threshold = 50;
  int64_t unhealthy_zone_threshold_ppb = 550000000;     // 0.55
  Duration default_unreachable_toleration = seconds(300);

  bool operator==(const NodeLifecycleConfig&) const = default;
};

// The controller's own checks after the elector's (model/client_go_config.h validate): every
// problem, in field order; validate() gives the first.
std::vector<ConfigError> config_problems(const NodeLifecycleConfig& config);
std::optional<ConfigError> validate(const NodeLifecycleConfig& config);

// Reads a `config:` mapping (the client-go keys first, then the node lifecycle keys) and
// validates it; std::nullopt when a problem was reported through the reader.
std::optional<NodeLifecycleConfig> read_node_lifecycle_config(ConfigReader& reader, Duration* quiesce);

}  // namespace leasesim
