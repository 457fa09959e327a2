// audit_scenario.cc: see audit_scenario.h.
#include "audit/audit_scenario.h"

#include <algorithm>
#include <sstream>

namespace leasesim {
namespace {

// A DNS-1123 label from a lease name, for metadata.name.
std::string label(const std::string& s) {
  std::string out;
  for (char c : s) {
    const char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    out += ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9')) ? l : '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.substr(0, 50);
}

std::string yaml_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string ms(int64_t ns) { return format_duration(milliseconds((ns + 500000) / 1000000)); }

}  // namespace

std::string scenario_from_record(const LeaseRecord& r, const std::string& source_files) {
  std::ostringstream notes;
  const int64_t ld_s = r.duration_s && *r.duration_s > 1 ? *r.duration_s : 15;
  if (!r.duration_s) notes << "# leaseDurationSeconds was never observed: 15s (client-go's default) is used.\n";
  const Duration ld = seconds(ld_s);
  Duration rp = r.renew_interval ? milliseconds(std::max<int64_t>(1, (r.renew_interval->p50_ns + 500000) / 1000000))
                                 : seconds(2);
  if (!r.renew_interval) notes << "# No renew interval was observed: retryPeriod 2s (client-go's default) is used.\n";
  Duration rd = milliseconds(ld.ns * 2 / 3 / 1000000);
  const int64_t jittered = rp.ns * 12 / 10;
  if (rd.ns <= jittered) {
    rd = Duration(jittered + 1000000 - jittered % 1000000);
    notes << "# renewDeadline raised above retryPeriod x 1.2 (client-go's validation).\n";
  }
  if (rd >= ld) {
    rp = milliseconds(std::max<int64_t>(1, ld.ns / 5 / 1000000));
    rd = milliseconds(ld.ns * 2 / 3 / 1000000);
    notes << "# The observed renew interval does not fit client-go's rules under leaseDuration " << format_duration(ld)
          << ": retryPeriod set to a fifth of it.\n";
  }
  const int64_t span_s = ((r.last_seen - r.first_seen).ns + kNanosPerSecond - 1) / kNanosPerSecond;
  const int64_t duration_s = std::clamp<int64_t>(span_s, 60, 3600);
  // Two at least: the scenario's leader crash needs a standby to fail over to (and
  // failoverWithin: auto an analytic bound, which a lone elector has not).
  const size_t candidates = std::max<size_t>(2, r.candidates.size());
  if (r.candidates.size() <= 1)
    notes << "# Only " << r.candidates.size()
          << " identity was observed: candidates that only read the lease leave no identity in the records, so a "
             "second candidate stands in for the standbys.\n";
  if (r.use != LeaseUse::LeaderElection)
    notes << "# The lease's observed use is " << lease_use_name(r.use)
          << "; client-go electors with its timing stand in for its writers.\n";

  std::ostringstream o;
  o << "# Written by `leasesim audit --scenario-out` from " << r.key() << " observed in " << source_files << ",\n"
    << "# " << format_rfc3339_micro(r.first_seen) << " .. " << format_rfc3339_micro(r.last_seen) << " ("
    << r.writes << " accepted and " << r.failed_writes << " failed writes).\n";
  if (r.renew_interval)
    o << "# Observed renew interval: p50 " << ms(r.renew_interval->p50_ns) << ", p99 " << ms(r.renew_interval->p99_ns)
      << ", max " << ms(r.renew_interval->max_ns) << " (" << r.renew_interval->count << " gaps).\n";
  o << notes.str();
  o << "apiVersion: leasesim/v1alpha1\nkind: Scenario\nmetadata:\n  name: audit-" << label(r.ns + "-" + r.name) << "\n"
    << "  description: " << yaml_quote("The configuration observed on " + r.key() + ", with a leader crash.") << "\n"
    << "spec:\n  seed: 1\n  duration: " << format_duration(seconds(duration_s)) << "\n";
  if (r.server_latency)
    o << "  apiServer:\n    latency: {min: " << ms(r.server_latency->min_ns) << ", max: " << ms(r.server_latency->p99_ns)
      << "}   # observed server-side latency, min to p99\n";
  o << "  leases:\n    - apiVersion: coordination.k8s.io/v1\n      kind: Lease\n      metadata: {name: "
    << yaml_quote(r.name) << ", namespace: " << yaml_quote(r.ns) << "}\n      spec: {holderIdentity: \"\", leaseDurationSeconds: "
    << ld_s << "}\n";
  o << "  processes:\n    - name: candidate\n      count: " << candidates << "\n      model: client-go-elector\n"
    << "      lease: " << yaml_quote(r.key()) << "\n      config: {leaseDuration: " << format_duration(ld)
    << ", renewDeadline: " << format_duration(rd) << ", retryPeriod: " << format_duration(rp) << "}\n";
  o << "  faults:\n    - {at: " << format_duration(seconds(duration_s / 3)) << ", type: crash, target: leader}\n";
  o << "  properties:\n    singleLeader: true\n    transitionsMatch: true\n    failoverWithin: auto\n";
  return o.str();
}

}  // namespace leasesim
