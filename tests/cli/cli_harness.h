// cli_harness.h: running the command line in process, and scratch folders, for the command-line
// tests of tests/cli/.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace leasesim::testing {

struct CliResult {
  int code;
  std::string out;
  std::string err;
};

inline CliResult run_cli(const std::vector<std::string>& args) {
  std::vector<const char*> argv{"leasesim"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  const int code = leasesim_main(static_cast<int>(argv.size()), argv.data(), out, err);
  return {code, out.str(), err.str()};
}

inline std::string source_path(const std::string& rel) { return std::string(LEASESIM_SOURCE_DIR) + "/" + rel; }

// A fresh, empty folder under the system temporary folder. Each test file passes its own prefix,
// so that two test binaries running at once never share a folder.
inline std::filesystem::path scratch(const std::string& name, const std::string& prefix = "leasesim-hostile-") {
  auto dir = std::filesystem::temp_directory_path() / (prefix + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string put(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  return path.string();
}

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Files in `dir` whose names start with '.', i.e. temporary files left behind.
inline std::vector<std::string> hidden_files(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().filename().string().front() == '.') out.push_back(e.path().filename().string());
  return out;
}

}  // namespace leasesim::testing
