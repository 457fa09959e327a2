// path_checks.h: checks of output paths made before a command starts its work.
//
// Contract: output_folder_problem says why `path` cannot be a folder to write into (it exists
// and is not a folder); output_file_problem says why `path` cannot be a file to write (it is a
// folder, or its parent exists and is not a folder). Both accept paths that do not exist yet:
// the writers create them (cli/atomic_file.h). "" (the option was not given) has no problem.
// Leaves out: permissions (the write itself reports them).
#pragma once

#include <optional>
#include <string>

namespace leasesim {

std::optional<std::string> output_folder_problem(const std::string& flag, const std::string& path);
std::optional<std::string> output_file_problem(const std::string& flag, const std::string& path);

}  // namespace leasesim
