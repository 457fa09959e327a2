// Issue 19, items 2, 7, 8 and 9: campaign folders under concurrent writers, signals, huge
// counts, and `report` on corrupted inputs.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "tests/cli/cli_harness.h"

extern char** environ;

namespace leasesim {
namespace {

using namespace leasesim::testing;
namespace fs = std::filesystem;

const std::string kQuickstart = source_path("scenarios/quickstart.yaml");

TEST(CampaignFolder, ResultsNotWrittenWithTheManifestAreRefusedByTheirHash) {
  const fs::path dir = scratch("campaign-swap");
  ASSERT_EQ(run_cli({"campaign", kQuickstart, "--seeds", "3", "--out", (dir / "a").string()}).code, 0);
  ASSERT_EQ(run_cli({"report", (dir / "a").string(), "--out", (dir / "r").string()}).code, 0) << "the twin";
  // Every line valid and of this campaign, the count right, but not the file the campaign
  // wrote (here: its lines in another order), as when another writer's rename came between.
  const std::string text = slurp(dir / "a" / "results.jsonl");
  std::vector<std::string> lines;
  for (size_t at = 0; at < text.size();) {
    const size_t end = text.find('\n', at);
    lines.push_back(text.substr(at, end - at + 1));
    at = end + 1;
  }
  ASSERT_EQ(lines.size(), 3u);
  put(dir / "a" / "results.jsonl", lines[2] + lines[1] + lines[0]);
  const CliResult r = run_cli({"report", (dir / "a").string(), "--out", (dir / "r").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("resultsHash"), std::string::npos) << r.err;
}

TEST(CampaignFolder, ResultsOfAnotherShardAreRefusedNamingTheHash) {
  // The interleaving TwoConcurrentCampaigns can meet one time in many, made certain: the
  // results of one campaign next to the manifest of another. The first line-level symptom (a
  // seed of another shard) is reported together with its cause, the differing resultsHash.
  const fs::path dir = scratch("campaign-mixed");
  ASSERT_EQ(run_cli({"campaign", kQuickstart, "--seeds", "3", "--out", (dir / "a").string()}).code, 0);
  ASSERT_EQ(run_cli({"campaign", kQuickstart, "--seeds", "3", "--first-seed", "100", "--out", (dir / "b").string()})
                .code,
            0);
  fs::copy_file(dir / "a" / "results.jsonl", dir / "b" / "results.jsonl", fs::copy_options::overwrite_existing);
  const CliResult r = run_cli({"report", (dir / "b").string(), "--out", (dir / "r").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("is not one of this shard's seeds"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("resultsHash"), std::string::npos) << r.err;
}

TEST(CampaignFolder, TwoConcurrentCampaignsLeaveAConsistentFolder) {
  const fs::path dir = scratch("campaign-race");
  const std::string out = (dir / "c").string();
  CliResult a, b;
  std::thread ta([&] { a = run_cli({"campaign", kQuickstart, "--seeds", "40", "--jobs", "1", "--out", out}); });
  std::thread tb([&] {
    b = run_cli({"campaign", kQuickstart, "--seeds", "40", "--first-seed", "100", "--jobs", "1", "--out", out});
  });
  ta.join();
  tb.join();
  EXPECT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(b.code, 0) << b.err;
  EXPECT_TRUE(hidden_files(dir / "c").empty());
  // Whatever the interleaving, `report` either merges a matching pair or refuses by the hash;
  // it never reports a torn or mismatched folder.
  const CliResult r = run_cli({"report", out, "--out", (dir / "r").string()});
  if (r.code != 0) EXPECT_NE(r.err.find("resultsHash"), std::string::npos) << r.err;
  else EXPECT_NE(r.out.find("runs       40 "), std::string::npos) << r.out;
}

TEST(CampaignFolder, SigtermRemovesTheTemporaryFiles) {
  const fs::path dir = scratch("campaign-sigterm");
  const std::string out = (dir / "c").string();
  std::vector<std::string> args{LEASESIM_BINARY, "campaign", kQuickstart, "--seeds", "1000000", "--jobs", "1",
                                "--out", out};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
  // Wait for the temporary results file to appear (the campaign is running), then stop it.
  bool started = false;
  for (int i = 0; i < 400 && !started; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    started = fs::exists(out) && !hidden_files(out).empty();
  }
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(started) << "the campaign never opened its temporary file";
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << "status " << status;
  EXPECT_TRUE(hidden_files(out).empty()) << hidden_files(out).front();
  EXPECT_FALSE(fs::exists(fs::path(out) / "results.jsonl"));
  EXPECT_FALSE(fs::exists(fs::path(out) / "campaign.json"));
}

TEST(CampaignLimits, TooManyRunsForOneInvocationPointsAtShard) {
  const fs::path dir = scratch("campaign-huge");
  const CliResult r = run_cli({"campaign", kQuickstart, "--seeds", "1000000000", "--out", (dir / "c").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--shard"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "c" / "results.jsonl"));
}

TEST(CampaignLimits, AShardOfAHugeCampaignRunsInBoundedMemory) {
  const fs::path dir = scratch("campaign-huge-shard");
  // 10^9 seeds split in 10^8 shards: this shard holds 10 seeds.
  const CliResult r = run_cli({"campaign", kQuickstart, "--seeds", "1000000000", "--shard", "5/100000000", "--out",
                               (dir / "c").string()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("10 runs"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace leasesim
