// audit_report_html.cc: audit_html (see audit_report.h): one self-contained page.
//
// Like report_html: inline CSS and SVG, no script, every input string through html_escape,
// coordinates printed with one decimal in the C locale so the bytes depend only on the result.
// Each lease gets a timeline over the whole audit window: one row per holder identity (at most
// kRows, the rest counted), a bar per holder span, and each finding drawn on the lease's
// timeline as a red mark (an interval when the finding has an end) with its text as a tooltip.
#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

#include "reports/audit_report.h"
#include "reports/audit_report_parts.h"
#include "reports/report.h"

namespace leasesim {
namespace {

std::string esc(std::string_view s) { return html_escape(s); }

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

constexpr double kWidth = 920;
constexpr double kLeft = 180;
constexpr double kRowHeight = 18;
constexpr size_t kRows = 12;

const char* kAuditStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:980px;color:#222}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}.meta{color:#555}.find{color:#b00}
code{background:#f4f4f4;padding:0 3px}svg text{font:11px system-ui,sans-serif}
)";

void timeline_svg(std::ostringstream& o, const AuditResult& r, const LeaseRecord& l,
                  const std::vector<const Finding*>& findings) {
  if (!r.start || !r.end) return;
  std::map<std::string, size_t> rows;
  for (const HolderSpan& h : l.holders)
    if (!rows.count(h.holder) && rows.size() < kRows) rows.emplace(h.holder, rows.size());
  size_t hidden = 0;
  {
    std::map<std::string, int> all;
    for (const HolderSpan& h : l.holders) all[h.holder] = 1;
    hidden = all.size() - rows.size();
  }
  const double t0 = 0;
  const double t1 = std::max<double>(1, static_cast<double>((*r.end - *r.start).ns));
  auto x = [&](WallInstant t) {
    return kLeft + (static_cast<double>((t - *r.start).ns) - t0) * (kWidth - kLeft - 10) / (t1 - t0);
  };
  const double height = 24 + kRowHeight * static_cast<double>(rows.size() + 1);
  o << "<svg width=\"" << num(kWidth) << "\" height=\"" << num(height) << "\" role=\"img\" aria-label=\"holders of "
    << esc(l.key()) << "\">";
  o << "<rect x=\"" << num(kLeft) << "\" y=\"4\" width=\"" << num(kWidth - kLeft - 10) << "\" height=\""
    << num(kRowHeight * static_cast<double>(rows.size() + 1)) << "\" fill=\"#fafafa\" stroke=\"#ddd\"/>";
  for (const auto& [holder, row] : rows)
    o << "<text x=\"4\" y=\"" << num(18 + kRowHeight * static_cast<double>(row)) << "\">" << esc(holder.substr(0, 28))
      << "</text>";
  o << "<text x=\"4\" y=\"" << num(18 + kRowHeight * static_cast<double>(rows.size())) << "\" class=\"find\">findings</text>";
  for (const HolderSpan& h : l.holders) {
    auto it = rows.find(h.holder);
    if (it == rows.end()) continue;
    const double x0 = x(h.from);
    const double w = std::max(2.0, x(h.to) - x0);
    o << "<rect x=\"" << num(x0) << "\" y=\"" << num(8 + kRowHeight * static_cast<double>(it->second))
      << "\" width=\"" << num(w) << "\" height=\"12\" fill=\"" << (h.open ? "#2e7dd7" : "#6aa6e8")
      << "\"><title>" << esc(h.holder) << ": " << esc(audit_time(h.from)) << " .. " << esc(audit_time(h.to)) << ", "
      << h.renewals << " renewals</title></rect>";
  }
  const double fy = 8 + kRowHeight * static_cast<double>(rows.size());
  for (const Finding* f : findings) {
    const double x0 = x(f->at);
    const double x1 = f->until ? std::max(x0 + 2, x(*f->until)) : x0 + 2;
    o << "<rect x=\"" << num(x0) << "\" y=\"4\" width=\"" << num(x1 - x0) << "\" height=\""
      << num(kRowHeight * static_cast<double>(rows.size() + 1)) << "\" fill=\"#d62728\" fill-opacity=\"0.18\"/>";
    o << "<rect x=\"" << num(x0) << "\" y=\"" << num(fy) << "\" width=\"" << num(x1 - x0)
      << "\" height=\"12\" fill=\"#d62728\"><title>" << finding_kind_name(f->kind) << " at " << esc(audit_time(f->at))
      << ": " << esc(f->message) << "</title></rect>";
  }
  o << "<text x=\"" << num(kLeft) << "\" y=\"" << num(height - 4) << "\">" << esc(audit_time(*r.start))
    << "</text><text x=\"" << num(kWidth - 10) << "\" y=\"" << num(height - 4) << "\" text-anchor=\"end\">"
    << esc(audit_time(*r.end)) << "</text></svg>\n";
  if (hidden) o << "<p class=\"meta\">" << hidden << " more holder identities not drawn.</p>\n";
}

}  // namespace

std::string audit_html(const AuditResult& r) {
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>leasesim audit</title><style>"
    << kAuditStyle << "</style></head><body>\n<h1>Lease audit</h1>\n<p class=\"meta\">" << r.files.size()
    << " file(s), " << r.records() << " records, " << r.observations << " Lease observations, <b>" << r.malformed()
    << " malformed records skipped</b>.";
  if (r.start && r.end) o << " Window " << esc(audit_time(*r.start)) << " .. " << esc(audit_time(*r.end)) << " (UTC).";
  o << " <b>" << r.findings_total() << " finding(s)</b> in what was observed.</p>\n";
  o << "<table><tr><th>file</th><th>formats</th><th>records</th><th>about Leases</th><th>malformed</th></tr>";
  for (const InputStats& s : r.inputs)
    o << "<tr><td><code>" << esc(s.file) << "</code></td><td>" << esc(s.formats) << "</td><td class=\"n\">" << s.records
      << "</td><td class=\"n\">" << s.lease_records << "</td><td class=\"n\">" << s.malformed << "</td></tr>";
  o << "</table>\n<h2>Governance record</h2>\n<table><tr><th>lease</th><th>use</th><th>holder</th><th>duration</th>"
       "<th>renew interval</th><th>transitions</th><th>writes/s</th><th>writers</th></tr>";
  for (const LeaseRecord& l : r.leases)
    o << "<tr><td><a href=\"#lease-" << esc(l.key()) << "\">" << esc(l.key()) << "</a></td><td>" << lease_use_name(l.use)
      << "</td><td>" << esc(l.holder.empty() ? "-" : l.holder) << "</td><td class=\"n\">"
      << (l.duration_s ? std::to_string(*l.duration_s) + " s" : "-") << "</td><td>" << esc(interval_text(l.renew_interval))
      << "</td><td>" << esc(transitions_text(l)) << "</td><td class=\"n\">" << writes_per_second(l) << "</td><td>"
      << esc(writers_text(l)) << "</td></tr>";
  o << "</table>\n";
  std::map<std::string, std::vector<const Finding*>> by_lease;
  for (const Finding& f : r.findings) by_lease[f.lease].push_back(&f);
  for (const LeaseRecord& l : r.leases) {
    const std::vector<const Finding*>& fs = by_lease[l.key()];
    o << "<h2 id=\"lease-" << esc(l.key()) << "\">" << esc(l.key()) << "</h2>\n<p class=\"meta\">"
      << lease_use_name(l.use) << "; acquireTime " << (l.acquire_time ? esc(audit_time(*l.acquire_time)) : "-")
      << "; renewTime " << (l.renew_time ? esc(audit_time(*l.renew_time)) : "-") << "; " << l.writes << " accepted and "
      << l.failed_writes << " failed writes, peak " << l.peak_writes_per_minute << " per minute; " << fs.size()
      << " finding(s).</p>\n";
    timeline_svg(o, r, l, fs);
    if (fs.empty()) continue;
    o << "<ul>";
    for (const Finding* f : fs) {
      o << "<li><b class=\"find\">" << finding_kind_name(f->kind) << "</b> at " << esc(audit_time(f->at));
      if (f->until) o << " until " << esc(audit_time(*f->until));
      o << ": " << esc(f->message) << "<ul>";
      for (const Evidence& e : f->evidence) o << "<li><code>" << esc(r.where(e.where)) << "</code>: " << esc(e.what) << "</li>";
      o << "</ul></li>";
    }
    o << "</ul>\n";
  }
  for (const SuppressedFindings& s : r.suppressed)
    o << "<p>and " << s.count << " more " << finding_kind_name(s.kind) << " on " << esc(s.lease) << "</p>\n";
  o << "</body></html>\n";
  return o.str();
}

}  // namespace leasesim
