// Tests of run warnings (properties/warnings.h): each kind appears when its fact is in the run,
// and a twin run without that fact has none.
#include "properties/warnings.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace leasesim {
namespace {

std::shared_ptr<Scenario> tutorial_scenario(uint32_t replicas, bool with_lease, Duration duration = minutes(2)) {
  auto s = std::make_shared<Scenario>();
  s->name = "warnings-test";
  s->duration = duration;
  s->properties.transitions_match = false;  // the tutorial never moves leaseTransitions
  const LeaseId id = s->lease_id("default/tutorial");
  if (with_lease) {
    InitialLease lease;
    lease.id = id;
    lease.spec.holder_identity = "";
    lease.spec.lease_duration_seconds = 30;
    s->leases.push_back(lease);
  }
  for (uint32_t i = 0; i < replicas; ++i) {
    ProcessSpec p;
    p.name = "replica-" + std::to_string(i);
    p.identity = p.name;
    p.model = TutorialConfig{};
    p.lease = id;
    p.start = seconds(i);  // apart, so they do not race into a 409
    s->processes.push_back(p);
  }
  return s;
}

std::vector<std::string> kinds(const std::vector<RunWarning>& ws) {
  std::vector<std::string> out;
  for (const RunWarning& w : ws) out.push_back(w.kind);
  return out;
}

TEST(RunWarnings, CleanRunHasNone) {
  const RunResult r = run_scenario(tutorial_scenario(2, true), 1);
  EXPECT_TRUE(r.evaluation.passed);
  EXPECT_TRUE(run_warnings(r).empty());
}

TEST(RunWarnings, MissingLeaseKillsEveryReplicaAndNobodyLeads) {
  const RunResult r = run_scenario(tutorial_scenario(2, false), 1);
  EXPECT_TRUE(r.evaluation.passed);  // no property sees anything wrong...
  const std::vector<RunWarning> ws = run_warnings(r);
  EXPECT_EQ(kinds(ws), (std::vector<std::string>{"processExited", "processExited", "leaseNeverLed"}));
  EXPECT_NE(ws[0].message.find("notFound"), std::string::npos) << ws[0].message;
  EXPECT_EQ(ws[0].process, std::optional<uint32_t>(0));
}

TEST(RunWarnings, SkippedFaultIsReportedWithItsReason) {
  auto s = tutorial_scenario(2, true);
  FaultSpec crash;
  crash.at = seconds(200);  // past the horizon: never starts, so no warning
  crash.type = FaultType::Crash;
  crash.target.kind = FaultTarget::Kind::Leader;
  s->faults.push_back(crash);
  EXPECT_TRUE(run_warnings(run_scenario(s, 1)).empty());
  // Twin: at 0s nobody leads yet, so the crash of "the leader" hits nobody.
  s->faults[0].at = Duration(0);
  const std::vector<RunWarning> ws = run_warnings(run_scenario(s, 1));
  ASSERT_EQ(kinds(ws), (std::vector<std::string>{"faultSkipped"}));
  EXPECT_NE(ws[0].message.find("no acting leader"), std::string::npos) << ws[0].message;
}

TEST(RunWarnings, RequestLostWithoutTimeoutHangsForever) {
  auto s = tutorial_scenario(1, true);
  FaultSpec outage;
  outage.at = seconds(30);
  outage.type = FaultType::ApiServerOutage;
  outage.mode = OutageMode::Blackhole;
  outage.for_ = seconds(5);
  s->faults.push_back(outage);
  const std::vector<RunWarning> ws = run_warnings(run_scenario(s, 1));
  ASSERT_EQ(kinds(ws), (std::vector<std::string>{"requestPending"}));
  EXPECT_NE(ws[0].message.find("waits forever"), std::string::npos) << ws[0].message;
  // Twin: with a client timeout the loop recovers (and, crashOnError off, goes on).
  auto t = std::make_shared<Scenario>(*s);
  TutorialConfig c;
  c.request_timeout = seconds(5);
  c.crash_on_error = false;
  t->processes[0].model = c;
  EXPECT_TRUE(run_warnings(run_scenario(t, 1)).empty());
}

TEST(RunWarnings, EventLimitIsAWarning) {
  auto s = tutorial_scenario(1, true);
  s->max_events = 5;
  const std::vector<RunWarning> ws = run_warnings(run_scenario(s, 1));
  ASSERT_FALSE(ws.empty());
  EXPECT_EQ(ws.back().kind, "eventLimit");
}

}  // namespace
}  // namespace leasesim
