// report.cc: build_report and report_json (see report.h); Markdown and HTML are in
// report_markdown.cc and report_html.cc.
#include "reports/report.h"

#include "reports/scenario_settings.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "core/shell_quote.h"
#include "reports/identity_report.h"
#include "reports/node_report.h"
#include "reports/verdict_text.h"

namespace leasesim {
namespace {

using ojson = nlohmann::ordered_json;

double secs(int64_t ns) { return static_cast<double>(ns) / 1e9; }

// Smallest of 1, 2, 5 x 10^k nanoseconds that is >= raw (raw >= 1).
int64_t nice_step(int64_t raw) {
  int64_t base = 1;
  for (;;) {
    for (int64_t m : {1, 2, 5})
      if (base * m >= raw) return base * m;
    base *= 10;
  }
}

std::vector<std::pair<uint64_t, uint64_t>> ranges_of(std::vector<uint64_t> seeds) {
  std::sort(seeds.begin(), seeds.end());
  seeds.erase(std::unique(seeds.begin(), seeds.end()), seeds.end());
  std::vector<std::pair<uint64_t, uint64_t>> out;
  for (uint64_t s : seeds) {
    if (!out.empty() && out.back().second + 1 == s)
      out.back().second = s;
    else
      out.emplace_back(s, s);
  }
  return out;
}

}  // namespace

// Bins of a 1-2-5 width over [min, max] of the values (sorted, non-empty).
Histogram histogram_of(const std::vector<int64_t>& sorted) {
  Histogram h;
  const int64_t lo = sorted.front(), hi = sorted.back();
  // About sqrt(n) bins, between 5 and 30, so 20 samples do not scatter over 30 bins.
  int64_t bins = 1;
  while (bins * bins < static_cast<int64_t>(sorted.size()) && bins < 30) ++bins;
  bins = std::max<int64_t>(bins, 5);
  const int64_t raw = std::max<int64_t>((hi - lo + bins - 1) / bins, 1000000);  // at least 1ms wide
  h.width_ns = nice_step(raw);
  h.start_ns = (lo >= 0 ? lo / h.width_ns : (lo - h.width_ns + 1) / h.width_ns) * h.width_ns;
  h.counts.assign(static_cast<size_t>((hi - h.start_ns) / h.width_ns) + 1, 0);
  for (int64_t v : sorted) ++h.counts[static_cast<size_t>((v - h.start_ns) / h.width_ns)];
  return h;
}

// Every distinct value for small samples; 400 nearest-rank quantiles (and the max) otherwise.
std::vector<CdfPoint> cdf_of(const std::vector<int64_t>& sorted) {
  std::vector<CdfPoint> out;
  const uint64_t n = sorted.size();
  auto push = [&](uint64_t rank) {  // rank is 1-based; emit the last rank of that value
    const int64_t v = sorted[rank - 1];
    const uint64_t upto = static_cast<uint64_t>(std::upper_bound(sorted.begin(), sorted.end(), v) - sorted.begin());
    if (out.empty() || out.back().value_ns != v) out.push_back({v, upto});
  };
  constexpr uint64_t kPoints = 400;
  if (n <= kPoints) {
    for (uint64_t r = 1; r <= n; ++r) push(r);
  } else {
    for (uint64_t k = 1; k <= kPoints; ++k) push((k * n + kPoints - 1) / kPoints);
  }
  return out;
}

namespace {

// Key of "worse" (compared as a tuple, larger is worse).
std::tuple<bool, bool, int64_t, int64_t> badness(const SeedRecord& r) {
  bool unfinished = false;
  int64_t worst = -1;
  for (const RecordedFailover& f : r.failovers) {
    if (!f.fault_to_leader_ns)
      unfinished = true;
    else
      worst = std::max(worst, *f.fault_to_leader_ns);
  }
  return {!r.passed, unfinished, worst, r.leaderless_ns};
}

std::string worst_reason(const SeedRecord& r) {
  const auto [failed, unfinished, worst, leaderless] = badness(r);
  if (failed) {
    std::string names;
    for (const std::string& v : r.violated) names += (names.empty() ? "" : ", ") + v;
    return "failed (" + (names.empty() ? std::string("expected violations did not occur") : names + " violated") + ")";
  }
  if (unfinished) return "a failover with no new leader by the end of the run";
  if (worst >= 0) return "longest fault-to-new-leader: " + seconds_ms(worst) + " s";
  if (leaderless > 0) return "longest leaderless time: " + seconds_ms(leaderless) + " s";
  return "no failover in any seed: the first seed";
}

bool is_window(FaultType t) {
  return t == FaultType::Pause || t == FaultType::Partition || t == FaultType::ApiServerOutage ||
         t == FaultType::ApiServerSlow || t == FaultType::WatchStall;
}

// Drawn from the run's own History: a re-run of a simulated seed, or a live run itself.
Timeline timeline_of(const RunFacts& run, const SeedRecord& record) {
  const Scenario& s = *run.scenario;
  const History& h = *run.history;
  Timeline t;
  t.seed = run.seed;
  t.end_ns = run.end.ns;
  const uint32_t n = static_cast<uint32_t>(s.processes.size());
  std::vector<bool> shown(n, n <= kMaxTimelineRows);
  if (n > kMaxTimelineRows) {
    // Large scenarios: the processes that matter to the story, in process order.
    std::vector<bool> interesting(n, false);
    for (const Leadership& l : h.leaderships) interesting[l.proc] = true;
    for (const FaultRecord& f : h.faults)
      if (f.target) interesting[*f.target] = true;
    size_t count = 0;
    for (uint32_t p = 0; p < n && count < kMaxTimelineRows; ++p)
      if (interesting[p]) shown[p] = true, ++count;
  }
  std::vector<uint32_t> row_of(n, 0);
  for (uint32_t p = 0; p < n; ++p) {
    if (!shown[p]) {
      ++t.hidden_processes;
      continue;
    }
    row_of[p] = static_cast<uint32_t>(t.rows.size());
    t.rows.push_back({s.processes[p].name, s.processes[p].identity, s.lease_keys[s.processes[p].lease]});
  }
  for (const Leadership& l : h.leaderships) {
    if (!shown[l.proc]) continue;
    if (t.bars.size() >= kMaxTimelineBars) {
      ++t.hidden_bars;
      continue;
    }
    t.bars.push_back({row_of[l.proc], l.start.ns, l.end ? l.end->ns : t.end_ns, !l.end, l.end_cause});
  }
  for (size_t i = 0; i < h.faults.size(); ++i) {
    const FaultRecord& f = h.faults[i];
    if (f.is_end) continue;
    const FaultSpec& spec = f.index < s.faults.size() ? s.faults[f.index] : f.spec;  // spec.faults, or injected
    TimelineFault tf;
    tf.index = f.index;
    tf.type = fault_type_name(spec.type);
    tf.target = f.target ? s.processes[*f.target].name : std::string();
    tf.start_ns = f.t.ns;
    tf.window = is_window(spec.type);
    tf.end_ns = tf.window ? t.end_ns : tf.start_ns;
    for (size_t j = i + 1; j < h.faults.size(); ++j)
      if (h.faults[j].is_end && h.faults[j].index == f.index) {
        tf.end_ns = h.faults[j].t.ns;
        break;
      }
    tf.skipped = f.skipped;
    t.faults.push_back(std::move(tf));
  }
  t.failovers = record.failovers;
  for (const PropertyResult& r : run.evaluation->results)
    for (const Violation& v : r.violations) {
      if (t.violations.size() >= kMaxTimelineBars) break;
      TimelineViolation tv{r.name, v.at.ns, v.until ? v.until->ns : v.at.ns, {}};
      for (uint32_t p : v.procs) tv.processes.push_back(s.processes[p].name);
      t.violations.push_back(std::move(tv));
    }
  return t;
}

int verb_rank(const std::string& v) {
  static const char* kOrder[] = {"get", "list", "create", "update", "delete"};
  for (int i = 0; i < 5; ++i)
    if (v == kOrder[i]) return i;
  return 5;
}
int result_rank(const std::string& r) {
  static const char* kOrder[] = {"ok", "conflict", "notFound", "invalid", "timeout", "unavailable"};
  for (int i = 0; i < 6; ++i)
    if (r == kOrder[i]) return i;
  return 6;
}

std::string reproduce(const std::string& file, uint64_t seed) {
  return "leasesim run " + (file.empty() ? std::string("SCENARIO") : shell_quote(file)) + " --seed " +
         std::to_string(seed);
}

PointReport point_report(const ReportPointInput& in, uint32_t index, const std::vector<SeedRecord>& records,
                         const RunResult* prerun, const LiveReportInput* live) {
  PointReport p;
  p.index = index;
  p.settings = in.settings;
  p.scenario_hash = in.scenario_hash;
  p.scenario_file = in.scenario_file;
  p.valid = in.scenario != nullptr;
  p.error = in.error;
  std::vector<uint64_t> seeds;
  std::vector<int64_t> to_leader, gaps;
  std::map<std::string, std::pair<CauseSummary, std::vector<int64_t>>> causes;
  std::map<std::string, uint64_t> violating;
  std::map<std::tuple<int, std::string, int, std::string>, uint64_t> api;
  for (const SeedRecord& r : records) {
    seeds.push_back(r.seed);
    ++p.seeds;
    if (!r.passed) ++p.failed;
    for (const RecordedFailover& f : r.failovers) {
      ++p.episodes;
      auto& [summary, values] = causes[f.cause];
      summary.cause = f.cause;
      ++summary.episodes;
      if (f.fault_to_leader_ns) {
        to_leader.push_back(*f.fault_to_leader_ns);
        values.push_back(*f.fault_to_leader_ns);
      } else {
        ++p.without_leader;
        ++summary.without_leader;
      }
      if (f.leaderless_gap_ns) gaps.push_back(*f.leaderless_gap_ns);
    }
    for (const RecordedProperty& prop : r.properties)
      if (prop.violation_count > 0) ++violating[prop.name];
    p.leaderless_ns += r.leaderless_ns;
    p.simulated_ns += r.simulated_ns;
    p.holder_changes += r.holder_changes;
    p.leaderships += r.leaderships;
    p.reads += r.api_requests(false) - r.api_requests(true);
    p.writes += r.api_requests(true);
    p.committed_writes += r.committed_writes;
    p.events += r.events;
    for (const ApiCount& c : r.api) api[{verb_rank(c.verb), c.verb, result_rank(c.result), c.result}] += c.count;
  }
  p.seed_ranges = ranges_of(seeds);
  for (const auto& [key, n] : api) p.api.push_back({std::get<1>(key), std::get<3>(key), n});
  for (auto& [name, n] : violating) p.seeds_violating.emplace_back(name, n);
  for (auto& [cause, entry] : causes) {
    if (!entry.second.empty()) entry.first.fault_to_leader = percentiles(entry.second);
    p.causes.push_back(entry.first);
  }
  std::sort(to_leader.begin(), to_leader.end());
  if (!to_leader.empty()) {
    p.fault_to_leader = percentiles(to_leader);
    p.histogram = histogram_of(to_leader);
    p.cdf = cdf_of(to_leader);
  }
  if (!gaps.empty()) p.leaderless_gap = percentiles(gaps);
  if (!p.valid) return p;

  const Scenario& s = *in.scenario;
  p.assumed = scenario_settings(s);
  p.identity = identity_report(s, records);
  // Node timelines re-run their worst seed; serve runs no kubelets, so a live run has none.
  if (!live) p.nodes = node_report(in.scenario, records, in.scenario_file, prerun);
  p.analytic = analytic_bounds(s);
  if (s.properties.failover_within) p.failover_within_ns = s.properties.failover_within->ns;
  if (s.properties.failover_within_auto) {
    p.failover_within_auto = true;
    if (auto b = analytic_failover_bound(s)) p.failover_within_ns = b->ns;
  }
  if (p.analytic)
    for (const SeedRecord& r : records)
      for (const RecordedFailover& f : r.failovers) {
        if (!f.fault_to_leader_ns || (f.cause != "crash" && f.cause != "stop")) continue;
        ++p.analytic_judged;
        const Duration bound = f.cause == "crash" ? p.analytic->crash_to_leader_max : p.analytic->stop_to_leader_max;
        p.over_analytic_bound += *f.fault_to_leader_ns > bound.ns;
      }
  p.safe = p.seeds > 0 && p.failed == 0 && p.analytic && p.analytic->no_overlap;

  if (live && !records.empty()) {
    // One live run: it is its own "worst seed", drawn from what it recorded, never re-run.
    WorstSeed w;
    w.seed = records.front().seed;
    w.reason = "the live run itself (it cannot be re-run)";
    w.recorded_trace_hash = w.rerun_trace_hash = records.front().trace_hash;
    w.timeline = timeline_of(live->facts, records.front());
    p.worst = std::move(w);
  } else if (!records.empty()) {
    const SeedRecord* worst = &records.front();
    for (const SeedRecord& r : records)
      if (badness(r) > badness(*worst)) worst = &r;
    std::optional<RunResult> fresh;
    if (!prerun || prerun->scenario != in.scenario || prerun->seed != worst->seed)
      fresh.emplace(run_scenario(in.scenario, worst->seed));
    const RunResult& rerun = fresh ? *fresh : *prerun;
    const SeedRecord again = seed_record(rerun, index, in.scenario_hash);
    WorstSeed w;
    w.seed = worst->seed;
    w.reason = worst_reason(*worst);
    w.recorded_trace_hash = worst->trace_hash;
    w.rerun_trace_hash = again.trace_hash;
    w.reproduce = reproduce(in.scenario_file, worst->seed);
    w.timeline = timeline_of(run_facts(rerun), again);
    p.worst = std::move(w);
  }
  return p;
}

ojson ranges_json(const std::vector<std::pair<uint64_t, uint64_t>>& ranges) {
  ojson out = ojson::array();
  for (const auto& [a, b] : ranges) out.push_back(ojson::array({a, b}));
  return out;
}

ojson settings_json(const std::vector<SweepSetting>& settings) {
  ojson out = ojson::object();
  for (const SweepSetting& s : settings) out[s.parameter] = s.value;
  return out;
}

double per(uint64_t count, int64_t ns, double unit_seconds) {
  return ns > 0 ? static_cast<double>(count) * unit_seconds * 1e9 / static_cast<double>(ns) : 0.0;
}

ojson timeline_json(const Timeline& t) {
  ojson rows = ojson::array();
  for (const TimelineRow& r : t.rows)
    rows.push_back(ojson{{"process", r.process}, {"identity", r.identity}, {"lease", r.lease}});
  ojson bars = ojson::array();
  for (const TimelineBar& b : t.bars)
    bars.push_back(ojson{{"process", t.rows[b.row].process},
                         {"start", secs(b.start_ns)},
                         {"end", b.open ? ojson(nullptr) : ojson(secs(b.end_ns))},
                         {"endCause", b.open ? ojson(nullptr) : ojson(b.end_cause)}});
  ojson faults = ojson::array();
  for (const TimelineFault& f : t.faults)
    faults.push_back(ojson{{"index", f.index},
                           {"type", f.type},
                           {"target", f.target.empty() ? ojson(nullptr) : ojson(f.target)},
                           {"start", secs(f.start_ns)},
                           {"end", secs(f.end_ns)},
                           {"skipped", f.skipped.empty() ? ojson(nullptr) : ojson(f.skipped)}});
  ojson fos = ojson::array();
  for (const RecordedFailover& f : t.failovers)
    fos.push_back(ojson{{"from", f.from},
                        {"to", f.to.empty() ? ojson(nullptr) : ojson(f.to)},
                        {"cause", f.cause},
                        {"faultAt", secs(f.fault_at_ns)},
                        {"newLeaderAt", f.new_leader_at_ns ? ojson(secs(*f.new_leader_at_ns)) : ojson(nullptr)}});
  ojson vs = ojson::array();
  for (const TimelineViolation& v : t.violations)
    vs.push_back(ojson{
        {"property", v.property}, {"start", secs(v.start_ns)}, {"end", secs(v.end_ns)}, {"processes", v.processes}});
  return ojson{{"seed", t.seed},      {"end", secs(t.end_ns)},
               {"rows", rows},        {"hiddenProcesses", t.hidden_processes},
               {"leaderships", bars}, {"hiddenLeaderships", t.hidden_bars},
               {"faults", faults},    {"failovers", fos},
               {"violations", vs}};
}

ojson failover_json(const RecordedFailover& f) {
  auto opt = [](const std::optional<int64_t>& v) { return v ? ojson(secs(*v)) : ojson(nullptr); };
  return ojson{{"lease", f.lease},
               {"from", f.from},
               {"to", f.to.empty() ? ojson(nullptr) : ojson(f.to)},
               {"cause", f.cause},
               {"faultAt", secs(f.fault_at_ns)},
               {"newLeaderAt", opt(f.new_leader_at_ns)},
               {"faultToLeader", opt(f.fault_to_leader_ns)},
               {"leaderlessGap", opt(f.leaderless_gap_ns)}};
}

// A live point (live = true) has one sample: its failovers are listed, not summarised, it has
// no seeds to count, and its timeline is the run's own rather than a worst seed's.
ojson point_json(const PointReport& p, bool live) {
  ojson out;
  out["index"] = p.index;
  out["settings"] = settings_json(p.settings);
  out["valid"] = p.valid;
  out["error"] = p.valid ? ojson(nullptr) : ojson(p.error);
  out["scenarioHash"] = p.scenario_hash;
  out["scenarioFile"] = p.scenario_file;
  if (!live) {
    out["seeds"] = ojson{{"count", p.seeds}, {"ranges", ranges_json(p.seed_ranges)}};
    out["passed"] = p.seeds - p.failed;
    out["failed"] = p.failed;
    out["safe"] = p.safe;
    out["verdict"] = p.verdict();
  } else {
    out["passed"] = p.failed == 0;
  }
  ojson fo;
  fo["episodes"] = p.episodes;
  fo["withoutNewLeader"] = p.without_leader;
  if (live) {
    ojson list = ojson::array();
    if (p.worst)
      for (const RecordedFailover& f : p.worst->timeline.failovers) list.push_back(failover_json(f));
    fo["list"] = list;
  } else {
    fo["faultToLeader"] = percentiles_json(p.fault_to_leader);
    fo["leaderlessGap"] = percentiles_json(p.leaderless_gap);
  }
  ojson causes = ojson::array();
  for (const CauseSummary& c : p.causes)
    causes.push_back(ojson{{"cause", c.cause},
                           {"episodes", c.episodes},
                           {"withoutNewLeader", c.without_leader},
                           {"faultToLeader", percentiles_json(c.fault_to_leader)}});
  if (!live) {
    fo["byCause"] = causes;
    fo["histogram"] = p.fault_to_leader ? ojson{{"start", secs(p.histogram.start_ns)},
                                                {"binWidth", secs(p.histogram.width_ns)},
                                                {"counts", p.histogram.counts}}
                                        : ojson(nullptr);
    ojson cdf = ojson::array();
    for (const CdfPoint& c : p.cdf) cdf.push_back(ojson::array({secs(c.value_ns), c.at_or_below}));
    fo["cdf"] = cdf;
  }
  fo["failoverWithin"] = p.failover_within_ns ? ojson{{"bound", secs(*p.failover_within_ns)},
                                                      {"source", p.failover_within_auto ? "analytic" : "explicit"}}
                                              : ojson(nullptr);
  fo["analyticJudged"] = p.analytic_judged;
  fo["overAnalyticBound"] = p.over_analytic_bound;
  out["failover"] = fo;
  if (p.analytic) {
    const AnalyticBounds& b = *p.analytic;
    out["analytic"] = ojson{{"crashToLeaderMax", secs(b.crash_to_leader_max.ns)},
                            {"stopToLeaderMax", secs(b.stop_to_leader_max.ns)},
                            {"failoverBound", secs(b.failover_bound.ns)},
                            {"safetyMargin", secs(b.safety_margin.ns)},
                            {"rateRatioLimit", static_cast<double>(b.rate_ratio_limit_ppb) / 1e9},
                            {"rateRatio", static_cast<double>(b.rate_ratio_ppb) / 1e9},
                            {"noOverlapExpected", b.no_overlap},
                            {"releaseVoidsSafety", b.release_voids_safety},
                            {"assumesNoRequestTimeouts", b.assumes_no_request_timeouts},
                            {"verdict", b.no_overlap ? "SAFE" : "NOT SAFE"},
                            {"assumptions", overlap_verdict(b)}};
  } else {
    out["analytic"] = nullptr;
  }
  ojson assumed = ojson::array();
  for (const auto& [topic, text] : p.assumed) assumed.push_back(ojson{{"topic", topic}, {"text", text}});
  out["assumed"] = assumed;
  const double hours = static_cast<double>(p.simulated_ns) / 3600e9;
  ojson rates;
  rates["basis"] = live ? "per hour (or second) of this one live run, in real time"
                        : "per simulated hour (or second) of this scenario, summed over its seeds";
  rates[live ? "ran" : "simulated"] = secs(p.simulated_ns);
  rates["leaderless"] = secs(p.leaderless_ns);
  rates["leaderlessSecondsPerHour"] = hours > 0 ? secs(p.leaderless_ns) / hours : 0.0;
  rates["holderChanges"] = p.holder_changes;
  rates["holderChangesPerHour"] = per(p.holder_changes, p.simulated_ns, 3600);
  rates["leaderships"] = p.leaderships;
  rates["reads"] = p.reads;
  rates["readsPerSecond"] = per(p.reads, p.simulated_ns, 1);
  rates["writes"] = p.writes;
  rates["writesPerSecond"] = per(p.writes, p.simulated_ns, 1);
  rates["committedWrites"] = p.committed_writes;
  rates["events"] = p.events;
  out["rates"] = rates;
  ojson api = ojson::object();
  for (const ApiCount& c : p.api) api[c.verb][c.result] = c.count;
  out["api"] = api;
  ojson violating = ojson::object();
  for (const auto& [name, n] : p.seeds_violating) violating[name] = n;
  if (!live) out["seedsViolating"] = violating;
  if (live) {
    out["worst"] = nullptr;  // one run has no worst seed; its own timeline follows
    out["timeline"] = p.worst ? timeline_json(p.worst->timeline) : ojson(nullptr);
  } else if (p.worst) {
    out["worst"] = ojson{{"seed", p.worst->seed},
                         {"reason", p.worst->reason},
                         {"traceHash", p.worst->recorded_trace_hash},
                         {"rerunMatches", p.worst->recorded_trace_hash == p.worst->rerun_trace_hash},
                         {"reproduce", p.worst->reproduce},
                         {"timeline", timeline_json(p.worst->timeline)}};
  } else {
    out["worst"] = nullptr;
  }
  if (p.identity) out["identity"] = identity_report_json(*p.identity);
  if (p.nodes) out["nodes"] = node_report_json(*p.nodes);
  return out;
}

}  // namespace

int64_t nearest_rank(const std::vector<int64_t>& sorted, int percent) {
  LS_CHECK(!sorted.empty(), "nearest_rank needs values");
  const uint64_t n = sorted.size();
  uint64_t rank = (static_cast<uint64_t>(percent) * n + 99) / 100;
  rank = std::clamp<uint64_t>(rank, 1, n);
  return sorted[rank - 1];
}

Percentiles percentiles(std::vector<int64_t> values) {
  std::sort(values.begin(), values.end());
  Percentiles p;
  p.count = values.size();
  p.min = values.front();
  p.p50 = nearest_rank(values, 50);
  p.p90 = nearest_rank(values, 90);
  p.p99 = nearest_rank(values, 99);
  p.max = values.back();
  return p;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
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
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string fixed_ratio(__int128 num, __int128 den, int decimals) {
  LS_CHECK(den > 0, "fixed_ratio needs a positive denominator");
  const bool negative = num < 0;
  if (negative) num = -num;
  __int128 scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  const __int128 q = (num * scale * 2 + den) / (den * 2);  // rounded half up
  const __int128 whole = q / scale;
  std::string out = (negative && q != 0 ? "-" : "") + std::to_string(static_cast<uint64_t>(whole));
  if (decimals > 0) {
    std::string frac = std::to_string(static_cast<uint64_t>(q % scale));
    frac.insert(0, static_cast<size_t>(decimals) - frac.size(), '0');
    out += "." + frac;
  }
  return out;
}

std::string seconds_ms(int64_t ns) { return fixed_ratio(ns, 1000000000, 3); }

ojson percentiles_json(const std::optional<Percentiles>& p) {
  if (!p) return nullptr;
  return ojson{{"count", p->count},   {"min", secs(p->min)}, {"p50", secs(p->p50)},
               {"p90", secs(p->p90)}, {"p99", secs(p->p99)}, {"max", secs(p->max)}};
}

Report build_report(const ReportInput& in) {
  LS_CHECK(!in.points.empty(), "a report needs at least one point");
  Report rep;
  rep.scenario_name = in.scenario_name;
  rep.scenario_file = in.scenario_file;
  rep.scenario_hash = in.scenario_hash;
  rep.sweep_parameters = in.sweep_parameters;
  rep.sweep_target = in.sweep_target;
  std::vector<SeedRecord> records = in.records;
  std::sort(records.begin(), records.end(), [](const SeedRecord& a, const SeedRecord& b) {
    return std::tie(a.point, a.seed) < std::tie(b.point, b.seed);
  });
  rep.runs = records.size();
  std::vector<uint64_t> all;
  for (const SeedRecord& r : records) {
    all.push_back(r.seed);
    rep.failed += !r.passed;
  }
  rep.seed_ranges = ranges_of(all);

  auto begin = records.begin();
  for (uint32_t i = 0; i < in.points.size(); ++i) {
    auto end = std::find_if(begin, records.end(), [&](const SeedRecord& r) { return r.point != i; });
    const std::vector<SeedRecord> mine(begin, end);
    begin = end;
    rep.points.push_back(point_report(in.points[i], i, mine, in.prerun, in.live));
    const ReportPointInput& pin = in.points[i];
    for (const SeedRecord& r : mine) {
      const std::vector<std::string> expected =
          pin.scenario ? pin.scenario->expect.violated : std::vector<std::string>{};
      bool any = false;
      for (const RecordedProperty& prop : r.properties) {
        if (prop.violation_count == 0) continue;
        any = true;
        ViolationRow row;
        row.point = i;
        row.seed = r.seed;
        row.property = prop.name;
        row.lease = prop.lease;
        row.count = prop.violation_count;
        if (!prop.violations.empty()) {
          row.at_ns = prop.violations.front().at_ns;
          row.message = prop.violations.front().message;
        }
        row.expected = std::find(expected.begin(), expected.end(), prop.name) != expected.end();
        row.reproduce = reproduce(pin.scenario_file, r.seed);
        rep.violations.push_back(std::move(row));
      }
      if (!r.passed && !any) {
        ViolationRow row;
        row.point = i;
        row.seed = r.seed;
        row.property = "expect";
        std::string names;
        for (const std::string& n : expected) names += (names.empty() ? "" : ", ") + n;
        row.message = "expected [" + names + "] to be violated; none was";
        row.reproduce = reproduce(pin.scenario_file, r.seed);
        rep.violations.push_back(std::move(row));
      }
    }
  }
  LS_CHECK(begin == records.end(), "every record belongs to a point of the report");

  for (const PointReport& p : rep.points) {
    if (!p.safe) continue;
    auto key = [](const PointReport& q) {
      return std::make_tuple(q.fault_to_leader ? q.fault_to_leader->p99 : INT64_MAX,
                             q.analytic ? q.analytic->failover_bound.ns : INT64_MAX, q.index);
    };
    if (!rep.fastest_safe || key(p) < key(rep.points[*rep.fastest_safe])) rep.fastest_safe = p.index;
  }
  return rep;
}

ReportInput one_run_input(const std::shared_ptr<const Scenario>& scenario, const std::string& scenario_file,
                          const std::string& scenario_hash, SeedRecord record) {
  ReportInput in;
  in.scenario_name = scenario->name;
  in.scenario_file = scenario_file;
  in.scenario_hash = scenario_hash;
  in.points.push_back(ReportPointInput{{}, scenario, "", scenario_hash, scenario_file});
  in.records.push_back(std::move(record));
  return in;
}

Report build_live_report(const LiveReportInput& live) {
  LS_CHECK(live.facts.scenario && live.facts.history && live.facts.evaluation, "a live report needs its run");
  ReportInput in = one_run_input(live.facts.scenario, live.scenario_file, live.scenario_hash,
                                 seed_record(live.facts, 0, live.scenario_hash));
  in.live = &live;
  Report r = build_report(in);
  r.live = LiveSummary{live.interrupted, live.facts.trace_hash, live.warnings, live.processes};
  return r;
}

namespace {

// The live block: what a simulated report has no field for.
ojson live_json(const LiveSummary& l, int64_t ran_ns) {
  ojson procs = ojson::array();
  for (const LiveProcessRow& p : l.processes)
    procs.push_back(ojson{{"name", p.name}, {"starts", p.starts}, {"exits", p.exits}, {"log", p.log}});
  return ojson{{"covers", kLiveCovers},
               {"ran", secs(ran_ns)},
               {"interrupted", l.interrupted},
               {"traceHash", l.trace_hash},
               {"reproducible", false},
               {"warnings", l.warnings},
               {"processes", procs}};
}

}  // namespace

nlohmann::ordered_json report_json(const Report& r) {
  ojson out;
  out["format"] = "leasesim-report/v1";
  if (r.live) out["mode"] = "live";
  out["scenario"] = r.scenario_name;
  out["file"] = r.scenario_file;
  out["scenarioHash"] = r.scenario_hash;
  if (r.live) {
    const int64_t ran = r.points.empty() ? 0 : r.points.front().simulated_ns;
    out["live"] = live_json(*r.live, ran);
    out["passed"] = r.failed == 0;
  } else {
    out["seeds"] = ojson{{"runs", r.runs}, {"ranges", ranges_json(r.seed_ranges)}};
    out["passed"] = r.runs - r.failed;
    out["failed"] = r.failed;
  }
  out["sweep"] = r.sweep_parameters.empty()
                     ? ojson(nullptr)
                     : ojson{{"parameters", r.sweep_parameters},
                             {"target", r.sweep_target.empty() ? ojson(nullptr) : ojson(r.sweep_target)},
                             {"fastestSafe", r.fastest_safe ? ojson(*r.fastest_safe) : ojson(nullptr)}};
  ojson points = ojson::array();
  for (const PointReport& p : r.points) points.push_back(point_json(p, r.live.has_value()));
  out["points"] = points;
  ojson vs = ojson::array();
  for (const ViolationRow& v : r.violations) {
    if (r.live) {
      // No seed and no replay command: nothing replays a live run.
      vs.push_back(ojson{{"property", v.property},
                         {"lease", v.lease.empty() ? ojson(nullptr) : ojson(v.lease)},
                         {"count", v.count},
                         {"at", secs(v.at_ns)},
                         {"message", v.message},
                         {"expected", v.expected}});
      continue;
    }
    vs.push_back(ojson{{"point", v.point},
                       {"seed", v.seed},
                       {"property", v.property},
                       {"lease", v.lease.empty() ? ojson(nullptr) : ojson(v.lease)},
                       {"count", v.count},
                       {"at", secs(v.at_ns)},
                       {"message", v.message},
                       {"expected", v.expected},
                       {"reproduce", v.reproduce}});
  }
  out["violations"] = vs;
  return out;
}

}  // namespace leasesim
