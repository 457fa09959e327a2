// report.h: the failover timing report of a campaign (many seeds, maybe a sweep) or of one run.
//
// Contract (docs/cli.md section 4 "Report"):
// - build_report is a pure function of its input *as a set*: records may come in any order
//   (shards, threads), they are sorted by (point, seed) first, and every statistic is computed
//   from integers (nanoseconds, counts), so merging any split of a campaign gives the same
//   Report, and report_json / report_markdown / report_html give the same bytes.
// - Percentiles are nearest-rank on the sorted integer nanoseconds: pP = the value at rank
//   ceil(P * n / 100). Histogram bins and CDF points are chosen from the integers too.
// - The worst seed of each valid point (a failed seed first, then an episode with no new leader,
//   then the longest fault-to-new-leader, then the longest leaderless time; ties to the smaller
//   seed) is re-run in-process from the point's scenario to draw its timeline (leaderships and
//   fault windows). Its trace hash is compared with the recorded one; a mismatch means another
//   leasesim build produced the records, and the report says so instead of failing.
// - A point is *safe* when it is valid, no seed failed and the analytic bounds (docs/models/client-go-elector.md
//   section 5) rule out overlap; the *fastest safe* point has the smallest p99
//   fault-to-new-leader (ties: smaller analytic failover bound, then lower index).
// - Every rendering opens with the verdict: PASS / FAIL over the seeds, SAFE / NOT SAFE from the
//   analytic bounds with the margin and the tolerated clock-rate ratio, the settings assumed, and
//   the headline failover figures. Rates per hour are stated as per simulated hour of the
//   scenario and never headline. A single run that failed shows its violations and timeline
//   before anything else, and a distribution is drawn only from several samples.
// - report_html is self-contained: inline CSS and SVG, no script, no network. Every string
//   that comes from a scenario or a record (names, identities, messages, file paths) is
//   escaped with html_escape, in text and in attributes alike.
// - A live run (`leasesim serve`, build_live_report) is reported by the same builder as one
//   point with one record; its timeline is drawn from the run's own History, since a live run
//   cannot be re-run. Its renderings say that it is one run in real time, not reproducible by
//   seed and not a campaign: its failovers are listed one by one (no percentiles of one
//   sample, no distribution), rates are per hour of that run, and its warnings (skipped faults,
//   programs that could not start or exited on their own) are listed next to the verdict, so a
//   PASS never hides them.
// Leaves out: reading or writing files (cli/ does, atomically), scenario parsing, and turning a
// LiveRun into a LiveReportInput (cli/report_files.h: reports/ sits below live/).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "properties/analytic.h"
#include "reports/seed_record.h"

namespace leasesim {

struct SweepSetting {
  std::string parameter;
  std::string value;
  bool operator==(const SweepSetting&) const = default;
};

struct ReportPointInput {
  std::vector<SweepSetting> settings;        // empty without a sweep
  std::shared_ptr<const Scenario> scenario;  // null when the point is invalid
  std::string error;                         // why the point is invalid
  std::string scenario_hash;
  std::string scenario_file;  // the FILE of reproduce commands
};

struct LiveProcessRow {
  std::string name;
  uint32_t starts = 0;
  std::vector<std::string> exits;  // one description per incarnation that ended
  std::string log;
};

// One live run, as the report needs it.
struct LiveReportInput {
  RunFacts facts;  // facts.scenario is not null
  std::string scenario_file;
  std::string scenario_hash;
  bool interrupted = false;
  std::vector<std::string> warnings;
  std::vector<LiveProcessRow> processes;
};

struct ReportInput {
  std::string scenario_name;
  std::string scenario_file;
  std::string scenario_hash;                  // of the base scenario
  std::vector<std::string> sweep_parameters;  // empty = no sweep
  std::string sweep_target;                   // "" = the default targets
  std::vector<ReportPointInput> points;       // at least one
  std::vector<SeedRecord> records;            // any order; (point, seed) unique
  // A finished run the caller already has (`run --report`): used for the timeline when it is
  // the worst seed of its point's scenario, instead of running that seed again.
  const RunResult* prerun = nullptr;
  // A live run: the one record's timeline is drawn from it (nothing is re-run).
  const LiveReportInput* live = nullptr;
};

// The input of a report over one finished run (`run --report`, `serve`): one point, one record.
ReportInput one_run_input(const std::shared_ptr<const Scenario>& scenario, const std::string& scenario_file,
                          const std::string& scenario_hash, SeedRecord record);

struct Percentiles {
  uint64_t count = 0;
  int64_t min = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;
};

struct Histogram {
  int64_t start_ns = 0;
  int64_t width_ns = 0;
  std::vector<uint64_t> counts;
};

struct CdfPoint {
  int64_t value_ns = 0;
  uint64_t at_or_below = 0;
};

struct CauseSummary {
  std::string cause;
  uint64_t episodes = 0;
  uint64_t without_leader = 0;
  std::optional<Percentiles> fault_to_leader;
};

struct TimelineRow {
  std::string process;
  std::string identity;
  std::string lease;
};

struct TimelineBar {
  uint32_t row = 0;
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  bool open = false;  // still leading at the end of the run
  std::string end_cause;
};

struct TimelineFault {
  uint32_t index = 0;
  std::string type;
  std::string target;  // process name, "" for API server faults
  int64_t start_ns = 0;
  int64_t end_ns = 0;  // == start_ns for instant faults
  bool window = false;
  std::string skipped;
};

// A violation drawn on the timeline (singleLeader overlaps are intervals; others instants).
struct TimelineViolation {
  std::string property;
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  std::vector<std::string> processes;
};

struct Timeline {
  uint64_t seed = 0;
  int64_t end_ns = 0;
  std::vector<TimelineRow> rows;
  uint64_t hidden_processes = 0;  // never led, never hit by a fault: not drawn (large scenarios)
  std::vector<TimelineBar> bars;
  uint64_t hidden_bars = 0;  // past kMaxTimelineBars
  std::vector<TimelineFault> faults;
  std::vector<RecordedFailover> failovers;
  std::vector<TimelineViolation> violations;  // at most kMaxTimelineBars
};

inline constexpr size_t kMaxTimelineRows = 40;
// Fewer fault-to-new-leader samples than this are listed, not drawn as a distribution.
inline constexpr uint64_t kMinDistributionSamples = 5;
inline constexpr size_t kMaxTimelineBars = 2000;

struct WorstSeed {
  uint64_t seed = 0;
  std::string reason;
  std::string recorded_trace_hash;
  std::string rerun_trace_hash;
  std::string reproduce;
  Timeline timeline;
};

struct ViolationRow {
  uint32_t point = 0;
  uint64_t seed = 0;
  std::string property;  // "expect" when the seed failed only because an expected violation did not occur
  std::string lease;
  uint64_t count = 0;
  int64_t at_ns = 0;
  std::string message;
  bool expected = false;  // listed in the scenario's expect.violated
  std::string reproduce;
};

// API server identity over a point's seeds (reports/identity_report.h): how long the lease of
// an instance that went down for good lingered after its last renewal, and what the identity
// leases cost in writes.
struct IdentityReport {
  uint64_t episodes = 0;       // instances down for good, over all seeds
  uint64_t not_collected = 0;  // their lease still present at the end of the run
  std::optional<Percentiles> linger;  // last renewal -> deletion, collected episodes
  Histogram histogram;                // of linger, when there is one
  std::optional<int64_t> bound_ns;    // staleIdentityCollectedWithin's bound (analytic for auto)
  bool bound_auto = false;
  uint64_t over_bound = 0;            // collected later than the bound
  uint64_t writes = 0;                // committed writes to identity leases
  int64_t simulated_ns = 0;
};

// Node heartbeats over a point's seeds (reports/node_report.h): how long until a kubelet that
// stopped heartbeating had its Node set Ready=Unknown, against the nodeNotReadyWithin bound, and
// the Ready (and taint) timeline per node of the worst seed.
struct NodeTimelineSpan {
  std::string what;  // a Ready status ("True", "False", "Unknown") or a taint "key:effect"
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  bool taint = false;
};
struct NodeTimelineRow {
  std::string node;
  std::string zone;
  std::vector<NodeTimelineSpan> spans;
};
struct NodeReport {
  uint64_t episodes = 0;
  uint64_t undetected = 0;  // no Unknown by the end of the run
  std::optional<Percentiles> detection;
  Histogram histogram;
  std::vector<CdfPoint> cdf;
  std::optional<int64_t> bound_ns;  // nodeNotReadyWithin (the analytic bound for auto)
  bool bound_auto = false;
  uint64_t over_bound = 0;  // detections later than the bound
  std::map<std::string, uint64_t> causes;  // episodes by fault type
  // The worst seed for nodes: an episode never detected first, then the longest detection.
  std::optional<uint64_t> worst_seed;
  std::string worst_reason;
  std::string worst_reproduce;
  int64_t worst_end_ns = 0;
  std::vector<NodeTimelineRow> timeline;  // at most kMaxTimelineRows nodes, changed ones first
  uint64_t hidden_nodes = 0;
  // Taint-based evictions, over the seed records that carry them (SeedRecord::evictions).
  uint64_t eviction_seeds = 0;   // records with eviction figures
  uint64_t evicting_seeds = 0;   // of those, the seeds that evicted at least one pod
  uint64_t eviction_writes = 0;  // summed
  uint64_t pods_evicted = 0;     // summed
  std::optional<Percentiles> pods_per_seed;            // over eviction_seeds (counts, not times)
  std::optional<Percentiles> fault_to_first_eviction;  // seeds with a fault and an eviction
};

// A point's verdict, as the campaign's table and report.json give it: "INVALID", "NO BOUND"
// (nothing to judge safety by: a lone replica, a model without bounds), "NOT SAFE" (the bounds
// allow two leaders), "FAILED" (a seed failed) or "SAFE".
inline std::string safety_verdict(bool valid, const std::optional<AnalyticBounds>& analytic, uint64_t failed) {
  if (!valid) return "INVALID";
  if (!analytic) return "NO BOUND";
  if (!analytic->no_overlap) return "NOT SAFE";
  if (failed) return "FAILED";
  return "SAFE";
}

struct PointReport {
  uint32_t index = 0;
  std::vector<SweepSetting> settings;
  bool valid = true;
  std::string error;
  std::string scenario_hash;
  std::string scenario_file;
  std::vector<std::pair<uint64_t, uint64_t>> seed_ranges;  // inclusive, ascending
  uint64_t seeds = 0;
  uint64_t failed = 0;
  uint64_t episodes = 0;
  uint64_t without_leader = 0;
  std::optional<Percentiles> fault_to_leader;
  std::optional<Percentiles> leaderless_gap;
  Histogram histogram;
  std::vector<CdfPoint> cdf;
  std::vector<CauseSummary> causes;  // sorted by cause name
  std::optional<AnalyticBounds> analytic;
  std::optional<int64_t> failover_within_ns;  // the failoverWithin bound applied, if any
  bool failover_within_auto = false;
  // Crash episodes above the analytic crash bound plus stop episodes above the stop bound. The
  // bounds cover only those two causes (docs/models/client-go-elector.md section 5): partitions, pauses and
  // API server faults are not judged against them.
  uint64_t over_analytic_bound = 0;
  uint64_t analytic_judged = 0;  // crash and stop episodes with a new leader
  int64_t leaderless_ns = 0;
  int64_t simulated_ns = 0;
  uint64_t holder_changes = 0;
  uint64_t leaderships = 0;
  uint64_t reads = 0;
  uint64_t writes = 0;
  uint64_t committed_writes = 0;
  uint64_t events = 0;
  std::vector<ApiCount> api;                                      // summed, in verb and result order
  std::vector<std::pair<std::string, uint64_t>> seeds_violating;  // property -> seeds, by name
  std::optional<WorstSeed> worst;
  // Every seed passed and the analytic bounds rule out two leaders. False also when no bound
  // applies (a lone replica, a model without one): verdict() tells the cases apart.
  bool safe = false;
  // The campaign's verdict column for this point (safety_verdict below).
  std::string verdict() const { return safety_verdict(valid, analytic, failed); }
  // What the verdict assumed, in words (reports/scenario_settings.h): (topic, text) rows.
  std::vector<std::pair<std::string, std::string>> assumed;
  std::optional<IdentityReport> identity;  // scenarios with kube-apiserver processes only
  std::optional<NodeReport> nodes;         // scenarios with kubelets only
};

// What only a live run has: how it ended and what it could not do.
struct LiveSummary {
  bool interrupted = false;
  std::string trace_hash;  // printed, but real time makes it differ from run to run
  std::vector<std::string> warnings;
  std::vector<LiveProcessRow> processes;
};

struct Report {
  std::optional<LiveSummary> live;  // set for a live run (build_live_report)
  std::string scenario_name;
  std::string scenario_file;
  std::string scenario_hash;
  std::vector<std::string> sweep_parameters;
  std::string sweep_target;
  std::vector<std::pair<uint64_t, uint64_t>> seed_ranges;  // every seed of any point
  uint64_t runs = 0;                                       // records (point x seed)
  uint64_t failed = 0;                                     // records that did not pass
  std::vector<PointReport> points;
  std::vector<ViolationRow> violations;  // by (point, seed), then property order of the record
  std::optional<uint32_t> fastest_safe;
};

// The value at nearest rank ceil(percent * n / 100) of an ascending, non-empty vector.
int64_t nearest_rank(const std::vector<int64_t>& sorted, int percent);
Percentiles percentiles(std::vector<int64_t> values);  // values non-empty; sorted inside
// Bins of a 1-2-5 width over [min, max] of the values (ascending, non-empty).
Histogram histogram_of(const std::vector<int64_t>& sorted);
// CDF points: every distinct value of a small sample, 400 nearest-rank quantiles otherwise.
std::vector<CdfPoint> cdf_of(const std::vector<int64_t>& sorted);

// Escapes & < > " ' for HTML text and attribute values alike.
std::string html_escape(std::string_view text);
// Escapes text for Markdown: & < > as entities, | and newlines so a table row stays whole.
std::string markdown_escape(std::string_view text);

Report build_report(const ReportInput& input);
Report build_live_report(const LiveReportInput& live);
nlohmann::ordered_json report_json(const Report& report);
std::string report_markdown(const Report& report);
std::string report_html(const Report& report);

// Shared by the three renderers (report_format.cc): seconds rounded to milliseconds, exact
// integer arithmetic ("16.504", "-0.250"), and a ratio num/den scaled, with `decimals` digits.
std::string seconds_ms(int64_t ns);
std::string fixed_ratio(__int128 num, __int128 den, int decimals);
// Percentiles of durations as JSON (count, and min/p50/p90/p99/max in seconds), as report.json
// and the node section write them; null when absent.
nlohmann::ordered_json percentiles_json(const std::optional<Percentiles>& p);

}  // namespace leasesim
