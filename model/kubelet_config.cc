// kubelet_config.cc: reading and validating the kubelet model's config (see kubelet_config.h).
#include "model/kubelet_config.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "core/dns_names.h"

namespace leasesim {
namespace {

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// The name part of a qualified name, and a non-empty label value: at most 63 characters of
// letters, digits, '-', '_' and '.', beginning and ending with a letter or digit.
bool is_label_name(std::string_view s) {
  if (s.empty() || s.size() > 63 || !is_alnum(s.front()) || !is_alnum(s.back())) return false;
  for (char c : s)
    if (!is_alnum(c) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

bool in_namespace(std::string_view ns, std::string_view suffix) {
  return ns == suffix || (ns.size() > suffix.size() && ns.ends_with(suffix) && ns[ns.size() - suffix.size() - 1] == '.');
}

// upstream IsKubeletLabel: the single keys a kubelet may set in the reserved namespaces (its
// kubeletLabels set) besides the kubelet.kubernetes.io and node.kubernetes.io namespaces.
constexpr std::array<std::string_view, 11> kKubeletLabels{
    "kubernetes.io/hostname",
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
    "beta.kubernetes.io/instance-type",
    "node.kubernetes.io/instance-type",
    "kubernetes.io/os",
    "kubernetes.io/arch",
    "beta.kubernetes.io/os",
    "beta.kubernetes.io/arch"};

}  // namespace

std::optional<std::string> label_key_problem(const std::string& key) {
  const size_t slash = key.find('/');
  const std::string_view name = slash == std::string::npos ? std::string_view(key) : std::string_view(key).substr(slash + 1);
  if (slash != std::string::npos) {
    const std::string_view prefix = std::string_view(key).substr(0, slash);
    if (!is_dns_subdomain(prefix))
      return "label key \"" + key + "\" has an invalid prefix: it must be a DNS subdomain (at most 253 characters of "
             "lower-case letters, digits, '-' and '.', each part beginning and ending with a letter or digit)";
  }
  if (!is_label_name(name))
    return "label key \"" + key + "\" is not a qualified name: its name part must be at most 63 characters of "
           "letters, digits, '-', '_' and '.', beginning and ending with a letter or digit, with an optional "
           "DNS-subdomain prefix and '/' (e.g. node.kubernetes.io/exclude-disruption)";
  return std::nullopt;
}

std::optional<std::string> label_value_problem(const std::string& value) {
  if (value.empty() || is_label_name(value)) return std::nullopt;
  return "label value \"" + value + "\" is invalid: it must be empty or at most 63 characters of letters, digits, "
         "'-', '_' and '.', beginning and ending with a letter or digit";
}

std::vector<ConfigError> config_problems(const KubeletConfig& config) {
  std::vector<ConfigError> out;
  if (config.node_status_update_frequency.ns <= 0)
    out.push_back({"nodeStatusUpdateFrequency", "nodeStatusUpdateFrequency must be greater than zero"});
  if (config.node_status_report_frequency.ns <= 0)
    out.push_back({"nodeStatusReportFrequency", "nodeStatusReportFrequency must be greater than zero"});
  // The zone becomes the value of the Node's topology.kubernetes.io/zone label, so it must be
  // a valid label value (and not empty: a node without a zone is in the zone "" upstream, which
  // our scenarios name explicitly instead).
  if (config.zone.empty()) out.push_back({"zone", "zone must not be empty"});
  else if (label_value_problem(config.zone))
    out.push_back({"zone", "zone \"" + config.zone +
                               "\" is the value of the label topology.kubernetes.io/zone: it must be at most 63 "
                               "characters of letters, digits, '-', '_' and '.', beginning and ending with a letter "
                               "or digit"});
  return out;
}

std::optional<ConfigError> validate(const KubeletConfig& config) {
  return first_problem(config_problems(config));
}

std::optional<ConfigError> label_problem(const KubeletConfig& config) {
  for (const auto& [key, value] : config.labels) {
    if (auto problem = label_key_problem(key)) return ConfigError{key, *problem};
    if (auto problem = label_value_problem(value)) return ConfigError{key, *problem};
    if (key == "topology.kubernetes.io/zone")
      return ConfigError{key, "the zone label is set by `zone`, not in `labels`"};
    // ValidateKubeletFlags: a key in the reserved namespaces must be one IsKubeletLabel allows.
    const size_t slash = key.find('/');
    const std::string_view ns = slash == std::string::npos ? std::string_view() : std::string_view(key).substr(0, slash);
    const bool reserved = in_namespace(ns, "kubernetes.io") || in_namespace(ns, "k8s.io");
    const bool allowed = in_namespace(ns, "kubelet.kubernetes.io") || in_namespace(ns, "node.kubernetes.io") ||
                         std::find(kKubeletLabels.begin(), kKubeletLabels.end(), key) != kKubeletLabels.end();
    if (reserved && !allowed)
      return ConfigError{key, "label \"" + key +
                                  "\" is in the kubernetes.io or k8s.io namespace, which a kubelet may not set on its "
                                  "own Node except under node.kubernetes.io/ or kubelet.kubernetes.io/ and a few "
                                  "well-known keys (kubernetes.io/hostname, kubernetes.io/os, kubernetes.io/arch, "
                                  "topology.kubernetes.io/region, ...)"};
  }
  return std::nullopt;
}

std::optional<KubeletConfig> read_kubelet_config(ConfigReader& reader) {
  KubeletConfig config;
  if (auto n = reader.integer("nodeLeaseDurationSeconds", 1, 86400))
    config.node_lease_duration_seconds = static_cast<int32_t>(*n);
  if (auto d = reader.duration("nodeStatusUpdateFrequency")) config.node_status_update_frequency = *d;
  if (auto d = reader.duration("nodeStatusReportFrequency")) config.node_status_report_frequency = *d;
  if (auto z = reader.string("zone")) config.zone = *z;
  if (auto l = reader.string_map("labels")) config.labels = Labels(std::move(*l));
  if (auto n = reader.integer("pods", 0, 110000)) config.pods = *n;
  // Every problem is reported (a field the reader refused keeps its valid default).
  for (const ConfigError& problem : config_problems(config)) reader.error(problem.field, problem.message);
  if (const auto problem = label_problem(config)) {
    // The entry itself: file:line:column of the label's key, path config.labels.<key>.
    reader.error_entry("labels", problem->field, problem->message);
  }
  if (reader.failed()) return std::nullopt;
  return config;
}

}  // namespace leasesim
