// report_files.h: writing a report folder (report.json, report.md, report.html).
//
// Contract: every file is written atomically (cli/atomic_file.h), the three reports last, so a
// folder never holds a half-written report; the folder is created when missing. Errors are
// returned as messages. The bytes depend only on the Report (reports/report.h), so merged
// shards and an unsharded campaign write identical files. A live run (`serve`) is reported by
// the same builder (reports/report.h, build_live_report) from what the LiveRun recorded; its
// bytes are not reproducible, as the run itself is not.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "live/serve.h"
#include "properties/run.h"
#include "reports/report.h"

namespace leasesim {

// `extra` files (name, content) are written first, e.g. the scenario files of sweep points.
std::optional<std::string> write_report_files(const Report& report, const std::string& dir,
                                              const std::vector<std::pair<std::string, std::string>>& extra = {});

// `run --report DIR`: the report of one finished run, as `report` would write it for a
// campaign of that one seed.
std::optional<std::string> write_run_report(const RunResult& run, const std::string& dir);

// The report of one live run (`serve`), from its History, Evaluation, trace, processes and
// warnings; `file` is the scenario file it was served from.
Report live_report(const LiveRun& run, const std::string& file);

// `serve`: live_report(run, file) written to `dir` (report.json, report.md, report.html).
std::optional<std::string> write_live_report(const LiveRun& run, const std::string& file, const std::string& dir);

}  // namespace leasesim
