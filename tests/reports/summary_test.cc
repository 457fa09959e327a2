// Tests of the run summary (reports/summary.h): a passing run with warnings says so on its
// result line and carries the same warnings in JSON; a clean run says plain PASS.
#include "reports/summary.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace leasesim {
namespace {

std::shared_ptr<Scenario> tutorial(bool with_lease) {
  auto s = std::make_shared<Scenario>();
  s->name = "summary-test";
  s->properties.transitions_match = false;
  const LeaseId id = s->lease_id("default/tutorial");
  if (with_lease) {
    InitialLease lease;
    lease.id = id;
    lease.spec.holder_identity = "";
    lease.spec.lease_duration_seconds = 30;
    s->leases.push_back(lease);
  }
  ProcessSpec p;
  p.name = "replica";
  p.identity = "replica";
  p.model = TutorialConfig{};
  p.lease = id;
  s->processes.push_back(p);
  return s;
}

TEST(Summary, PassWithWarningsOnTheResultLineAndInJson) {
  const RunResult r = run_scenario(tutorial(false), 1);
  const std::string text = summary_text(r);
  EXPECT_NE(text.find("\nwarnings\n  processExited  replica died on its own"), std::string::npos) << text;
  EXPECT_NE(text.find("result     PASS with warnings (2)"), std::string::npos) << text;
  const auto json = summary_json(r);
  ASSERT_EQ(json["warnings"].size(), 2u);
  EXPECT_EQ(json["warnings"][0]["kind"], "processExited");
  EXPECT_EQ(json["warnings"][1]["kind"], "leaseNeverLed");
  EXPECT_EQ(json["passed"], true);
}

TEST(Summary, CleanRunSaysPlainPass) {
  const RunResult r = run_scenario(tutorial(true), 1);
  const std::string text = summary_text(r);
  EXPECT_EQ(text.find("warnings"), std::string::npos) << text;
  EXPECT_NE(text.find("result     PASS\n"), std::string::npos) << text;
  EXPECT_TRUE(summary_json(r)["warnings"].empty());
}

}  // namespace
}  // namespace leasesim
