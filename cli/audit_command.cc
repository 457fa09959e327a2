// audit_command.cc: `leasesim audit` (docs/audit.md): the properties on a real cluster's records.
//
// Reads every FILE (formats detected by content, merged in time order, audit/readers.h) into
// one Auditor, prints the governance record and findings as text or JSON, and optionally writes
// report.{json,md,html} and a scenario of the observed configuration. Malformed records are reported on `err` as
// FILE:LINE: message and skipped. Exit 0 no findings, 1 findings, 2 bad usage or no readable
// record at all (a file that cannot be opened is bad usage).
#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <string>

#include "audit/audit_scenario.h"
#include "audit/auditor.h"
#include "audit/readers.h"
#include "cli/atomic_file.h"
#include "cli/commands.h"
#include "reports/audit_report.h"

namespace leasesim {
namespace {

// The lease --scenario-out describes: the one selected with --lease, else the leader election
// with the most accepted writes (ties: namespace/name order), else any lease with renewals.
const LeaseRecord* scenario_lease(const AuditResult& r) {
  const LeaseRecord* best = nullptr;
  for (int pass = 0; pass < 2 && !best; ++pass)
    for (const LeaseRecord& l : r.leases)
      if ((pass == 1 || l.use == LeaseUse::LeaderElection) && (!best || l.writes > best->writes)) best = &l;
  return best;
}

}  // namespace

int audit_command(const AuditOptions& options, std::ostream& out, std::ostream& err) {
  std::string lease_ns, lease_name;
  if (!options.lease.empty()) {
    const size_t slash = options.lease.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == options.lease.size() ||
        options.lease.find('/', slash + 1) != std::string::npos) {
      err << "leasesim audit: --lease " << options.lease << ": expected NAMESPACE/NAME\n";
      return 2;
    }
    lease_ns = options.lease.substr(0, slash);
    lease_name = options.lease.substr(slash + 1);
  }
  if (options.thresholds.stale_percent <= 0 || options.thresholds.stuck_percent <= 0 ||
      options.thresholds.stale_percent > options.thresholds.stuck_percent) {
    err << "leasesim audit: need 0 < --stale-percent <= --stuck-percent (got " << options.thresholds.stale_percent
        << " and " << options.thresholds.stuck_percent << ")\n";
    return 2;
  }
  // "-" is standard input (once), e.g. `kubectl get lease -w -o json | leasesim audit -`.
  std::vector<std::unique_ptr<std::ifstream>> streams;
  std::vector<std::istream*> ins;
  for (const std::string& file : options.files) {
    if (file == "-") {
      ins.push_back(&std::cin);
      continue;
    }
    streams.push_back(std::make_unique<std::ifstream>(file, std::ios::binary));
    if (!*streams.back()) {
      err << "leasesim audit: " << file << ": cannot open\n";
      return 2;
    }
    ins.push_back(streams.back().get());
  }
  if (std::count(options.files.begin(), options.files.end(), "-") > 1) {
    err << "leasesim audit: standard input (-) can be read only once\n";
    return 2;
  }
  Auditor auditor(options.thresholds);
  std::vector<InputStats> inputs;
  // With --lease, the other leases seen (the first few, sorted), for the message when the one
  // asked for never appears: a typo must not pass as "no findings".
  bool lease_seen = lease_name.empty();
  std::set<std::string> others;
  const ObservationSink sink = [&](Observation&& o) {
    if (!lease_name.empty() && (o.ns != lease_ns || o.name != lease_name)) {
      if (others.size() < 5) others.insert(o.ns + "/" + o.name);
      return;
    }
    lease_seen = true;
    auditor.add(std::move(o));
  };
  // Every file at once, merged in time order: several API servers' logs, or rotated files.
  std::vector<std::string> messages;
  inputs = read_merged(ins, options.files, sink, &messages);
  for (const std::string& m : messages) err << m << "\n";
  uint64_t records = 0, malformed = 0;
  for (const InputStats& s : inputs) {
    records += s.records;
    malformed += s.malformed;
  }
  if (records == malformed) {
    err << "leasesim audit: no readable record in " << options.files.size() << " file(s) (" << malformed
        << " malformed); expected audit.k8s.io Events, kubectl Lease lists or watch streams, or a leasesim trace\n";
    return 2;
  }
  if (!lease_seen) {
    std::string seen;
    for (const std::string& k : others) seen += (seen.empty() ? "" : ", ") + k;
    err << "leasesim audit: --lease " << options.lease << ": no record of this lease in the input"
        << (seen.empty() ? std::string(" (no Lease records at all)") : " (leases seen: " + seen + (others.size() == 5 ? ", ..." : "") + ")")
        << "\n";
    return 2;
  }
  AuditResult result = auditor.finish(options.files, std::move(inputs));
  result.lease_filter = options.lease;
  if (options.format == OutputFormat::Json) out << audit_json(result).dump(2) << "\n";
  else out << audit_text(result);
  if (malformed) err << "leasesim audit: skipped " << malformed << " malformed record(s) of " << records << "\n";
  if (!options.report_dir.empty()) {
    const std::string dir = options.report_dir + "/";
    for (const auto& [name, content] : {std::pair<std::string, std::string>{"report.json", audit_json(result).dump(2) + "\n"},
                                        {"report.md", audit_markdown(result)},
                                        {"report.html", audit_html(result)}}) {
      if (std::optional<std::string> e = write_file_atomically(dir + name, content)) {
        err << "leasesim audit: " << *e << "\n";
        return 2;
      }
    }
    err << "report: " << dir << "report.html\n";
  }
  if (!options.scenario_out.empty()) {
    const LeaseRecord* lease = scenario_lease(result);
    if (!lease) {
      err << "leasesim audit: --scenario-out: no lease was observed to describe\n";
      return 2;
    }
    std::string files;
    for (const std::string& f : options.files) files += (files.empty() ? "" : ", ") + f;
    if (std::optional<std::string> e = write_file_atomically(options.scenario_out, scenario_from_record(*lease, files))) {
      err << "leasesim audit: " << *e << "\n";
      return 2;
    }
    err << "scenario: " << options.scenario_out << " (" << lease->key() << "; try `leasesim run " << options.scenario_out
        << "`)\n";
  }
  return result.findings_total() == 0 ? 0 : 1;
}

}  // namespace leasesim
