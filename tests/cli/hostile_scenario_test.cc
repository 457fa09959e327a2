// Issue 19, items 3, 4, 5, 6, 8, 10 and 11: hostile scenario files. Each case is a file that used
// to pass `validate` (or mislead), replayed through `validate` and `run --format json`: both
// must exit 2 with the position and the reason, never 3 and never a signal.
#include <gtest/gtest.h>

#include "cli/scenario_loader.h"
#include "tests/cli/cli_harness.h"

namespace leasesim {
namespace {

using namespace leasesim::testing;
namespace fs = std::filesystem;

// A valid scenario with one client-go process; `{X}` markers are replaced per case.
std::string base_scenario(const std::string& process_extra = "", const std::string& spec_extra = "",
                          const std::string& name = "hostile") {
  return "apiVersion: leasesim/v1alpha1\nkind: Scenario\nmetadata:\n  name: " + name +
         "\nspec:\n  duration: 1m\n" + spec_extra +
         "  processes:\n    - name: a\n      model: client-go-elector\n      lease: default/l\n" + process_extra;
}

struct Case {
  const char* name;
  std::string file;     // file name (its extension picks the format)
  std::string text;
  std::string expect;   // "LINE:COL: ...message part" or a message part
};

std::vector<Case> cases() {
  return {
      // Item 3: text that is not UTF-8, and control characters in names.
      {"NulInName", "s.yaml", base_scenario("", "", "\"a\\0b\""), ":4:9: metadata.name: the string contains control character U+0000"},
      {"LoneSurrogate", "s.yaml", base_scenario("", "", "\"\\ud800\""), ":4:16: syntax error: invalid unicode"},
      {"Latin1Byte", "s.yaml", base_scenario("", "", "caf\xe9"), ":4:12: the file is not UTF-8: invalid byte 0xE9"},
      {"NulLedFile", "s.yaml", std::string("\0\0apiVersion: x\n", 16), ":1:1: the file holds a NUL byte: it is not UTF-8"},
      {"ControlInIdentity", "s.yaml", base_scenario("      identity: \"x\\ty\"\n"), "identity: the string contains control character U+0009"},
      // Item 4: values whose derived instants overflowed 64-bit time.
      {"TinyRate", "s.yaml", base_scenario("      clock: {rate: 0.000000001}\n"), "clock.rate: rate \"0.000000001\" is outside 0.1 to 10"},
      {"HugeRate", "s.yaml", base_scenario("      clock: {rate: 11}\n"), "is outside 0.1 to 10"},
      {"HugeWindow", "s.yaml", base_scenario("", "  faults: [{at: 1s, type: pause, target: a, for: 2562047h}]\n"), "faults[0].for: duration \"2562047h\" is longer than 10000h"},
      {"HugeRetry", "s.yaml", base_scenario("      config: {retryPeriod: 1500000h}\n"), "config.retryPeriod: duration \"1500000h\" is longer than 10000h"},
      {"HugeOffset", "s.yaml", base_scenario("      clock: {offset: 2562047h}\n"), "clock.offset: duration \"2562047h\" is longer"},
      {"JumpsPastTheLimit", "s.yaml", base_scenario("", "  faults:\n    - {at: 1s, type: clockJump, target: a, by: 9000h}\n    - {at: 2s, type: clockJump, target: a, by: -9000h}\n"), "faults[1].by: the clock jumps of this scenario add up to more than 10000h"},
      {"HugeLatency", "s.yaml", base_scenario("", "  apiServer: {latency: {min: 1ms, max: 5000000h}}\n"), "apiServer.latency.max: duration \"5000000h\" is too large"},
      {"HugeLeaseDurationSeconds", "s.yaml", base_scenario("", "  leases:\n    - {apiVersion: coordination.k8s.io/v1, kind: Lease, metadata: {name: l}, spec: {leaseDurationSeconds: 2147483647}}\n"), "leaseDurationSeconds: must be at most 36000000"},
      // Item 8: a total process limit.
      {"TooManyProcesses", "s.yaml", base_scenario("      count: 100000\n    - {name: b, model: tutorial-elector, lease: default/l, count: 100000}\n"), "count: this entry brings the scenario to 200000 processes; at most 100000"},
      // Item 5: strict JSON, one document.
      {"JsonTrailingGarbage", "s.json", R"({"apiVersion": "leasesim/v1alpha1"} garbage)", ":1:37: not strict JSON"},
      {"JsonSecondObject", "s.json", R"({"a": 1} {"b": 2})", "not strict JSON"},
      {"JsonWithYamlSyntax", "s.json", "{apiVersion: leasesim/v1alpha1}", ":1:2: not strict JSON"},
      {"JsonComment", "s.json", "# a comment\n{}", ":1:1: file ends in .json but is not JSON"},
      {"JsonCommentInside", "s.json", "{\"a\": 1 # a comment\n}", ":1:9: not strict JSON"},
      {"YamlFlowRootTrailing", "s.yaml", "{apiVersion: leasesim/v1alpha1} {b: 2}", ":1:33: content after the end of the document's root value"},
      // Item 6: impossible dates.
      {"February30", "s.yaml", base_scenario("", "  startTime: \"2026-02-30T00:00:00Z\"\n"), "startTime: expected an RFC 3339 time such as \"2026-01-01T00:00:00Z\", got \"2026-02-30T00:00:00Z\": day out of range"},
      {"February29NonLeap", "s.yaml", base_scenario("", "  startTime: \"2025-02-29T00:00:00Z\"\n"), "day out of range"},
      {"LeapSecond", "s.yaml", base_scenario("", "  startTime: \"2026-06-30T23:59:60Z\"\n"), "second out of range"},
      {"TenFractionDigits", "s.yaml", base_scenario("", "  startTime: \"2026-01-01T00:00:00.1234567891Z\"\n"), "more than 9 fractional digits"},
      {"YearOutsideTheLimit", "s.yaml", base_scenario("", "  startTime: \"2200-01-01T00:00:00Z\"\n"), "is out of range (years 1900 to 2100"},
      // Item 10: messages that misled.
      {"DeepNesting", "s.yaml", std::string(10000, '['), ":1:65: nesting too deep"},
      {"StartTimeInteger", "s.yaml", base_scenario("", "  startTime: 12345\n"), "startTime: expected an RFC 3339 time such as \"2026-01-01T00:00:00Z\", got \"12345\""},
      // Item 11: what run refused, validate now says first, with the position.
      {"AutoWithoutAnalyticBound", "s.yaml", base_scenario("    - {name: b, model: tutorial-elector, lease: default/l}\n", "  properties: {failoverWithin: auto}\n"), ":7:32: spec.properties.failoverWithin: \"auto\" needs an analytic failover bound"},
  };
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class HostileScenario : public ::testing::TestWithParam<Case> {};

TEST_P(HostileScenario, ValidateAndRunExitTwoWithThePosition) {
  const Case& c = GetParam();
  const fs::path dir = scratch(std::string("scenario-") + c.name);
  const std::string file = put(dir / c.file, c.text);
  const CliResult v = run_cli({"validate", file});
  EXPECT_EQ(v.code, 2) << v.out << v.err;
  EXPECT_NE(v.err.find(c.expect), std::string::npos) << "expected: " << c.expect << "\ngot: " << v.err;
  EXPECT_EQ(v.err.find("internal error"), std::string::npos) << v.err;
  const CliResult r = run_cli({"run", file, "--format", "json"});
  EXPECT_EQ(r.code, 2) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Issue19, HostileScenario, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return std::string(info.param.name); });

// The twins: the limits are limits, not bans; the largest accepted values load and run.
TEST(HostileScenarioTwins, ValuesAtTheLimitsLoadAndRun) {
  const fs::path dir = scratch("scenario-limits");
  const std::string text = base_scenario(
      "      clock: {rate: 0.1, offset: -10000h}\n"
      "    - {name: b, model: client-go-elector, lease: default/l, clock: {rate: 10, offset: 10000h}}\n",
      "  startTime: \"2100-12-31T23:59:59.999999999Z\"\n"
      "  faults:\n    - {at: 1s, type: clockJump, target: a, by: 5000h}\n"
      "    - {at: 2s, type: clockJump, target: b, by: -5000h}\n"
      "    - {at: 3s, type: pause, target: a, for: 10000h}\n"
      "  properties: {failoverWithin: auto}\n");
  const std::string file = put(dir / "s.yaml", text);
  const CliResult v = run_cli({"validate", file});
  EXPECT_EQ(v.code, 0) << v.err;
  const CliResult r = run_cli({"run", file, "--format", "json"});
  EXPECT_NE(r.code, 2) << r.err;
  EXPECT_NE(r.code, 3) << r.err;
}

TEST(HostileScenarioTwins, DatesThatExistAndCompoundDurationsLoad) {
  const fs::path dir = scratch("scenario-dates");
  const std::string file = put(dir / "s.yaml", base_scenario("      config: {leaseDuration: 1m30s}\n",
                                                             "  startTime: \"2024-02-29T23:59:59.123456789Z\"\n"));
  const LoadResult loaded = load_scenario_file(file);
  ASSERT_TRUE(loaded.ok()) << loaded.errors.front().format();
}

TEST(HostileScenarioTwins, StrictJsonStillLoads) {
  const fs::path dir = scratch("scenario-json");
  const std::string file = put(dir / "s.json", R"({"apiVersion": "leasesim/v1alpha1", "kind": "Scenario",
 "metadata": {"name": "j", "description": "line one\nline\ttwo"},
 "spec": {"duration": "1m", "processes": [{"name": "a", "model": "tutorial-elector", "lease": "default/l"}]}}
)");
  const LoadResult loaded = load_scenario_file(file);
  ASSERT_TRUE(loaded.ok()) << loaded.errors.front().format();
}

TEST(HostileScenarioMessages, AFolderNamedLikeAScenarioSaysSo) {
  const fs::path dir = scratch("scenario-folder");
  fs::create_directories(dir / "x.yaml");
  const CliResult v = run_cli({"validate", (dir / "x.yaml").string()});
  EXPECT_EQ(v.code, 2);
  EXPECT_NE(v.err.find("is a folder"), std::string::npos) << v.err;
}

}  // namespace
}  // namespace leasesim
