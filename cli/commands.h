// commands.h: the subcommands of the leasesim executable, callable from tests.
//
// Contract: each command takes parsed options and the streams to print to, and returns the
// process exit code of docs/cli.md section 3: 0 success, 1 properties
// violated (or not matching `expect`), 2 bad usage or input, 3 internal error. Commands never
// call exit() and never print to std::cout/std::cerr directly, so tests can run them in-process.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "audit/audit_result.h"
#include "cli/advise_terms.h"

namespace leasesim {

enum class OutputFormat { Text, Json };

struct RunOptions {
  std::string file;
  std::optional<uint64_t> seed;
  std::string trace_path;  // "" = no trace file
  std::string report_dir;  // "" = no report (cli/report_files.h)
  OutputFormat format = OutputFormat::Text;
};

int run_command(const RunOptions& options, std::ostream& out, std::ostream& err);

struct ValidateOptions {
  std::vector<std::string> files;
};

int validate_command(const ValidateOptions& options, std::ostream& out, std::ostream& err);

// `leasesim check` (cli/check_command.cc): exhaustive exploration within bounds. Unset options
// fall back to the scenario's spec.explore, then to the explorer's defaults.
struct CheckOptions {
  std::string file;
  std::optional<uint64_t> depth;
  std::optional<uint64_t> max_states;
  std::string horizon;         // "" = the scenario's (a duration otherwise)
  std::string latency_points;  // "" = the scenario's or min,max ("min,max", "min,mid,max", ...)
  std::string jitter_points;
  std::string out_dir = "out/check";  // where a counterexample is written
  bool converge = false;               // time-relative keys, no horizon, SCC liveness
  std::optional<uint32_t> max_faults;  // overrides spec.explore.faults.max (0: inject none)
  bool unreduced = false;              // keys without the reductions (for comparison)
  bool reduce_inert = false;           // accepted for old scripts; the inert reduction is the default now
};

int check_command(const CheckOptions& options, std::ostream& out, std::ostream& err);

// `leasesim fuzz` (cli/fuzz_command.cc): random scenarios, failures shrunk and saved. Exactly one
// of runs, time and case_index is set. The JUnit file holds one testcase per bug class and one
// summary testcase. Results are identical for any number of jobs with --runs. `known`
// (--known) hunts the known bugs: every singleLeader and transitionsMatch violation is a
// failure, failures are grouped into bug classes and the chosen case of each class is shrunk.
struct FuzzOptions {
  std::string template_path;  // "" = the built-in generators
  bool known = false;
  bool nodes = false;         // --nodes: the node-heartbeat generator instead of the election ones
  std::optional<uint64_t> runs;
  std::string time;           // a duration of wall-clock time ("" = use runs)
  std::optional<uint64_t> case_index;  // --case N: rerun exactly case N (instead of runs or time)
  uint64_t seed = 1;
  uint32_t jobs = 1;
  std::string junit_path;     // "" = no JUnit file
  std::string out_dir = "out/fuzz";
};

int fuzz_command(const FuzzOptions& options, std::ostream& out, std::ostream& err);

// `leasesim campaign` (cli/campaign_command.cc): seeds first_seed .. first_seed+seeds-1 (default
// first: the scenario's seed) of one scenario, or of every point of a sweep (cli/sweep.h), on
// `jobs` threads; writes OUT/results.jsonl and OUT/campaign.json, identical for any jobs.
// `shard` "I/N" runs the I-th of N contiguous blocks of the seeds. Exit 1 if any run failed.
struct CampaignOptions {
  std::string file;
  uint64_t seeds = 0;
  uint32_t jobs = 0;  // 0 = one per hardware thread
  std::string shard;  // "" = all the seeds
  std::optional<uint64_t> first_seed;
  std::vector<std::string> sweep;  // "leaseDuration=10s,15s", ...
  std::string sweep_target;        // "" = the default targets (cli/sweep.h)
  std::string out_dir;
  bool progress = false;  // draw a progress bar on `err` (set when stderr is a terminal)
  bool fail_on_unsafe = false;  // exit 1 when a point is analytically NOT SAFE (cli/sweep_verdict.h)
};

int campaign_command(const CampaignOptions& options, std::ostream& out, std::ostream& err);

// `leasesim report` (cli/campaign_command.cc): merges campaign folders or results files of one
// campaign (any set of shards) into OUT/report.{json,md,html}.
struct ReportOptions {
  std::vector<std::string> inputs;
  std::string out_dir;
};

int report_command(const ReportOptions& options, std::ostream& out, std::ostream& err);

// `leasesim audit` (cli/audit_command.cc, docs/audit.md): governance record and findings of real
// Lease records (audit logs, kubectl lists and watch streams, leasesim traces).
struct AuditOptions {
  std::vector<std::string> files;
  OutputFormat format = OutputFormat::Text;
  std::string report_dir;    // "" = no report
  std::string lease;         // "NS/NAME", "" = every lease
  std::string scenario_out;  // "" = no scenario
  AuditThresholds thresholds;
};

int audit_command(const AuditOptions& options, std::ostream& out, std::ostream& err);
}  // namespace leasesim
namespace CLI {
class App;
}
namespace leasesim {
// Declares `audit`'s options on `app` (cli/audit_command.cc), bound to `options` and `format`.
CLI::App* add_audit_subcommand(CLI::App& app, AuditOptions& options, std::string& format);
// `leasesim advise` (cli/advise_command.cc, docs/advise.md): the SRE's terms in, one SAFE / NOT
// SAFE verdict out, from the analytic bounds, a campaign per scenario and a bounded check.
// Exit 0 safe, 1 not safe, 2 bad input, 3 internal error.
struct AdviseOptions {
  AdviseTermsInput terms;
  uint64_t seeds = 200;
  uint32_t jobs = 0;  // 0 = one per hardware thread
  uint64_t check_states = 200000;
  std::string out_dir = "out/advise";
  std::string report_dir;  // "" = OUT/report
};

int advise_command(const AdviseOptions& options, std::ostream& out, std::ostream& err);

// The whole command line (argv without the program name handled by CLI11 inside).
int leasesim_main(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

// `leasesim serve` (cli/serve_command.cc): the scenario in real time, real processes against a
// real HTTP API server (live/serve.h). Writes kubeconfigs, process logs, summary.json and
// trace.jsonl to out_dir. Exit 0 properties hold (or match expect), 1 otherwise, 2 bad input.
struct ServeCommandOptions {
  std::string file;
  std::string listen = "127.0.0.1:0";
  std::string out_dir = "out/serve";
  OutputFormat format = OutputFormat::Text;
  bool handle_signals = false;  // Ctrl-C / SIGTERM end the run cleanly (the executable sets it)
};

int serve_command(const ServeCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace leasesim
