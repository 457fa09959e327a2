// kubelet_config.h: the parameters of the kubelet model (docs/models/kubelet.md).
//
// Contract: the kubelet flags that decide node heartbeats, with their upstream defaults
// (KubeletConfiguration): nodeLeaseDurationSeconds 40, nodeStatusUpdateFrequency 10s,
// nodeStatusReportFrequency 5m; plus the node's zone label (topology.kubernetes.io/zone,
// default "zone-a"), the node's other labels (`labels`, as the kubelet's --node-labels: the
// Node is created with them; no label by default) and the number of pods bound to the node
// (default 10; each carries the API server's default 300 s NoExecute tolerations). `node` is the
// NodeId the scenario gives the process (Scenario::node_names), set by the loader, not by the
// user.
// Label checks: each key and value has Kubernetes label syntax (apimachinery
// validation.IsQualifiedName and IsValidLabelValue), and a key in the kubernetes.io or k8s.io
// namespaces must be one the kubelet may set on its own Node (upstream
// staging/src/k8s.io/kubelet/pkg/apis/well_known_labels.go, IsKubeletLabel, which
// cmd/kubelet/app/options/options.go ValidateKubeletFlags applies to --node-labels):
// node.kubernetes.io/exclude-disruption is allowed (the node.kubernetes.io namespace).
// topology.kubernetes.io/zone is refused here: `zone` sets it.
// Leaves out: the kubelet's own default labels (hostname, os, arch), which nothing reads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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
  Labels labels;  // --node-labels, besides the zone
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

// The kubelet's own checks (pkg/kubelet/apis/config/validation): positive frequencies, and a
// zone that is a valid label value. config_problems() gives every problem, validate() the first.
std::vector<ConfigError> config_problems(const KubeletConfig& config);
std::optional<ConfigError> validate(const KubeletConfig& config);

// The contract's label checks over `config.labels`: the first offending label, as its key
// (`field`) and the reason (`message`); nullopt when every label is valid.
std::optional<ConfigError> label_problem(const KubeletConfig& config);

// Label syntax (apimachinery pkg/util/validation): why `key` is not a qualified name, or why
// `value` is not a label value; nullopt when it is valid.
std::optional<std::string> label_key_problem(const std::string& key);
std::optional<std::string> label_value_problem(const std::string& value);

// Reads a `config:` mapping and validates it; std::nullopt when a problem was reported.
std::optional<KubeletConfig> read_kubelet_config(ConfigReader& reader);

}  // namespace leasesim
