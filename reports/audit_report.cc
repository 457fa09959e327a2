// audit_report.cc: audit_text, audit_json, audit_markdown (see audit_report.h).
#include "reports/audit_report.h"

#include <sstream>

#include "reports/audit_report_parts.h"
#include "reports/report.h"

namespace leasesim {

std::string md_cell(std::string_view s) { return markdown_escape(s); }

std::string audit_time(WallInstant t) { return format_rfc3339_micro(t); }
std::string audit_secs(int64_t ns) { return format_seconds(ns); }

std::string interval_text(const std::optional<IntervalStats>& s) {
  if (!s) return "-";
  return "p50 " + seconds_ms(s->p50_ns) + " s, p99 " + seconds_ms(s->p99_ns) + " s, max " + seconds_ms(s->max_ns) +
         " s (" + std::to_string(s->count) + ")";
}

std::string writes_per_second(const LeaseRecord& r) {
  const int64_t span = (r.last_seen - r.first_seen).ns;
  const uint64_t attempts = r.writes + r.failed_writes;
  if (span <= 0) return "-";
  return fixed_ratio(static_cast<__int128>(attempts) * 1000000000, span, 3);
}

std::string transitions_text(const LeaseRecord& r) {
  const std::optional<int64_t> rec = r.recorded_transitions();
  return "recorded " + (rec ? std::to_string(*rec) : std::string("-")) + ", counted " +
         std::to_string(r.counted_transitions);
}

std::string writers_text(const LeaseRecord& r) {
  std::string out;
  for (const WriterRecord& w : r.writers) {
    out += out.empty() ? "" : "; ";
    if (w.user.empty()) {
      out += w.agent.empty() ? "(unknown)" : w.agent;  // e.g. a DELETED watch event names no one
    } else {
      out += w.user;
      if (!w.agent.empty()) out.append(" (").append(w.agent).append(")");
    }
    out += " " + std::to_string(w.ok) + " ok";
    if (w.failed) out += ", " + std::to_string(w.failed) + " failed";
  }
  return out.empty() ? "-" : out;
}

std::string audit_text(const AuditResult& r) {
  std::ostringstream o;
  o << "audit: " << r.files.size() << " file(s), " << r.records() << " records, " << r.observations
    << " Lease observations, " << r.malformed() << " malformed records skipped\n";
  for (const InputStats& s : r.inputs) {
    o << "  " << s.file << ": " << (s.formats.empty() ? "no records" : s.formats) << "; " << s.records << " records, "
      << s.lease_records << " about Leases, " << s.other_records << " other";
    if (s.stage_duplicates) o << ", " << s.stage_duplicates << " non-final stages skipped";
    if (s.malformed) o << ", " << s.malformed << " malformed skipped";
    o << "\n";
  }
  if (r.start && r.end) o << "window: " << audit_time(*r.start) << " .. " << audit_time(*r.end) << "\n";
  if (r.leases.empty()) o << "no Lease observations" << (r.lease_filter.empty() ? "" : " for " + r.lease_filter) << "\n";
  for (const LeaseRecord& l : r.leases) {
    o << "\nlease " << l.key() << " (" << lease_use_name(l.use) << ")\n";
    o << "  holder: " << (l.holder.empty() ? "(none)" : l.holder) << (l.deleted ? " (deleted)" : "") << "\n";
    o << "  leaseDurationSeconds: " << (l.duration_s ? std::to_string(*l.duration_s) : "-")
      << (l.duration_changed ? " (changed while observed)" : "") << "\n";
    o << "  renew interval: " << interval_text(l.renew_interval) << "\n";
    if (l.acquire_time) o << "  acquireTime: " << audit_time(*l.acquire_time) << "\n";
    if (l.renew_time) o << "  renewTime: " << audit_time(*l.renew_time) << "\n";
    o << "  transitions: " << transitions_text(l) << "\n";
    o << "  writes: " << l.writes << " accepted, " << l.failed_writes << " failed; " << writes_per_second(l)
      << " per second; peak " << l.peak_writes_per_minute << " per minute; reads " << l.reads << "\n";
    o << "  writers: " << writers_text(l) << "\n";
    if (!l.bodies) o << "  (no Lease bodies: Metadata-level events give who and when only)\n";
    o << "  holders:";
    if (l.holders.empty()) o << " -";
    o << "\n";
    for (const HolderSpan& h : l.holders)
      o << "    " << h.holder << " " << audit_time(h.from) << " .. " << audit_time(h.to) << (h.open ? " (holds)" : "")
        << ", " << h.renewals << " renewals\n";
    if (l.hidden_holder_spans) o << "    ... " << l.hidden_holder_spans << " more\n";
    if (l.late) o << "  " << l.late << " observations arrived out of order beyond the reorder window\n";
  }
  o << "\nfindings: " << r.findings_total() << "\n";
  for (const Finding& f : r.findings) {
    o << "  " << finding_kind_name(f.kind) << " " << f.lease << " at " << audit_time(f.at);
    if (f.until) o << " until " << audit_time(*f.until);
    o << ": " << f.message << "\n";
    for (const Evidence& e : f.evidence) o << "    " << r.where(e.where) << ": " << e.what << "\n";
  }
  for (const SuppressedFindings& s : r.suppressed)
    o << "  ... " << s.count << " more " << finding_kind_name(s.kind) << " on " << s.lease << "\n";
  o << "result: " << (r.findings_total() == 0 ? "no findings" : std::to_string(r.findings_total()) + " finding(s)")
    << " in what was observed (" << r.observations << " observations of " << r.leases.size() << " lease(s))\n";
  return o.str();
}

namespace {

nlohmann::ordered_json time_json(const AuditResult& r, WallInstant t) {
  nlohmann::ordered_json j;
  j["time"] = audit_time(t);
  j["offset"] = nlohmann::ordered_json::parse(audit_secs(r.start ? (t - *r.start).ns : 0));
  return j;
}

nlohmann::ordered_json stats_json(const std::optional<IntervalStats>& s) {
  if (!s) return nullptr;
  return {{"count", s->count},
          {"p50", nlohmann::ordered_json::parse(audit_secs(s->p50_ns))},
          {"p99", nlohmann::ordered_json::parse(audit_secs(s->p99_ns))},
          {"max", nlohmann::ordered_json::parse(audit_secs(s->max_ns))}};
}

}  // namespace

nlohmann::ordered_json audit_json(const AuditResult& r) {
  using J = nlohmann::ordered_json;
  J j;
  J inputs = J::array();
  for (const InputStats& s : r.inputs)
    inputs.push_back({{"file", s.file}, {"formats", s.formats}, {"records", s.records},
                      {"leaseRecords", s.lease_records}, {"otherRecords", s.other_records},
                      {"stageDuplicates", s.stage_duplicates}, {"malformed", s.malformed}});
  j["inputs"] = inputs;
  j["thresholds"] = {{"stalePercent", r.thresholds.stale_percent},
                     {"stuckPercent", r.thresholds.stuck_percent},
                     {"spikePerHour", r.thresholds.spike_per_hour},
                     {"maxWritesPerMinute", r.thresholds.max_writes_per_minute}};
  if (!r.lease_filter.empty()) j["lease"] = r.lease_filter;
  j["start"] = r.start ? J(audit_time(*r.start)) : J(nullptr);
  j["end"] = r.end ? J(audit_time(*r.end)) : J(nullptr);
  J leases = J::array();
  for (const LeaseRecord& l : r.leases) {
    J x;
    x["namespace"] = l.ns;
    x["name"] = l.name;
    x["use"] = lease_use_name(l.use);
    x["holder"] = l.holder;
    x["deleted"] = l.deleted;
    J holders = J::array();
    for (const HolderSpan& h : l.holders)
      holders.push_back({{"holder", h.holder}, {"from", audit_time(h.from)}, {"to", audit_time(h.to)},
                         {"renewals", h.renewals}, {"open", h.open}});
    x["holders"] = holders;
    x["hiddenHolderSpans"] = l.hidden_holder_spans;
    J writers = J::array();
    for (const WriterRecord& w : l.writers)
      writers.push_back({{"user", w.user}, {"agent", w.agent}, {"accepted", w.ok}, {"failed", w.failed},
                         {"first", audit_time(w.first)}, {"last", audit_time(w.last)}});
    x["writers"] = writers;
    x["candidates"] = l.candidates;
    x["leaseDurationSeconds"] = l.duration_s ? J(*l.duration_s) : J(nullptr);
    x["leaseDurationChanged"] = l.duration_changed;
    x["renewInterval"] = stats_json(l.renew_interval);
    x["serverLatency"] = stats_json(l.server_latency);
    x["acquireTime"] = l.acquire_time ? J(audit_time(*l.acquire_time)) : J(nullptr);
    x["renewTime"] = l.renew_time ? J(audit_time(*l.renew_time)) : J(nullptr);
    const std::optional<int64_t> recorded = l.recorded_transitions();
    x["transitions"] = {{"recorded", recorded ? J(*recorded) : J(nullptr)},
                        {"counted", l.counted_transitions},
                        {"first", l.transitions_first ? J(*l.transitions_first) : J(nullptr)},
                        {"last", l.transitions_last ? J(*l.transitions_last) : J(nullptr)}};
    x["writes"] = l.writes;
    x["failedWrites"] = l.failed_writes;
    x["reads"] = l.reads;
    const std::string wps = writes_per_second(l);
    x["writesPerSecond"] = wps == "-" ? J(nullptr) : J::parse(wps);
    x["peakWritesPerMinute"] = l.peak_writes_per_minute;
    x["observations"] = l.observations;
    x["late"] = l.late;
    x["bodies"] = l.bodies;
    x["firstSeen"] = audit_time(l.first_seen);
    x["lastSeen"] = audit_time(l.last_seen);
    leases.push_back(x);
  }
  j["leases"] = leases;
  J findings = J::array();
  for (const Finding& f : r.findings) {
    J x;
    x["kind"] = finding_kind_name(f.kind);
    x["lease"] = f.lease;
    x["at"] = time_json(r, f.at);
    x["until"] = f.until ? time_json(r, *f.until) : J(nullptr);
    x["message"] = f.message;
    J ev = J::array();
    for (const Evidence& e : f.evidence) ev.push_back({{"at", r.where(e.where)}, {"what", e.what}});
    x["evidence"] = ev;
    findings.push_back(x);
  }
  j["findings"] = findings;
  J suppressed = J::array();
  for (const SuppressedFindings& s : r.suppressed)
    suppressed.push_back({{"lease", s.lease}, {"kind", finding_kind_name(s.kind)}, {"count", s.count}});
  j["suppressed"] = suppressed;
  J by_kind = J::object();
  for (int k = 0; k < kFindingKinds; ++k) by_kind[finding_kind_name(static_cast<FindingKind>(k))] = 0;
  for (const Finding& f : r.findings) by_kind[finding_kind_name(f.kind)] = by_kind[finding_kind_name(f.kind)].get<uint64_t>() + 1;
  for (const SuppressedFindings& s : r.suppressed)
    by_kind[finding_kind_name(s.kind)] = by_kind[finding_kind_name(s.kind)].get<uint64_t>() + s.count;
  j["totals"] = {{"records", r.records()}, {"malformed", r.malformed()}, {"observations", r.observations},
                 {"leases", r.leases.size()}, {"findings", r.findings_total()}, {"byKind", by_kind}};
  return j;
}

std::string audit_markdown(const AuditResult& r) {
  std::ostringstream o;
  o << "# Lease audit\n\n";
  o << r.files.size() << " file(s), " << r.records() << " records, " << r.observations << " Lease observations, "
    << r.malformed() << " malformed records skipped.";
  if (r.start && r.end) o << " Window " << audit_time(*r.start) << " .. " << audit_time(*r.end) << ".";
  o << "\n\n| file | formats | records | about Leases | malformed |\n|---|---|---|---|---|\n";
  for (const InputStats& s : r.inputs)
    o << "| " << md_cell(s.file) << " | " << md_cell(s.formats) << " | " << s.records << " | " << s.lease_records
      << " | " << s.malformed << " |\n";
  o << "\n## Governance record\n\n| lease | use | holder | duration | renew interval | transitions | writes/s | "
       "writers |\n|---|---|---|---|---|---|---|---|\n";
  for (const LeaseRecord& l : r.leases)
    o << "| " << md_cell(l.key()) << " | " << lease_use_name(l.use) << " | " << md_cell(l.holder.empty() ? "-" : l.holder)
      << " | " << (l.duration_s ? std::to_string(*l.duration_s) + " s" : "-") << " | " << interval_text(l.renew_interval)
      << " | " << transitions_text(l) << " | " << writes_per_second(l) << " | " << md_cell(writers_text(l)) << " |\n";
  o << "\n## Holders\n\n";
  for (const LeaseRecord& l : r.leases) {
    if (l.holders.empty()) continue;
    o << "- " << md_cell(l.key()) << ":";
    for (const HolderSpan& h : l.holders)
      o << " " << md_cell(h.holder) << " " << audit_time(h.from) << " .. " << audit_time(h.to) << (h.open ? " (holds)" : "")
        << ";";
    if (l.hidden_holder_spans) o << " and " << l.hidden_holder_spans << " more";
    o << "\n";
  }
  o << "\n## Findings (" << r.findings_total() << ")\n\n";
  if (r.findings.empty()) o << "None in what was observed.\n";
  for (const Finding& f : r.findings) {
    o << "- **" << finding_kind_name(f.kind) << "** " << md_cell(f.lease) << " at " << audit_time(f.at);
    if (f.until) o << " until " << audit_time(*f.until);
    o << ": " << md_cell(f.message) << "\n";
    for (const Evidence& e : f.evidence) o << "  - " << md_cell(r.where(e.where)) << ": " << md_cell(e.what) << "\n";
  }
  for (const SuppressedFindings& s : r.suppressed)
    o << "- and " << s.count << " more " << finding_kind_name(s.kind) << " on " << md_cell(s.lease) << "\n";
  return o.str();
}

}  // namespace leasesim
