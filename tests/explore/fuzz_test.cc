// Tests of the fuzzer's library half (sim/explore/fuzz.h): cases are pure functions of
// (seed, index), the built-in generators reach the interesting cases (violations the
// configuration permits, failovers), the permitted-violation rules, and the shrinker.
#include "sim/explore/fuzz.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "properties/run.h"

namespace leasesim {
namespace {

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

TEST(Fuzz, CaseIsAPureFunctionOfSeedAndIndex) {
  for (uint64_t i : {0u, 1u, 17u, 999u}) {
    const FuzzOutcome a = fuzz_case(nullptr, 42, i);
    const FuzzOutcome b = fuzz_case(nullptr, 42, i);
    EXPECT_EQ(*a.scenario, *b.scenario);
    EXPECT_EQ(a.trace_hash, b.trace_hash);
    EXPECT_EQ(a.violated, b.violated);
  }
  EXPECT_NE(*fuzz_case(nullptr, 42, 3).scenario, *fuzz_case(nullptr, 43, 3).scenario);
  EXPECT_NE(*fuzz_case(nullptr, 42, 3).scenario, *fuzz_case(nullptr, 42, 4).scenario);
}

TEST(Fuzz, GeneratedScenariosAreValid) {
  for (uint64_t i = 0; i < 300; ++i) {
    const FuzzCase c = generate_case(nullptr, 5, i);
    EXPECT_TRUE(shrink_candidate_valid(*c.scenario)) << i;
    EXPECT_GE(c.scenario->processes.size(), 2u);
    EXPECT_LE(c.scenario->processes.size(), 5u);
  }
}

// The "sometimes" twin of the fuzzer's silence: over a few hundred built-in cases, violations
// do happen (all permitted by their configuration), leaders fail over, and both families and
// several fault types appear. A generator that never reached these would make 0 failures
// meaningless.
TEST(Fuzz, BuiltInGeneratorsReachTheInterestingCases) {
  std::map<std::string, int> families, violated_by_family;
  int failovers = 0, failures = 0, outside_tolerance = 0;
  for (uint64_t i = 0; i < 400; ++i) {
    const FuzzOutcome o = fuzz_case(nullptr, 1, i);
    ++families[o.family];
    if (contains(o.violated, "singleLeader")) ++violated_by_family[o.family];
    failures += o.failed();
    const Permitted p = permitted_violations(*o.scenario, false);
    outside_tolerance += o.family == "client-go" && contains(p.names, "singleLeader");
    const RunResult run = run_scenario(o.scenario, o.seed);
    for (const FailoverEpisode& f : run.evaluation.failovers) failovers += f.new_leader_at.has_value();
  }
  EXPECT_EQ(failures, 0);
  EXPECT_GT(families["client-go"], 200);
  EXPECT_GT(families["tutorial"], 50);
  EXPECT_GT(violated_by_family["client-go"], 0);  // outside tolerance or paused: two leaders seen
  EXPECT_GT(violated_by_family["tutorial"], 0);
  EXPECT_GT(outside_tolerance, 20);
  EXPECT_GT(failovers, 100);
}

std::shared_ptr<Scenario> tutorial_offset(Duration offset) {
  auto s = std::make_shared<Scenario>();
  s->name = "offset";
  s->duration = minutes(2);
  InitialLease lease;
  lease.id = s->lease_id("default/l");
  lease.spec.holder_identity = "";
  lease.spec.lease_duration_seconds = 30;
  s->leases.push_back(lease);
  for (const char* name : {"a", "b", "c"}) {
    ProcessSpec p;
    p.name = p.identity = name;
    p.model = TutorialConfig{};
    s->processes.push_back(p);
  }
  s->processes[1].start = seconds(7);
  s->processes[1].clock.offset = offset;
  s->properties.transitions_match = false;
  return s;
}

TEST(Fuzz, PermittedViolationsFollowTheAnalyticTolerance) {
  // Tutorial: wall clocks 25s apart with a 30s lease and a 10s loop: two leaders are expected.
  EXPECT_EQ(permitted_violations(*tutorial_offset(seconds(25)), false).names,
            (std::vector<std::string>{"singleLeader", "transitionsMatch"}));
  EXPECT_EQ(permitted_violations(*tutorial_offset(seconds(5)), false).names,
            (std::vector<std::string>{"transitionsMatch"}));
  // client-go with the defaults and equal clocks is inside the tolerance; a 1.4x candidate is not.
  auto s = std::make_shared<Scenario>();
  for (const char* name : {"a", "b"}) {
    ProcessSpec p;
    p.name = p.identity = name;
    p.model = ClientGoConfig{};
    s->processes.push_back(p);
  }
  EXPECT_TRUE(permitted_violations(*s, false).names.empty());
  s->processes[1].clock.rate_ppb = 1400000000;
  EXPECT_EQ(permitted_violations(*s, false).names, std::vector<std::string>{"singleLeader"});
  s->processes[1].clock.rate_ppb = kRateOne;
  FaultSpec pause;
  pause.type = FaultType::Pause;
  pause.target = FaultTarget{FaultTarget::Kind::Leader, 0};
  pause.for_ = seconds(20);
  s->faults.push_back(pause);
  EXPECT_EQ(permitted_violations(*s, false).names, std::vector<std::string>{"singleLeader"});
  // With a template, exactly what `expect` names.
  s->expect.present = true;
  s->expect.violated = {"transitionsMatch"};
  EXPECT_EQ(permitted_violations(*s, true).names, std::vector<std::string>{"transitionsMatch"});
}

// A template whose bug is not in `expect`: every case fails, and shrinks to the two processes
// and the one setting that matter.
TEST(Fuzz, TemplateFailuresAreShrunk) {
  auto t = tutorial_offset(seconds(25));
  FaultSpec crash;
  crash.at = seconds(100);
  crash.type = FaultType::Crash;
  crash.target = FaultTarget{FaultTarget::Kind::Process, 2};
  t->faults.push_back(crash);
  const FuzzOutcome o = fuzz_case(t.get(), 9, 0);
  ASSERT_TRUE(o.failed());
  EXPECT_EQ(o.unexpected, std::vector<std::string>{"singleLeader"});
  ASSERT_TRUE(o.shrunk);
  EXPECT_EQ(o.shrunk->processes.size(), 2u);
  EXPECT_TRUE(o.shrunk->faults.empty());
  EXPECT_LT(o.shrunk->duration, t->duration);
  EXPECT_GT(o.shrink_runs, 0u);
  // The shrunk scenario still fails, on its own seed.
  const RunResult run = run_scenario(o.shrunk, o.shrunk->seed);
  EXPECT_TRUE(contains(run.evaluation.violated, "singleLeader"));
  // Same case, same shrink.
  EXPECT_EQ(*fuzz_case(t.get(), 9, 0).shrunk, *o.shrunk);
}

TEST(Fuzz, ShrinkerKeepsOnlyChangesThatStillFail) {
  auto s = tutorial_offset(seconds(25));
  uint32_t runs = 0;
  // "Fails" while process b keeps its offset: everything else goes.
  const auto shrunk = shrink_scenario(
      s,
      [](const Scenario& c) {
        return std::any_of(c.processes.begin(), c.processes.end(),
                           [](const ProcessSpec& p) { return p.clock.offset == seconds(25); });
      },
      &runs);
  ASSERT_EQ(shrunk->processes.size(), 1u);
  EXPECT_EQ(shrunk->processes[0].name, "b");
  EXPECT_EQ(shrunk->processes[0].start, Duration(0));
  EXPECT_EQ(shrunk->duration, seconds(1));
  EXPECT_GT(runs, 0u);
}

}  // namespace
}  // namespace leasesim
