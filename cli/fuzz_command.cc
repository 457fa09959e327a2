// fuzz_command.cc: `leasesim fuzz` (see commands.h; generators and shrinking in
// explore/fuzz.h).
//
// Workers take case indexes from a shared counter; each case is a pure function of (seed,
// index, template), and results are printed in index order after the workers finish, so the
// output of `--runs N` is the same for any `--jobs`. With `--time`, the wall clock decides only
// when to stop handing out indexes: which cases ran then depends on the machine's speed (every
// case that did run is still deterministic and reproducible on its own). Each failure is shrunk,
// written to OUT/<scenario-name>.yaml with its seed, loaded back and re-run to confirm it
// reproduces, and printed with the command that replays it.
//
// With --known every singleLeader and transitionsMatch (and noFalseNotReady: --nodes) violation is a failure, labelled with
// the reason its configuration permits it; failures are grouped into bug classes (family,
// property, reason kind; explore/fuzz.h), and only the chosen case of each class (its
// first case with that cause alone, else its first case) is shrunk, after every case has run,
// on up to --jobs threads: the choice depends only on the indexes, so the output is the same
// for any --jobs. The other cases of a class are listed as a count and their first indexes.
//
// --junit writes one testcase per bug class (in both modes), with its shrunk file and reproduce
// command, and one summary testcase: a long run's file grows with the classes it found, not with
// its cases. --case N runs case N alone, exactly as it ran among the others (`case again`).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "cli/atomic_file.h"
#include "cli/commands.h"
#include "cli/live_only.h"
#include "core/shell_quote.h"
#include "cli/scenario_loader.h"
#include "cli/scenario_writer.h"
#include "properties/run.h"
#include "explore/fuzz.h"

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
  std::string replayed;  // the loaded file's first violation of the property, as `run` shows it
};

// "singleLeader" -> "single-leader": a property name as part of a DNS-1123 scenario name.
std::string kebab(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') out += std::string("-") + static_cast<char>(c - 'A' + 'a');
    else out += c;
  }
  return out;
}

// Writes the shrunk scenario and checks that the file, loaded back and run on its own seed,
// still fails the same way (same property, same class kind).
Saved save_failure(const Scenario& shrunk, const FuzzFailure& f, const std::string& description, const std::string& name,
                   const std::string& out_dir, bool from_template) {
  Scenario s = shrunk;
  s.name = name;
  s.description = description;
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
  const std::vector<std::string> kinds = permitted.kinds(f.bug.property);
  const std::string kind = kinds.empty() ? std::string(kUnexpectedKind) : kinds.front();
  bool reproduces = false;
  for (const std::string& v : run.evaluation.violated) reproduces |= v == f.bug.property && kind == f.bug.kind;
  for (const PropertyResult& p : run.evaluation.results)
    if (p.name == f.bug.property && !p.violations.empty() && saved.replayed.empty())
      saved.replayed = p.name + ": " + p.violations.front().message;
  if (!reproduces) saved.problem = "the written file does not reproduce " + f.bug.key();
  return saved;
}

// Runs `count` jobs (indexes 0..count-1) on up to `threads` threads; the first exception wins.
template <class Fn>
std::string run_parallel(uint64_t count, uint32_t threads, const std::function<bool()>& stop, Fn&& fn) {
  std::atomic<uint64_t> next{0};
  std::mutex mu;
  std::string error;
  auto worker = [&] {
    for (;;) {
      if (stop && stop()) return;
      const uint64_t i = next.fetch_add(1);
      if (i >= count) return;
      try {
        fn(i, mu);
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mu);
        if (error.empty()) error = "case " + std::to_string(i) + ": " + e.what();
        return;
      }
    }
  };
  std::vector<std::thread> pool;
  for (uint32_t j = 0; j < std::max<uint32_t>(1, threads); ++j) pool.emplace_back(worker);
  for (std::thread& t : pool) t.join();
  return error;
}

// JUnit: one testcase per bug class (a failure) and one summary testcase, so the file's size
// depends on how many classes a run found, not on how many cases it ran.
std::string junit_header(uint64_t seed, uint64_t tests, uint64_t failures) {
  std::ostringstream xml;
  xml << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"leasesim fuzz\" tests=\"" << tests
      << "\" failures=\"" << failures << "\">\n  <testsuite name=\"leasesim fuzz seed " << seed << "\" tests=\"" << tests
      << "\" failures=\"" << failures << "\" errors=\"0\" skipped=\"0\">\n";
  return xml.str();
}

// One case as the report needs it, so that long runs stay small: a passing case is a few bytes,
// a failing one keeps its outcome without the scenario (a case is cheap to generate again).
struct CaseRecord {
  bool done = false;
  uint8_t family = 0;  // index into kFamilies
  uint64_t seed = 0;
  std::unique_ptr<FuzzOutcome> failed;
};
constexpr const char* kFamilies[] = {"client-go", "tutorial", "template", "coordinated", "nodes"};

uint8_t family_index(const std::string& family) {
  for (uint8_t k = 0; k < std::size(kFamilies); ++k)
    if (family == kFamilies[k]) return k;
  throw std::logic_error("unknown fuzz family " + family);
}

}  // namespace

int fuzz_command(const FuzzOptions& options, std::ostream& out, std::ostream& err) {
  if (static_cast<int>(options.runs.has_value()) + static_cast<int>(!options.time.empty()) +
          static_cast<int>(options.case_index.has_value()) != 1) {
    err << "leasesim fuzz: give exactly one of --runs N, --time D and --case N\n";
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
  if (options.nodes && !options.template_path.empty()) {
    err << "leasesim fuzz: --nodes chooses a built-in generator; it cannot be combined with --template\n";
    return 2;
  }
  std::optional<Scenario> tmpl;
  if (!options.template_path.empty()) {
    LoadResult loaded = load_scenario_file(options.template_path);
    if (!loaded.ok()) {
      for (const Diagnostic& d : loaded.errors) err << d.format() << "\n";
      return 2;
    }
    if (auto refusal = live_only_refusal(*loaded.scenario, options.template_path, "fuzz")) {
      err << *refusal << "\n";
      return 2;
    }
    tmpl = std::move(*loaded.scenario);
    if (tmpl->properties.failover_within_auto && !analytic_failover_bound(*tmpl)) {
      err << options.template_path << ": spec.properties.failoverWithin: \"auto\" needs a model with an analytic bound\n";
      return 2;
    }
  }
  const Scenario* tmpl_ptr = tmpl ? &*tmpl : nullptr;
  const bool from_template = tmpl_ptr != nullptr;
  const FuzzJudge judge = options.known ? FuzzJudge::Known : FuzzJudge::Unexpected;
  const FuzzGenerators generators = options.nodes ? FuzzGenerators::Nodes : FuzzGenerators::Elections;
  auto internal = [&](const std::string& what) {
    err << "leasesim fuzz: internal error in " << what
        << "\nThis is a bug in leasesim. Please report it with the fuzz seed and this message.\n";
    return 3;
  };

  // Phase 1: the cases. Without --known each failure is shrunk by the worker that found it.
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = budget ? started + std::chrono::nanoseconds(budget->ns) : started;
  // --case N runs case N alone: records[i] is case first + i.
  const uint64_t first = options.case_index.value_or(0);
  const uint64_t limit = options.case_index ? 1 : options.runs.value_or(UINT64_MAX);
  std::vector<CaseRecord> records(std::min<uint64_t>(limit, 1 << 16));  // by index: printed in order
  const std::string error = run_parallel(
      limit, options.jobs, [&] { return budget && std::chrono::steady_clock::now() >= deadline; },
      [&](uint64_t i, std::mutex& mu) {
        FuzzOutcome o = fuzz_case(tmpl_ptr, options.seed, first + i, judge, !options.known, generators);
        CaseRecord record;
        record.done = true;
        record.family = family_index(o.family);
        record.seed = o.seed;
        if (o.failed()) {
          // One reason per failure is printed with the case (the shrunk scenario shows them all).
          o.scenario.reset();
          for (FuzzFailure& f : o.failures) {
            if (f.reasons.size() <= 1) continue;
            f.reasons.front() += " (and " + std::to_string(f.reasons.size() - 1) + " more)";
            f.reasons.resize(1);
          }
          record.failed = std::make_unique<FuzzOutcome>(std::move(o));
        }
        std::lock_guard<std::mutex> lock(mu);
        if (i >= records.size()) records.resize(std::max<uint64_t>(i + 1, records.size() * 2));
        records[i] = std::move(record);
      });
  if (!error.empty()) return internal(error);
  // With --time, keep the cases before the first one that did not finish, so the set reported
  // is a prefix of indexes (the same set for a faster or slower machine, only longer or shorter).
  uint64_t done = 0;
  while (done < records.size() && records[done].done) ++done;

  uint64_t family_counts[std::size(kFamilies)] = {};
  std::vector<const FuzzOutcome*> outcomes;  // the failing ones, by index
  for (uint64_t i = 0; i < done; ++i) {
    ++family_counts[records[i].family];
    if (records[i].failed) outcomes.push_back(records[i].failed.get());
  }
  const uint64_t failures = outcomes.size();
  const std::string again_prefix = std::string("leasesim fuzz") + (options.known ? " --known" : "") +
                                   (tmpl_ptr ? " --template " + options.template_path : std::string()) +
                                   (options.nodes && !tmpl_ptr ? " --nodes" : "") + " --seed " +
                                   std::to_string(options.seed) + " --case ";
  std::map<uint64_t, std::string> failure_text;  // case index -> the JUnit failure body (default mode)
  std::map<uint64_t, std::string> class_text;    // case index -> the sections of the classes it was shrunk for

  if (!options.known) {
    for (const FuzzOutcome* po : outcomes) {
      const FuzzOutcome& o = *po;
      const FuzzFailure& f = o.failures.front();
      const std::string description = "leasesim fuzz case " + std::to_string(o.index) + " (" + o.family +
                                      "), shrunk: " + join(o.failing()) + " violated but not permitted by the configuration";
      const Saved saved = save_failure(*o.shrunk, f, description, o.shrunk->name, options.out_dir, from_template);
      const std::string reproduce = "leasesim run " + shell_quote(saved.path) + " --seed " + std::to_string(o.shrunk->seed);
      std::ostringstream text;
      text << "FAIL case " << o.index << " (" << o.family << ", " << o.processes << " processes, " << o.faults
           << " faults, seed " << o.seed << "): " << join(o.failing())
           << " violated, not permitted by its configuration\n";
      for (const std::string& m : o.messages) text << "  " << m << "\n";
      text << "  shrunk in " << o.shrink_runs << " runs to " << o.shrunk->processes.size() << " processes, "
           << o.shrunk->faults.size() << " faults, " << format_duration(o.shrunk->duration) << "\n";
      if (!saved.problem.empty()) text << "  could not save it: " << saved.problem << "\n";
      else text << "  saved      " << saved.path << "\n  reproduce  " << reproduce << "\n";
      text << "  case again " << again_prefix << o.index << "\n";
      out << text.str();
      failure_text[o.index] = text.str();
    }
  } else {
    // Phase 2 (--known): group into classes, shrink the chosen case of each.
    const std::vector<ClassSummary> classes = group_failures(outcomes);
    struct Shrunk {
      std::shared_ptr<const Scenario> scenario;
      uint32_t runs = 0;
      const FuzzFailure* failure = nullptr;
      Saved saved;
    };
    std::vector<Shrunk> shrunk(classes.size());
    const std::string shrink_error = run_parallel(classes.size(), options.jobs, nullptr, [&](uint64_t k, std::mutex&) {
      const ClassSummary& c = classes[k];
      const FuzzOutcome& o = *records[c.shrink_index - first].failed;
      Shrunk& sh = shrunk[k];
      for (const FuzzFailure& f : o.failures)
        if (f.bug == c.bug) sh.failure = &f;
      const FuzzCase generated = generate_case(tmpl_ptr, options.seed, o.index, generators);
      sh.scenario = shrink_failure(generated.scenario, *sh.failure, from_template, &sh.runs);
      const std::vector<std::string> reasons =
          permitted_violations(*sh.scenario, from_template).reasons_for(c.bug.property, c.bug.kind);
      const std::string description = "leasesim fuzz --known case " + std::to_string(o.index) + " (" + o.family +
                                      "), shrunk: bug class " + c.bug.key() +
                                      (reasons.empty() ? std::string(", not permitted by the configuration")
                                                       : ", known: " + join(reasons));
      sh.saved = save_failure(*sh.scenario, *sh.failure, description, o.name + "-" + kebab(c.bug.property),
                              options.out_dir, from_template);
    });
    if (!shrink_error.empty()) return internal("shrinking, " + shrink_error);
    for (size_t k = 0; k < classes.size(); ++k) {
      const ClassSummary& c = classes[k];
      const Shrunk& sh = shrunk[k];
      const FuzzOutcome& o = *records[c.shrink_index - first].failed;
      std::ostringstream text;
      text << "FAIL " << c.bug.key() << ": " << c.cases << (c.cases == 1 ? " case" : " cases") << " ("
           << c.pure_cases << " with this cause alone), first case " << c.first_index << "\n";
      // Why, as the shrunk scenario has it (a few processes: a few reasons), and any other
      // permitting cause the shrinker could not remove.
      const Permitted why = permitted_violations(*sh.scenario, from_template);
      for (const std::string& r : why.reasons_for(c.bug.property, c.bug.kind)) text << "  why        " << r << "\n";
      if (c.bug.kind == kUnexpectedKind) text << "  why        not permitted by the configuration: a new bug\n";
      for (const std::string& k : why.kinds(c.bug.property))
        if (k != c.bug.kind)
          for (const std::string& r : why.reasons_for(c.bug.property, k)) text << "  also       " << k << ": " << r << "\n";
      text << "  " << sh.failure->bug.property << ": " << sh.failure->message << "\n";
      text << "  shrunk     case " << o.index << " (" << o.family << ", " << o.processes << " processes, " << o.faults
           << " faults, seed " << o.seed << ") in " << sh.runs << " runs to " << sh.scenario->processes.size() << " processes, "
           << sh.scenario->faults.size() << " faults, " << format_duration(sh.scenario->duration) << "\n";
      if (!sh.saved.problem.empty()) {
        text << "  could not save it: " << sh.saved.problem << "\n";
      } else {
        text << "  saved      " << sh.saved.path << "\n"
             << "  replays    " << sh.saved.replayed << "\n"
             << "  reproduce  leasesim run " << shell_quote(sh.saved.path) << " --seed " << sh.scenario->seed << "\n";
      }
      text << "  case again " << again_prefix << o.index << "\n";
      text << "  cases      ";
      for (size_t e = 0; e < c.examples.size(); ++e) text << (e ? ", " : "") << c.examples[e];
      if (c.cases > c.examples.size()) text << ", ... (" << c.cases - c.examples.size() << " more)";
      text << "\n";
      out << text.str();
      class_text[c.shrink_index] += text.str();
    }
    out << "classes    " << classes.size() << (classes.size() == 1 ? " bug class" : " bug classes")
        << " (family/property/kind: cases, first case, shrunk size)\n";
    for (size_t k = 0; k < classes.size(); ++k) {
      const ClassSummary& c = classes[k];
      out << "  " << c.bug.key() << ": " << c.cases << (c.cases == 1 ? " case" : " cases") << ", first case "
          << c.first_index << ", shrunk to " << shrunk[k].scenario->processes.size() << " processes, "
          << shrunk[k].scenario->faults.size() << " faults\n";
    }
  }

  out << "fuzz       seed " << options.seed << ", "
      << (options.case_index ? "case " + std::to_string(first) + " alone" : std::to_string(done) + " cases");
  for (size_t k = 0; k < std::size(kFamilies); ++k)
    if (family_counts[k]) out << ", " << family_counts[k] << " " << kFamilies[k];
  out << (budget ? " (stopped by --time " + options.time + ": how many depends on this machine's speed)" : "") << "\n";
  if (options.known)
    out << "judged     --known: every singleLeader" << (options.nodes ? ", transitionsMatch and noFalseNotReady" : " and transitionsMatch")
        << " violation is a failure, permitted or not\n";
  out << "result     " << failures << (failures == 1 ? " failure" : " failures") << "\n";
  if (!options.junit_path.empty()) {
    // One testcase per bug class, with the shrunk file and the command that reproduces it (the
    // class's shrunk case in --known mode; its first case otherwise, every failing case being
    // shrunk there), then one summary testcase for the whole run.
    const std::vector<ClassSummary> classes = group_failures(outcomes);
    std::string cases = junit_header(options.seed, classes.size() + 1, classes.size());
    for (const ClassSummary& c : classes) {
      const uint64_t shown = options.known ? c.shrink_index : c.first_index;
      std::string body = options.known ? class_text[shown] : failure_text[shown];
      body += "cases of this class: " + std::to_string(c.cases) + " (" + std::to_string(c.pure_cases) +
              " with this cause alone), first " + std::to_string(c.first_index) + "; examples ";
      for (size_t e = 0; e < c.examples.size(); ++e) body += (e ? ", " : "") + std::to_string(c.examples[e]);
      body += "\n";
      cases += "    <testcase classname=\"leasesim.fuzz." + xml_escape(c.bug.family) + "\" name=\"" +
               xml_escape(c.bug.key()) + "\">\n      <failure message=\"" +
               xml_escape(c.bug.property + " violated in " + std::to_string(c.cases) +
                          (c.cases == 1 ? " case" : " cases") + ", first case " + std::to_string(c.first_index)) +
               "\" type=\"" + xml_escape(c.bug.key()) + "\">" + xml_escape(body) + "</failure>\n    </testcase>\n";
    }
    std::string summary = "seed " + std::to_string(options.seed) + ", " + std::to_string(done) + " cases";
    for (size_t k = 0; k < std::size(kFamilies); ++k)
      if (family_counts[k]) summary += ", " + std::to_string(family_counts[k]) + " " + kFamilies[k];
    summary += "; " + std::to_string(failures) + (failures == 1 ? " failing case" : " failing cases") + " in " +
               std::to_string(classes.size()) + (classes.size() == 1 ? " bug class" : " bug classes");
    cases += "    <testcase classname=\"leasesim.fuzz\" name=\"summary\">\n      <system-out>" + xml_escape(summary) +
             "</system-out>\n    </testcase>\n  </testsuite>\n</testsuites>\n";
    if (auto e = write_file_atomically(options.junit_path, cases)) {
      err << "leasesim fuzz: " << *e << "\n";
      return 2;
    }
  }
  return failures ? 1 : 0;
}

}  // namespace leasesim
