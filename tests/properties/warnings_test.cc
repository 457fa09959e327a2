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

// Records every choice a run asks for, answering as RandomChooser(seed) would, so a test can
// hand a run exactly the replay it will ask for.
class RecordingChooser final : public Chooser {
 public:
  explicit RecordingChooser(uint64_t seed) : random_(seed) {}
  using Chooser::draw;
  using Chooser::pick;
  uint32_t pick(ChoiceKind kind, uint32_t n, const ChoiceSubject& what) override {
    const uint32_t v = random_.pick(kind, n, what);
    choices.push_back(ReplayChoice{kind, v, n, {}});
    return v;
  }
  int64_t draw(ChoiceKind kind, int64_t lo, int64_t hi, const ChoiceSubject& what) override {
    const int64_t v = random_.draw(kind, lo, hi, what);
    choices.push_back(ReplayChoice{kind, v, 0, {}});
    return v;
  }
  std::vector<ReplayChoice> choices;

 private:
  RandomChooser random_;
};

std::vector<ReplayChoice> choices_of(const std::shared_ptr<Scenario>& s, uint64_t seed) {
  World world(s);
  RecordingChooser recorder(seed);
  world.run(recorder, nullptr);
  return recorder.choices;
}

TEST(RunWarnings, ReplayFollowedToItsEndHasNone) {
  auto s = tutorial_scenario(2, true);
  const std::vector<ReplayChoice> all = choices_of(s, 3);
  ASSERT_GT(all.size(), 4u);
  s->explore.replay.assign(all.begin(), all.begin() + 4);  // a prefix the run asks for, in order
  const RunResult r = run_scenario(s, 3);
  EXPECT_EQ(r.replay_diverged, "");
  EXPECT_TRUE(run_warnings(r).empty());
}

TEST(RunWarnings, ReplayThatDoesNotFitIsAWarning) {
  auto s = tutorial_scenario(2, true);
  std::vector<ReplayChoice> all = choices_of(s, 3);
  ASSERT_GT(all.size(), 4u);
  all.resize(4);
  // The third entry claims another kind of choice than the run asks for there.
  all[2].kind = all[2].kind == ChoiceKind::Latency ? ChoiceKind::TimerDelay : ChoiceKind::Latency;
  all[2].arity = 0;
  s->explore.replay = all;
  const std::vector<RunWarning> ws = run_warnings(run_scenario(s, 3));
  ASSERT_EQ(kinds(ws), std::vector<std::string>{"replayDiverged"});
  EXPECT_NE(ws[0].message.find("the recorded replay diverged at entry 2"), std::string::npos) << ws[0].message;
}

TEST(RunWarnings, ReplayLongerThanTheRunIsAWarning) {
  auto s = tutorial_scenario(2, true);
  std::vector<ReplayChoice> all = choices_of(s, 3);
  const size_t asked = all.size();
  all.push_back(all.back());
  all.push_back(all.back());
  s->explore.replay = all;
  const RunResult r = run_scenario(s, 3);
  EXPECT_EQ(r.replay_diverged.rfind("2 of the " + std::to_string(asked + 2) + " recorded replay choices were never asked for", 0), 0u)
      << r.replay_diverged;
}

}  // namespace
}  // namespace leasesim
