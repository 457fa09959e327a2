// commands.cc: `run` and `validate` (see commands.h).
#include "cli/commands.h"

#include <memory>

#include "cli/atomic_file.h"
#include "cli/live_only.h"
#include "cli/report_files.h"
#include "cli/scenario_loader.h"
#include "reports/summary.h"
#include "core/check.h"

namespace leasesim {
namespace {

// Loads and reports diagnostics; nullopt means "exit 2".
std::optional<Scenario> load_or_report(const std::string& file, std::ostream& err) {
  LoadResult loaded = load_scenario_file(file);
  if (!loaded.ok()) {
    for (const Diagnostic& d : loaded.errors) err << d.format() << "\n";
    err << file << ": " << loaded.errors.size() << (loaded.errors.size() == 1 ? " error" : " errors") << "\n";
    return std::nullopt;
  }
  return std::move(loaded.scenario);
}

}  // namespace

int run_command(const RunOptions& options, std::ostream& out, std::ostream& err) {
  std::optional<Scenario> loaded = load_or_report(options.file, err);
  if (!loaded) return 2;
  if (auto refusal = live_only_refusal(*loaded, options.file, "run")) {
    err << *refusal << "\n";
    return 2;
  }
  auto scenario = std::make_shared<const Scenario>(std::move(*loaded));
  if (scenario->properties.failover_within_auto && !analytic_failover_bound(*scenario)) {
    err << options.file << ": spec.properties.failoverWithin: \"auto\" needs a model with an analytic bound "
        << "(client-go-elector on every process of the lease); give a duration instead\n";
    return 2;
  }
  const uint64_t seed = options.seed.value_or(scenario->seed);
  std::optional<AtomicFile> trace_file;
  if (!options.trace_path.empty()) {
    if (same_existing_file(options.trace_path, options.file)) {
      err << "leasesim run: --trace " << options.trace_path << " is the scenario file itself; choose another path\n";
      return 2;
    }
    trace_file.emplace(options.trace_path);
    if (trace_file->error()) {
      err << "leasesim run: " << *trace_file->error() << "\n";
      return 2;
    }
  }
  RunResult result = run_scenario(scenario, seed, trace_file ? &trace_file->stream() : nullptr);
  if (trace_file) {
    if (auto e = trace_file->commit()) {
      err << "leasesim run: " << *e << "\n";
      return 2;
    }
  }
  if (!options.report_dir.empty()) {
    if (auto e = write_run_report(result, options.report_dir)) {
      err << "leasesim run: " << *e << "\n";
      return 2;
    }
  }
  if (options.format == OutputFormat::Json) {
    // replace: a file name that is not UTF-8 (the one text the loader cannot check) must not
    // make the dump throw.
    out << summary_json(result).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  } else {
    out << summary_text(result);
    if (!options.trace_path.empty()) out << "trace      " << options.trace_path << "\n";
    if (!options.report_dir.empty()) out << "report     " << options.report_dir << "/report.html\n";
  }
  if (result.stopped_by == StepStatus::EventLimit)
    err << "leasesim run: note: the run stopped at its event bound (spec.bounds.maxEvents " << scenario->max_events
        << ") at " << format_seconds(result.world.now().ns) << "s of " << format_duration(scenario->duration)
        << "; the properties were judged on that part only. Raise spec.bounds.maxEvents or shorten spec.duration.\n";
  if (!result.evaluation.passed) {
    err << "leasesim: properties " << (scenario->expect.present ? "did not match expect" : "violated")
        << "; seed " << seed << "; reproduce with: " << reproduce_command(result) << "\n";
    return 1;
  }
  return 0;
}

int validate_command(const ValidateOptions& options, std::ostream& out, std::ostream& err) {
  int code = 0;
  for (const std::string& file : options.files) {
    std::optional<Scenario> loaded = load_or_report(file, err);
    if (!loaded) {
      code = 2;
      continue;
    }
    out << file << ": ok (" << loaded->processes.size() << " processes, " << loaded->faults.size() << " faults, "
        << format_duration(loaded->duration) << ")\n";
  }
  return code;
}

}  // namespace leasesim
