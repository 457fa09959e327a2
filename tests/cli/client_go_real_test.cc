// client_go_real_test.cc: `model: client-go-real` end to end (docs/models/client-go-real.md):
// determinism of the real library in its synctest helper, the differential test against
// client-go-elector and its twin, and the refusals. Tests that need the helper skip, with the
// reason, where Go or its modules are missing; the refusals need nothing.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "cli/client_go_real_setup.h"
#include "tests/cli/cli_harness.h"
#include "cli/diff_real.h"
#include "cli/scenario_loader.h"
#include "tests/cli/go_helper_build.h"

namespace leasesim {
namespace {

using testing::run_cli;
using testing::source_path;

std::string hash_of(const std::string& out) {
  const size_t at = out.find("traceHash  ");
  return at == std::string::npos ? std::string() : out.substr(at + 11, 16);
}

#define NEED_HELPER()                                  \
  std::string why;                                     \
  if (!testing::client_go_real_helper(&why)) GTEST_SKIP() << why

TEST(ClientGoReal, QuickstartPassesWithOneTraceHashRunAfterRun) {
  NEED_HELPER();
  const std::string file = source_path("go/client-go-real/scenarios/quickstart.yaml");
  const auto first = run_cli({"run", file});
  const auto second = run_cli({"run", file});
  ASSERT_EQ(first.code, 0) << first.out << first.err;
  EXPECT_NE(first.out.find("result     PASS"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("failovers\n  crash of kcm-a at 30s"), std::string::npos) << first.out;
  EXPECT_EQ(hash_of(first.out), hash_of(second.out));
  EXPECT_FALSE(hash_of(first.out).empty());
  // Another seed draws other latencies and other jitter in the library: another trace.
  const auto other = run_cli({"run", file, "--seed", "2"});
  EXPECT_NE(hash_of(other.out), hash_of(first.out));
}

TEST(ClientGoReal, CampaignHashesDoNotDependOnJobs) {
  NEED_HELPER();
  const std::string file = source_path("go/client-go-real/scenarios/race.yaml");
  const auto dir = testing::scratch("client-go-real-jobs");
  const auto one = run_cli({"campaign", file, "--seeds", "6", "--jobs", "1", "--out", (dir / "one").string()});
  const auto two = run_cli({"campaign", file, "--seeds", "6", "--jobs", "2", "--out", (dir / "two").string()});
  ASSERT_EQ(one.code, 0) << one.out << one.err;
  ASSERT_EQ(two.code, 0) << two.out << two.err;
  // results.jsonl is in seed order either way, so the files are equal when every hash is.
  EXPECT_EQ(testing::slurp(dir / "one" / "results.jsonl"), testing::slurp(dir / "two" / "results.jsonl"));
}

TEST(ClientGoReal, ModelAgreesWithTheRealLibraryRequestByRequest) {
  NEED_HELPER();
  std::vector<std::string> args{"diff-real"};
  for (const char* f : {"quickstart", "stop-release", "stop-no-release", "partition", "partition-responses",
                        "outage-refuse", "outage-blackhole", "slow-server", "race"})
    args.push_back(source_path(std::string("go/client-go-real/scenarios/") + f + ".yaml"));
  args.insert(args.end(), {"--seeds", "3"});
  const auto r = run_cli(args);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("result    27 runs, 0 diverged"), std::string::npos) << r.out;
}

TEST(ClientGoReal, TwinADifferentModelIsReportedAsADivergence) {
  NEED_HELPER();
  const std::string file = source_path("go/client-go-real/scenarios/quickstart.yaml");
  LoadResult loaded = load_scenario_file(file);
  ASSERT_TRUE(loaded.ok());
  Scenario real = std::move(*loaded.scenario);
  ASSERT_FALSE(setup_client_go_real(real, file, "diff-real").has_value());
  // The same comparison against a model with another RetryPeriod must find where they part.
  Scenario wrong = model_twin(real);
  for (ProcessSpec& p : wrong.processes) std::get<ClientGoConfig>(p.model).retry_period = seconds(3);
  const DiffRealResult same = diff_real_run(real, 1);
  EXPECT_FALSE(same.diverged()) << same.real_line << "\n" << same.model_line;
  EXPECT_EQ(same.real_hash, same.model_hash);
  const DiffRealResult differs = diff_real_run(real, 1, &wrong);
  ASSERT_TRUE(differs.diverged());
  EXPECT_NE(differs.real_line, differs.model_line);
  EXPECT_NE(differs.real_hash, differs.model_hash);
}

TEST(ClientGoReal, OwnElectorRunsUnderTheSameHarnessAndItsBugIsFound) {
  NEED_HELPER();
  // docs/models/client-go-real.md section 7: a team's own elector, built from its own test file.
  // Built into a scratch folder beside a copy of its scenario (whose helper path is relative).
  const auto dir = source_path("go/client-go-real");
  const auto scratch = testing::scratch("client-go-real-own");
  const std::string scenario = testing::put(scratch / "scenario.yaml", testing::slurp(dir + "/examples/own-elector/scenario.yaml"));
  const std::string bin = (scratch / "own-elector.test").string();
  ASSERT_EQ(std::system(("cd '" + dir + "' && go test -c -o '" + bin + "' ./examples/own-elector >/dev/null 2>&1").c_str()), 0);
  const auto r = run_cli({"run", scenario});
  // The naive loop takes a lease without counting the transition: leasesim says so.
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("VIOLATED  transitionsMatch"), std::string::npos) << r.out;
  EXPECT_EQ(hash_of(r.out), hash_of(run_cli({"run", scenario}).out));
}

TEST(ClientGoReal, CheckIsRefusedWithItsReason) {
  const auto r = run_cli({"check", source_path("go/client-go-real/scenarios/quickstart.yaml")});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("a search cannot copy"), std::string::npos) << r.err;
}

TEST(ClientGoReal, ClocksPausesAndMissingHelpersAreRefused) {
  const auto dir = testing::scratch("client-go-real-refusals");
  const std::string head = R"(apiVersion: leasesim/v1alpha1
kind: Scenario
metadata: {name: r}
spec:
  duration: 10s
  processes:
)";
  const auto offset = testing::put(dir / "offset.yaml", head + R"(    - {name: a, model: client-go-real, lease: ns/l, clock: {offset: 1s}}
)");
  auto r = run_cli({"run", offset});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("process a (model client-go-real): clock offset and rate must be 0 and 1"), std::string::npos)
      << r.err;
  const auto pause = testing::put(dir / "pause.yaml", head + R"(    - {name: a, model: client-go-real, lease: ns/l}
  faults:
    - {at: 1s, for: 1s, type: pause, target: a}
)");
  r = run_cli({"run", pause});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("spec.faults[0]: pause is not supported with model client-go-real"), std::string::npos) << r.err;
  const auto own = testing::put(dir / "own.yaml", head + R"(    - {name: a, model: client-go-real, lease: ns/l, config: {helper: ./nowhere.test}}
)");
  r = run_cli({"run", own});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("nowhere.test is not an executable file"), std::string::npos) << r.err;
  // Without any helper: the message says how to build it.
  const char* saved = std::getenv("LEASESIM_GO_HELPER");
  const std::string keep = saved ? saved : "";
  ::setenv("LEASESIM_GO_HELPER", (dir / "missing.test").c_str(), 1);
  const auto plain = testing::put(dir / "plain.yaml", head + R"(    - {name: a, model: client-go-real, lease: ns/l}
)");
  r = run_cli({"run", plain});
  if (saved) ::setenv("LEASESIM_GO_HELPER", keep.c_str(), 1);
  else ::unsetenv("LEASESIM_GO_HELPER");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--target client-go-real-helper"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace leasesim
