// End-to-end tests of `leasesim advise` (cli/advise_command.cc): a safe configuration exits 0
// with SAFE, an unsafe one exits 1 with NOT SAFE and a counterexample that replays with `run`,
// and bad terms exit 2 naming each flag.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "cli/advise_terms.h"
#include "cli/commands.h"
#include "tests/cli/cli_harness.h"

namespace leasesim {
namespace {

namespace fs = std::filesystem;

// The command line in process (tests/cli/cli_harness.h).
using Result = testing::CliResult;
Result cli(const std::vector<std::string>& args) { return testing::run_cli(args); }

fs::path temp_dir(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("leasesim-advise-test-" + name);
  fs::remove_all(dir);
  return dir;
}

std::vector<std::string> terms(const std::string& drift, const std::string& seeds, const fs::path& out) {
  return {"advise", "--lease-duration", "15s", "--renew-deadline", "10s", "--retry-period", "2s", "--replicas", "3",
          "--clock-drift", drift, "--latency", "1ms-300ms", "--seeds", seeds, "--jobs", "2", "--check-states", "20000",
          "--out", out.string()};
}

TEST(Advise, SafeConfigurationExitsZeroWithFiguresAndReport) {
  const fs::path dir = temp_dir("safe");
  const Result r = cli(terms("500ppm", "40", dir));
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("verdict    SAFE: margin 1.193s, clock-rate ratio 1.0005 tolerated < 1.0749"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("failover   after a crash p50 "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(analytic bound 26.800s)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("counterexample"), std::string::npos) << r.out;
  // A bounded search cut short is never called verified.
  if (r.out.find("inconclusive") != std::string::npos) {
    EXPECT_EQ(r.out.find("verified"), std::string::npos) << r.out;
  }
  for (const char* name : {"crash", "stop", "partition", "drift", "check"})
    EXPECT_TRUE(fs::exists(dir / "scenarios" / (std::string(name) + ".yaml"))) << name;
  for (const char* file : {"index.html", "advise.md", "advise.json", "crash/report.html", "drift/report.json"})
    EXPECT_TRUE(fs::exists(dir / "report" / file)) << file;
  // The written scenarios run on their own.
  EXPECT_EQ(cli({"run", (dir / "scenarios" / "crash.yaml").string()}).code, 0);
}

TEST(Advise, UnsafeConfigurationExitsOneWithAReplayingCounterexample) {
  const fs::path dir = temp_dir("unsafe");
  const Result r = cli(terms("300000ppm", "200", dir));
  ASSERT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("verdict    NOT SAFE: margin -2.262s"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("because the analytic bounds allow two leaders"), std::string::npos) << r.out;
  const size_t at = r.out.find("counterexample leasesim run ");
  ASSERT_NE(at, std::string::npos) << r.out;
  // "counterexample leasesim run FILE [--seed N]   (...)": replay it. The counterexample comes
  // from the bounded check (a replay file) or from a campaign (a scenario and a seed).
  const std::string line = r.out.substr(at, r.out.find('\n', at) - at);
  std::istringstream words(line);
  std::string word, file, seed;
  words >> word >> word >> word >> file;
  if (words >> word && word == "--seed") words >> seed;
  // Reproduce commands are shell-quoted (core/shell_quote.h): undo the quotes a shell would.
  if (file.size() >= 2 && file.front() == '\'' && file.back() == '\'') file = file.substr(1, file.size() - 2);
  std::vector<std::string> args{"run", file};
  if (!seed.empty()) {
    args.push_back("--seed");
    args.push_back(seed);
  }
  const Result replay = cli(args);
  if (seed.empty()) {
    // A check counterexample declares the violation it shows (expect), so its run passes by
    // observing exactly that violation.
    EXPECT_EQ(replay.code, 0) << replay.out;
    EXPECT_NE(replay.out.find("observed: [singleLeader]"), std::string::npos) << replay.out;
  } else {
    EXPECT_EQ(replay.code, 1) << replay.out;
    EXPECT_NE(replay.out.find("VIOLATED  singleLeader"), std::string::npos) << replay.out;
  }
}

TEST(Advise, BadTermsExitTwoNamingEachFlag) {
  const Result r = cli({"advise", "--lease-duration", "10s", "--renew-deadline", "15s", "--retry-period", "2s",
                        "--replicas", "1", "--clock-drift", "5%", "--latency", "300ms-1ms"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--replicas 1: between 2 and 100"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--clock-drift 5%: expected whole parts per million"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--latency 300ms-1ms: need 0 < MIN <= MAX"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("leaseDuration must be greater than renewDeadline"), std::string::npos) << r.err;
  EXPECT_EQ(cli({"advise", "--lease-duration", "15s", "--renew-deadline", "10s", "--retry-period", "2s", "--replicas",
                 "3", "--latency", "1ms"})
                .code,
            2);
}

// Terms past what advise can simulate are refused (exit 2) rather than turned into a scenario
// the loader refuses (which was exit 3): a lease over 24h, a drift past a clock rate of 10, a
// latency longer than the lease. Twin: the largest accepted values run.
TEST(Advise, TermsPastWhatItSimulatesExitTwo) {
  const Result ld = cli({"advise", "--lease-duration", "3000h", "--renew-deadline", "10s", "--retry-period", "2s",
                         "--replicas", "2"});
  EXPECT_EQ(ld.code, 2) << ld.err;
  EXPECT_NE(ld.err.find("--lease-duration 3000h: at most 24h"), std::string::npos) << ld.err;
  const Result drift = cli({"advise", "--lease-duration", "15s", "--renew-deadline", "10s", "--retry-period", "2s",
                            "--replicas", "2", "--clock-drift", "9999999ppm"});
  EXPECT_EQ(drift.code, 2) << drift.err;
  EXPECT_NE(drift.err.find("at most 9000000ppm"), std::string::npos) << drift.err;
  const Result latency = cli({"advise", "--lease-duration", "15s", "--renew-deadline", "10s", "--retry-period", "2s",
                              "--replicas", "2", "--latency", "1ms-20s"});
  EXPECT_EQ(latency.code, 2) << latency.err;
  EXPECT_NE(latency.err.find("MAX is longer than --lease-duration 15s"), std::string::npos) << latency.err;
  const fs::path dir = temp_dir("largest");
  const Result ok = cli({"advise", "--lease-duration", "24h", "--renew-deadline", "20h", "--retry-period", "1h",
                         "--replicas", "2", "--clock-drift", "9000000ppm", "--latency", "1ms-24h", "--seeds", "2", "--jobs", "2", "--check-states", "20000",
                         "--out", dir.string()});
  EXPECT_NE(ok.code, 2) << ok.err;
  EXPECT_NE(ok.code, 3) << ok.err;
}

TEST(AdviseTerms, DriftRates) {
  EXPECT_EQ(drift_rate_text(0), "1.0");
  EXPECT_EQ(drift_rate_text(500), "1.0005");
  EXPECT_EQ(drift_rate_text(300000), "1.3");
  EXPECT_EQ(drift_rate_text(1500000), "2.5");
}

}  // namespace
}  // namespace leasesim
