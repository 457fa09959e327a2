// report_files.cc: see report_files.h.
#include "cli/report_files.h"

#include <filesystem>

#include "cli/atomic_file.h"
#include "cli/scenario_writer.h"

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
  ReportInput in;
  in.scenario_name = s.name;
  in.scenario_file = s.source_path;
  in.scenario_hash = hash;
  in.points.push_back(ReportPointInput{{}, run.scenario, "", hash, s.source_path});
  in.records.push_back(seed_record(run, 0, hash));
  in.prerun = &run;
  return write_report_files(build_report(in), dir);
}

}  // namespace leasesim
