// report_files.h: writing a report folder (report.json, report.md, report.html).
//
// Contract: every file is written atomically (cli/atomic_file.h), the three reports last, so a
// folder never holds a half-written report; the folder is created when missing. Errors are
// returned as messages. The bytes depend only on the Report (reports/report.h), so merged
// shards and an unsharded campaign write identical files.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "properties/run.h"
#include "reports/report.h"

namespace leasesim {

// `extra` files (name, content) are written first, e.g. the scenario files of sweep points.
std::optional<std::string> write_report_files(const Report& report, const std::string& dir,
                                              const std::vector<std::pair<std::string, std::string>>& extra = {});

// `run --report DIR`: the report of one finished run, as `report` would write it for a
// campaign of that one seed.
std::optional<std::string> write_run_report(const RunResult& run, const std::string& dir);

}  // namespace leasesim
