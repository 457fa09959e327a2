// The known-bug gallery (scenarios/gallery/): `leasesim check` finds every file's bug within the
// file's own explore bounds, and it is the bug its `expect` names (exit 0, "expected yes"); the
// shortest counterexamples are pinned. `leasesim fuzz --template` finds them too once the
// expectation is removed. (ctest also runs each file twice with `leasesim run`.)
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "cli/commands.h"

namespace leasesim {
namespace {

struct Result {
  int code;
  std::string out;
  std::string err;
};

Result cli(std::vector<std::string> args) {
  std::vector<const char*> argv{"leasesim"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  const int code = leasesim_main(static_cast<int>(argv.size()), argv.data(), out, err);
  return {code, out.str(), err.str()};
}

std::filesystem::path gallery() { return std::filesystem::path(LEASESIM_SOURCE_DIR) / "scenarios" / "gallery"; }

std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("leasesim-gallery-test-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(Gallery, CheckFindsEveryExpectedBug) {
  const std::map<std::string, std::string> shortest{
      {"client-go-clock-rate-outside-tolerance.yaml", "singleLeader after 92 steps"},
      {"client-go-lease-shorter-than-hold.yaml", "singleLeader after 122 steps"},
      {"client-go-no-conflict-check.yaml", "transitionsMatch after 8 steps"},
      {"tutorial-clock-offset-two-leaders.yaml", "singleLeader after 16 steps"},
      {"tutorial-hung-leader-two-leaders.yaml", "singleLeader after 27 steps"},
      {"tutorial-transitions-never-move.yaml", "transitionsMatch after 4 steps"},
  };
  const auto out_dir = temp_dir("check");
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(gallery())) {
    const std::string name = entry.path().filename().string();
    ++files;
    const Result r = cli({"check", entry.path().string(), "--out", out_dir.string()});
    EXPECT_EQ(r.code, 0) << name << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find("expected   yes"), std::string::npos) << name << "\n" << r.out;
    ASSERT_TRUE(shortest.count(name)) << "pin the shortest counterexample of " << name;
    EXPECT_NE(r.out.find("counterexample: " + shortest.at(name)), std::string::npos) << name << "\n" << r.out;
  }
  EXPECT_EQ(files, shortest.size());
}

TEST(Gallery, FuzzFindsABugOnceItIsNoLongerExpected) {
  const auto dir = temp_dir("fuzz");
  std::ifstream in(gallery() / "tutorial-clock-offset-two-leaders.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  text = std::regex_replace(text, std::regex("  expect:\n    violated: \\[singleLeader\\]\n"), "");
  std::ofstream(dir / "unexpected.yaml") << text;
  const Result r = cli({"fuzz", "--template", (dir / "unexpected.yaml").string(), "--runs", "3", "--out", dir.string()});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("singleLeader violated, not permitted"), std::string::npos) << r.out;
  // With its expect block, the same template fuzzes clean.
  const Result clean = cli({"fuzz", "--template", (gallery() / "tutorial-clock-offset-two-leaders.yaml").string(),
                            "--runs", "3", "--out", dir.string()});
  EXPECT_EQ(clean.code, 0) << clean.out << clean.err;
}

}  // namespace
}  // namespace leasesim
