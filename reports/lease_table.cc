// lease_table.cc: see lease_table.h.
#include "reports/lease_table.h"

#include <algorithm>
#include <array>
#include <vector>

namespace leasesim {

std::string kubectl_age(Duration d) {
  // HumanDuration's steps, in whole units truncated as Go's integer conversions do.
  const int64_t secs = d.ns / kNanosPerSecond;
  if (secs < 0) return "0s";
  if (secs < 120) return std::to_string(secs) + "s";
  const int64_t minutes = secs / 60;
  if (minutes < 10) {
    const int64_t s = secs % 60;
    return std::to_string(minutes) + "m" + (s == 0 ? "" : std::to_string(s) + "s");
  }
  if (minutes < 180) return std::to_string(minutes) + "m";
  const int64_t hours = minutes / 60;
  if (hours < 8) {
    const int64_t m = minutes % 60;
    return std::to_string(hours) + "h" + (m == 0 ? "" : std::to_string(m) + "m");
  }
  if (hours < 48) return std::to_string(hours) + "h";
  if (hours < 24 * 8) {
    const int64_t h = hours % 24;
    return std::to_string(hours / 24) + "d" + (h == 0 ? "" : std::to_string(h) + "h");
  }
  if (hours < 24 * 365 * 2) return std::to_string(hours / 24) + "d";
  if (hours < 24 * 365 * 8) {
    const int64_t days = (hours / 24) % 365;
    return std::to_string(hours / 24 / 365) + "y" + (days == 0 ? "" : std::to_string(days) + "d");
  }
  return std::to_string(hours / 24 / 365) + "y";
}

std::string lease_table(const RunResult& run) {
  const Scenario& s = *run.scenario;
  const World& w = run.world;
  // When each Lease was last created (each list is in time order; a node Lease may be in both).
  std::vector<TrueInstant> created(s.lease_keys.size(), TrueInstant(0));
  for (const LeaseWrite& write : w.history().writes)
    if (write.verb == Verb::Create) created[write.lease] = std::max(created[write.lease], write.t);
  for (const NodeLeaseWrite& write : w.history().node_lease_writes)
    if (write.verb == Verb::Create) created[write.lease] = std::max(created[write.lease], write.t);
  std::vector<std::array<std::string, 4>> rows;
  rows.push_back({"NAMESPACE", "NAME", "HOLDER", "AGE"});
  std::vector<LeaseId> ids;
  for (LeaseId id = 0; id < s.lease_keys.size(); ++id)
    if (w.api_server().lease(id)) ids.push_back(id);
  std::sort(ids.begin(), ids.end(), [&](LeaseId a, LeaseId b) { return s.lease_keys[a] < s.lease_keys[b]; });
  for (LeaseId id : ids) {
    const std::string& key = s.lease_keys[id];
    const size_t slash = key.find('/');
    const Lease& lease = *w.api_server().lease(id);
    rows.push_back({key.substr(0, slash), key.substr(slash + 1), holder_or_empty(lease.spec).str(),
                    kubectl_age(w.now() - created[id])});
  }
  if (rows.size() == 1) return "No resources found\n";
  std::array<size_t, 4> width{};
  for (const auto& row : rows)
    for (size_t c = 0; c < 3; ++c) width[c] = std::max(width[c], row[c].size());
  std::string out;
  for (const auto& row : rows) {
    for (size_t c = 0; c < 3; ++c) out += row[c] + std::string(width[c] + 3 - row[c].size(), ' ');
    out += row[3] + "\n";
  }
  return out;
}

}  // namespace leasesim
