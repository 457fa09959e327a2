// identity_report.cc: see identity_report.h.
#include "reports/identity_report.h"

#include <algorithm>

#include "properties/identity.h"

namespace leasesim {
namespace {

using ojson = nlohmann::ordered_json;

double secs(int64_t ns) { return static_cast<double>(ns) / 1e9; }

std::string writes_per_second(const IdentityReport& r) {
  return fixed_ratio(__int128(r.writes) * 1000000000, std::max<int64_t>(r.simulated_ns, 1), 3);
}

}  // namespace

std::optional<IdentityReport> identity_report(const Scenario& scenario, const std::vector<SeedRecord>& records) {
  const std::vector<LeaseId> leases = identity_leases(scenario);
  if (leases.empty()) return std::nullopt;
  IdentityReport r;
  const PropertySpec& p = scenario.properties;
  if (p.stale_identity_collected_within) r.bound_ns = p.stale_identity_collected_within->ns;
  if (p.stale_identity_collected_within_auto) {
    r.bound_auto = true;
    // The largest of the leases' analytic bounds; none when any lease has none.
    for (LeaseId lease : leases) {
      const std::optional<Duration> b = identity_collection_bound(scenario, lease);
      if (!b) {
        r.bound_ns.reset();
        break;
      }
      r.bound_ns = std::max(r.bound_ns.value_or(0), b->ns);
    }
  }
  std::vector<int64_t> linger;
  for (const SeedRecord& rec : records) {
    r.writes += rec.identity_writes;
    r.simulated_ns += rec.simulated_ns;
    for (const RecordedStaleIdentity& e : rec.stale_identities) {
      ++r.episodes;
      if (!e.deleted_at_ns) {
        ++r.not_collected;
        continue;
      }
      const int64_t d = *e.deleted_at_ns - e.last_renewal_ns;
      linger.push_back(d);
      if (r.bound_ns && d > *r.bound_ns) ++r.over_bound;
    }
  }
  std::sort(linger.begin(), linger.end());
  if (!linger.empty()) {
    r.linger = percentiles(linger);
    r.histogram = histogram_of(linger);
  }
  return r;
}

ojson identity_report_json(const IdentityReport& r) {
  ojson out;
  out["episodes"] = r.episodes;
  out["notCollected"] = r.not_collected;
  out["lastRenewalToDeletion"] =
      r.linger ? ojson{{"count", r.linger->count},   {"min", secs(r.linger->min)}, {"p50", secs(r.linger->p50)},
                       {"p90", secs(r.linger->p90)}, {"p99", secs(r.linger->p99)}, {"max", secs(r.linger->max)}}
               : ojson(nullptr);
  out["histogram"] = r.linger ? ojson{{"start", secs(r.histogram.start_ns)},
                                      {"binWidth", secs(r.histogram.width_ns)},
                                      {"counts", r.histogram.counts}}
                              : ojson(nullptr);
  out["bound"] = r.bound_ns ? ojson(secs(*r.bound_ns)) : ojson(nullptr);
  out["boundAuto"] = r.bound_auto;
  out["overBound"] = r.over_bound;
  out["writes"] = r.writes;
  out["writesPerSecond"] = r.simulated_ns > 0 ? static_cast<double>(r.writes) / secs(r.simulated_ns) : 0.0;
  return out;
}

void identity_report_markdown(std::ostream& o, const IdentityReport& r) {
  o << "### API server identity\n\n"
    << r.episodes << " API servers went down for good over all seeds; " << (r.episodes - r.not_collected)
    << " had their identity lease deleted, " << r.not_collected << " still present when their run ended.\n\n";
  if (r.linger) {
    const Percentiles& p = *r.linger;
    o << "| | count | min | p50 | p90 | p99 | max |\n|---|---:|---:|---:|---:|---:|---:|\n"
      << "| last renewal to deletion | " << p.count << " | " << seconds_ms(p.min) << " s | " << seconds_ms(p.p50)
      << " s | " << seconds_ms(p.p90) << " s | " << seconds_ms(p.p99) << " s | " << seconds_ms(p.max) << " s |\n\n";
    o << "| from (s) | deletions |\n|---:|---:|\n";
    for (size_t i = 0; i < r.histogram.counts.size(); ++i)
      o << "| " << seconds_ms(r.histogram.start_ns + static_cast<int64_t>(i) * r.histogram.width_ns) << " | "
        << r.histogram.counts[i] << " |\n";
    o << "\n";
  }
  if (r.bound_ns)
    o << "staleIdentityCollectedWithin bound: " << seconds_ms(*r.bound_ns) << " s" << (r.bound_auto ? " (analytic)" : "")
      << "; " << r.over_bound << " deletions later than the bound.\n\n";
  o << "Identity lease writes: " << r.writes << " committed, " << writes_per_second(r) << " per second.\n\n";
}

void identity_report_html(std::ostream& o, const IdentityReport& r) {
  o << "<h3>API server identity</h3>\n<p>" << r.episodes << " API servers went down for good over all seeds; "
    << (r.episodes - r.not_collected) << " had their identity lease deleted, " << r.not_collected
    << " still present when their run ended. Identity lease writes: " << r.writes << " committed, "
    << writes_per_second(r) << " per second.";
  if (r.bound_ns)
    o << " staleIdentityCollectedWithin bound: " << seconds_ms(*r.bound_ns) << " s"
      << (r.bound_auto ? " (analytic)" : "") << "; " << r.over_bound << " deletions later than the bound.";
  o << "</p>\n";
  if (!r.linger) return;
  const Percentiles& p = *r.linger;
  o << "<table><tr><th></th><th>count</th><th>min</th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr>\n"
    << "<tr><td>last renewal to deletion</td><td>" << p.count << "</td><td>" << seconds_ms(p.min) << " s</td><td>"
    << seconds_ms(p.p50) << " s</td><td>" << seconds_ms(p.p90) << " s</td><td>" << seconds_ms(p.p99) << " s</td><td>"
    << seconds_ms(p.max) << " s</td></tr></table>\n";
  // The histogram as horizontal bars (inline, no script).
  uint64_t most = 1;
  for (uint64_t c : r.histogram.counts) most = std::max(most, c);
  o << "<table>\n";
  for (size_t i = 0; i < r.histogram.counts.size(); ++i) {
    const uint64_t c = r.histogram.counts[i];
    o << "<tr><td>" << seconds_ms(r.histogram.start_ns + static_cast<int64_t>(i) * r.histogram.width_ns)
      << " s</td><td><div style=\"background:#4a7;height:10px;width:" << (c * 300 / most) << "px\"></div></td><td>" << c
      << "</td></tr>\n";
  }
  o << "</table>\n";
}

}  // namespace leasesim
