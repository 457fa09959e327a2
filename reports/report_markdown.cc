// report_markdown.cc: report_markdown (see report.h), for CI logs and pull-request comments.
//
// Every user string goes through md(): GitHub renders inline HTML in Markdown, so < > & become
// entities, and | and newlines would break a table row.
#include <sstream>

#include "reports/report.h"
#include "reports/verdict_text.h"
#include "reports/identity_report.h"
#include "reports/node_report.h"

namespace leasesim {
namespace {

std::string md(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '|':
        out += "\\|";
        break;
      case '`':
        out += "'";
        break;
      case '\n':
      case '\r':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A command in a code span (a backtick inside would end it early).
std::string code(std::string_view text) {
  std::string out = "`";
  for (char c : text) out += (c == '`' || c == '\n') ? ' ' : c;
  return out + "`";
}

std::string s3(int64_t ns) { return seconds_ms(ns) + " s"; }
std::string s3(Duration d) { return s3(d.ns); }

std::string ranges_text(const std::vector<std::pair<uint64_t, uint64_t>>& ranges) {
  std::string out;
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (i == 6) return out + ", ... (" + std::to_string(ranges.size()) + " ranges)";
    out += (i ? ", " : "") + std::to_string(ranges[i].first);
    if (ranges[i].second != ranges[i].first) out += "-" + std::to_string(ranges[i].second);
  }
  return out.empty() ? "none" : out;
}

std::string settings_text(const std::vector<SweepSetting>& settings) {
  std::string out;
  for (const SweepSetting& s : settings) out += (out.empty() ? "" : " ") + s.parameter + "=" + s.value;
  return out;
}

std::string per_hour(uint64_t count, int64_t ns) {
  return ns > 0 ? fixed_ratio(__int128(count) * 3600000000000, ns, 2) : "0";
}
std::string per_second(uint64_t count, int64_t ns) {
  return ns > 0 ? fixed_ratio(__int128(count) * 1000000000, ns, 3) : "0";
}

void percentile_row(std::ostream& o, const char* label, const std::optional<Percentiles>& p) {
  if (!p) {
    o << "| " << label << " | 0 | - | - | - | - | - |\n";
    return;
  }
  o << "| " << label << " | " << p->count << " | " << s3(p->min) << " | " << s3(p->p50) << " | " << s3(p->p90) << " | "
    << s3(p->p99) << " | " << s3(p->max) << " |\n";
}

void text_histogram(std::ostream& o, const PointReport& p) {
  uint64_t top = 1;
  for (uint64_t c : p.histogram.counts) top = std::max(top, c);
  o << "```text\nfault to new leader (s)    count\n";
  for (size_t i = 0; i < p.histogram.counts.size(); ++i) {
    const int64_t lo = p.histogram.start_ns + static_cast<int64_t>(i) * p.histogram.width_ns;
    std::string label = "[" + seconds_ms(lo) + ", " + seconds_ms(lo + p.histogram.width_ns) + ")";
    label.resize(std::max<size_t>(label.size(), 24), ' ');
    const uint64_t c = p.histogram.counts[i];
    o << label << " " << std::string(static_cast<size_t>((c * 40 + top / 2) / top), '#') << " " << c << "\n";
  }
  o << "```\n\n";
}

// The analytic bounds and the failoverWithin bound a point was judged against.
void analytic_paragraph(std::ostream& o, const PointReport& p) {
  if (p.analytic) {
    const AnalyticBounds& b = *p.analytic;
    o << "Analytic bounds (client-go spec section 5): fault to new leader <= " << s3(b.crash_to_leader_max)
      << " after a crash, <= " << s3(b.stop_to_leader_max) << " after a stop; " << p.over_analytic_bound << " of "
      << p.analytic_judged << " crash and stop episodes above their bound"
      << (p.analytic_judged < p.episodes ? " (other causes are not covered by the bounds)" : "") << ". Safety margin "
      << s3(b.safety_margin) << ": " << overlap_verdict(b)
      << (b.release_voids_safety ? " (releaseOnCancel: hazard 2.4a)" : "") << ".\n\n";
  } else {
    o << "No analytic bound for this scenario's models.\n\n";
  }
  if (p.failover_within_ns)
    o << "failoverWithin bound: " << s3(*p.failover_within_ns) << (p.failover_within_auto ? " (analytic)" : "")
      << "\n\n";
}

// Rates per hour of simulated time over the seeds, or of the one live run.
void rates_table(std::ostream& o, const PointReport& p, bool live) {
  o << "Rates are " << (live ? kLiveRateBasis : kRateBasis) << " (" << s3(p.simulated_ns)
    << (live ? " in all" : " simulated in all") << ").\n\n"
    << "| rate | value |\n|---|---:|\n"
    << "| leaderless time per hour | "
    << fixed_ratio(__int128(p.leaderless_ns) * 3600, std::max<int64_t>(p.simulated_ns, 1), 3) << " s |\n"
    << "| holder changes per hour | " << per_hour(p.holder_changes, p.simulated_ns) << " |\n"
    << "| API writes per second (create, update, delete) | " << per_second(p.writes, p.simulated_ns) << " |\n"
    << "| API reads per second | " << per_second(p.reads, p.simulated_ns) << " |\n"
    << "| " << (live ? "time run" : "simulated time") << " | " << s3(p.simulated_ns) << " |\n\n";
}

// Who led when, and the faults, as a table and a sentence (the HTML page draws them).
void timeline_table(std::ostream& o, const Timeline& t) {
  o << "| process | led from | until | why it ended |\n|---|---:|---:|---|\n";
  size_t shown = 0;
  for (const TimelineBar& b : t.bars) {
    if (++shown > 30) {
      o << "| ... | | | " << (t.bars.size() - 30) << " more in report.json |\n";
      break;
    }
    o << "| " << md(t.rows[b.row].process) << " | " << s3(b.start_ns) << " | "
      << (b.open ? "end of run" : s3(b.end_ns)) << " | " << md(b.open ? "" : b.end_cause) << " |\n";
  }
  o << "\n";
  if (!t.faults.empty()) {
    o << "Faults: ";
    for (size_t i = 0; i < t.faults.size(); ++i) {
      const TimelineFault& f = t.faults[i];
      o << (i ? "; " : "") << md(f.type) << (f.target.empty() ? "" : " of " + md(f.target)) << " at "
        << s3(f.start_ns) << (f.window ? " until " + s3(f.end_ns) : "")
        << (f.skipped.empty() ? "" : " (skipped: " + md(f.skipped) + ")");
    }
    o << ".\n\n";
  }
}

void point_section(std::ostream& o, const Report& r, const PointReport& p) {
  if (!r.sweep_parameters.empty())
    o << "## Point " << p.index << ": " << md(settings_text(p.settings)) << "\n\n";
  else
    o << "## Failover timing\n\n";
  if (!p.valid) {
    o << "Invalid setting, not run: " << md(p.error) << "\n\n";
    return;
  }
  o << p.seeds << " seeds (" << ranges_text(p.seed_ranges) << "), " << (p.seeds - p.failed) << " passed, " << p.failed
    << " failed. " << p.episodes << " failover episodes, " << p.without_leader
    << " without a new leader by the end of the run.\n\n";
  o << "| | episodes | min | p50 | p90 | p99 | max |\n|---|---:|---:|---:|---:|---:|---:|\n";
  percentile_row(o, "fault to new leader", p.fault_to_leader);
  percentile_row(o, "leaderless gap", p.leaderless_gap);
  for (const CauseSummary& c : p.causes) percentile_row(o, ("after " + md(c.cause)).c_str(), c.fault_to_leader);
  o << "\n";
  analytic_paragraph(o, p);
  if (p.fault_to_leader && p.fault_to_leader->count >= kMinDistributionSamples) text_histogram(o, p);
  else if (p.fault_to_leader)
    o << "Only " << p.fault_to_leader->count << " episodes: too few for a distribution; the table above lists them.\n\n";
  rates_table(o, p, false);
  if (p.identity) identity_report_markdown(o, *p.identity);
  if (p.nodes) node_report_markdown(o, *p.nodes);
  if (p.worst) {
    const WorstSeed& w = *p.worst;
    o << "Worst seed: **" << w.seed << "**, " << md(w.reason) << ". Replay: " << code(w.reproduce) << "\n\n";
    if (w.recorded_trace_hash != w.rerun_trace_hash)
      o << "Note: re-running seed " << w.seed << " gave trace hash " << w.rerun_trace_hash << ", the campaign recorded "
        << md(w.recorded_trace_hash) << ": the records come from another leasesim build.\n\n";
    timeline_table(o, w.timeline);
  }
}

// One live run (`serve`): the verdict with its warnings, then the run's own timeline, its
// failovers one by one, its processes, its cost and its violations. No seed, no replay.
std::string live_markdown(const Report& r) {
  const LiveSummary& live = *r.live;
  const PointReport& p = r.points.front();
  std::ostringstream o;
  o << "# leasesim live report: " << md(r.scenario_name) << "\n\n";
  o << "Scenario " << code(r.scenario_file.empty() ? "(built in)" : r.scenario_file) << " (hash " << r.scenario_hash
    << "). **One live run** of " << s3(p.simulated_ns) << (live.interrupted ? " (interrupted)" : "") << ": "
    << md(kLiveCovers) << ". Times are seconds of the wall clock from the start of serving. Trace hash "
    << md(live.trace_hash) << " (real time: it differs from run to run).\n\n";
  o << "## Verdict\n\n**" << md(seeds_verdict(r)) << "**\n\n";
  if (p.analytic)
    o << "**" << md(safety_verdict(p)) << "**\n\n";
  else
    o << "No analytic bound for these models (real programs): the verdict rests on what the processes reported in "
         "this run.\n\n";
  o << "Failover: " << md(failover_headline(p, true)) << ".\n\n";
  if (live.warnings.empty()) {
    o << "Warnings: none.\n\n";
  } else {
    o << "Warnings (what this run could not do; a PASS does not cover them):\n\n";
    for (const std::string& w : live.warnings) o << "- " << md(w) << "\n";
    o << "\n";
  }
  if (r.failed && !r.violations.empty()) {
    o << "What failed:\n\n";
    for (const ViolationRow& v : r.violations)
      o << "- " << md(v.property) << (v.expected ? " (expected)" : "") << " at " << s3(v.at_ns) << ": " << md(v.message)
        << "\n";
    o << "\n";
  }
  o << "Settings assumed:\n\n";
  for (const auto& [topic, text] : p.assumed) o << "- " << md(topic) << ": " << md(text) << "\n";
  o << "\n## Who led when\n\n";
  if (p.worst) timeline_table(o, p.worst->timeline);
  o << "## Failovers\n\n";
  if (!p.worst || p.worst->timeline.failovers.empty()) {
    o << "None: no fault struck an acting leader in this run.\n\n";
  } else {
    o << "| lease | cause | fault at | from | new leader | at | fault to new leader | leaderless gap |\n"
      << "|---|---|---:|---|---|---:|---:|---:|\n";
    for (const RecordedFailover& f : p.worst->timeline.failovers)
      o << "| " << md(f.lease) << " | " << md(f.cause) << " | " << s3(f.fault_at_ns) << " | " << md(f.from) << " | "
        << (f.to.empty() ? std::string("none by the end of the run") : md(f.to)) << " | "
        << (f.new_leader_at_ns ? s3(*f.new_leader_at_ns) : "-") << " | "
        << (f.fault_to_leader_ns ? s3(*f.fault_to_leader_ns) : "-") << " | "
        << (f.leaderless_gap_ns ? s3(*f.leaderless_gap_ns) : "-") << " |\n";
    o << "\n";
  }
  analytic_paragraph(o, p);
  o << "## Processes\n\n| process | starts | exits | log |\n|---|---:|---|---|\n";
  for (const LiveProcessRow& proc : live.processes) {
    std::string exits;
    for (const std::string& e : proc.exits) exits += (exits.empty() ? "" : "; ") + e;
    o << "| " << md(proc.name) << " | " << proc.starts << " | " << md(exits.empty() ? "-" : exits) << " | "
      << code(proc.log) << " |\n";
  }
  o << "\n## Control-plane cost\n\n";
  rates_table(o, p, true);
  o << "## Violations\n\n";
  if (r.violations.empty()) {
    o << "None.\n";
  } else {
    o << "| property | at | message |\n|---|---:|---|\n";
    for (const ViolationRow& v : r.violations)
      o << "| " << md(v.property) << (v.expected ? " (expected)" : "")
        << (v.count > 1 ? " x" + std::to_string(v.count) : "") << " | " << s3(v.at_ns) << " | " << md(v.message) << " |\n";
  }
  return o.str();
}

}  // namespace

std::string markdown_escape(std::string_view text) { return md(text); }

std::string report_markdown(const Report& r) {
  if (r.live) return live_markdown(r);
  std::ostringstream o;
  o << "# leasesim report: " << md(r.scenario_name) << "\n\n";
  o << "Scenario " << code(r.scenario_file.empty() ? "(built in)" : r.scenario_file) << " (hash " << r.scenario_hash
    << "). " << r.runs << " runs over seeds " << ranges_text(r.seed_ranges) << ": " << (r.runs - r.failed)
    << " passed, " << r.failed << " failed.\n\n";
  // The verdict first: PASS / FAIL, SAFE / NOT SAFE, the settings assumed, the headline figures.
  o << "## Verdict\n\n**" << md(seeds_verdict(r)) << "**\n\n";
  const PointReport* lead = nullptr;
  for (const PointReport& p : r.points)
    if (p.valid && !lead) lead = &p;
  if (r.sweep_parameters.empty() && lead) {
    o << "**" << md(safety_verdict(*lead)) << "**\n\nFailover: " << md(failover_headline(*lead)) << ".\n\n";
  } else if (lead) {
    size_t safe = 0, valid = 0;
    for (const PointReport& p : r.points) {
      valid += p.valid;
      safe += p.safe;
    }
    o << "**" << safe << " of " << valid << " valid points SAFE** (no seed failed and the analytic bounds rule out two "
      << "leaders); fastest safe: "
      << (r.fastest_safe ? md(settings_text(r.points[*r.fastest_safe].settings)) : std::string("none")) << ".\n\n";
  }
  if (lead) {
    o << "Settings assumed" << (r.sweep_parameters.empty() ? "" : " (point " + std::to_string(lead->index) + "; the swept parameters vary)")
      << ":\n\n";
    for (const auto& [topic, text] : lead->assumed) o << "- " << md(topic) << ": " << md(text) << "\n";
    o << "\n";
  }
  if (r.runs == 1 && r.failed && !r.violations.empty()) {
    o << "What failed:\n\n";
    for (const ViolationRow& v : r.violations)
      o << "- " << md(v.property) << (v.expected ? " (expected)" : "") << " at " << s3(v.at_ns) << ": " << md(v.message)
        << "\n";
    o << "\n";
  }
  if (!r.sweep_parameters.empty()) {
    o << "## Sweep\n\n";
    std::string names;
    for (const std::string& n : r.sweep_parameters) names += (names.empty() ? "" : ", ") + n;
    o << "Swept: " << md(names) << (r.sweep_target.empty() ? "" : " (on " + md(r.sweep_target) + ")")
      << ". Safe = no seed failed and the analytic bounds rule out overlap.\n\n";
    o << "| point | settings | seeds | failed | p99 fault to leader | max | analytic bound | safety margin | safe |\n"
      << "|---:|---|---:|---:|---:|---:|---:|---:|---|\n";
    for (const PointReport& p : r.points) {
      o << "| " << p.index << " | " << md(settings_text(p.settings)) << " | ";
      if (!p.valid) {
        o << "- | - | - | - | - | - | invalid: " << md(p.error) << " |\n";
        continue;
      }
      o << p.seeds << " | " << p.failed << " | " << (p.fault_to_leader ? s3(p.fault_to_leader->p99) : "-") << " | "
        << (p.fault_to_leader ? s3(p.fault_to_leader->max) : "-") << " | "
        << (p.analytic ? s3(p.analytic->failover_bound) : "-") << " | "
        << (p.analytic ? s3(p.analytic->safety_margin) : "-") << " | "
        << (p.safe ? (r.fastest_safe == p.index ? "**fastest safe**" : "safe") : p.analytic ? "no" : "no bound") << " |\n";
    }
    o << "\n";
    if (r.fastest_safe)
      o << "Fastest safe setting: **" << md(settings_text(r.points[*r.fastest_safe].settings)) << "** (point "
        << *r.fastest_safe << ").\n\n";
    else
      o << "No setting is safe.\n\n";
  }
  for (const PointReport& p : r.points) point_section(o, r, p);
  o << "## Violations\n\n";
  if (r.violations.empty()) {
    o << "None.\n";
  } else {
    o << "| " << (r.sweep_parameters.empty() ? "" : "point | ") << "seed | property | at | message | replay |\n|"
      << (r.sweep_parameters.empty() ? "" : "---:|") << "---:|---|---:|---|---|\n";
    size_t shown = 0;
    for (const ViolationRow& v : r.violations) {
      if (++shown > 200) {
        o << "\n... and " << (r.violations.size() - 200) << " more in report.json\n";
        break;
      }
      o << "| " << (r.sweep_parameters.empty() ? "" : std::to_string(v.point) + " | ") << v.seed << " | "
        << md(v.property) << (v.expected ? " (expected)" : "") << (v.count > 1 ? " x" + std::to_string(v.count) : "")
        << " | " << s3(v.at_ns) << " | " << md(v.message) << " | " << code(v.reproduce) << " |\n";
    }
  }
  return o.str();
}

}  // namespace leasesim
