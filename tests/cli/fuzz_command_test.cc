// End-to-end tests of `leasesim fuzz` (cli/fuzz_command.cc), in process: identical output for
// any --jobs, failures of a template shrunk, saved, reproducible with `run`, JUnit output, the
// known-bug hunt (--known) with its classes and its twin in the default mode, and usage errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <regex>
#include <sstream>

#include "cli/commands.h"
#include "tests/cli/cli_harness.h"

namespace leasesim {
namespace {

// The command line in process (tests/cli/cli_harness.h).
using Result = testing::CliResult;
Result cli(const std::vector<std::string>& args) { return testing::run_cli(args); }

std::filesystem::path temp_dir(const std::string& name) { return testing::scratch(name, "leasesim-fuzz-test-"); }

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(FuzzCommand, SameResultsForAnyNumberOfJobs) {
  const auto dir = temp_dir("jobs");
  const Result one = cli({"fuzz", "--runs", "150", "--seed", "3", "--out", dir.string()});
  const Result four = cli({"fuzz", "--runs", "150", "--seed", "3", "--jobs", "4", "--out", dir.string(), "--junit",
                           (dir / "junit.xml").string()});
  EXPECT_EQ(one.code, 0) << one.out << one.err;
  EXPECT_EQ(one.out, four.out);
  EXPECT_TRUE(has(one.out, "fuzz       seed 3, 150 cases, ")) << one.out;
  EXPECT_TRUE(has(one.out, "result     0 failures\n")) << one.out;
  const std::string xml = read(dir / "junit.xml");
  // No failures: the summary testcase alone.
  EXPECT_TRUE(has(xml, "<testsuites name=\"leasesim fuzz\" tests=\"1\" failures=\"0\">")) << xml;
  EXPECT_TRUE(has(xml, "<testcase classname=\"leasesim.fuzz\" name=\"summary\">")) << xml;
  EXPECT_TRUE(has(xml, "seed 3, 150 cases")) << xml;
}

// The tutorial's clock-offset bug as a template without `expect`: every case fails.
constexpr const char* kOffset = R"(apiVersion: leasesim/v1alpha1
kind: Scenario
metadata: {name: offset}
spec:
  duration: 2m
  leases:
    - apiVersion: coordination.k8s.io/v1
      kind: Lease
      metadata: {name: l}
      spec: {holderIdentity: "", leaseDurationSeconds: 30}
  processes:
    - {name: a, model: tutorial-elector, lease: default/l}
    - {name: b, model: tutorial-elector, lease: default/l, start: 7s, clock: {offset: 25s}}
    - {name: c, model: tutorial-elector, lease: default/l, start: 3s}
  faults:
    - {at: 90s, type: crash, target: c}
  properties: {transitionsMatch: false}
)";

TEST(FuzzCommand, TemplateFailuresAreShrunkSavedAndReproducible) {
  const auto dir = temp_dir("template");
  std::ofstream(dir / "offset.yaml") << kOffset;
  const Result r = cli({"fuzz", "--template", (dir / "offset.yaml").string(), "--runs", "2", "--out",
                        (dir / "found").string(), "--junit", (dir / "junit.xml").string()});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "FAIL case 0 (template, 3 processes, 1 faults, seed ")) << r.out;
  EXPECT_TRUE(has(r.out, "singleLeader violated, not permitted by its configuration")) << r.out;
  EXPECT_TRUE(has(r.out, "to 2 processes, 0 faults")) << r.out;
  EXPECT_TRUE(has(r.out, "result     2 failures\n")) << r.out;
  const std::string saved = (dir / "found" / "offset-fuzz-0.yaml").string();
  ASSERT_TRUE(std::filesystem::exists(saved)) << r.out;
  EXPECT_TRUE(has(r.out, "reproduce  leasesim run " + saved + " --seed ")) << r.out;
  const Result run = cli({"run", saved});
  EXPECT_EQ(run.code, 1);  // no expect: the violation is a failure
  EXPECT_TRUE(has(run.out, "VIOLATED  singleLeader")) << run.out;
  const std::string xml = read(dir / "junit.xml");
  // Two failing cases of one class: one testcase for the class, one summary.
  EXPECT_TRUE(has(xml, "tests=\"2\" failures=\"1\"")) << xml;
  EXPECT_TRUE(has(xml, "<testcase classname=\"leasesim.fuzz.template\" name=\"template/singleLeader/unexpected\">"))
      << xml;
  EXPECT_TRUE(has(xml, "<failure message=\"singleLeader violated in 2 cases, first case 0\" "
                       "type=\"template/singleLeader/unexpected\">"))
      << xml;
  EXPECT_TRUE(has(xml, "reproduce  leasesim run " + saved + " --seed ")) << xml;
  EXPECT_TRUE(has(xml, "2 failing cases in 1 bug class")) << xml;
}

TEST(FuzzCommand, TemplateWithItsBugInExpectPasses) {
  const auto dir = temp_dir("expected");
  std::ofstream(dir / "offset.yaml") << std::string(kOffset) + "  expect: {violated: [singleLeader]}\n";
  const Result r = cli({"fuzz", "--template", (dir / "offset.yaml").string(), "--runs", "5", "--out", dir.string()});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
}

// --case N reruns exactly case N: the same verdict and the same failure text as in the full run.
TEST(FuzzCommand, CaseRerunsExactlyOneCase) {
  const auto dir = temp_dir("case");
  std::ofstream(dir / "offset.yaml") << kOffset;
  const Result all = cli({"fuzz", "--template", (dir / "offset.yaml").string(), "--runs", "2", "--out",
                          (dir / "all").string()});
  const Result one = cli({"fuzz", "--template", (dir / "offset.yaml").string(), "--case", "1", "--out",
                          (dir / "all").string()});
  EXPECT_EQ(one.code, 1) << one.out << one.err;
  const size_t at = all.out.find("FAIL case 1 ");
  ASSERT_NE(at, std::string::npos) << all.out;
  const std::string case1 = all.out.substr(at, all.out.find("fuzz       seed") - at);
  EXPECT_TRUE(has(one.out, case1)) << one.out << "\n---\n" << case1;
  EXPECT_FALSE(has(one.out, "FAIL case 0 ")) << one.out;
  EXPECT_TRUE(has(one.out, "case 1 alone")) << one.out;
  EXPECT_TRUE(has(case1, "case again leasesim fuzz --template " + (dir / "offset.yaml").string() + " --seed 1 --case 1"))
      << case1;
  EXPECT_EQ(cli({"fuzz", "--case", "1", "--runs", "3"}).code, 2);
}

TEST(FuzzCommand, UsageErrorsExitTwo) {
  EXPECT_EQ(cli({"fuzz"}).code, 2);
  EXPECT_EQ(cli({"fuzz", "--runs", "3", "--time", "1s"}).code, 2);
  EXPECT_EQ(cli({"fuzz", "--time", "soon"}).code, 2);
  EXPECT_EQ(cli({"fuzz", "--runs", "3", "--jobs", "0"}).code, 2);
  EXPECT_EQ(cli({"fuzz", "--runs", "3", "--template", "/nonexistent.yaml"}).code, 2);
}

TEST(FuzzCommand, TimeBudgetStops) {
  const auto dir = temp_dir("time");
  const Result r = cli({"fuzz", "--time", "200ms", "--out", dir.string()});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "(stopped by --time 200ms: how many depends on this machine's speed)")) << r.out;
}

// --known from a cold start: the known classes are listed once each with a shrunk, saved file
// that `leasesim run` replays to the same violation; the output and the JUnit report are the same
// for --jobs 1 and 2.
TEST(FuzzCommand, KnownHuntListsClassesTheSameForAnyNumberOfJobs) {
  const auto dir = temp_dir("known");
  const std::string out = (dir / "found").string();
  const Result one = cli({"fuzz", "--known", "--runs", "300", "--seed", "1", "--out", out, "--junit",
                          (dir / "junit-1.xml").string()});
  const std::string xml_one = read(dir / "junit-1.xml");
  const Result two = cli({"fuzz", "--known", "--runs", "300", "--seed", "1", "--jobs", "2", "--out", out, "--junit",
                          (dir / "junit-2.xml").string()});
  EXPECT_EQ(one.code, 1) << one.out << one.err;
  EXPECT_EQ(one.out, two.out);
  EXPECT_EQ(xml_one, read(dir / "junit-2.xml"));
  for (const char* key : {"tutorial/singleLeader/clock-offset", "tutorial/singleLeader/lost-requests",
                          "client-go/singleLeader/rate-outside-tolerance", "client-go/singleLeader/conflictCheck-off",
                          "client-go/transitionsMatch/conflictCheck-off"}) {
    EXPECT_TRUE(has("\n" + one.out, std::string("\nFAIL ") + key + ": ")) << key << "\n" << one.out;
    EXPECT_TRUE(has(one.out, std::string("\n  ") + key + ": ")) << key;  // the summary line
    EXPECT_TRUE(std::regex_search(xml_one, std::regex(std::string("type=\"[^\"]*") + key))) << key;
  }
  EXPECT_TRUE(has(one.out, "\njudged     --known: every singleLeader and transitionsMatch violation is a failure"))
      << one.out;
  EXPECT_TRUE(has(one.out, "case again leasesim fuzz --known --seed 1 --case ")) << one.out;
  // Every class once; every saved file small and replaying its violation with `run`.
  const std::regex fail_line("\nFAIL ([a-z-]+/[A-Za-z]+/[A-Za-z-]+): ");
  std::set<std::string> keys;
  const std::string text = "\n" + one.out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), fail_line); it != std::sregex_iterator(); ++it)
    EXPECT_TRUE(keys.insert((*it)[1]).second) << (*it)[1];
  const std::regex saved_line("\n  saved      (\\S+)\n  replays    ([A-Za-z]+): ");
  const std::regex size_line("to ([0-9]+) processes, ([0-9]+) faults, ");
  int saved = 0;
  for (auto it = std::sregex_iterator(one.out.begin(), one.out.end(), saved_line); it != std::sregex_iterator(); ++it) {
    ++saved;
    const std::string path = (*it)[1];
    const std::string property = (*it)[2];
    const Result run = cli({"run", path});
    EXPECT_EQ(run.code, 1) << path;
    EXPECT_TRUE(has(run.out, "VIOLATED  " + property)) << path << "\n" << run.out;
  }
  EXPECT_EQ(saved, static_cast<int>(keys.size()));
  EXPECT_GE(saved, 5);
  for (auto it = std::sregex_iterator(one.out.begin(), one.out.end(), size_line); it != std::sregex_iterator(); ++it) {
    EXPECT_LE(std::stoi((*it)[1]), 3) << (*it)[0];
    EXPECT_LE(std::stoi((*it)[2]), 2) << (*it)[0];
  }
  // One testcase per class plus the summary, each class with its reproduce command.
  EXPECT_TRUE(has(xml_one, "<testsuites name=\"leasesim fuzz\" tests=\"" + std::to_string(keys.size() + 1) +
                               "\" failures=\"" + std::to_string(keys.size()) + "\">"))
      << xml_one;
  size_t reproduces = 0;
  for (size_t at = xml_one.find("reproduce  leasesim run "); at != std::string::npos;
       at = xml_one.find("reproduce  leasesim run ", at + 1))
    ++reproduces;
  EXPECT_EQ(reproduces, keys.size());
}

// The twin: the same cases in the default mode report no failure (every violation there is
// permitted by its configuration), so CI fuzzing is unchanged.
TEST(FuzzCommand, DefaultModeReportsNoFailureForTheSameCases) {
  const auto dir = temp_dir("default");
  const Result r = cli({"fuzz", "--runs", "300", "--seed", "1", "--out", dir.string()});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "result     0 failures\n")) << r.out;
  EXPECT_FALSE(has(r.out, "FAIL")) << r.out;
  EXPECT_FALSE(has(r.out, "judged")) << r.out;
}

}  // namespace
}  // namespace leasesim
