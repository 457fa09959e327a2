// help_exit_codes_test.cc: every command's help names the exit codes users script against
// (docs/cli.md "Exit codes"): 4, check's INCONCLUSIVE, is listed on every level, and advise and
// audit give the meanings of 0 and 1 that are their own.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "tests/cli/cli_harness.h"

namespace leasesim {
namespace {

using testing::run_cli;

// The "Exit codes:" block of a help text, up to its end.
std::string exit_block(const std::string& help) {
  const size_t at = help.find("Exit codes:");
  return at == std::string::npos ? std::string() : help.substr(at);
}

TEST(HelpExitCodes, EveryCommandListsExitFour) {
  for (const std::string command : {"", "run", "validate", "check", "fuzz", "campaign", "report", "audit", "advise",
                                    "diff-real", "serve"}) {
    const auto r = command.empty() ? run_cli({"--help"}) : run_cli({command, "--help"});
    EXPECT_EQ(r.code, 0) << command;
    const std::string block = exit_block(r.out + r.err);
    ASSERT_FALSE(block.empty()) << "no exit codes in the help of '" << command << "':\n" << r.out;
    // 4 and the word inconclusive, on one line (each footer says it in its own words).
    EXPECT_TRUE(std::regex_search(block, std::regex("\\b4\\b[^\\n]*(inconclusive|INCONCLUSIVE)")))
        << command << ":\n" << block;
    for (const char* code : {"0 ", "1 ", "2 ", "3 "})
      EXPECT_NE(block.find(code), std::string::npos) << command << " lacks exit " << code << ":\n" << block;
  }
}

TEST(HelpExitCodes, AdviseAndAuditSayWhatTheirOwnCodesMean) {
  const std::string advise = exit_block(run_cli({"advise", "--help"}).out);
  EXPECT_NE(advise.find("0 SAFE"), std::string::npos) << advise;
  EXPECT_NE(advise.find("1 NOT SAFE"), std::string::npos) << advise;
  const std::string audit = exit_block(run_cli({"audit", "--help"}).out);
  EXPECT_NE(audit.find("0 no findings"), std::string::npos) << audit;
  EXPECT_NE(audit.find("1 findings"), std::string::npos) << audit;
}

}  // namespace
}  // namespace leasesim
