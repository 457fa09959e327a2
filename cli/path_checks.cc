// path_checks.cc: see path_checks.h.
#include "cli/path_checks.h"

#include <filesystem>
#include <system_error>

namespace leasesim {

std::optional<std::string> output_folder_problem(const std::string& flag, const std::string& path) {
  std::error_code ec;
  if (path.empty() || !std::filesystem::exists(path, ec)) return std::nullopt;
  if (!std::filesystem::is_directory(path, ec))
    return flag + " " + path + " is a file; give a folder (it is created when missing)";
  return std::nullopt;
}

std::optional<std::string> output_file_problem(const std::string& flag, const std::string& path) {
  std::error_code ec;
  if (path.empty()) return std::nullopt;
  if (std::filesystem::is_directory(path, ec)) return flag + " " + path + " is a folder; give a file name";
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty() && std::filesystem::exists(parent, ec) && !std::filesystem::is_directory(parent, ec))
    return flag + " " + path + ": " + parent.string() + " is a file, not a folder";
  return std::nullopt;
}

}  // namespace leasesim
