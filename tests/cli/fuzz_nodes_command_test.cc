// End-to-end tests of `leasesim fuzz --nodes`: the same output for any --jobs, the known kubelet
// clock-step hazard found with --known, shrunk, saved and replayed by `leasesim run`, and
// --nodes refused together with --template.
#include <gtest/gtest.h>

#include <regex>

#include "tests/cli/cli_harness.h"

namespace leasesim {
namespace {

using Result = testing::CliResult;
Result cli(const std::vector<std::string>& args) { return testing::run_cli(args); }
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(FuzzNodesCommand, KnownHazardFoundTheSameForAnyJobsAndReplays) {
  const auto dir = testing::scratch("known", "leasesim-fuzz-nodes-test-");
  const std::string out = (dir / "found").string();
  const Result one = cli({"fuzz", "--nodes", "--known", "--runs", "40", "--seed", "1", "--out", out});
  const Result two = cli({"fuzz", "--nodes", "--known", "--runs", "40", "--seed", "1", "--jobs", "2", "--out", out});
  EXPECT_EQ(one.code, 1) << one.out << one.err;
  EXPECT_EQ(one.out, two.out);
  EXPECT_TRUE(has(one.out, " nodes")) << one.out;
  EXPECT_TRUE(has("\n" + one.out, "\nFAIL nodes/noFalseNotReady/kubelet-clock-step-back: ")) << one.out;
  EXPECT_TRUE(has(one.out, "case again leasesim fuzz --known --nodes --seed 1 --case ")) << one.out;
  const std::regex saved_line("\n  saved      (\\S+)\n  replays    ([A-Za-z]+): ");
  int saved = 0;
  for (auto it = std::sregex_iterator(one.out.begin(), one.out.end(), saved_line); it != std::sregex_iterator(); ++it) {
    ++saved;
    const Result run = cli({"run", (*it)[1]});
    EXPECT_EQ(run.code, 1) << (*it)[1] << run.out << run.err;
    EXPECT_TRUE(has(run.out, (*it)[2])) << run.out;
  }
  EXPECT_GT(saved, 0) << one.out;
}

TEST(FuzzNodesCommand, DefaultJudgeSameForAnyJobs) {
  const auto dir = testing::scratch("plain", "leasesim-fuzz-nodes-test-");
  const Result one = cli({"fuzz", "--nodes", "--runs", "30", "--seed", "2", "--out", dir.string()});
  const Result two = cli({"fuzz", "--nodes", "--runs", "30", "--seed", "2", "--jobs", "2", "--out", dir.string()});
  EXPECT_EQ(one.out, two.out);
  EXPECT_EQ(one.code, two.code);
  EXPECT_TRUE(has(one.out, "30 nodes")) << one.out;
}

TEST(FuzzNodesCommand, NodesWithTemplateIsAUsageError) {
  const Result r = cli({"fuzz", "--nodes", "--template", "scenarios/quickstart.yaml", "--runs", "1"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(has(r.err, "--nodes")) << r.err;
}

}  // namespace
}  // namespace leasesim
