// report_files.cc: see report_files.h.
#include "cli/report_files.h"

#include <filesystem>

#include "cli/atomic_file.h"
#include "cli/scenario_writer.h"
#include "core/hash.h"

namespace leasesim {

std::optional<std::string> write_report_files(const Report& report, const std::string& dir,
                                              const std::vector<std::pair<std::string, std::string>>& extra) {
  const std::filesystem::path base(dir);
  for (const auto& [name, content] : extra)
    if (auto e = write_file_atomically((base / name).string(), content)) return e;
  const std::string json =
      report_json(report).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  if (auto e = write_file_atomically((base / "report.json").string(), json)) return e;
  if (auto e = write_file_atomically((base / "report.md").string(), report_markdown(report))) return e;
  return write_file_atomically((base / "report.html").string(), report_html(report));
}

std::optional<std::string> write_run_report(const RunResult& run, const std::string& dir) {
  const Scenario& s = *run.scenario;
  const std::string hash = scenario_hash(scenario_to_yaml(s));
  ReportInput in = one_run_input(run.scenario, s.source_path, hash, seed_record(run, 0, hash));
  in.prerun = &run;
  return write_report_files(build_report(in), dir);
}

Report live_report(const LiveRun& run, const std::string& file) {
  LiveReportInput in;
  in.facts.scenario = run.scenario;
  in.facts.history = &run.history;
  in.facts.evaluation = &run.evaluation;
  in.facts.end = run.end;
  in.facts.seed = run.scenario->seed;
  char hex[17];
  in.facts.trace_hash = hex64(run.trace_hash, hex);
  // The HTTP view counts verbs a simulated run never makes (patch, watch, discovery); they are
  // kept, and the report sorts every count by verb and result as it does for simulated runs.
  for (const auto& [verb, results] : run.api_by_verb)
    for (const auto& [result, n] : results) in.facts.api.push_back({verb, result, n});
  in.facts.events = run.trace.size();
  in.facts.stopped_by = run.interrupted ? "interrupted" : "duration";
  in.scenario_file = file;
  in.scenario_hash = scenario_hash(scenario_to_yaml(*run.scenario));
  in.interrupted = run.interrupted;
  in.warnings = run.warnings;
  for (const LiveProcessReport& p : run.processes) in.processes.push_back({p.name, p.starts, p.exits, p.log});
  return build_live_report(in);
}

std::optional<std::string> write_live_report(const LiveRun& run, const std::string& file, const std::string& dir) {
  return write_report_files(live_report(run, file), dir);
}

}  // namespace leasesim
