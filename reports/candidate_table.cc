// candidate_table.cc: see candidate_table.h.
#include "reports/candidate_table.h"

#include <algorithm>
#include <array>
#include <vector>

namespace leasesim {
namespace {

// The name part of a lease key "namespace/name" (spec.leaseName).
std::string lease_name(const Scenario& s, LeaseId id) {
  const std::string& key = s.lease_keys.at(id);
  return key.substr(key.find('/') + 1);
}

std::string micro_or_none(const std::optional<WallInstant>& t) { return t ? format_rfc3339_micro(*t) : "<none>"; }

}  // namespace

bool has_candidates(const RunResult& run) {
  if (!run.world.api_server().candidates().empty()) return true;
  return std::any_of(run.scenario->processes.begin(), run.scenario->processes.end(), [](const ProcessSpec& p) {
    const auto* c = std::get_if<ClientGoConfig>(&p.model);
    return c && c->coordinated;
  });
}

nlohmann::ordered_json candidate_json(const RunResult& run) {
  const Scenario& s = *run.scenario;
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const LeaseCandidate& c : run.world.api_server().candidates()) {
    nlohmann::ordered_json item;
    item["apiVersion"] = "coordination.k8s.io/v1beta1";
    item["kind"] = "LeaseCandidate";
    item["metadata"] = {{"name", c.name.str()},
                        {"namespace", "kube-system"},
                        {"resourceVersion", std::to_string(c.resource_version)}};
    nlohmann::ordered_json spec;
    spec["leaseName"] = lease_name(s, c.lease);
    spec["binaryVersion"] = c.binary_version.str();
    spec["emulationVersion"] = c.emulation_version.str();
    spec["strategy"] = c.strategy.str();
    if (c.renew_time) spec["renewTime"] = format_rfc3339_micro(*c.renew_time);
    if (c.ping_time) spec["pingTime"] = format_rfc3339_micro(*c.ping_time);
    item["spec"] = spec;
    out.push_back(item);
  }
  return out;
}

std::string candidate_table(const RunResult& run) {
  const Scenario& s = *run.scenario;
  constexpr size_t kColumns = 7;
  std::vector<std::array<std::string, kColumns>> rows;
  rows.push_back({"NAMESPACE", "NAME", "LEASENAME", "BINARYVERSION", "EMULATIONVERSION", "RENEWTIME", "PINGTIME"});
  for (const LeaseCandidate& c : run.world.api_server().candidates())
    rows.push_back({"kube-system", c.name.str(), lease_name(s, c.lease), c.binary_version.str(),
                    c.emulation_version.str(), micro_or_none(c.renew_time), micro_or_none(c.ping_time)});
  if (rows.size() == 1) return "No resources found\n";
  std::array<size_t, kColumns> width{};
  for (const auto& row : rows)
    for (size_t col = 0; col + 1 < kColumns; ++col) width[col] = std::max(width[col], row[col].size());
  std::string out;
  for (const auto& row : rows) {
    for (size_t col = 0; col + 1 < kColumns; ++col) out += row[col] + std::string(width[col] + 3 - row[col].size(), ' ');
    out += row[kColumns - 1] + "\n";
  }
  return out;
}

}  // namespace leasesim
