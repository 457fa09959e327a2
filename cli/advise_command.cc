// advise_command.cc: `leasesim advise` (commands.h; contract in docs/advise.md).
//
// One answer to "are these client-go timings safe, and how fast do they fail over?" from the
// SRE's terms (cli/advise_terms.h):
// 1. writes the scenarios it uses to OUT/scenarios/ (crash, stop, partition, drift, check), so
//    every figure can be rerun with `leasesim run`;
// 2. the analytic bounds (client-go spec section 5) of the drift scenario: its clocks are the
//    dangerous ones, so its margin and tolerated clock-rate ratio decide safety analytically;
// 3. a campaign of --seeds seeds of crash, stop, partition and drift, on --jobs threads, each
//    with its own report folder under the report directory;
// 4. a bounded `check` of the cut-down drift case, through check_command, whose counterexample
//    file replays with `leasesim run`. A search that a bound cut short is reported as "bounded
//    check inconclusive", never as verified;
// 5. the verdict: NOT SAFE when the analytic bounds allow two leaders, or a campaign seed or the
//    check shows two leaders (singleLeader) or a miscounted leaseTransitions; SAFE otherwise. With
//    NOT SAFE comes one replayable counterexample: the check's file, else the first failing seed.
// Every run is a pure function of its scenario and seed, and the records are kept in seed
// order, so the output does not depend on --jobs; only the wall-clock time shown does not repeat.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <thread>

#include "cli/advise_terms.h"
#include "cli/atomic_file.h"
#include "cli/commands.h"
#include "cli/report_files.h"
#include "cli/scenario_loader.h"
#include "cli/scenario_writer.h"
#include "cli/sweep_verdict.h"
#include "properties/analytic.h"
#include "reports/report.h"

namespace leasesim {
namespace {

using Json = nlohmann::ordered_json;

struct CampaignOutcome {
  std::string name;
  std::string file;
  Report report;
  bool safety_violated = false;  // singleLeader or transitionsMatch in some seed
  std::string first_violation;   // its reproduce command and message
};

enum class CheckOutcome { Verified, Inconclusive, Counterexample, Error };

struct CheckResult {
  CheckOutcome outcome = CheckOutcome::Error;
  std::string result_line;  // check's own "result" line
  std::string counterexample;
  std::string replay;
};

bool is_safety(const std::string& property) { return property == "singleLeader" || property == "transitionsMatch"; }

// Seeds 1..seeds of one scenario on `jobs` threads; records in seed order.
std::vector<SeedRecord> run_seeds(const std::shared_ptr<const Scenario>& s, const std::string& hash, uint64_t seeds,
                                  uint32_t jobs) {
  std::vector<SeedRecord> records(seeds);
  std::atomic<uint64_t> next{0};
  std::mutex mu;
  std::string error;
  auto worker = [&] {
    for (uint64_t i; (i = next.fetch_add(1)) < seeds;) {
      try {
        records[i] = seed_record(run_scenario(s, i + 1), 0, hash);
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mu);
        if (error.empty()) error = s->name + " seed " + std::to_string(i + 1) + ": " + e.what();
        next.store(seeds);
      }
    }
  };
  std::vector<std::thread> threads;
  for (uint32_t j = 0; j < std::min<uint64_t>(jobs, seeds); ++j) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  if (!error.empty()) throw std::runtime_error(error);
  return records;
}

// Seconds rounded to milliseconds, for figures a person compares ("26.800s").
std::string s3(Duration d) { return seconds_ms(d.ns) + "s"; }

std::string pct_text(const std::optional<Percentiles>& p) {
  if (!p) return "no failover";
  return "p50 " + seconds_ms(p->p50) + "s p99 " + seconds_ms(p->p99) + "s max " + seconds_ms(p->max) + "s";
}

std::string check_words(CheckOutcome o) {
  switch (o) {
    case CheckOutcome::Verified: return "verified within its bounds";
    case CheckOutcome::Inconclusive: return "bounded check inconclusive";
    case CheckOutcome::Counterexample: return "counterexample found";
    case CheckOutcome::Error: return "check failed to run";
  }
  return "";
}

// The advice's headline figures (count, p50, p99, max in seconds), fewer than a report's.
Json headline_percentiles_json(const std::optional<Percentiles>& p) {
  if (!p) return nullptr;
  return Json{{"count", p->count},
              {"p50", static_cast<double>(p->p50) / 1e9},
              {"p99", static_cast<double>(p->p99) / 1e9},
              {"max", static_cast<double>(p->max) / 1e9}};
}

}  // namespace

int advise_command(const AdviseOptions& o, std::ostream& out, std::ostream& err) {
  std::vector<std::string> problems;
  const std::optional<AdviseTerms> terms = parse_advise_terms(o.terms, &problems);
  if (o.seeds == 0 || o.seeds > 1000000) problems.push_back("--seeds " + std::to_string(o.seeds) + ": between 1 and 1000000");
  if (o.jobs > 256) problems.push_back("--jobs " + std::to_string(o.jobs) + ": between 1 and 256 (0 = one per core)");
  if (o.check_states == 0) problems.push_back("--check-states: at least 1");
  if (!terms || !problems.empty()) {
    for (const std::string& p : problems) err << "leasesim advise: " << p << "\n";
    return 2;
  }
  namespace fs = std::filesystem;
  const fs::path dir(o.out_dir);
  const fs::path report_dir = o.report_dir.empty() ? dir / "report" : fs::path(o.report_dir);
  const uint32_t jobs =
      o.jobs ? o.jobs : std::max<uint32_t>(1, std::min<uint32_t>(256, std::thread::hardware_concurrency()));

  // 1. The scenarios, written and loaded back: what runs is exactly what a user can rerun.
  std::vector<std::pair<std::string, std::shared_ptr<const Scenario>>> scenarios;
  for (const auto& [name, yaml] : advise_scenarios(*terms)) {
    const std::string path = (dir / "scenarios" / (name + ".yaml")).string();
    if (auto e = write_file_atomically(path, yaml)) {
      err << "leasesim advise: " << *e << "\n";
      return 2;
    }
    LoadResult loaded = load_scenario_file(path);
    if (!loaded.ok()) {
      err << "leasesim advise: internal error: the scenario it wrote does not load:\n";
      for (const Diagnostic& d : loaded.errors) err << "  " << d.format() << "\n";
      return 3;
    }
    scenarios.emplace_back(name, std::make_shared<const Scenario>(std::move(*loaded.scenario)));
  }
  auto scenario = [&](const std::string& name) {
    for (const auto& [n, s] : scenarios)
      if (n == name) return s;
    return std::shared_ptr<const Scenario>();
  };

  out << "advise     leaseDuration " << format_duration(terms->lease_duration) << ", renewDeadline "
      << format_duration(terms->renew_deadline) << ", retryPeriod " << format_duration(terms->retry_period)
      << (terms->release_on_cancel ? ", releaseOnCancel" : "") << "; " << terms->replicas << " replicas; standby clocks +"
      << terms->drift_ppm << "ppm (rate " << drift_rate_text(terms->drift_ppm) << "); one-way latency "
      << format_duration(terms->latency.min) << "-" << format_duration(terms->latency.max) << "; " << o.seeds
      << " seeds each\n";
  out << "scenarios  " << (dir / "scenarios").string() << "/{crash,stop,partition,drift,check}.yaml\n";

  // 2. The analytic bounds: drift for safety (its clocks), crash and stop for failover.
  const std::optional<AnalyticBounds> drift_bounds = analytic_bounds(*scenario("drift"));
  const std::optional<AnalyticBounds> base_bounds = analytic_bounds(*scenario("crash"));
  if (!drift_bounds || !base_bounds) {
    err << "leasesim advise: internal error: no analytic bounds for client-go scenarios\n";
    return 3;
  }
  const AnalyticBounds& b = *drift_bounds;
  out << "analytic   margin " << s3(b.safety_margin) << "; clock-rate ratio " << ratio_floor(b.rate_ratio_ppb)
      << " vs tolerated < " << ratio_floor(b.rate_ratio_limit_ppb) << ": " << overlap_verdict(b)
      << (b.release_voids_safety ? " (releaseOnCancel: a release can overwrite a new holder, hazard 2.4a)" : "")
      << "\n           failover <= " << s3(base_bounds->crash_to_leader_max) << " after a crash, <= "
      << s3(base_bounds->stop_to_leader_max) << " after a stop\n";

  // 3. Campaigns.
  const auto started = std::chrono::steady_clock::now();
  std::vector<CampaignOutcome> campaigns;
  for (const char* name : {"crash", "stop", "partition", "drift"}) {
    const std::shared_ptr<const Scenario> s = scenario(name);
    CampaignOutcome c;
    c.name = name;
    c.file = s->source_path;
    const std::string hash = scenario_hash(scenario_to_yaml(*s));
    ReportInput rin;
    rin.scenario_name = s->name;
    rin.scenario_file = s->source_path;
    rin.scenario_hash = hash;
    rin.points.push_back(ReportPointInput{{}, s, "", hash, s->source_path});
    try {
      rin.records = run_seeds(s, hash, o.seeds, jobs);
    } catch (const std::exception& e) {
      err << "leasesim advise: internal error in " << e.what()
          << "\nThis is a bug in leasesim. Please report it with the scenario file, the seed and this message.\n";
      return 3;
    }
    c.report = build_report(rin);
    for (const ViolationRow& v : c.report.violations) {
      if (!is_safety(v.property) || v.expected) continue;
      c.safety_violated = true;
      if (c.first_violation.empty()) c.first_violation = v.reproduce + "   (" + v.property + ": " + v.message + ")";
    }
    if (auto e = write_report_files(c.report, (report_dir / name).string())) {
      err << "leasesim advise: " << *e << "\n";
      return 2;
    }
    const PointReport& p = c.report.points[0];
    out << "campaign   " << name << ": " << p.seeds << " seeds, " << p.failed << " failed; failover " << pct_text(p.fault_to_leader);
    if (p.analytic) out << " (analytic bound " << seconds_ms(p.analytic->failover_bound.ns) << "s)";
    if (p.without_leader) out << "; " << p.without_leader << " episodes without a new leader";
    out << "\n";
    for (const auto& [property, n] : p.seeds_violating) out << "           " << property << " violated in " << n << " seeds\n";
    campaigns.push_back(std::move(c));
  }
  const double campaign_secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  // 4. The bounded check, through the command itself (its counterexample is checked by replay).
  CheckResult check;
  {
    CheckOptions co;
    co.file = scenario("check")->source_path;
    co.max_states = o.check_states;
    co.out_dir = (dir / "check").string();
    std::ostringstream check_out, check_err;
    const int code = check_command(co, check_out, check_err);
    std::istringstream lines(check_out.str());
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("result     ", 0) == 0) check.result_line = line.substr(11);
      if (line.rfind("replay     ", 0) == 0) check.replay = line.substr(11);
    }
    if (code == 1) {
      check.outcome = CheckOutcome::Counterexample;
      check.counterexample = (dir / "check" / "check.counterexample.yaml").string();
    } else if (code == 0 && check.result_line.rfind("verified", 0) == 0) {
      check.outcome = CheckOutcome::Verified;
    } else if (code == 0 || code == 4) {
      check.outcome = CheckOutcome::Inconclusive;
    } else {
      check.outcome = CheckOutcome::Error;
      check.result_line = "exit " + std::to_string(code) + ": " + check_err.str();
    }
  }
  out << "check      " << check_words(check.outcome) << " (check.yaml, at most " << o.check_states
      << " states): " << check.result_line << "\n";

  // 5. The verdict.
  std::vector<std::string> reasons;
  if (!b.no_overlap) reasons.push_back("the analytic bounds allow two leaders (" + std::string(overlap_verdict(b)) + ")");
  for (const CampaignOutcome& c : campaigns)
    if (c.safety_violated) reasons.push_back("the " + c.name + " campaign showed a safety violation");
  if (check.outcome == CheckOutcome::Counterexample) reasons.push_back("the bounded check found a counterexample");
  const bool safe = reasons.empty();
  std::string counterexample;
  if (check.outcome == CheckOutcome::Counterexample) counterexample = "leasesim run " + check.counterexample;
  for (const CampaignOutcome& c : campaigns)
    if (counterexample.empty() && c.safety_violated) counterexample = c.first_violation;

  const PointReport& crash = campaigns[0].report.points[0];
  const PointReport& stop = campaigns[1].report.points[0];
  out << "\nverdict    " << (safe ? "SAFE" : "NOT SAFE") << ": margin " << s3(b.safety_margin)
      << ", clock-rate ratio " << ratio_floor(b.rate_ratio_ppb) << " tolerated < " << ratio_floor(b.rate_ratio_limit_ppb)
      << "\n";
  for (const std::string& r : reasons) out << "           because " << r << "\n";
  if (safe) {
    out << "           assumes " << overlap_verdict(b) << "; "
        << (check.outcome == CheckOutcome::Verified ? "the bounded check verified the cut-down case within its bounds"
                                                     : std::string(check_words(check.outcome)) + " (a bound cut the search short)")
        << "\n";
  }
  out << "failover   after a crash " << pct_text(crash.fault_to_leader) << " (analytic bound "
      << s3(base_bounds->crash_to_leader_max) << ")\n"
      << "           after a stop  " << pct_text(stop.fault_to_leader) << " (analytic bound "
      << s3(base_bounds->stop_to_leader_max) << ")\n";
  if (!counterexample.empty()) out << "counterexample " << counterexample << "\n";

  // 6. One report with all of it: advise.json, advise.md and index.html beside each campaign's.
  Json j;
  j["format"] = "leasesim-advise/v1";
  j["terms"] = Json{{"leaseDuration", format_duration(terms->lease_duration)},
                    {"renewDeadline", format_duration(terms->renew_deadline)},
                    {"retryPeriod", format_duration(terms->retry_period)},
                    {"releaseOnCancel", terms->release_on_cancel},
                    {"replicas", terms->replicas},
                    {"clockDriftPpm", terms->drift_ppm},
                    {"latency", Json{{"min", format_duration(terms->latency.min)}, {"max", format_duration(terms->latency.max)}}},
                    {"seeds", o.seeds}};
  j["verdict"] = safe ? "SAFE" : "NOT SAFE";
  j["reasons"] = reasons;
  j["analytic"] = Json{{"safetyMargin", static_cast<double>(b.safety_margin.ns) / 1e9},
                       {"rateRatio", static_cast<double>(b.rate_ratio_ppb) / 1e9},
                       {"rateRatioLimit", static_cast<double>(b.rate_ratio_limit_ppb) / 1e9},
                       {"noOverlapExpected", b.no_overlap},
                       {"assumptions", overlap_verdict(b)},
                       {"crashToLeaderMax", static_cast<double>(base_bounds->crash_to_leader_max.ns) / 1e9},
                       {"stopToLeaderMax", static_cast<double>(base_bounds->stop_to_leader_max.ns) / 1e9}};
  Json cj = Json::array();
  for (const CampaignOutcome& c : campaigns) {
    const PointReport& p = c.report.points[0];
    Json violating = Json::object();
    for (const auto& [property, n] : p.seeds_violating) violating[property] = n;
    cj.push_back(Json{{"name", c.name},
                      {"scenario", fs::relative(c.file, report_dir).string()},
                      {"report", c.name + "/report.html"},
                      {"seeds", p.seeds},
                      {"failed", p.failed},
                      {"faultToLeader", headline_percentiles_json(p.fault_to_leader)},
                      {"seedsViolating", violating},
                      {"safetyViolated", c.safety_violated}});
  }
  j["campaigns"] = cj;
  j["check"] = Json{{"outcome", check_words(check.outcome)}, {"result", check.result_line},
                    {"counterexample", check.counterexample.empty() ? Json(nullptr) : Json(check.counterexample)}};
  j["counterexample"] = counterexample.empty() ? Json(nullptr) : Json(counterexample);

  std::ostringstream md;
  md << "# leasesim advise: " << (safe ? "SAFE" : "NOT SAFE") << "\n\n"
     << "Terms: leaseDuration " << format_duration(terms->lease_duration) << ", renewDeadline "
     << format_duration(terms->renew_deadline) << ", retryPeriod " << format_duration(terms->retry_period)
     << (terms->release_on_cancel ? ", releaseOnCancel" : "") << "; " << terms->replicas << " replicas; standby clocks +"
     << terms->drift_ppm << "ppm; one-way latency " << format_duration(terms->latency.min) << "-"
     << format_duration(terms->latency.max) << "; " << o.seeds << " seeds per campaign.\n\n"
     << "Safety margin " << s3(b.safety_margin) << "; clock-rate ratio " << ratio_floor(b.rate_ratio_ppb)
     << ", tolerated < " << ratio_floor(b.rate_ratio_limit_ppb) << ": " << overlap_verdict(b) << ".\n\n";
  for (const std::string& r : reasons) md << "- NOT SAFE because " << r << "\n";
  if (!counterexample.empty()) md << "\nCounterexample (replays): `" << counterexample << "`\n";
  md << "\n| scenario | seeds | failed | fault to new leader | analytic bound | report |\n|---|---|---|---|---|---|\n";
  for (const CampaignOutcome& c : campaigns) {
    const PointReport& p = c.report.points[0];
    md << "| " << c.name << " | " << p.seeds << " | " << p.failed << " | " << pct_text(p.fault_to_leader) << " | "
       << (p.analytic ? seconds_ms(p.analytic->failover_bound.ns) + " s" : std::string("-")) << " | " << c.name
       << "/report.md |\n";
  }
  md << "\nBounded check of the cut-down drift case: " << check_words(check.outcome) << " (" << check.result_line << ").\n";

  std::ostringstream html;
  html << "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>leasesim advise</title><style>"
          "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}"
          "td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}.safe{color:#075}.unsafe{color:#b00}"
          "</style></head><body>\n<h1 class=\""
       << (safe ? "safe\">SAFE" : "unsafe\">NOT SAFE") << "</h1>\n<p>" << html_escape(md.str().substr(md.str().find("Terms:"), md.str().find("\n\n", md.str().find("Terms:")) - md.str().find("Terms:")))
       << "</p>\n<p>Safety margin " << html_escape(s3(b.safety_margin)) << "; clock-rate ratio "
       << ratio_floor(b.rate_ratio_ppb) << ", tolerated &lt; " << ratio_floor(b.rate_ratio_limit_ppb) << ": "
       << html_escape(overlap_verdict(b)) << ".</p>\n<ul>";
  for (const std::string& r : reasons) html << "<li>NOT SAFE because " << html_escape(r) << "</li>";
  html << "</ul>\n";
  if (!counterexample.empty()) html << "<p>Counterexample (replays): <code>" << html_escape(counterexample) << "</code></p>\n";
  html << "<table><tr><th>scenario</th><th>seeds</th><th>failed</th><th>fault to new leader</th><th>analytic bound</th></tr>\n";
  for (const CampaignOutcome& c : campaigns) {
    const PointReport& p = c.report.points[0];
    html << "<tr><td><a href=\"" << html_escape(c.name) << "/report.html\">" << html_escape(c.name) << "</a></td><td>"
         << p.seeds << "</td><td>" << p.failed << "</td><td>" << html_escape(pct_text(p.fault_to_leader)) << "</td><td>"
         << (p.analytic ? seconds_ms(p.analytic->failover_bound.ns) + " s" : std::string("-")) << "</td></tr>\n";
  }
  html << "</table>\n<p>Bounded check of the cut-down drift case: " << html_escape(check_words(check.outcome)) << " ("
       << html_escape(check.result_line) << ").</p>\n</body></html>\n";
  for (const auto& [name, text] : {std::pair<std::string, std::string>{"advise.json", j.dump(2) + "\n"},
                                   {"advise.md", md.str()}, {"index.html", html.str()}}) {
    if (auto e = write_file_atomically((report_dir / name).string(), text)) {
      err << "leasesim advise: " << *e << "\n";
      return 2;
    }
  }
  char took[64];
  std::snprintf(took, sizeof took, "%.1f", campaign_secs);
  out << "report     " << (report_dir / "index.html").string() << " (campaigns took " << took << "s on " << jobs
      << " threads)\n";
  return safe ? 0 : 1;
}

}  // namespace leasesim
