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
#include "tests/cli/cli_harness.h"

namespace leasesim {
namespace {

// The command line in process (tests/cli/cli_harness.h).
using Result = testing::CliResult;
Result cli(const std::vector<std::string>& args) { return testing::run_cli(args); }

std::filesystem::path gallery() { return std::filesystem::path(LEASESIM_SOURCE_DIR) / "scenarios" / "gallery"; }

std::filesystem::path temp_dir(const std::string& name) { return testing::scratch(name, "leasesim-gallery-test-"); }

TEST(Gallery, CheckFindsEveryExpectedBug) {
  // Steps are live events (explore/explorer.h): 92 and 122 when inert events were steps too.
  const std::map<std::string, std::string> shortest{
      {"client-go-clock-rate-outside-tolerance.yaml", "singleLeader after 66 steps"},
      {"client-go-lease-shorter-than-hold.yaml", "singleLeader after 88 steps"},
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
