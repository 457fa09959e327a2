// fuzz_command.cc: `leasesim fuzz` (see commands.h; generators and shrinking in
// sim/explore/fuzz.h).
//
// Workers take case indexes from a shared counter; each case is a pure function of (seed,
// index, template), and results are printed in index order after the workers finish, so the
// output of `--runs N` is the same for any `--jobs`. With `--time`, the wall clock decides only
// when to stop handing out indexes: which cases ran then depends on the machine's speed (every
// case that did run is still deterministic and reproducible on its own). Each failure is shrunk,
// written to OUT/<scenario-name>.yaml with its seed, loaded back and re-run to confirm it
// reproduces, and printed with the command that replays it.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "cli/atomic_file.h"
#include "cli/commands.h"
#include "cli/scenario_loader.h"
#include "cli/scenario_writer.h"
#include "properties/run.h"
#include "sim/explore/fuzz.h"

namespace leasesim {
namespace {

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters; messages never need them.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') out += ' ';
        else out += c;
    }
  }
  return out;
}

struct Saved {
  std::string path;
  std::string problem;  // non-empty when writing or re-checking the file failed
};

// Writes the shrunk scenario and checks that the file, loaded back, still fails the same way.
Saved save_failure(const FuzzOutcome& o, const std::string& out_dir, bool from_template) {
  Scenario s = *o.shrunk;
  s.description = "leasesim fuzz case " + std::to_string(o.index) + " (" + o.family + "), shrunk: " + join(o.unexpected) +
                  " violated but not permitted by the configuration";
  Saved saved;
  saved.path = (std::filesystem::path(out_dir) / (s.name + ".yaml")).string();
  if (auto e = write_file_atomically(saved.path, scenario_to_yaml(s))) {
    saved.problem = *e;
    return saved;
  }
  LoadResult back = load_scenario_file(saved.path);
  if (!back.ok()) {
    saved.problem = "the written file does not load: " + back.errors.front().format();
    return saved;
  }
  auto loaded = std::make_shared<const Scenario>(std::move(*back.scenario));
  const RunResult run = run_scenario(loaded, loaded->seed);
  const Permitted permitted = permitted_violations(*loaded, from_template);
  bool reproduces = false;
  for (const std::string& name : run.evaluation.violated)
    reproduces |= name == o.unexpected.front() &&
                  std::find(permitted.names.begin(), permitted.names.end(), name) == permitted.names.end();
  if (!reproduces) saved.problem = "the written file does not reproduce " + o.unexpected.front();
  return saved;
}

}  // namespace

int fuzz_command(const FuzzOptions& options, std::ostream& out, std::ostream& err) {
  if (options.runs.has_value() == !options.time.empty()) {
    err << "leasesim fuzz: give exactly one of --runs N and --time D\n";
    return 2;
  }
  std::optional<Duration> budget;
  if (!options.time.empty()) {
    std::string problem;
    budget = parse_duration(options.time, false, &problem);
    if (!budget || budget->ns <= 0) {
      err << "leasesim fuzz: --time: " << (budget ? "must be greater than zero" : problem) << "\n";
      return 2;
    }
  }
  if (options.jobs < 1 || options.jobs > 256) {
    err << "leasesim fuzz: --jobs must be between 1 and 256\n";
    return 2;
  }
  std::optional<Scenario> tmpl;
  if (!options.template_path.empty()) {
    LoadResult loaded = load_scenario_file(options.template_path);
    if (!loaded.ok()) {
      for (const Diagnostic& d : loaded.errors) err << d.format() << "\n";
      return 2;
    }
    tmpl = std::move(*loaded.scenario);
    if (tmpl->properties.failover_within_auto && !analytic_failover_bound(*tmpl)) {
      err << options.template_path << ": spec.properties.failoverWithin: \"auto\" needs a model with an analytic bound\n";
      return 2;
    }
  }
  const Scenario* tmpl_ptr = tmpl ? &*tmpl : nullptr;

  const auto started = std::chrono::steady_clock::now();
  const auto deadline = budget ? started + std::chrono::nanoseconds(budget->ns) : started;
  const uint64_t limit = options.runs.value_or(UINT64_MAX);
  std::atomic<uint64_t> next{0};
  std::mutex mu;
  std::map<uint64_t, FuzzOutcome> results;  // by index: printed in order
  std::string internal_error;
  auto worker = [&] {
    for (;;) {
      if (budget && std::chrono::steady_clock::now() >= deadline) return;
      const uint64_t i = next.fetch_add(1);
      if (i >= limit) return;
      try {
        FuzzOutcome o = fuzz_case(tmpl_ptr, options.seed, i);
        std::lock_guard<std::mutex> lock(mu);
        results.emplace(i, std::move(o));
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mu);
        if (internal_error.empty()) internal_error = "case " + std::to_string(i) + ": " + e.what();
        return;
      }
    }
  };
  std::vector<std::thread> threads;
  for (uint32_t j = 0; j < options.jobs; ++j) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  if (!internal_error.empty()) {
    err << "leasesim fuzz: internal error in " << internal_error
        << "\nThis is a bug in leasesim. Please report it with the fuzz seed and this message.\n";
    return 3;
  }
  // With --time, keep the cases before the first one that did not finish, so the set reported
  // is a prefix of indexes (the same set for a faster or slower machine, only longer or shorter).
  uint64_t done = 0;
  while (results.count(done)) ++done;

  std::map<std::string, uint64_t> families;
  uint64_t failures = 0;
  std::ostringstream junit_cases;
  for (uint64_t i = 0; i < done; ++i) {
    const FuzzOutcome& o = results.at(i);
    ++families[o.family];
    junit_cases << "    <testcase classname=\"leasesim.fuzz." << o.family << "\" name=\"" << xml_escape(o.scenario->name)
                << " seed " << o.seed << "\"";
    if (!o.failed()) {
      junit_cases << "/>\n";
      continue;
    }
    ++failures;
    const Saved saved = save_failure(o, options.out_dir, tmpl_ptr != nullptr);
    const std::string reproduce = "leasesim run " + saved.path + " --seed " + std::to_string(o.shrunk->seed);
    std::ostringstream text;
    text << "FAIL case " << i << " (" << o.family << ", " << o.scenario->processes.size() << " processes, "
         << o.scenario->faults.size() << " faults, seed " << o.seed << "): " << join(o.unexpected)
         << " violated, not permitted by its configuration\n";
    for (const std::string& m : o.messages) text << "  " << m << "\n";
    text << "  shrunk in " << o.shrink_runs << " runs to " << o.shrunk->processes.size() << " processes, "
         << o.shrunk->faults.size() << " faults, " << format_duration(o.shrunk->duration) << "\n";
    if (!saved.problem.empty()) text << "  could not save it: " << saved.problem << "\n";
    else text << "  saved      " << saved.path << "\n  reproduce  " << reproduce << "\n";
    text << "  case again leasesim fuzz" << (tmpl_ptr ? " --template " + options.template_path : std::string())
         << " --seed " << options.seed << " --runs " << (i + 1) << "\n";
    out << text.str();
    junit_cases << ">\n      <failure message=\"" << xml_escape(join(o.unexpected) + " violated") << "\">"
                << xml_escape(text.str()) << "</failure>\n    </testcase>\n";
  }
  out << "fuzz       seed " << options.seed << ", " << done << " cases";
  for (const auto& [family, n] : families) out << ", " << n << " " << family;
  out << (budget ? " (stopped by --time " + options.time + ": how many depends on this machine's speed)" : "") << "\n"
      << "result     " << failures << (failures == 1 ? " failure" : " failures") << "\n";
  if (!options.junit_path.empty()) {
    std::ostringstream xml;
    xml << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"leasesim fuzz\" tests=\"" << done
        << "\" failures=\"" << failures << "\">\n  <testsuite name=\"leasesim fuzz seed " << options.seed << "\" tests=\""
        << done << "\" failures=\"" << failures << "\" errors=\"0\" skipped=\"0\">\n"
        << junit_cases.str() << "  </testsuite>\n</testsuites>\n";
    if (auto e = write_file_atomically(options.junit_path, xml.str())) {
      err << "leasesim fuzz: " << *e << "\n";
      return 2;
    }
  }
  return failures ? 1 : 0;
}

}  // namespace leasesim
