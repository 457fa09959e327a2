// Tests of the campaign's verdict table (cli/sweep_verdict.h) and --fail-on-unsafe: a sweep
// prints SAFE / NOT SAFE per point and the fastest safe point, and an analytically unsafe point
// makes the campaign exit 1 only with the flag.
#include "cli/sweep_verdict.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "tests/cli/cli_harness.h"

namespace leasesim {
namespace {

namespace fs = std::filesystem;

// The command line in process (tests/cli/cli_harness.h).
using Result = testing::CliResult;
Result cli(const std::vector<std::string>& args) { return testing::run_cli(args); }

std::string source(const std::string& rel) { return std::string(LEASESIM_SOURCE_DIR) + "/" + rel; }

fs::path temp_dir(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("leasesim-sweep-verdict-test-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

const std::string kCrash = "scenarios/client-go/leader-crash-2-standbys.yaml";

TEST(SweepVerdict, TableNamesSafeAndUnsafePointsAndTheFastestSafe) {
  const fs::path dir = temp_dir("table");
  const Result c = cli({"campaign", source(kCrash), "--seeds", "5", "--jobs", "2", "--sweep", "leaseDuration=15s,30s",
                        "--sweep", "clockRate=1.0,1.3", "--out", (dir / "c").string()});
  // Every seed passes, so without --fail-on-unsafe the exit is 0 despite a NOT SAFE point.
  ASSERT_EQ(c.code, 0) << c.out << c.err;
  EXPECT_NE(c.out.find("verdicts"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("leaseDuration=15s clockRate=1.3  NOT SAFE"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("leaseDuration=15s clockRate=1.0  SAFE"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("fastest safe setting: point 0 (leaseDuration=15s clockRate=1.0)"), std::string::npos) << c.out;
  // With the flag the unsafe point fails the campaign.
  const Result f = cli({"campaign", source(kCrash), "--seeds", "5", "--jobs", "2", "--sweep", "leaseDuration=15s,30s",
                        "--sweep", "clockRate=1.0,1.3", "--fail-on-unsafe", "--out", (dir / "f").string()});
  EXPECT_EQ(f.code, 1) << f.out;
  EXPECT_NE(f.out.find("--fail-on-unsafe: a point is NOT SAFE"), std::string::npos) << f.out;
  // Twin: only safe points, the flag changes nothing.
  const Result g = cli({"campaign", source(kCrash), "--seeds", "5", "--jobs", "2", "--sweep", "leaseDuration=15s,30s",
                        "--fail-on-unsafe", "--out", (dir / "g").string()});
  EXPECT_EQ(g.code, 0) << g.out;
}

TEST(SweepVerdict, RowVerdictsAndFastestSafe) {
  AnalyticBounds safe;
  safe.no_overlap = true;
  safe.failover_bound = seconds(20);
  AnalyticBounds unsafe = safe;
  unsafe.no_overlap = false;
  std::vector<VerdictRow> rows(5);
  for (uint32_t i = 0; i < rows.size(); ++i) {
    rows[i].index = i;
    rows[i].runs = 10;
  }
  rows[0].analytic = safe;
  rows[0].to_leader = Percentiles{10, 1, 2, 3, seconds(19).ns, 5};
  rows[1].analytic = safe;
  rows[1].to_leader = Percentiles{10, 1, 2, 3, seconds(17).ns, 5};
  rows[2].analytic = unsafe;
  rows[2].to_leader = Percentiles{10, 1, 2, 3, seconds(1).ns, 5};
  rows[3].analytic = safe;
  rows[3].failed = 1;
  rows[3].to_leader = Percentiles{10, 1, 2, 3, seconds(1).ns, 5};
  rows[4].valid = false;
  EXPECT_EQ(row_verdict(rows[0]), "SAFE");
  EXPECT_EQ(row_verdict(rows[2]), "NOT SAFE");
  EXPECT_TRUE(analytically_unsafe(rows[2]));
  EXPECT_FALSE(analytically_unsafe(rows[3]));
  EXPECT_EQ(row_verdict(rows[3]), "FAILED");
  EXPECT_EQ(row_verdict(rows[4]), "INVALID");
  VerdictRow none;
  EXPECT_EQ(row_verdict(none), "NO BOUND");
  // The unsafe and failed rows are faster, but only SAFE rows compete.
  EXPECT_EQ(fastest_safe(rows), std::optional<uint32_t>(1));
  EXPECT_EQ(ratio_floor(1247083333), "1.2470");
}

}  // namespace
}  // namespace leasesim
