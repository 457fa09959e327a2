// campaign_command.cc: `leasesim campaign` and `leasesim report` (see commands.h).
//
// campaign: the work is the list of (valid sweep point, seed) pairs of this shard; J worker
// threads take indexes from an atomic counter and store each seed's results line at its
// index, so the file is written in (point, seed) order whatever J is: each line is a pure
// function of (point scenario, seed). Wall-clock time only drives the progress bar on a
// terminal; it never reaches a file.
//
// Folder layout: DIR/results.jsonl (one SeedRecord per line, reports/seed_record.h) and
// DIR/campaign.json (what `report` needs besides the lines: the canonical scenario, the seed
// range, the shard, the sweep, each point's scenario hash and validity). results.jsonl is
// written first and campaign.json last, each atomically, so a folder with a campaign.json holds
// complete results. Commit order: both files are complete in unique temporary files first; then
// the old campaign.json is removed, results.jsonl renamed, campaign.json renamed. A kill between
// the renames leaves results without a manifest (an unfinished folder, which `report` refuses),
// never new results with an old manifest; and campaign.json carries "resultsHash", a digest of
// the results lines, which `report` checks, so two campaigns racing into one folder cannot
// pair one's manifest with the other's results unnoticed.
//
// Memory: finished lines wait in a window of kWindowPerJob * jobs slots (a worker does not take
// a seed further than that ahead of the first unwritten one), so memory does not grow with
// --seeds. One invocation runs at most kMaxRunsPerInvocation (point, seed) pairs; more is an
// input error pointing at --shard.
//
// Shards: `--shard I/N` (I from 0, as Kubernetes' JOB_COMPLETION_INDEX) runs the contiguous
// block of seeds [first + floor(I*count/N), first + floor((I+1)*count/N)) of every point.
//
// report: reads any set of campaign folders (or results files with their campaign.json next to
// them), checks that they belong to one campaign (same scenario hash and sweep) and that no
// (point, seed) appears twice, rebuilds the point scenarios from the embedded canonical YAML,
// and writes the report (cli/report_files.h). The Report depends only on the set of records,
// so any split into shards gives the same bytes.
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "cli/atomic_file.h"
#include "cli/campaign_manifest.h"
#include "cli/commands.h"
#include "cli/report_files.h"
#include "cli/live_only.h"
#include "cli/scenario_loader.h"
#include "cli/scenario_writer.h"
#include "cli/sweep.h"
#include "cli/sweep_verdict.h"
#include "core/check.h"
#include "core/hash.h"
#include "core/shell_quote.h"
#include "properties/node_detection.h"

namespace leasesim {
namespace {

using Json = nlohmann::ordered_json;

constexpr uint64_t kWindowPerJob = 1024;
// The summary keeps one integer per failover episode for its percentiles; ten million runs keep
// that below a few hundred megabytes.
constexpr uint64_t kMaxRunsPerInvocation = 10000000;

struct Shard {
  uint64_t index = 0;
  uint64_t count = 1;
};

std::optional<Shard> parse_shard(const std::string& text, std::string* error) {
  if (text.empty()) return Shard{};
  const size_t slash = text.find('/');
  auto parse_u64 = [](const std::string& s, uint64_t* v) {
    if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos) return false;
    *v = std::stoull(s);
    return true;
  };
  Shard shard;
  if (slash == std::string::npos || !parse_u64(text.substr(0, slash), &shard.index) ||
      !parse_u64(text.substr(slash + 1), &shard.count) || shard.count == 0 || shard.index >= shard.count) {
    *error = "--shard " + text + ": expected I/N with 0 <= I < N (I counts from 0, like JOB_COMPLETION_INDEX)";
    return std::nullopt;
  }
  return shard;
}

// The seeds of shard I/N of [first, first + count): a contiguous block.
std::pair<uint64_t, uint64_t> shard_seeds(uint64_t first, uint64_t count, const Shard& s) {
  const auto lo = static_cast<uint64_t>((static_cast<unsigned __int128>(count) * s.index) / s.count);
  const auto hi = static_cast<uint64_t>((static_cast<unsigned __int128>(count) * (s.index + 1)) / s.count);
  return {first + lo, hi - lo};
}

Json sweep_json(const SweepSpec& spec) {
  if (spec.parameters.empty()) return nullptr;
  Json params = Json::array();
  for (const SweepParameter& p : spec.parameters) params.push_back(Json{{"name", p.name}, {"values", p.values}});
  return Json{{"parameters", params}, {"target", spec.target.empty() ? Json(nullptr) : Json(spec.target)}};
}

std::optional<SweepSpec> sweep_from_json(const Json& j) {
  SweepSpec spec;
  if (j.is_null()) return spec;
  if (!j.is_object() || !j.contains("parameters") || !j["parameters"].is_array()) return std::nullopt;
  for (const Json& p : j["parameters"]) {
    if (!p.is_object() || !p.contains("name") || !p["name"].is_string() || !p.contains("values") ||
        !p["values"].is_array())
      return std::nullopt;
    SweepParameter param{p["name"].get<std::string>(), {}};
    for (const Json& v : p["values"]) {
      if (!v.is_string()) return std::nullopt;
      param.values.push_back(v.get<std::string>());
    }
    spec.parameters.push_back(std::move(param));
  }
  if (j.contains("target") && j["target"].is_string()) spec.target = j["target"].get<std::string>();
  return spec;
}

Json settings_json(const std::vector<SweepSetting>& settings) {
  Json out = Json::object();
  for (const SweepSetting& s : settings) out[s.parameter] = s.value;
  return out;
}

std::string settings_text(const std::vector<SweepSetting>& settings) {
  std::string out;
  for (const SweepSetting& s : settings) out += (out.empty() ? "" : " ") + s.parameter + "=" + s.value;
  return out;
}

// Per-point tallies for the summary printed on stdout.
struct PointTally {
  uint64_t runs = 0;
  uint64_t failed = 0;
  std::optional<uint64_t> first_failed_seed;
  std::vector<int64_t> to_leader;
  uint64_t without_leader = 0;
  // Node scenarios: fault to Ready=Unknown per detection episode, the episodes whose node was
  // never set Unknown by the end of the run, and the pods evicted over all runs.
  bool nodes = false;
  std::vector<int64_t> node_detection;
  uint64_t node_undetected = 0;
  uint64_t pods_evicted = 0;
};

// "; node detection p50 ... (analytic bound ...); N pods evicted" for a point with kubelets.
std::string node_tally_text(const PointTally& t, const Scenario& scenario) {
  if (!t.nodes) return "";
  std::string out = "; node detection ";
  if (t.node_detection.empty()) {
    out += "none";
  } else {
    const Percentiles q = percentiles(t.node_detection);
    out += "p50 " + seconds_ms(q.p50) + "s p99 " + seconds_ms(q.p99) + "s max " + seconds_ms(q.max) + "s over " +
           std::to_string(t.node_detection.size()) + " episodes";
  }
  if (t.node_undetected) out += ", " + std::to_string(t.node_undetected) + " never set Unknown";
  if (auto b = node_detection_bound(scenario)) {
    const auto over = std::count_if(t.node_detection.begin(), t.node_detection.end(), [&](int64_t d) { return d > b->ns; });
    out += " (analytic bound " + seconds_ms(b->ns) + "s, " + std::to_string(over) + " over it)";
  }
  return out + "; " + std::to_string(t.pods_evicted) + " pods evicted";
}

double seconds_of(int64_t ns) { return static_cast<double>(ns) / 1e9; }

Json node_tally_json(const PointTally& t, const Scenario* scenario) {
  if (!t.nodes) return Json(nullptr);
  Json j{{"episodes", t.node_detection.size() + t.node_undetected},
         {"detected", t.node_detection.size()},
         {"neverUnknown", t.node_undetected},
         {"podsEvicted", t.pods_evicted}};
  if (!t.node_detection.empty()) {
    const Percentiles q = percentiles(t.node_detection);
    j["detectionSeconds"] = Json{{"p50", seconds_of(q.p50)}, {"p99", seconds_of(q.p99)}, {"max", seconds_of(q.max)}};
  }
  const std::optional<Duration> b = scenario ? node_detection_bound(*scenario) : std::nullopt;
  j["analyticBoundSeconds"] = b ? Json(seconds_of(b->ns)) : Json(nullptr);
  return j;
}

void draw_progress(std::ostream& err, uint64_t done, uint64_t total, uint64_t failed, double seconds) {
  constexpr int kWidth = 30;
  const int filled = total ? static_cast<int>(done * kWidth / total) : kWidth;
  err << "\r[" << std::string(static_cast<size_t>(filled), '#')
      << std::string(static_cast<size_t>(kWidth - filled), '-') << "] " << done << "/" << total << " runs, " << failed
      << " failed, " << static_cast<uint64_t>(seconds) << "s " << std::flush;
}

}  // namespace

int campaign_command(const CampaignOptions& o, std::ostream& out, std::ostream& err) {
  if (o.seeds == 0) {
    err << "leasesim campaign: --seeds must be at least 1\n";
    return 2;
  }
  if (o.jobs > 256) {
    err << "leasesim campaign: --jobs must be between 1 and 256 (0 = one per hardware thread)\n";
    return 2;
  }
  if (o.out_dir.empty()) {
    err << "leasesim campaign: --out DIR is required\n";
    return 2;
  }
  std::string problem;
  const std::optional<Shard> shard = parse_shard(o.shard, &problem);
  if (!shard) {
    err << "leasesim campaign: " << problem << "\n";
    return 2;
  }
  LoadResult loaded = load_scenario_file(o.file);
  if (!loaded.ok()) {
    for (const Diagnostic& d : loaded.errors) err << d.format() << "\n";
    err << o.file << ": " << loaded.errors.size() << (loaded.errors.size() == 1 ? " error" : " errors") << "\n";
    return 2;
  }
  if (auto refusal = live_only_refusal(*loaded.scenario, o.file, "campaign")) {
    err << *refusal << "\n";
    return 2;
  }
  const Scenario base = std::move(*loaded.scenario);
  const uint64_t first = o.first_seed.value_or(base.seed);
  if (first > UINT64_MAX - (o.seeds - 1)) {
    err << "leasesim campaign: --first-seed + --seeds overflows 64-bit seeds\n";
    return 2;
  }
  const std::optional<SweepSpec> sweep = parse_sweep(o.sweep, o.sweep_target, base, &problem);
  if (!sweep) {
    err << "leasesim campaign: " << problem << "\n";
    return 2;
  }
  const std::vector<SweepPoint> points = sweep_points(base, *sweep);
  std::vector<uint32_t> valid;
  for (uint32_t i = 0; i < points.size(); ++i) {
    const SweepPoint& p = points[i];
    if (p.scenario && p.scenario->properties.failover_within_auto && !analytic_failover_bound(*p.scenario)) {
      err << o.file << ": spec.properties.failoverWithin: \"auto\" needs a model with an analytic bound "
          << "(client-go-elector on every process of the lease); give a duration instead\n";
      return 2;
    }
    if (p.scenario)
      valid.push_back(i);
    else
      err << "leasesim campaign: point " << i << " (" << settings_text(p.settings) << ") is invalid: " << p.error
          << "\n";
  }
  if (valid.empty()) {
    err << "leasesim campaign: every sweep point is invalid; nothing to run\n";
    return 2;
  }
  // Plain variables rather than a structured binding: clang 14 does not let lambdas capture
  // structured bindings (a C++20 feature it lacks).
  const std::pair<uint64_t, uint64_t> shard_range = shard_seeds(first, o.seeds, *shard);
  const uint64_t shard_first = shard_range.first;
  const uint64_t shard_count = shard_range.second;
  const uint64_t total = shard_count * valid.size();
  const uint32_t jobs =
      o.jobs ? o.jobs : std::max<uint32_t>(1, std::min<uint32_t>(256, std::thread::hardware_concurrency()));
  if (shard_count > kMaxRunsPerInvocation / valid.size()) {
    err << "leasesim campaign: this invocation would run " << shard_count << " seeds x " << valid.size()
        << " points; one invocation runs at most " << kMaxRunsPerInvocation
        << " (point, seed) pairs: lower --seeds or split the campaign with --shard I/N"
        << " (e.g. --shard 0/" << (shard_count / (kMaxRunsPerInvocation / valid.size()) + 1)
        << ") and merge the shards with `leasesim report`\n";
    return 2;
  }

  // results.jsonl is open before any work starts (an unwritable --out fails at once) and is
  // written in index order as a contiguous prefix completes, so memory holds only the lines that
  // finished ahead of a slower one. Tallies for the summary are taken in the same order.
  const std::filesystem::path dir(o.out_dir);
  AtomicFile results((dir / "results.jsonl").string());
  if (results.error()) {
    err << "leasesim campaign: " << *results.error() << "\n";
    return 2;
  }
  struct Finished {
    bool ready = false;
    bool passed = true;
    std::string line;
    std::vector<std::optional<int64_t>> to_leader;  // per failover episode
    bool nodes = false;
    std::vector<std::optional<int64_t>> node_detection;  // per node detection episode
    uint64_t pods_evicted = 0;
  };
  // A ring of `window` slots: index i lives in finished[i % window] while it waits to be written.
  const uint64_t window = std::max<uint64_t>(1, std::min<uint64_t>(total, kWindowPerJob * jobs));
  std::vector<Finished> finished(window);
  std::vector<PointTally> tallies(points.size());
  uint64_t written = 0;
  Hasher results_hash;
  std::atomic<uint64_t> next{0}, done{0}, failed{0};
  std::mutex mu;  // guards finished, tallies, written, results_hash, the results stream and the errors
  std::condition_variable advanced;  // `written` moved on, or the campaign stops
  std::string internal_error;
  bool out_of_memory = false;
  bool stopping = false;  // an error: waiting workers give up
  auto worker = [&] {
    for (;;) {
      const uint64_t i = next.fetch_add(1);
      if (i >= total) return;
      {
        // Wait until slot i % window is free. Every index below `written + window` is already
        // taken by a worker that does not wait, so `written` keeps moving.
        std::unique_lock<std::mutex> lock(mu);
        advanced.wait(lock, [&] { return i < written + window || stopping; });
        if (i >= written + window) return;
      }
      const uint32_t point = valid[i / shard_count];
      const uint64_t seed = shard_first + i % shard_count;
      Finished f;
      try {
        const RunResult run = run_scenario(points[point].scenario, seed);
        const SeedRecord record = seed_record(run, point, points[point].hash);
        f.ready = true;
        f.passed = record.passed;
        f.line = seed_record_line(record);
        for (const RecordedFailover& e : record.failovers) f.to_leader.push_back(e.fault_to_leader_ns);
        f.nodes = record.nodes;
        for (const RecordedNodeDetection& d : record.node_detections)
          f.node_detection.push_back(d.unknown_at_ns ? std::optional(*d.unknown_at_ns - d.fault_at_ns) : std::nullopt);
        if (record.evictions) f.pods_evicted = record.evictions->pods;
      } catch (const std::bad_alloc&) {
        std::lock_guard<std::mutex> lock(mu);
        out_of_memory = true;
        stopping = true;
        next.store(total);
        advanced.notify_all();
        return;
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mu);
        if (internal_error.empty())
          internal_error = "point " + std::to_string(point) + " seed " + std::to_string(seed) + ": " + e.what();
        stopping = true;
        next.store(total);
        advanced.notify_all();
        return;
      }
      if (!f.passed) failed.fetch_add(1);
      std::lock_guard<std::mutex> lock(mu);
      finished[i % window] = std::move(f);
      for (; written < total && finished[written % window].ready; ++written) {
        Finished& w = finished[written % window];
        results.stream() << w.line << "\n";
        results_hash.bytes(w.line);
        PointTally& t = tallies[valid[written / shard_count]];
        ++t.runs;
        if (!w.passed) {
          ++t.failed;
          if (!t.first_failed_seed) t.first_failed_seed = shard_first + written % shard_count;
        }
        for (const std::optional<int64_t>& d : w.to_leader) {
          if (d)
            t.to_leader.push_back(*d);
          else
            ++t.without_leader;
        }
        t.nodes = t.nodes || w.nodes;
        for (const std::optional<int64_t>& d : w.node_detection) {
          if (d)
            t.node_detection.push_back(*d);
          else
            ++t.node_undetected;
        }
        t.pods_evicted += w.pods_evicted;
        w = Finished{};  // the line is on its way to the file; the slot is free for index + window
      }
      advanced.notify_all();
      done.fetch_add(1);
    }
  };
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (uint32_t j = 0; j < std::min<uint64_t>(jobs, std::max<uint64_t>(total, 1)); ++j) threads.emplace_back(worker);
  if (o.progress) {
    while (done.load() < total) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!internal_error.empty() || out_of_memory) break;
      }
      draw_progress(err, done.load(), total, failed.load(),
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  for (std::thread& t : threads) t.join();
  if (o.progress) {
    draw_progress(err, done.load(), total, failed.load(),
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    err << "\n";
  }
  if (out_of_memory) {
    err << "leasesim campaign: out of memory while running a seed: lower spec.bounds.maxEvents, spec.duration, "
           "the number of processes or --jobs\n";
    return 2;  // `results` is dropped uncommitted: no partial results.jsonl
  }
  if (!internal_error.empty()) {
    err << "leasesim campaign: internal error in " << internal_error
        << "\nThis is a bug in leasesim. Please report it with the scenario file, the seed and this message.\n";
    return 3;  // `results` is dropped uncommitted: no partial results.jsonl
  }
  LS_CHECK(written == total, "every finished run was written");
  if (auto e = results.finish()) {
    err << "leasesim campaign: " << *e << "\n";
    return 2;
  }
  char hash_hex[17];
  Json manifest;
  manifest["format"] = kCampaignFormat;
  manifest["scenario"] = base.name;
  manifest["file"] = o.file;
  manifest["scenarioHash"] = scenario_hash(scenario_to_yaml(base));
  manifest["seeds"] = Json{{"first", first}, {"count", o.seeds}};
  manifest["shard"] =
      Json{{"index", shard->index}, {"count", shard->count}, {"first", shard_first}, {"seeds", shard_count}};
  manifest["sweep"] = sweep_json(*sweep);
  Json pts = Json::array();
  for (uint32_t i = 0; i < points.size(); ++i) {
    const SweepPoint& p = points[i];
    pts.push_back(Json{{"index", i},
                       {"settings", settings_json(p.settings)},
                       {"valid", p.scenario != nullptr},
                       {"error", p.scenario ? Json(nullptr) : Json(p.error)},
                       {"scenarioHash", p.hash},
                       {"runs", tallies[i].runs},
                       {"failed", tallies[i].failed},
                       {"nodes", node_tally_json(tallies[i], p.scenario.get())}});
  }
  manifest["points"] = pts;
  manifest["runs"] = total;
  manifest["failed"] = failed.load();
  manifest["scenarioYaml"] = scenario_to_yaml(base);
  manifest["resultsHash"] = hex64(results_hash.digest(), hash_hex);
  // Both files are complete; publish them in the order that never pairs new results with an
  // old manifest (see the top of this file).
  AtomicFile manifest_file((dir / "campaign.json").string());
  if (!manifest_file.error())
    manifest_file.stream() << manifest.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
  std::optional<std::string> problem_writing = manifest_file.finish();
  if (!problem_writing && !manifest_file.writes_through() && ::unlink(manifest_file.target().c_str()) != 0 &&
      errno != ENOENT)
    problem_writing = "cannot remove the old " + manifest_file.target() + ": " + std::strerror(errno);
  if (!problem_writing) problem_writing = results.publish();
  if (!problem_writing) problem_writing = manifest_file.publish();
  if (problem_writing) {
    err << "leasesim campaign: " << *problem_writing << "\n";
    return 2;
  }

  out << "campaign   " << base.name << " (" << o.file << ")\nseeds      ";
  if (shard_count)
    out << shard_first << ".." << (shard_first + shard_count - 1) << " (" << shard_count << " seeds";
  else
    out << "none (an empty shard: more shards than seeds";
  if (shard->count > 1)
    out << ", shard " << shard->index << "/" << shard->count << " of " << first << ".." << (first + o.seeds - 1);
  out << ")" << (points.size() > 1 ? ", " + std::to_string(points.size()) + " sweep points" : "") << "\n";
  for (uint32_t i = 0; i < points.size(); ++i) {
    const PointTally& t = tallies[i];
    out << (points.size() > 1 ? "point " + std::to_string(i) + "    " + settings_text(points[i].settings) + ": "
                              : "result     ");
    if (!points[i].scenario) {
      out << "invalid: " << points[i].error << "\n";
      continue;
    }
    out << t.runs << " runs, " << t.failed << " failed";
    if (!t.to_leader.empty()) {
      const Percentiles q = percentiles(t.to_leader);
      out << "; fault to new leader p50 " << seconds_ms(q.p50) << "s p99 " << seconds_ms(q.p99) << "s max "
          << seconds_ms(q.max) << "s";
    }
    if (t.without_leader) out << "; " << t.without_leader << " episodes without a new leader";
    if (auto b = analytic_failover_bound(*points[i].scenario)) out << " (analytic bound " << seconds_ms(b->ns) << "s)";
    out << node_tally_text(t, *points[i].scenario) << "\n";
    if (t.first_failed_seed)
      out << "           first failure: leasesim run " << shell_quote(o.file) << " --seed " << *t.first_failed_seed
          << (points.size() > 1 ? " (with this point's settings; `report` writes its scenario file)" : "") << "\n";
  }
  std::vector<VerdictRow> rows;
  bool unsafe = false;
  for (uint32_t i = 0; i < points.size(); ++i) {
    const PointTally& t = tallies[i];
    VerdictRow row;
    row.index = i;
    row.settings = settings_text(points[i].settings);
    row.valid = points[i].scenario != nullptr;
    row.runs = t.runs;
    row.failed = t.failed;
    if (!t.to_leader.empty()) row.to_leader = percentiles(t.to_leader);
    row.without_leader = t.without_leader;
    if (row.valid) row.analytic = analytic_bounds(*points[i].scenario);
    unsafe = unsafe || analytically_unsafe(row);
    rows.push_back(std::move(row));
  }
  print_verdict_table(out, rows, points.size() > 1);
  out << "wrote      " << (dir / "results.jsonl").string() << ", " << (dir / "campaign.json").string() << "\n";
  if (unsafe && o.fail_on_unsafe) out << "exit 1     --fail-on-unsafe: a point is NOT SAFE by the analytic bounds\n";
  return failed.load() || (unsafe && o.fail_on_unsafe) ? 1 : 0;
}

namespace {

struct Input {
  std::string campaign_path;
  std::string results_path;
  Json manifest;
};

// A file or folder argument of `report` -> its campaign.json and results file.
Input locate(const std::string& arg) {
  namespace fs = std::filesystem;
  Input in;
  std::error_code ec;
  if (fs::is_directory(arg, ec)) {
    in.campaign_path = (fs::path(arg) / "campaign.json").string();
    in.results_path = (fs::path(arg) / "results.jsonl").string();
  } else if (fs::path(arg).filename() == "campaign.json") {
    in.campaign_path = arg;
    in.results_path = (fs::path(arg).parent_path() / "results.jsonl").string();
  } else {
    in.results_path = arg;
    in.campaign_path = (fs::path(arg).parent_path() / "campaign.json").string();
  }
  return in;
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return std::nullopt;
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace

int report_command(const ReportOptions& o, std::ostream& out, std::ostream& err) {
  if (o.inputs.empty() || o.out_dir.empty()) {
    err << "leasesim report: give RESULTS... (campaign folders or results files) and --out DIR\n";
    return 2;
  }
  std::vector<Input> inputs;
  for (const std::string& arg : o.inputs) {
    std::error_code missing;
    if (!std::filesystem::exists(arg, missing)) {
      err << "leasesim report: " << arg << ": no such file or folder\n";
      return 2;
    }
    Input in = locate(arg);
    const std::optional<std::string> text = read_file(in.campaign_path);
    if (!text) {
      err << "leasesim report: " << arg << ": cannot read " << in.campaign_path
          << " (a campaign folder holds campaign.json and results.jsonl; an unfinished shard has no campaign.json)\n";
      return 2;
    }
    try {
      in.manifest = Json::parse(*text);
    } catch (const std::exception& e) {
      err << "leasesim report: " << in.campaign_path << ": not valid JSON: " << e.what() << "\n";
      return 2;
    }
    if (auto problem = manifest_problem(in.manifest)) {
      err << "leasesim report: " << in.campaign_path << ": " << *problem << "\n";
      return 2;
    }
    inputs.push_back(std::move(in));
  }
  // One campaign: same scenario, same sweep. The first input is the reference.
  const Json& ref = inputs.front().manifest;
  for (const Input& in : inputs) {
    if (in.manifest["scenarioHash"] != ref["scenarioHash"]) {
      err << "leasesim report: " << in.campaign_path << " ran scenario "
          << in.manifest["scenarioHash"].get<std::string>() << " (" << in.manifest.value("scenario", "") << "), but "
          << inputs.front().campaign_path << " ran " << ref["scenarioHash"].get<std::string>() << " ("
          << ref.value("scenario", "") << "): only shards of one campaign merge\n";
      return 2;
    }
    if (in.manifest.value("sweep", Json()) != ref.value("sweep", Json())) {
      err << "leasesim report: " << in.campaign_path << " and " << inputs.front().campaign_path
          << " swept different parameters: only shards of one campaign merge\n";
      return 2;
    }
  }
  const std::optional<SweepSpec> sweep = sweep_from_json(ref.value("sweep", Json()));
  if (!sweep) {
    err << "leasesim report: " << inputs.front().campaign_path << ": malformed \"sweep\"\n";
    return 2;
  }
  LoadResult loaded = load_scenario_text(ref["scenarioYaml"].get<std::string>(), "campaign-scenario.yaml");
  if (!loaded.ok()) {
    err << "leasesim report: the scenario embedded in " << inputs.front().campaign_path
        << " does not load with this leasesim build:\n";
    for (const Diagnostic& d : loaded.errors) err << "  " << d.format() << "\n";
    return 2;
  }
  Scenario base = std::move(*loaded.scenario);
  // The file of reproduce commands: the smallest recorded path, so input order does not matter.
  std::string file;
  for (const Input& in : inputs) {
    const std::string f = in.manifest.value("file", "");
    if (file.empty() || (!f.empty() && f < file)) file = f;
  }
  base.source_path = file;
  const std::vector<SweepPoint> points = sweep_points(base, *sweep);
  if (points.size() != ref["points"].size()) {
    err << "leasesim report: " << inputs.front().campaign_path << " lists " << ref["points"].size()
        << " points; this build makes " << points.size() << " from its sweep\n";
    return 2;
  }
  ReportInput rin;
  rin.scenario_name = base.name;
  rin.scenario_file = file;
  rin.scenario_hash = ref["scenarioHash"].get<std::string>();
  for (const SweepParameter& p : sweep->parameters) rin.sweep_parameters.push_back(p.name);
  rin.sweep_target = sweep->target;
  std::vector<std::pair<std::string, std::string>> extra;
  for (uint32_t i = 0; i < points.size(); ++i) {
    const SweepPoint& p = points[i];
    const Json& recorded = ref["points"][i];
    if (p.scenario && recorded.value("scenarioHash", "") != p.hash) {
      err << "leasesim report: point " << i << " of " << inputs.front().campaign_path << " has scenario hash "
          << recorded.value("scenarioHash", "") << ", this leasesim build makes " << p.hash
          << ": report with the leasesim build that ran the campaign\n";
      return 2;
    }
    ReportPointInput pin{p.settings, p.scenario, p.error, p.hash, file};
    if (!sweep->parameters.empty() && p.scenario) {
      // A sweep point exists only as settings; its scenario file is written next to the report
      // and named relative to the report folder, so report.json does not depend on --out.
      pin.scenario_file = "point-" + std::to_string(i) + ".yaml";
      extra.emplace_back(pin.scenario_file, p.canonical_yaml);
    }
    rin.points.push_back(std::move(pin));
  }
  // Records: parse, check membership, refuse overlaps.
  std::map<std::pair<uint32_t, uint64_t>, std::string> seen;  // (point, seed) -> file
  for (const Input& in : inputs) {
    std::ifstream f(in.results_path, std::ios::binary);
    if (!f) {
      err << "leasesim report: cannot read " << in.results_path << "\n";
      return 2;
    }
    // The file's digest is taken before any line is judged: when it differs from the manifest's
    // resultsHash, the root cause (another writer's file, or an edit) is named with whatever
    // line-level error comes first, instead of only a symptom such as a seed of another shard.
    std::string line;
    bool hash_differs = false;
    {
      Hasher whole;
      while (std::getline(f, line)) whole.bytes(line);
      char hex[17];
      hash_differs = in.manifest.contains("resultsHash") &&
                     in.manifest["resultsHash"] != std::string(hex64(whole.digest(), hex));
      f.clear();
      f.seekg(0);
    }
    const std::string hash_note =
        hash_differs ? " (and the file's resultsHash differs from " + in.campaign_path +
                           ": two campaigns wrote into one folder, or the file was edited)"
                     : std::string();
    uint64_t n = 0;
    while (std::getline(f, line)) {
      ++n;
      if (line.empty()) continue;
      std::string why;
      std::optional<SeedRecord> r;
      try {
        r = parse_seed_record(Json::parse(line), &why);
      } catch (const std::exception& e) {
        why = std::string("not valid JSON: ") + e.what();
      }
      if (!r) {
        err << "leasesim report: " << in.results_path << ":" << n << ": " << why << hash_note << "\n";
        return 2;
      }
      if (r->point >= rin.points.size() || !rin.points[r->point].scenario) {
        err << "leasesim report: " << in.results_path << ":" << n << ": point " << r->point
            << " is not a valid point of the campaign" << hash_note << "\n";
        return 2;
      }
      const ManifestSeeds seeds = manifest_seeds(in.manifest);
      if (r->seed < seeds.shard_first || r->seed - seeds.shard_first >= seeds.shard_seeds) {
        err << "leasesim report: " << in.results_path << ":" << n << ": seed " << r->seed
            << " is not one of this shard's seeds (" << in.campaign_path << " ran "
            << (seeds.shard_seeds ? std::to_string(seeds.shard_first) + ".." +
                                        std::to_string(seeds.shard_first + seeds.shard_seeds - 1)
                                  : std::string("none"))
            << ")" << hash_note << "\n";
        return 2;
      }
      if (r->scenario_hash != rin.points[r->point].scenario_hash) {
        err << "leasesim report: " << in.results_path << ":" << n << ": scenario hash " << r->scenario_hash
            << " does not match the campaign's " << rin.points[r->point].scenario_hash
            << " (results of another scenario mixed in?)" << hash_note << "\n";
        return 2;
      }
      auto [it, inserted] = seen.emplace(std::make_pair(r->point, r->seed), in.results_path);
      if (!inserted) {
        err << "leasesim report: seed " << r->seed << (points.size() > 1 ? " of point " + std::to_string(r->point) : "")
            << " is in both " << it->second << " and " << in.results_path
            << ": the inputs overlap (the same shard twice, or shards of differently split campaigns)" << hash_note
            << "\n";
        return 2;
      }
      rin.records.push_back(std::move(*r));
    }
    const uint64_t promised = in.manifest["runs"].get<uint64_t>();
    uint64_t got = 0;
    for (const auto& [key, path] : seen) got += path == in.results_path;
    if (got != promised) {
      err << "leasesim report: " << in.results_path << " has " << got << " results, " << in.campaign_path
          << " promises " << promised << ": the file is truncated or from another run" << hash_note << "\n";
      return 2;
    }
    if (hash_differs) {
      err << "leasesim report: " << in.results_path << " is not the results file " << in.campaign_path
          << " was written with (its resultsHash differs): two campaigns wrote into one folder, or the file was "
             "edited; run the campaign again into an empty folder\n";
      return 2;
    }
  }
  if (rin.records.empty()) {
    err << "leasesim report: no results to report on\n";
    return 2;
  }
  // Missing shards are worth a note, not a failure: a partial merge is still a true report.
  if (ref.contains("seeds") && ref["seeds"].is_object()) {
    const uint64_t first = ref["seeds"].value("first", uint64_t{0}), count = ref["seeds"].value("count", uint64_t{0});
    std::set<uint64_t> have;
    for (const auto& [key, path] : seen)
      if (key.second >= first && key.second - first < count) have.insert(key.second);
    const uint64_t missing = count - have.size();
    if (missing)
      err << "leasesim report: note: " << missing << " of the campaign's " << count << " seeds (" << first << ".."
          << (first + count - 1) << ") are not in the inputs (shards missing?); the report covers the others\n";
  }
  const Report report = build_report(rin);
  if (auto e = write_report_files(report, o.out_dir, extra)) {
    err << "leasesim report: " << *e << "\n";
    return 2;
  }
  const std::filesystem::path dir(o.out_dir);
  out << "report     " << (dir / "report.html").string() << "\n           " << (dir / "report.md").string()
      << "\n           " << (dir / "report.json").string() << "\nruns       " << report.runs << " (" << report.failed
      << " failed, " << report.violations.size() << " violations listed)\n";
  for (const PointReport& p : report.points) {
    if (!p.valid || !p.fault_to_leader) continue;
    out << (report.points.size() > 1 ? "point " + std::to_string(p.index) + "    " : "failover   ") << "p50 "
        << seconds_ms(p.fault_to_leader->p50) << "s p99 " << seconds_ms(p.fault_to_leader->p99) << "s max "
        << seconds_ms(p.fault_to_leader->max) << "s"
        << (p.analytic ? ", analytic bound " + seconds_ms(p.analytic->failover_bound.ns) + "s" : "") << "\n";
  }
  if (!report.sweep_parameters.empty())
    out << "fastest safe setting: "
        << (report.fastest_safe ? settings_text(report.points[*report.fastest_safe].settings) : std::string("none"))
        << "\n";
  return 0;
}

}  // namespace leasesim
