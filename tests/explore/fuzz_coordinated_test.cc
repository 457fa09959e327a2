// Tests of the coordinated fuzz family (explore/fuzz_coordinated.h): one built-in case in eight
// is coordinated, its scenarios are valid and judge electsPreferred, the default judge finds
// no unexpected failure in them, and each coordinated permit kind has a twin without its cause.
#include "explore/fuzz_coordinated.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "explore/fuzz.h"
#include "model/apiserver_identity.h"
#include "model/embedded_cle.h"
#include "properties/run.h"

namespace leasesim {
namespace {

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::vector<std::string> kinds_of(const Scenario& s, const std::string& property) {
  return permitted_violations(s, false).kinds(property);
}

TEST(FuzzCoordinated, OneCaseInEightIsCoordinatedAndValid) {
  int coordinated = 0;
  for (uint64_t i = 0; i < 400; ++i) {
    const FuzzCase c = generate_case(nullptr, 1, i);
    if (c.family != "coordinated") continue;
    ++coordinated;
    const Scenario& s = *c.scenario;
    EXPECT_TRUE(shrink_candidate_valid(s)) << i;
    EXPECT_TRUE(coordinated_scenario(s)) << i;
    EXPECT_TRUE(s.properties.elects_preferred);
    EXPECT_EQ(s.name, fuzz_case_name(nullptr, "coordinated", i));
    EXPECT_GE(s.processes.size(), 3u);
    EXPECT_LE(s.processes.size(), 5u);
    for (const FaultSpec& f : s.faults) EXPECT_LE(f.at + f.for_.value_or(Duration{}), s.duration - seconds(75)) << i;
  }
  EXPECT_GT(coordinated, 25);
  EXPECT_LT(coordinated, 80);
}

// The default judge counts nothing in the coordinated cases (every violation is permitted by
// its configuration), while they do elect: the older version leads by the end in most cases.
TEST(FuzzCoordinated, DefaultJudgeFindsNoUnexpectedFailure) {
  int runs = 0, judged_and_held = 0;
  for (uint64_t i = 0; i < 400 && runs < 40; ++i) {
    if (generate_case(nullptr, 7, i).family != "coordinated") continue;
    ++runs;
    const FuzzOutcome o = fuzz_case(nullptr, 7, i, FuzzJudge::Unexpected, false);
    EXPECT_FALSE(o.failed()) << "case " << i << ": " << (o.messages.empty() ? "" : o.messages.front());
    if (!contains(o.violated, "electsPreferred")) ++judged_and_held;
  }
  EXPECT_EQ(runs, 40);
  EXPECT_GT(judged_and_held, 20);
}

// A hand-built coordinated scenario: one kube-apiserver running the controller, two candidates.
std::shared_ptr<Scenario> small(Duration holder_offset) {
  auto s = std::make_shared<Scenario>();
  s->name = "t";
  s->duration = seconds(120);
  s->properties.elects_preferred = true;
  s->properties.transitions_match = false;
  ProcessSpec api;
  api.name = api.identity = "api-0";
  KubeApiserverConfig k;
  k.hostname = "api-0";
  k.coordinated_leader_election = true;
  api.lease = s->lease_id(kCleLockLeaseKey);
  k.identity_lease = s->lease_id(identity_lease_key("api-0"));
  api.model = k;
  s->processes.push_back(api);
  const LeaseId kcm = s->lease_id("kube-system/kube-controller-manager");
  for (int i = 0; i < 2; ++i) {
    ProcessSpec p;
    p.name = p.identity = "kcm-" + std::to_string(i);
    ClientGoConfig c;
    c.coordinated = true;
    c.rejoin_after_loss = true;
    c.binary_version = c.emulation_version = i == 0 ? "1.33.0" : "1.34.0";
    p.model = c;
    p.lease = kcm;
    p.start = seconds(1 + i);
    if (i == 0) p.clock.offset = holder_offset;
    s->processes.push_back(p);
  }
  return s;
}

TEST(FuzzCoordinated, ClockAheadPermitFollowsTheMargin) {
  // 15 s - (2 s + 10 s) = 3 s of margin, less two latencies of 5 ms.
  EXPECT_TRUE(contains(kinds_of(*small(seconds(-4)), "singleLeader"), "cle-clock-ahead"));
  // Twin: equal clocks, and a holder whose clock runs ahead of the controller's.
  EXPECT_FALSE(contains(kinds_of(*small(Duration{}), "singleLeader"), "cle-clock-ahead"));
  EXPECT_FALSE(contains(kinds_of(*small(seconds(4)), "singleLeader"), "cle-clock-ahead"));
  // A backward jump of the holder's clock counts too (section 6.1's scenario).
  auto jumped = small(Duration{});
  FaultSpec jump;
  jump.type = FaultType::ClockJump;
  jump.at = seconds(30);
  jump.target = FaultTarget{FaultTarget::Kind::Process, 1};
  jump.by = seconds(-20);
  jumped->faults.push_back(jump);
  EXPECT_TRUE(contains(kinds_of(*jumped, "singleLeader"), "cle-clock-ahead"));
}

TEST(FuzzCoordinated, AckSkewPermitAndItsTwin) {
  EXPECT_TRUE(contains(kinds_of(*small(milliseconds(500)), "electsPreferred"), "cle-ack-clock-skew"));
  EXPECT_TRUE(kinds_of(*small(Duration{}), "electsPreferred").empty());
}

TEST(FuzzCoordinated, NoControllerPermitAndItsTwin) {
  auto s = small(Duration{});
  FaultSpec crash;
  crash.type = FaultType::Crash;
  crash.at = seconds(20);
  crash.target = FaultTarget{FaultTarget::Kind::Process, 0};
  s->faults.push_back(crash);
  EXPECT_EQ(kinds_of(*s, "electsPreferred"), std::vector<std::string>{"cle-no-controller"});
  FaultSpec restart = crash;
  restart.type = FaultType::Restart;
  restart.at = seconds(30);
  s->faults.push_back(restart);
  EXPECT_TRUE(kinds_of(*s, "electsPreferred").empty());
}

// Finding 3 (scenarios/coordinated/preferred-candidate-dies.yaml): a candidate that goes down
// permits electsPreferred; the twin with no such fault does not.
TEST(FuzzCoordinated, StalePreferredHolderPermitAndItsTwin) {
  auto s = small(Duration{});
  EXPECT_TRUE(kinds_of(*s, "electsPreferred").empty());
  FaultSpec stop;
  stop.type = FaultType::Stop;
  stop.at = seconds(20);
  stop.target = FaultTarget{FaultTarget::Kind::Process, 1};
  s->faults.push_back(stop);
  EXPECT_EQ(kinds_of(*s, "electsPreferred"), std::vector<std::string>{"cle-stale-preferred-holder"});
}

TEST(FuzzCoordinated, UncountedHandoversPermitTransitionsMatchOnly) {
  const Permitted p = permitted_violations(*small(Duration{}), false);
  EXPECT_EQ(p.kinds("transitionsMatch"), std::vector<std::string>{"cle-handover-uncounted"});
  EXPECT_TRUE(p.kinds("singleLeader").empty());
}

// The hazard the permit names does happen: with the holder's clock stepped 20 s back, the
// controller hands the lease over while the holder still acts. The default judge
// counts it as permitted, the Known judge as a cle-clock-ahead class.
TEST(FuzzCoordinated, TheClockAheadOverlapHappensAndIsClassified) {
  auto s = small(Duration{});
  FaultSpec jump;
  jump.type = FaultType::ClockJump;
  jump.at = seconds(30);
  jump.target = FaultTarget{FaultTarget::Kind::Process, 1};
  jump.by = seconds(-20);
  s->faults.push_back(jump);
  const RunResult run = run_scenario(s, 1);
  ASSERT_TRUE(contains(run.evaluation.violated, "singleLeader")) << run.evaluation.violated.size();
  std::vector<std::string> messages(run.evaluation.violated.size(), "m");
  EXPECT_TRUE(
      judge_violations(*s, "coordinated", false, FuzzJudge::Unexpected, run.evaluation.violated, messages).empty());
  const std::vector<FuzzFailure> known =
      judge_violations(*s, "coordinated", false, FuzzJudge::Known, run.evaluation.violated, messages);
  ASSERT_FALSE(known.empty());
  EXPECT_EQ(known[0].bug.key(), "coordinated/singleLeader/cle-clock-ahead");
}

}  // namespace
}  // namespace leasesim
