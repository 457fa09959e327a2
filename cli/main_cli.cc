// main_cli.cc: the command-line grammar (CLI11), mapping it onto commands.h.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <new>
#include <optional>

#include "cli/commands.h"
#include "cli/diff_real.h"
#include "cli/int_flags.h"
#include "cli/path_checks.h"
#include "core/check.h"

namespace leasesim {
namespace {

void add_advise_options(CLI::App* cmd, AdviseOptions& o) {
  cmd->add_option("--lease-duration", o.terms.lease_duration, "LeaseDuration, e.g. 15s")->required();
  cmd->add_option("--renew-deadline", o.terms.renew_deadline, "RenewDeadline, e.g. 10s")->required();
  cmd->add_option("--retry-period", o.terms.retry_period, "RetryPeriod, e.g. 2s")->required();
  cmd->add_option("--replicas", o.terms.replicas, "Replicas running the elector (2 or more)")
      ->required()
      ->check(integer_flag(0, 100000));
  cmd->add_flag("--release-on-cancel", o.terms.release_on_cancel, "The elector releases the lease on a graceful stop");
  cmd->add_option("--clock-drift", o.terms.clock_drift,
                  "How much faster the standbys' clocks may run than the leader's, e.g. 500ppm (default 0ppm)");
  cmd->add_option("--latency", o.terms.latency, "One-way API latency range MIN-MAX, e.g. 1ms-300ms (default 1ms-5ms)");
  cmd->add_option("--seeds", o.seeds, "Seeds per campaign (default 200)")->check(integer_flag(1, 10000000));
  cmd->add_option("--jobs", o.jobs, "Worker threads; results do not depend on it (default: one per core)")
      ->check(integer_flag(0, 256));
  cmd->add_option("--check-states", o.check_states, "State bound of the bounded check (default 200000)")
      ->check(integer_flag(1, 100000000));
  cmd->add_option("--out", o.out_dir, "Folder for the scenarios, the check's counterexample and the report (default out/advise)");
  cmd->add_option("--report", o.report_dir, "Folder for the report (default OUT/report)");
  // advise's own meanings of 0 and 1 (the contract: exit 0 safe, 1 not safe), and what happens
  // to the bounded check's inconclusive result, which is check's exit 4.
  cmd->footer("Exit codes: 0 SAFE, 1 NOT SAFE, 2 bad usage or input, 3 internal error.\n"
              "4 is check's INCONCLUSIVE: advise never exits 4; an inconclusive bounded check is stated in the verdict.\n"
              "See docs/advise.md.");
}

// `fuzz --runs`: a billion cases is weeks of work; more is a typo (or -1 read as 2^64-1).
constexpr uint64_t kMaxFuzzRuns = 1000000000;

// CLI11 reads an unknown first word as a stray positional and says "A subcommand is
// required"; name the word and the commands instead.
std::optional<std::string> unknown_command(CLI::App& app, int argc, const char* const* argv) {
  if (argc < 2 || argv[1][0] == '-') return std::nullopt;
  const std::string word = argv[1];
  std::string names;
  for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == word) return std::nullopt;
    names += (names.empty() ? "" : ", ") + sub->get_name();
  }
  return "unknown command \"" + word + "\"; the commands are: " + names;
}

}  // namespace

int leasesim_main(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{"leasesim: deterministic simulation and model checking of Kubernetes Lease coordination"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "leasesim 0.1.0");
  app.footer("Exit codes: 0 ok, 1 properties violated, 2 bad usage or input, 3 internal error,\n"
             "4 inconclusive (check: a bound cut the search; never \"verified\").\n"
             "Scenario format and fields: see README.md.");

  RunOptions run;
  std::string format = "text";
  CLI::App* run_cmd = app.add_subcommand("run", "Run one scenario deterministically and check its properties");
  run_cmd->add_option("FILE", run.file, "Scenario file (.yaml, .yml or .json)")->required();
  run_cmd->add_option("--seed", run.seed, "Seed for every random choice (default: the scenario's spec.seed)")
      ->check(integer_flag(0, UINT64_MAX));
  run_cmd->add_option("--trace", run.trace_path, "Write the JSON Lines trace to this file");
  run_cmd->add_option("--report", run.report_dir, "Write report.json, report.md and report.html to this folder");
  run_cmd->add_option("--format", format, "Summary format on stdout")->check(CLI::IsMember({"text", "json"}));

  ValidateOptions validate;
  CLI::App* validate_cmd = app.add_subcommand("validate", "Parse and validate scenario files without running them");
  validate_cmd->add_option("FILE", validate.files, "Scenario files")->required();

  CheckOptions check;
  CLI::App* check_cmd = app.add_subcommand(
      "check", "Explore every choice of a scenario within bounds; write the shortest counterexample");
  check_cmd->add_option("FILE", check.file, "Scenario file (.yaml, .yml or .json)")->required();
  check_cmd->footer("Exit codes: 0 verified (every path ended, at the points the result line names), 1 counterexample,\n"
                    "2 bad usage or input, 3 internal error, 4 INCONCLUSIVE (a bound cut the search; never \"verified\").\n"
                    "Verdicts and critical points: docs/check-verdicts.md.");
  check_cmd->add_option("--depth", check.depth, "Most steps (events) from the start (default: unbounded)")
      ->check(integer_flag(1, UINT64_MAX));
  check_cmd->add_option("--max-states", check.max_states, "Most distinct states to store (default 20000000: about 1.2 GB; lower it on a small machine)")
      ->check(integer_flag(1, UINT64_MAX));
  check_cmd->add_option("--horizon", check.horizon, "Explore events up to this simulated time (default: spec.duration)");
  check_cmd->add_option("--latency-points", check.latency_points, "Latency values tried: min,max (default), min,mid,max; add critical for the values where an order flips");
  check_cmd->add_option("--jitter-points", check.jitter_points, "Timer jitter values tried: min,max (default), min,mid,max; add critical for the values where an order flips");
  check_cmd->add_option("--out", check.out_dir, "Folder for the counterexample file (default out/check)");
  check_cmd->add_option("--max-faults", check.max_faults,
                        "Most injected faults on one path (spec.explore.faults: its points and candidates); 0: none")
      ->check(integer_flag(0, 16));
  check_cmd->add_flag("--unreduced", check.unreduced,
                      "Key states without the reductions (dead model state, inert events, history) and search "
                      "without the lemmas (the leader-crash lemma; with --converge, the steady-regime lemma too): "
                      "the same verdict and shortest counterexample, more states; for comparison "
                      "(docs/check-verdicts.md)");
  check_cmd->add_flag("--reduce-inert", check.reduce_inert,
                      "Accepted for old scripts: inert events are now left out of the key by default (exactly: "
                      "they are folded into the next live step); --unreduced turns it off");
  check_cmd->add_flag("--converge", check.converge,
                      "Key states relative to now and lift the horizon, so steady loops close cycles and "
                      "the result holds for all time; judges eventuallyLeader as liveness too (leaderless cycles)");

  FuzzOptions fuzz;
  CLI::App* fuzz_cmd = app.add_subcommand(
      "fuzz", "Run random scenarios; shrink and save every failure (--known: one per bug class)");
  fuzz_cmd->add_option("--template", fuzz.template_path, "Vary this scenario instead of the built-in generators");
  fuzz_cmd->add_flag("--nodes", fuzz.nodes, "Generate node-heartbeat scenarios (kubelets, node lifecycle controllers)");
  fuzz_cmd->add_flag("--known", fuzz.known,
                     "Hunt the known bugs: every singleLeader or transitionsMatch violation is a failure, even "
                     "one its configuration permits; failures are grouped into bug classes "
                     "(family/property/reason) and one case of each class is shrunk");
  auto* fuzz_runs = fuzz_cmd->add_option("--runs", fuzz.runs, "Number of cases")->check(integer_flag(1, kMaxFuzzRuns));
  auto* fuzz_time = fuzz_cmd->add_option("--time", fuzz.time, "Run cases for this long (wall clock), e.g. 10m");
  auto* fuzz_case = fuzz_cmd->add_option("--case", fuzz.case_index,
                                         "Rerun exactly case N of this seed (as `case again` prints it)");
  fuzz_runs->excludes(fuzz_time);
  fuzz_case->excludes(fuzz_runs)->excludes(fuzz_time);
  fuzz_cmd->add_option("--seed", fuzz.seed, "Fuzz seed: case i is a pure function of (seed, i) (default 1)")
      ->check(integer_flag(0, UINT64_MAX));
  fuzz_cmd->add_option("--jobs", fuzz.jobs, "Worker threads; results do not depend on it (default 1)")
      ->check(integer_flag(1, 256));
  fuzz_cmd->add_option("--junit", fuzz.junit_path,
                       "Write a JUnit XML report to this file: one testcase per bug class, plus a summary");
  fuzz_cmd->add_option("--out", fuzz.out_dir, "Folder for shrunk failing scenarios (default out/fuzz)");

  CampaignOptions campaign;
  CLI::App* campaign_cmd = app.add_subcommand(
      "campaign", "Run many seeds of one scenario (or a parameter sweep); write results for `report`");
  campaign_cmd->add_option("FILE", campaign.file, "Scenario file (.yaml, .yml or .json)")->required();
  campaign_cmd->add_option("--seeds", campaign.seeds, "Number of seeds")->required()->check(integer_flag(1, UINT64_MAX));
  campaign_cmd->add_option("--first-seed", campaign.first_seed, "First seed (default: the scenario's spec.seed)")
      ->check(integer_flag(0, UINT64_MAX));
  campaign_cmd->add_option("--jobs", campaign.jobs,
                           "Worker threads; results do not depend on it (default: one per core)")
      ->check(integer_flag(0, 256));
  campaign_cmd->add_option("--shard", campaign.shard,
                           "Run the I-th of N contiguous blocks of the seeds (I from 0), e.g. 2/4");
  campaign_cmd->add_option("--sweep", campaign.sweep,
                           "NAME=V1,V2,...: leaseDuration, renewDeadline, retryPeriod, clockRate, latencyMin, "
                           "latencyMax (repeat for a cartesian product)");
  campaign_cmd->add_option("--sweep-target", campaign.sweep_target,
                           "Apply per-process sweep parameters to this process only");
  campaign_cmd->add_option("--out", campaign.out_dir, "Folder for results.jsonl and campaign.json")->required();
  campaign_cmd->add_flag("--fail-on-unsafe", campaign.fail_on_unsafe,
                         "Exit 1 when a point is NOT SAFE by the analytic bounds, even if every seed passed");

  ReportOptions report;
  CLI::App* report_cmd = app.add_subcommand(
      "report", "Merge campaign results (any shards) into report.json, report.md, report.html");
  report_cmd->add_option("RESULTS", report.inputs, "Campaign folders, or results files with campaign.json beside them")
      ->required();
  report_cmd->add_option("--out", report.out_dir, "Folder for the report")->required();

  AuditOptions audit;
  std::string audit_format = "text";
  CLI::App* audit_cmd = add_audit_subcommand(app, audit, audit_format);
  AdviseOptions advise;
  CLI::App* advise_cmd = app.add_subcommand(
      "advise", "Are these client-go timings safe? One verdict from analytic bounds, campaigns and a bounded check");
  add_advise_options(advise_cmd, advise);

  DiffRealOptions diff_real;
  CLI::App* diff_real_cmd = app.add_subcommand(
      "diff-real", "Compare client-go-elector with the real client-go library (model: client-go-real), request by "
                   "request, over seeds");
  diff_real_cmd->add_option("FILE", diff_real.files, "Scenario files with client-go-real processes")->required();
  diff_real_cmd->add_option("--seeds", diff_real.seeds, "Seeds per file (default 1)");
  diff_real_cmd->add_option("--first-seed", diff_real.first_seed, "First seed (default: each file's spec.seed)");

  ServeCommandOptions serve;
  std::string serve_format = "text";
  CLI::App* serve_cmd = app.add_subcommand(
      "serve", "Run a scenario in real time: real processes (model: exec) and real clients (kubectl, client-go, "
               "the Python client) against a Kubernetes-compatible Lease API server on loopback");
  serve_cmd->add_option("FILE", serve.file, "Scenario file (.yaml, .yml or .json)")->required();
  serve_cmd->add_option("--listen", serve.listen,
                        "Shared endpoint for tools such as kubectl, 127.0.0.1:PORT (default 127.0.0.1:0, any free "
                        "port; each process gets an endpoint of its own)");
  serve_cmd->add_option("--out", serve.out_dir,
                        "Folder for kubeconfigs, process logs, summary.json, trace.jsonl and the report of the live "
                        "run: report.html, report.md, report.json (default out/serve)");
  serve_cmd->add_option("--format", serve_format, "Summary format on stdout")->check(CLI::IsMember({"text", "json"}));

  if (auto problem = unknown_command(app, argc, argv)) {
    err << "leasesim: " << *problem << "\nRun 'leasesim --help' for usage.\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion&) {
    out << app.version() << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    err << "leasesim: " << e.what() << "\n";
    CLI::App* sub = nullptr;
    for (CLI::App* s : app.get_subcommands()) sub = s;
    err << "Run '" << (sub ? "leasesim " + sub->get_name() : std::string("leasesim")) << " --help' for usage.\n";
    return 2;
  }
  try {
    if (*run_cmd) {
      run.format = format == "json" ? OutputFormat::Json : OutputFormat::Text;
      return run_command(run, out, err);
    }
    if (*validate_cmd) return validate_command(validate, out, err);
    if (*check_cmd) return check_command(check, out, err);
    if (*campaign_cmd) {
      campaign.progress = isatty(STDERR_FILENO) && &err == &std::cerr;
      return campaign_command(campaign, out, err);
    }
    if (*report_cmd) return report_command(report, out, err);
    if (*fuzz_cmd) {
      // Output paths are checked before the work, not after it (cli/path_checks.h).
      if (auto problem = output_folder_problem("--out", fuzz.out_dir)) {
        err << "leasesim fuzz: " << *problem << "\n";
        return 2;
      }
      if (auto problem = output_file_problem("--junit", fuzz.junit_path)) {
        err << "leasesim fuzz: " << *problem << "\n";
        return 2;
      }
      return fuzz_command(fuzz, out, err);
    }
    if (*audit_cmd) {
      audit.format = audit_format == "json" ? OutputFormat::Json : OutputFormat::Text;
      return audit_command(audit, out, err);
    }
    if (*serve_cmd) {
      serve.format = serve_format == "json" ? OutputFormat::Json : OutputFormat::Text;
      serve.handle_signals = &err == &std::cerr;
      return serve_command(serve, out, err);
    }
    if (*advise_cmd) return advise_command(advise, out, err);
    if (*diff_real_cmd) return diff_real_command(diff_real, out, err);
  } catch (const std::bad_alloc&) {
    // An exhausted resource is the input's size, not a bug: say what to lower.
    err << "leasesim: out of memory: lower spec.bounds.maxEvents or spec.duration, the number of processes, "
           "--seeds (or split with --shard), --max-states or --jobs\n";
    return 2;
  } catch (const InvariantViolation& e) {
    err << "leasesim: internal error: " << e.what()
        << "\nThis is a bug in leasesim. Please report it with the scenario file, the seed and this message.\n";
    return 3;
  } catch (const std::exception& e) {
    err << "leasesim: internal error: " << e.what()
        << "\nThis is a bug in leasesim. Please report it with the scenario file, the seed and this message.\n";
    return 3;
  }
  return 2;
}

}  // namespace leasesim
