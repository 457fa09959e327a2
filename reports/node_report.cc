// node_report.cc: see node_report.h.
#include "reports/node_report.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "core/shell_quote.h"
#include "properties/node_detection.h"
#include "properties/run.h"
#include "reports/node_summary.h"

namespace leasesim {
namespace {

using ojson = nlohmann::ordered_json;

double secs(int64_t ns) { return static_cast<double>(ns) / 1e9; }
int64_t to_ns(const ojson& seconds) { return static_cast<int64_t>(seconds.get<double>() * 1e9 + 0.5); }

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

// Larger is worse: an episode never detected, then the longest detection.
std::pair<bool, int64_t> node_badness(const SeedRecord& r) {
  bool undetected = false;
  int64_t longest = -1;
  for (const RecordedNodeDetection& d : r.node_detections) {
    if (!d.unknown_at_ns) undetected = true;
    else longest = std::max(longest, *d.unknown_at_ns - d.fault_at_ns);
  }
  return {undetected, longest};
}

const char* span_colour(const NodeTimelineSpan& s) {
  if (s.taint) return s.what.find("NoExecute") != std::string::npos ? "#b55" : "#d9a";
  if (s.what == "True") return "#4a7";
  if (s.what == "Unknown") return "#888";
  return "#c84";
}

// Percentiles as a Markdown or HTML row of count, min, p50, p90, p99 and max (the HTML row
// without its line end, so a caller may close the table after it): durations (nanoseconds) as
// seconds with milliseconds, counts as they are. (Durations in JSON: percentiles_json, report.h.)
enum class Unit { Seconds, Count };

ojson count_percentiles_json(const std::optional<Percentiles>& p) {
  if (!p) return nullptr;
  return ojson{{"count", p->count}, {"min", p->min}, {"p50", p->p50}, {"p90", p->p90}, {"p99", p->p99}, {"max", p->max}};
}

std::string cell(int64_t x, Unit unit) { return unit == Unit::Seconds ? seconds_ms(x) + " s" : std::to_string(x); }

void markdown_row(std::ostream& o, const char* label, const Percentiles& p, Unit unit) {
  o << "| " << label << " | " << p.count;
  for (int64_t x : {p.min, p.p50, p.p90, p.p99, p.max}) o << " | " << cell(x, unit);
  o << " |\n";
}

void html_row(std::ostream& o, const char* label, const Percentiles& p, Unit unit) {
  o << "<tr><td>" << label << "</td><td>" << p.count << "</td>";
  for (int64_t x : {p.min, p.p50, p.p90, p.p99, p.max}) o << "<td>" << cell(x, unit) << "</td>";
  o << "</tr>";
}

}  // namespace

std::vector<NodeTimelineRow> node_timeline(const ojson& nodes, int64_t end_ns, uint64_t* hidden) {
  std::vector<NodeTimelineRow> changed, steady;
  for (const ojson& n : nodes) {
    NodeTimelineRow row;
    row.node = n.value("name", "");
    row.zone = n.contains("zone") && n["zone"].is_string() ? n["zone"].get<std::string>() : "";
    bool left_ready = false;
    const ojson& changes = n.contains("readyChanges") ? n["readyChanges"] : ojson::array();
    for (size_t i = 0; i < changes.size(); ++i) {
      NodeTimelineSpan s;
      s.what = changes[i].value("status", "");
      s.start_ns = to_ns(changes[i]["at"]);
      s.end_ns = i + 1 < changes.size() ? to_ns(changes[i + 1]["at"]) : end_ns;
      left_ready |= s.what != "True";
      row.spans.push_back(std::move(s));
    }
    // Taints join the timeline when the summary lists them.
    if (n.contains("taints") && n["taints"].is_array())
      for (const ojson& t : n["taints"]) {
        NodeTimelineSpan s;
        s.taint = true;
        s.what = t.value("key", "") + ":" + t.value("effect", "");
        s.start_ns = to_ns(t["at"]);
        s.end_ns = t.contains("until") && t["until"].is_number() ? to_ns(t["until"]) : end_ns;
        left_ready = true;
        row.spans.push_back(std::move(s));
      }
    (left_ready ? changed : steady).push_back(std::move(row));
  }
  std::vector<NodeTimelineRow> out;
  for (auto* list : {&changed, &steady})
    for (NodeTimelineRow& r : *list) {
      if (out.size() >= kMaxTimelineRows) {
        ++*hidden;
        continue;
      }
      out.push_back(std::move(r));
    }
  return out;
}

std::optional<NodeReport> node_report(const std::shared_ptr<const Scenario>& scenario,
                                      const std::vector<SeedRecord>& records, const std::string& scenario_file,
                                      const RunResult* prerun) {
  if (scenario->node_names.empty()) return std::nullopt;
  const Scenario& s = *scenario;
  NodeReport r;
  if (s.properties.node_not_ready_within) r.bound_ns = s.properties.node_not_ready_within->ns;
  if (s.properties.node_not_ready_within_auto) {
    r.bound_auto = true;
    if (auto b = node_detection_bound(s)) r.bound_ns = b->ns;
  }
  std::vector<int64_t> times;
  const SeedRecord* worst = nullptr;
  for (const SeedRecord& rec : records) {
    for (const RecordedNodeDetection& d : rec.node_detections) {
      ++r.episodes;
      ++r.causes[d.cause];
      if (!d.unknown_at_ns) {
        ++r.undetected;
        continue;
      }
      const int64_t t = *d.unknown_at_ns - d.fault_at_ns;
      times.push_back(t);
      if (r.bound_ns && t > *r.bound_ns) ++r.over_bound;
    }
    if (!rec.node_detections.empty() && (!worst || node_badness(rec) > node_badness(*worst) ||
                                         (node_badness(rec) == node_badness(*worst) && rec.seed < worst->seed)))
      worst = &rec;
  }
  std::vector<int64_t> pods, first_eviction;
  for (const SeedRecord& rec : records) {
    if (!rec.evictions) continue;
    const RecordedEvictions& e = *rec.evictions;
    ++r.eviction_seeds;
    if (e.pods > 0) ++r.evicting_seeds;
    r.eviction_writes += e.writes;
    r.pods_evicted += e.pods;
    pods.push_back(static_cast<int64_t>(e.pods));
    if (e.first_after_fault_ns) first_eviction.push_back(*e.first_after_fault_ns);
  }
  if (!pods.empty()) r.pods_per_seed = percentiles(pods);
  if (!first_eviction.empty()) r.fault_to_first_eviction = percentiles(first_eviction);
  std::sort(times.begin(), times.end());
  if (!times.empty()) {
    r.detection = percentiles(times);
    r.histogram = histogram_of(times);
    r.cdf = cdf_of(times);
  }
  if (!worst && !records.empty()) worst = &records.front();  // no episode: the timeline of the first seed
  if (worst) {
    r.worst_seed = worst->seed;
    const auto [undetected, longest] = node_badness(*worst);
    r.worst_reason = undetected             ? "a node fault never detected by the end of the run"
                     : longest >= 0         ? "the longest fault-to-Unknown time, " + seconds_ms(longest) + " s"
                                            : "no node fault in any seed: the first seed";
    r.worst_reproduce = "leasesim run " + (scenario_file.empty() ? std::string("SCENARIO") : shell_quote(scenario_file)) +
                        " --seed " + std::to_string(worst->seed);
    std::optional<RunResult> fresh;
    if (!prerun || prerun->scenario != scenario || prerun->seed != worst->seed) fresh.emplace(run_scenario(scenario, worst->seed));
    const RunResult& run = fresh ? *fresh : *prerun;
    ojson summary;
    add_node_summary(run, summary);
    r.worst_end_ns = run.world.now().ns;
    r.timeline = node_timeline(summary["nodes"], r.worst_end_ns, &r.hidden_nodes);
  }
  return r;
}

ojson node_report_json(const NodeReport& r) {
  ojson out;
  out["episodes"] = r.episodes;
  out["undetected"] = r.undetected;
  ojson causes = ojson::object();
  for (const auto& [cause, n] : r.causes) causes[cause] = n;
  out["causes"] = causes;
  out["faultToUnknown"] = percentiles_json(r.detection);
  out["histogram"] = r.detection ? ojson{{"start", secs(r.histogram.start_ns)},
                                         {"binWidth", secs(r.histogram.width_ns)},
                                         {"counts", r.histogram.counts}}
                                 : ojson(nullptr);
  ojson cdf = ojson::array();
  for (const CdfPoint& c : r.cdf) cdf.push_back(ojson::array({secs(c.value_ns), c.at_or_below}));
  out["cdf"] = cdf;
  out["nodeNotReadyWithin"] = r.bound_ns ? ojson{{"bound", secs(*r.bound_ns)}, {"source", r.bound_auto ? "analytic" : "explicit"}}
                                         : ojson(nullptr);
  out["overBound"] = r.over_bound;
  if (r.eviction_seeds == 0) {
    out["evictions"] = nullptr;  // records from before seed records carried evictions
  } else {
    out["evictions"] = ojson{
        {"seeds", r.eviction_seeds},
        {"seedsEvicting", r.evicting_seeds},
        {"writes", r.eviction_writes},
        {"pods", r.pods_evicted},
        {"podsPerSeed", count_percentiles_json(r.pods_per_seed)},
        {"faultToFirstEviction", percentiles_json(r.fault_to_first_eviction)}};
  }
  if (r.worst_seed) {
    ojson rows = ojson::array();
    for (const NodeTimelineRow& row : r.timeline) {
      ojson spans = ojson::array();
      for (const NodeTimelineSpan& s : row.spans)
        spans.push_back(ojson{{s.taint ? "taint" : "ready", s.what}, {"start", secs(s.start_ns)}, {"end", secs(s.end_ns)}});
      rows.push_back(ojson{{"node", row.node}, {"zone", row.zone}, {"spans", spans}});
    }
    out["worstSeed"] = ojson{{"seed", *r.worst_seed}, {"reason", r.worst_reason},   {"reproduce", r.worst_reproduce},
                             {"end", secs(r.worst_end_ns)}, {"nodes", rows}, {"hiddenNodes", r.hidden_nodes}};
  }
  return out;
}

void node_report_markdown(std::ostream& o, const NodeReport& r) {
  o << "### Node heartbeats\n\n"
    << r.episodes << " kubelet faults over all seeds; " << (r.episodes - r.undetected) << " had their Node set Ready=Unknown, "
    << r.undetected << " not by the end of their run (a fault window that ended first is not a miss).\n\n";
  if (r.detection) {
    const Percentiles& p = *r.detection;
    o << "| | count | min | p50 | p90 | p99 | max |\n|---|---:|---:|---:|---:|---:|---:|\n";
    markdown_row(o, "fault to Unknown", p, Unit::Seconds);
    o << "\n";
    o << "| from (s) | detections |\n|---:|---:|\n";
    for (size_t i = 0; i < r.histogram.counts.size(); ++i)
      o << "| " << seconds_ms(r.histogram.start_ns + static_cast<int64_t>(i) * r.histogram.width_ns) << " | "
        << r.histogram.counts[i] << " |\n";
    o << "\n";
  }
  if (r.bound_ns)
    o << "nodeNotReadyWithin bound: " << seconds_ms(*r.bound_ns) << " s" << (r.bound_auto ? " (analytic)" : "") << "; "
      << r.over_bound << " detections later than the bound.\n\n";
  if (r.eviction_seeds > 0) {
    o << "Evictions: " << r.evicting_seeds << " of " << r.eviction_seeds << " seeds evicted pods; " << r.eviction_writes
      << " eviction writes, " << r.pods_evicted << " pods in all.\n\n"
      << "| | count | min | p50 | p90 | p99 | max |\n|---|---:|---:|---:|---:|---:|---:|\n";
    markdown_row(o, "pods evicted per seed", *r.pods_per_seed, Unit::Count);
    if (const auto& f = r.fault_to_first_eviction) markdown_row(o, "first fault to first eviction", *f, Unit::Seconds);
    o << "\n";
  }
  if (r.worst_seed) {
    o << "Worst seed for nodes: " << *r.worst_seed << " (" << r.worst_reason << "); reproduce: `" << r.worst_reproduce
      << "`\n\n| node | zone | Ready and taints (seconds) |\n|---|---|---|\n";
    for (const NodeTimelineRow& row : r.timeline) {
      o << "| " << row.node << " | " << row.zone << " | ";
      for (size_t i = 0; i < row.spans.size(); ++i)
        o << (i ? ", " : "") << row.spans[i].what << " " << seconds_ms(row.spans[i].start_ns) << "-"
          << seconds_ms(row.spans[i].end_ns);
      o << " |\n";
    }
    if (r.hidden_nodes) o << "\n" << r.hidden_nodes << " more nodes stayed Ready throughout and are not listed.\n";
    o << "\n";
  }
}

void node_report_html(std::ostream& o, const NodeReport& r) {
  o << "<h3>Node heartbeats</h3>\n<p>" << r.episodes << " kubelet faults over all seeds; "
    << (r.episodes - r.undetected) << " had their Node set Ready=Unknown, " << r.undetected
    << " not by the end of their run.";
  if (r.bound_ns)
    o << " nodeNotReadyWithin bound: " << seconds_ms(*r.bound_ns) << " s" << (r.bound_auto ? " (analytic)" : "") << "; "
      << r.over_bound << " detections later than the bound.";
  o << "</p>\n";
  if (r.eviction_seeds > 0) {
    o << "<p>Evictions: " << r.evicting_seeds << " of " << r.eviction_seeds << " seeds evicted pods; "
      << r.eviction_writes << " eviction writes, " << r.pods_evicted << " pods in all.</p>\n"
      << "<table><tr><th></th><th>count</th><th>min</th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr>\n";
    html_row(o, "pods evicted per seed", *r.pods_per_seed, Unit::Count);
    o << "\n";
    if (const auto& f = r.fault_to_first_eviction) {
      html_row(o, "first fault to first eviction", *f, Unit::Seconds);
      o << "\n";
    }
    o << "</table>\n";
  }
  const double left = 60, right = 700, top = 20, bottom = 200;
  if (r.detection) {
    const Percentiles& p = *r.detection;
    o << "<table><tr><th></th><th>count</th><th>min</th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr>\n";
    html_row(o, "fault to Unknown", p, Unit::Seconds);
    o << "</table>\n";
    // One x scale for the histogram and the CDF: the bins and the bound.
    const int64_t lo = r.histogram.start_ns;
    int64_t hi = lo + static_cast<int64_t>(r.histogram.counts.size()) * r.histogram.width_ns;
    if (r.bound_ns) hi = std::max(hi, *r.bound_ns + r.histogram.width_ns);
    auto x = [&](int64_t ns) { return left + (right - left) * static_cast<double>(ns - lo) / static_cast<double>(hi - lo); };
    auto axis_and_bound = [&]() {
      o << "<line class=\"grid\" x1=\"" << num(left) << "\" y1=\"" << num(bottom) << "\" x2=\"" << num(right) << "\" y2=\""
        << num(bottom) << "\"/><text class=\"tick\" x=\"" << num(left) << "\" y=\"" << num(bottom + 14) << "\">"
        << seconds_ms(lo) << " s</text><text class=\"tick\" x=\"" << num(right) << "\" y=\"" << num(bottom + 14)
        << "\" text-anchor=\"end\">" << seconds_ms(hi) << " s</text>"
        << "<text class=\"label\" x=\"" << num((left + right) / 2) << "\" y=\"" << num(bottom + 30)
        << "\" text-anchor=\"middle\">fault to Ready=Unknown (seconds of simulated time)</text>";
      if (r.bound_ns)
        o << "<line x1=\"" << num(x(*r.bound_ns)) << "\" y1=\"" << num(top) << "\" x2=\"" << num(x(*r.bound_ns))
          << "\" y2=\"" << num(bottom) << "\" stroke=\"#c33\" stroke-dasharray=\"4 3\"/><text class=\"tick\" x=\""
          << num(x(*r.bound_ns) + 3) << "\" y=\"" << num(top + 10) << "\">bound " << seconds_ms(*r.bound_ns)
          << " s" << (r.bound_auto ? " (analytic)" : "") << "</text>";
    };
    uint64_t peak = 1;
    for (uint64_t c : r.histogram.counts) peak = std::max(peak, c);
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"720\" height=\"240\" role=\"img\" "
         "aria-label=\"Histogram of node detection times\"><title>Histogram of node detection times</title>";
    for (size_t i = 0; i < r.histogram.counts.size(); ++i) {
      const uint64_t c = r.histogram.counts[i];
      if (c == 0) continue;
      const int64_t b = lo + static_cast<int64_t>(i) * r.histogram.width_ns;
      const double h = (bottom - top) * static_cast<double>(c) / static_cast<double>(peak);
      o << "<rect class=\"bar\" x=\"" << num(x(b) + 0.5) << "\" y=\"" << num(bottom - h) << "\" width=\""
        << num(std::max(x(b + r.histogram.width_ns) - x(b) - 1, 1.0)) << "\" height=\"" << num(h) << "\"><title>["
        << seconds_ms(b) << " s, " << seconds_ms(b + r.histogram.width_ns) << " s): " << c << " detections</title></rect>";
    }
    axis_and_bound();
    o << "</svg>\n<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"720\" height=\"240\" role=\"img\" "
         "aria-label=\"Cumulative distribution of node detection times\"><title>Cumulative distribution of node "
         "detection times</title>";
    std::ostringstream pts;
    double prev = bottom;
    pts << num(x(r.cdf.front().value_ns)) << "," << num(prev);
    for (const CdfPoint& c : r.cdf) {
      const double py = bottom - (bottom - top) * static_cast<double>(c.at_or_below) / static_cast<double>(p.count);
      pts << " " << num(x(c.value_ns)) << "," << num(prev) << " " << num(x(c.value_ns)) << "," << num(py);
      prev = py;
    }
    pts << " " << num(right) << "," << num(prev);
    o << "<polyline class=\"cdf\" points=\"" << pts.str() << "\"/>";
    axis_and_bound();
    o << "</svg>\n";
  }
  if (!r.worst_seed || r.worst_end_ns <= 0) return;
  o << "<p>Worst seed for nodes: " << *r.worst_seed << " (" << html_escape(r.worst_reason) << "); reproduce: <code>"
    << html_escape(r.worst_reproduce) << "</code>. Ready: green True, grey Unknown, orange False; taints below "
    << "(dark red NoExecute).</p>\n";
  const double row_h = 18, name_w = 140, width = 720;
  const double height = 10 + row_h * static_cast<double>(r.timeline.size()) + 10;
  auto tx = [&](int64_t ns) { return name_w + (width - name_w - 10) * static_cast<double>(ns) / static_cast<double>(r.worst_end_ns); };
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"720\" height=\"" << num(height)
    << "\" role=\"img\" aria-label=\"Ready per node, worst seed\"><title>Ready per node, worst seed</title>";
  for (size_t i = 0; i < r.timeline.size(); ++i) {
    const NodeTimelineRow& row = r.timeline[i];
    const double y = 10 + row_h * static_cast<double>(i);
    o << "<text class=\"tick\" x=\"4\" y=\"" << num(y + 11) << "\">" << html_escape(row.node) << "</text>";
    for (const NodeTimelineSpan& s : row.spans) {
      const double y0 = s.taint ? y + 11 : y + 2, h = s.taint ? 4 : 8;
      o << "<rect x=\"" << num(tx(s.start_ns)) << "\" y=\"" << num(y0) << "\" width=\""
        << num(std::max(tx(s.end_ns) - tx(s.start_ns), 1.0)) << "\" height=\"" << num(h) << "\" fill=\"" << span_colour(s)
        << "\"><title>" << html_escape(row.node + " " + (s.taint ? "taint " : "Ready=") + s.what + " from " +
                                       seconds_ms(s.start_ns) + " s to " + seconds_ms(s.end_ns) + " s")
        << "</title></rect>";
    }
  }
  o << "</svg>\n";
  if (r.hidden_nodes) o << "<p>" << r.hidden_nodes << " more nodes stayed Ready throughout and are not drawn.</p>\n";
}

}  // namespace leasesim
