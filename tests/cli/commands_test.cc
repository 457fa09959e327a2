// End-to-end tests of the command line, in process: exit codes, outputs, trace files.
#include "cli/commands.h"
#include "tests/cli/cli_harness.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace leasesim {
namespace {

// The command line in process (tests/cli/cli_harness.h).
using Result = testing::CliResult;
Result cli(const std::vector<std::string>& args) { return testing::run_cli(args); }

std::string source(const std::string& rel) { return std::string(LEASESIM_SOURCE_DIR) + "/" + rel; }

std::filesystem::path temp_dir(const std::string& name) { return testing::scratch(name, "leasesim-cli-test-"); }

std::string write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
  return path.string();
}

const char* kTwoLeaders = R"(apiVersion: leasesim/v1alpha1
kind: Scenario
metadata: {name: offset}
spec:
  duration: 1m
  leases:
    - apiVersion: coordination.k8s.io/v1
      kind: Lease
      metadata: {name: l}
      spec: {holderIdentity: "", leaseDurationSeconds: 30}
  processes:
    - {name: a, model: tutorial-elector, lease: default/l}
    - {name: b, model: tutorial-elector, lease: default/l, start: 7s, clock: {offset: 25s}}
)";

TEST(RunCommand, ExpectMatchedExitsZero) {
  Result r = cli({"run", source("scenarios/tutorial/clock-offset-two-leaders.yaml")});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("VIOLATED  singleLeader"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("traceHash  "), std::string::npos);
  EXPECT_NE(r.out.find("reproduce  leasesim run "), std::string::npos);
}

TEST(RunCommand, ViolationWithoutExpectExitsOneAndPrintsReproduction) {
  auto dir = temp_dir("violation");
  Result r = cli({"run", write(dir / "s.yaml", kTwoLeaders), "--seed", "5"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("seed 5; reproduce with: leasesim run "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--seed 5"), std::string::npos);
}

TEST(RunCommand, ExpectNotMatchedExitsOne) {
  auto dir = temp_dir("expect");
  std::string text = std::string(kTwoLeaders) + "  expect: {violated: [transitionsMatch]}\n";
  Result r = cli({"run", write(dir / "s.yaml", text)});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("did not match expect"), std::string::npos) << r.err;
}

TEST(RunCommand, InvalidScenarioExitsTwoWithPosition) {
  auto dir = temp_dir("invalid");
  std::string text = kTwoLeaders;
  text.replace(text.find("duration: 1m"), 12, "duration: 60");
  const std::string file = write(dir / "s.yaml", text);
  Result r = cli({"run", file});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(file + ":5:13: spec.duration: "), std::string::npos) << r.err;
}

TEST(RunCommand, MissingFileExitsTwo) {
  Result r = cli({"run", "/nonexistent/x.yaml"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("/nonexistent/x.yaml"), std::string::npos);
}

TEST(RunCommand, JsonSummaryHasContractFields) {
  Result r = cli({"run", source("scenarios/tutorial/conflict-kills-loser.yaml"), "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  for (const char* field : {"scenario", "seed", "simulated", "events", "traceHash", "properties", "leaderships",
                            "failovers", "leases", "api", "stoppedBy", "passed", "reproduce"})
    EXPECT_TRUE(j.contains(field)) << field;
  EXPECT_EQ(j["simulated"], 180.0);
  EXPECT_EQ(j["traceHash"].get<std::string>().size(), 16u);
  EXPECT_EQ(j["leases"][0]["apiVersion"], "coordination.k8s.io/v1");
  EXPECT_EQ(j["leases"][0]["kind"], "Lease");
  EXPECT_TRUE(j["api"]["update"].contains("conflict"));  // the losers' 409s
}

TEST(RunCommand, TraceFileDoesNotChangeTheHashAndIsValidJsonLines) {
  auto dir = temp_dir("trace");
  const std::string scenario = source("scenarios/tutorial/works-without-faults.yaml");
  Result plain = cli({"run", scenario, "--format", "json"});
  const std::string trace = (dir / "nested" / "t.jsonl").string();
  Result traced = cli({"run", scenario, "--format", "json", "--trace", trace});
  ASSERT_EQ(plain.code, 0);
  ASSERT_EQ(traced.code, 0);
  EXPECT_EQ(nlohmann::json::parse(plain.out)["traceHash"], nlohmann::json::parse(traced.out)["traceHash"]);
  std::ifstream in(trace);
  std::string line;
  int lines = 0;
  double last_t = 0;
  bool in_violations = false;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    ASSERT_TRUE(j.contains("t") && j.contains("type")) << line;
    if (j["type"] == "violation") in_violations = true;
    if (!in_violations) {
      EXPECT_GE(j["t"].get<double>(), last_t) << line;  // events are in simulation order
      last_t = j["t"].get<double>();
    } else {
      EXPECT_EQ(j["type"], "violation") << "violation lines come last";
    }
    ++lines;
  }
  EXPECT_GT(lines, 10);
  EXPECT_FALSE(std::filesystem::exists(trace + ".tmp"));
}

TEST(RunCommand, SameSeedSameHashDifferentSeedDifferentHash) {
  const std::string scenario = source("scenarios/tutorial/works-without-faults.yaml");
  auto hash = [&](const char* seed) {
    return nlohmann::json::parse(cli({"run", scenario, "--format", "json", "--seed", seed}).out)["traceHash"];
  };
  EXPECT_EQ(hash("11"), hash("11"));
  EXPECT_NE(hash("11"), hash("12"));
}

TEST(ValidateCommand, ReportsEachFile) {
  auto dir = temp_dir("validate");
  const std::string good = source("scenarios/quickstart.yaml");
  const std::string bad = write(dir / "empty.yaml", "");
  Result r = cli({"validate", good, bad});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find(good + ": ok"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find(bad), std::string::npos) << r.err;
  EXPECT_EQ(cli({"validate", good}).code, 0);
}

TEST(CommandLine, UsageErrorsExitTwoAndHelpExitsZero) {
  EXPECT_EQ(cli({}).code, 2);
  EXPECT_EQ(cli({"frobnicate"}).code, 2);
  EXPECT_EQ(cli({"run"}).code, 2);
  EXPECT_EQ(cli({"run", "x.yaml", "--format", "xml"}).code, 2);
  EXPECT_EQ(cli({"run", "x.yaml", "--seed", "abc"}).code, 2);
  Result help = cli({"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("run"), std::string::npos);
  EXPECT_EQ(cli({"run", "--help"}).code, 0);
}

}  // namespace
}  // namespace leasesim
