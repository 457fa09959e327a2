// Issue 19, items 7, 9 and 10: flag abuse, `report` on corrupted campaign folders, and messages
// that misled.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/int_flags.h"
#include "core/shell_quote.h"
#include "tests/cli/cli_harness.h"

namespace leasesim {
namespace {

using namespace leasesim::testing;
namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

const std::string kQuickstart = source_path("scenarios/quickstart.yaml");

struct FlagCase {
  std::vector<std::string> args;
  std::string message;
};

TEST(HostileFlags, IntegersThatWrappedAreUsageErrorsWithTheRange) {
  const fs::path dir = scratch("flags");
  const std::string out = (dir / "o").string();
  const std::vector<FlagCase> cases{
      {{"run", kQuickstart, "--seed", "-1"}, "--seed: expected an integer from 0 to 18446744073709551615, got \"-1\""},
      {{"run", kQuickstart, "--seed", "18446744073709551616"}, "--seed: must be an integer from 0 to 18446744073709551615"},
      {{"run", kQuickstart, "--seed", "0x10"}, "--seed: expected an integer"},
      {{"run", kQuickstart, "--seed", " 5"}, "--seed: expected an integer"},
      {{"fuzz", "--runs", "-1"}, "--runs: expected an integer from 1 to 1000000000"},
      {{"fuzz", "--runs", "0"}, "--runs: must be an integer from 1 to 1000000000"},
      {{"fuzz", "--runs", "5", "--jobs", "-2"}, "--jobs: expected an integer from 1 to 256"},
      {{"campaign", kQuickstart, "--seeds", "-1", "--out", out}, "--seeds: expected an integer from 1 to"},
      {{"campaign", kQuickstart, "--seeds", "1e9", "--out", out}, "--seeds: expected an integer"},
      {{"campaign", kQuickstart, "--seeds", "99999999999999999999", "--out", out}, "--seeds: must be an integer"},
      {{"campaign", kQuickstart, "--seeds", "3", "--first-seed", "-3", "--out", out}, "--first-seed: expected"},
      {{"check", kQuickstart, "--max-faults", "17"}, "--max-faults: must be an integer from 0 to 16"},
      {{"check", kQuickstart, "--depth", "-1"}, "--depth: expected an integer from 1"},
  };
  for (const FlagCase& c : cases) {
    const CliResult r = run_cli(c.args);
    EXPECT_EQ(r.code, 2) << c.message << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.message << "\n" << r.err;
  }
  EXPECT_FALSE(fs::exists(out));
}

TEST(HostileFlags, TheLargestSeedStillRuns) {
  const CliResult r = run_cli({"run", kQuickstart, "--seed", "18446744073709551615"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("--seed 18446744073709551615"), std::string::npos);
}

TEST(HostileFlags, ParseFlagIntegerBoundaries) {
  std::string e;
  EXPECT_EQ(parse_flag_integer("0", 0, 5, &e), 0u);
  EXPECT_EQ(parse_flag_integer("5", 0, 5, &e), 5u);
  EXPECT_FALSE(parse_flag_integer("6", 0, 5, &e));
  EXPECT_FALSE(parse_flag_integer("", 0, 5, &e));
  EXPECT_FALSE(parse_flag_integer("+1", 0, 5, &e));
  EXPECT_EQ(parse_flag_integer("18446744073709551615", 0, UINT64_MAX, &e), UINT64_MAX);
  EXPECT_FALSE(parse_flag_integer("184467440737095516150", 0, UINT64_MAX, &e));
}

TEST(HostileMessages, UnknownCommandNamesItAndTheCommands) {
  const CliResult r = run_cli({"frobnicate"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown command \"frobnicate\"; the commands are: run, validate, check"), std::string::npos)
      << r.err;
}

TEST(HostileMessages, FuzzOutputPathsAreCheckedBeforeTheWork) {
  const fs::path dir = scratch("fuzz-paths");
  const std::string file = put(dir / "a-file", "x");
  CliResult r = run_cli({"fuzz", "--runs", "1000000", "--out", file});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--out " + file + " is a file"), std::string::npos) << r.err;
  r = run_cli({"fuzz", "--runs", "1000000", "--junit", dir.string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("is a folder; give a file name"), std::string::npos) << r.err;
}

TEST(HostileMessages, ReproduceCommandsAreShellQuoted) {
  EXPECT_EQ(shell_quote("scenarios/quickstart.yaml"), "scenarios/quickstart.yaml");
  EXPECT_EQ(shell_quote("$(touch pwned).yaml"), "'$(touch pwned).yaml'");
  EXPECT_EQ(shell_quote("it's.yaml"), "'it'\\''s.yaml'");
  EXPECT_EQ(shell_quote(""), "''");
  const fs::path dir = scratch("quote");
  const std::string file = put(dir / "$(touch pwned).yaml", slurp(kQuickstart));
  const CliResult r = run_cli({"run", file});
  EXPECT_NE(r.out.find("reproduce  leasesim run '" + file + "' --seed 1"), std::string::npos) << r.out;
}

// --- `report` on corrupted campaign folders (item 9).

struct Folder {
  fs::path dir;
  Json manifest;
  std::vector<Json> lines;
  void save() const {
    put(dir / "campaign.json", manifest.dump(2));
    std::string text;
    for (const Json& l : lines) text += l.dump() + "\n";
    put(dir / "results.jsonl", text);
  }
};

Folder campaign_folder(const std::string& name) {
  const fs::path dir = scratch("report-" + name);
  const CliResult r = run_cli({"campaign", kQuickstart, "--seeds", "4", "--shard", "1/2", "--out", (dir / "c").string()});
  EXPECT_EQ(r.code, 0) << r.err;
  Folder f{dir / "c", Json::parse(slurp(dir / "c" / "campaign.json")), {}};
  const std::string text = slurp(dir / "c" / "results.jsonl");
  for (size_t at = 0; at < text.size();) {
    const size_t end = text.find('\n', at);
    f.lines.push_back(Json::parse(text.substr(at, end - at)));
    at = end + 1;
  }
  f.manifest.erase("resultsHash");  // the cases edit lines; the hash has its own test
  return f;
}

CliResult report_of(const Folder& f) {
  f.save();
  return run_cli({"report", f.dir.string(), "--out", (f.dir.parent_path() / "r").string()});
}

TEST(HostileReport, TheUneditedFolderReports) {
  const Folder f = campaign_folder("twin");
  const CliResult r = report_of(f);
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST(HostileReport, CorruptedFoldersExitTwoNamingFileAndLine) {
  struct Case {
    const char* name;
    void (*edit)(Folder&);
    std::string message;
  };
  const std::vector<Case> cases{
      {"SeedOutsideTheShard", [](Folder& f) { f.lines[1]["seed"] = 1; },
       "results.jsonl:2: seed 1 is not one of this shard's seeds"},
      {"SeedOutsideTheCampaign", [](Folder& f) { f.lines[0]["seed"] = 99; },
       "results.jsonl:1: seed 99 is not one of this shard's seeds"},
      {"NegativeCount", [](Folder& f) { f.lines[0]["holderChanges"] = -1; },
       "results.jsonl:1: field \"holderChanges\" must be a non-negative integer"},
      {"OverflowingCount", [](Folder& f) { f.lines[0]["events"] = Json::parse("18446744073709551616"); },
       "results.jsonl:1: field \"events\" must be a non-negative integer"},
      {"NegativeNanoseconds", [](Folder& f) { f.lines[0]["failovers"][0]["faultToLeaderNs"] = -5; },
       "results.jsonl:1: field \"faultToLeaderNs\" must not be negative"},
      {"NegativeSimulatedTime", [](Folder& f) { f.lines[1]["simulatedNs"] = -1; },
       "results.jsonl:2: field \"simulatedNs\" must not be negative"},
      {"ShardIndexPastCount", [](Folder& f) { f.manifest["shard"]["index"] = 2; },
       "campaign.json: \"shard.index\" 2 must be below \"shard.count\" 2"},
      {"NegativeSeedCount", [](Folder& f) { f.manifest["seeds"]["count"] = -4; },
       "campaign.json: \"seeds.count\" must be a non-negative integer"},
      {"SeedRangeOverflow", [](Folder& f) { f.manifest["seeds"]["first"] = UINT64_MAX; },
       "campaign.json: \"seeds.first\" + \"seeds.count\" overflows"},
      {"RunsDisagree", [](Folder& f) { f.manifest["runs"] = 3; }, "campaign.json: \"runs\" 3 is not shard.seeds (2)"},
  };
  for (const Case& c : cases) {
    Folder f = campaign_folder(c.name);
    ASSERT_GE(f.lines.size(), 2u);
    c.edit(f);
    const CliResult r = report_of(f);
    EXPECT_EQ(r.code, 2) << c.name << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.name << ": expected " << c.message << "\n" << r.err;
  }
}

}  // namespace
}  // namespace leasesim
