// identity_summary.cc: see identity_summary.h.
#include "reports/identity_summary.h"

#include <sstream>

#include "properties/identity.h"

namespace leasesim {
namespace {

using Json = nlohmann::ordered_json;

double as_secs(int64_t ns) { return static_cast<double>(ns) / 1e9; }

uint64_t identity_writes(const RunResult& run, const std::vector<LeaseId>& leases) {
  uint64_t n = 0;
  for (const LeaseWrite& w : run.world.history().writes)
    if (std::find(leases.begin(), leases.end(), w.lease) != leases.end()) ++n;
  return n;
}

}  // namespace

Json identity_json(const RunResult& run) {
  const Scenario& s = *run.scenario;
  const std::vector<LeaseId> leases = identity_leases(s);
  if (leases.empty()) return nullptr;
  Json out = Json::object();
  uint64_t instances = 0;
  for (const ProcessSpec& p : s.processes) instances += std::holds_alternative<KubeApiserverConfig>(p.model) ? 1 : 0;
  out["apiservers"] = instances;
  Json present = Json::array();
  for (LeaseId id : leases) {
    const std::optional<Lease>& lease = run.world.api_server().lease(id);
    if (!lease) continue;
    Json item{{"lease", s.lease_keys[id]}, {"holder", holder_or_empty(lease->spec).str()}};
    if (lease->spec.renew_time) item["renewTime"] = format_rfc3339_micro(*lease->spec.renew_time);
    present.push_back(item);
  }
  out["identityLeases"] = present;
  Json stale = Json::array();
  for (const StaleIdentity& e : stale_identities(s, run.world.history())) {
    Json item{{"proc", s.processes[e.proc].name},
              {"lease", s.lease_keys[e.lease]},
              {"downAt", as_secs(e.down_at.ns)},
              {"lastRenewalAt", as_secs(e.last_renewal.ns)}};
    item["deletedAt"] = e.deleted_at ? Json(as_secs(e.deleted_at->ns)) : Json(nullptr);
    item["deletedBy"] = e.deleted_by ? Json(s.processes[*e.deleted_by].name) : Json(nullptr);
    item["linger"] = e.linger() ? Json(as_secs(e.linger()->ns)) : Json(nullptr);
    stale.push_back(item);
  }
  out["stale"] = stale;
  const uint64_t writes = identity_writes(run, leases);
  out["writes"] = writes;
  const double simulated = as_secs(run.world.now().ns);
  out["writesPerSecond"] = simulated > 0 ? static_cast<double>(writes) / simulated : 0.0;
  return out;
}

std::string identity_text(const RunResult& run) {
  const Scenario& s = *run.scenario;
  const std::vector<LeaseId> leases = identity_leases(s);
  if (leases.empty()) return "";
  std::ostringstream o;
  size_t present = 0;
  for (LeaseId id : leases) present += run.world.api_server().lease(id) ? 1 : 0;
  const uint64_t writes = identity_writes(run, leases);
  const int64_t simulated_ms = run.world.now().ns / 1000000;
  o << "\napi server identity\n  " << present << " identity lease" << (present == 1 ? "" : "s")
    << " at the end of the run; " << writes << " committed writes to identity leases";
  if (simulated_ms > 0) {
    // Writes per second with three decimals, in integer arithmetic (byte-stable output).
    const int64_t milli = static_cast<int64_t>(writes) * 1000000 / simulated_ms;
    o << " (" << milli / 1000 << "." << std::to_string(1000 + milli % 1000).substr(1) << "/s)";
  }
  o << "\n";
  for (const StaleIdentity& e : stale_identities(s, run.world.history())) {
    o << "  " << s.processes[e.proc].name << " down at " << format_duration(e.down_at - TrueInstant(0))
      << ", last renewal at " << format_duration(e.last_renewal - TrueInstant(0)) << ": ";
    if (e.deleted_at) {
      o << "lease deleted at " << format_duration(*e.deleted_at - TrueInstant(0)) << " by "
        << s.processes[*e.deleted_by].name << ", " << format_duration(*e.linger()) << " after its last renewal\n";
    } else {
      o << "lease still present at the end, " << format_duration(run.world.now() - e.last_renewal)
        << " after its last renewal\n";
    }
  }
  return o.str();
}

}  // namespace leasesim
