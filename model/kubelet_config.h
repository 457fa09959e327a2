// kubelet_config.h: the parameters of the kubelet model (docs/models/kubelet.md).
//
// Contract: the kubelet flags that decide node heartbeats, with their upstream defaults
// (KubeletConfiguration): nodeLeaseDurationSeconds 40, nodeStatusUpdateFrequency 10s,
// nodeStatusReportFrequency 5m; plus the node's zone label (topology.kubernetes.io/zone,
// default "zone-a") and the number of pods bound to the node (default 10; each carries the
// API server's default 300 s NoExecute tolerations). `node` is the NodeId the scenario gives the
// process (Scenario::node_names), set by the loader, not by the user.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/config_reader.h"
#include "core/time.h"
#include "model/node.h"
#include "model/tutorial_elector.h"  // ConfigError

namespace leasesim {

struct KubeletConfig {
  int32_t node_lease_duration_seconds = 40;
  Duration node_status_update_frequency = seconds(10);
  Duration node_status_report_frequency = minutes(5);
  std::string zone = "zone-a";
  int64_t pods = 10;
  NodeId node = 0;

  bool operator==(const KubeletConfig&) const = default;
  // upstream pkg/kubelet/kubelet.go: the node lease is renewed every quarter of its duration
  // (nodeLeaseRenewIntervalFraction 0.25).
  Duration renew_interval() const { return Duration(seconds(node_lease_duration_seconds).ns / 4); }
  // cmd/kubelet/app/server.go: the heartbeat client's timeout is min(nodeStatusUpdateFrequency,
  // lease duration).
  Duration request_timeout() const {
    const Duration lease = seconds(node_lease_duration_seconds);
    return node_status_update_frequency < lease ? node_status_update_frequency : lease;
  }
};

// The kubelet's own checks (pkg/kubelet/apis/config/validation): positive frequencies, a zone.
std::optional<ConfigError> validate(const KubeletConfig& config);

// Reads a `config:` mapping and validates it; std::nullopt when a problem was reported.
std::optional<KubeletConfig> read_kubelet_config(ConfigReader& reader);

}  // namespace leasesim
