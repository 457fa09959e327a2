// Tests of the fuzzer's library half (explore/fuzz.h): cases are pure functions of
// (seed, index), the built-in generators reach the interesting cases (violations the
// configuration permits, failovers), the permitted-violation rules and their kinds, the
// known-bug hunt (FuzzJudge::Known) from a cold start with its bug classes, and the shrinker.
#include "explore/fuzz.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

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

// --- The known-bug hunt -------------------------------------------------------------------

// The known bugs of scenarios/gallery/ as bug classes: the tutorial loop's two leaders under a
// clock offset and its hung leader (a lost request), client-go with clock rates outside the
// analytic tolerance, and client-go with conflictCheck off (both properties).
const std::vector<std::string> kKnownClasses = {
    "tutorial/singleLeader/clock-offset",
    "tutorial/singleLeader/lost-requests",
    "client-go/singleLeader/rate-outside-tolerance",
    "client-go/singleLeader/conflictCheck-off",
    "client-go/transitionsMatch/conflictCheck-off",
};

std::vector<FuzzOutcome> hunt(uint64_t seed, uint64_t runs, FuzzJudge judge = FuzzJudge::Known) {
  std::vector<FuzzOutcome> out;
  for (uint64_t i = 0; i < runs; ++i) out.push_back(fuzz_case(nullptr, seed, i, judge, false));
  return out;
}

std::vector<ClassSummary> classes_of(const std::vector<FuzzOutcome>& outcomes) {
  std::vector<const FuzzOutcome*> ptrs;
  for (const FuzzOutcome& o : outcomes) ptrs.push_back(&o);
  return group_failures(ptrs);
}

const ClassSummary* find_class(const std::vector<ClassSummary>& classes, const std::string& key) {
  for (const ClassSummary& c : classes)
    if (c.bug.key() == key) return &c;
  return nullptr;
}

std::string primary_kind(const Scenario& s, const std::string& property) {
  const std::vector<std::string> kinds = permitted_violations(s, false).kinds(property);
  return kinds.empty() ? std::string(kUnexpectedKind) : kinds.front();
}

// From a cold start (seed 1, 400 built-in cases, no template), every known class is found; the
// chosen case of each shrinks to a small scenario of the same class, and that scenario, run on
// its own seed, violates the same property.
TEST(FuzzKnown, ColdStartFindsEveryKnownClassAndShrinksItSmall) {
  const std::vector<FuzzOutcome> outcomes = hunt(1, 400);
  const std::vector<ClassSummary> classes = classes_of(outcomes);
  for (const std::string& key : kKnownClasses) {
    SCOPED_TRACE(key);
    const ClassSummary* c = find_class(classes, key);
    ASSERT_NE(c, nullptr);
    EXPECT_LE(c->first_index, c->shrink_index);
    const FuzzOutcome& o = outcomes[c->shrink_index];
    const FuzzFailure* f = nullptr;
    for (const FuzzFailure& x : o.failures)
      if (x.bug == c->bug) f = &x;
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->pure, c->pure_cases > 0);  // the chosen case is pure whenever one exists
    uint32_t runs = 0;
    const auto shrunk = shrink_failure(generate_case(nullptr, 1, o.index).scenario, *f, false, &runs);
    EXPECT_GT(runs, 0u);
    EXPECT_LE(shrunk->processes.size(), 3u);
    EXPECT_LE(shrunk->faults.size(), 2u);
    EXPECT_LT(shrunk->duration, o.scenario->duration);
    EXPECT_EQ(primary_kind(*shrunk, c->bug.property), c->bug.kind);  // no drift into another class
    const RunResult run = run_scenario(shrunk, shrunk->seed);
    EXPECT_TRUE(contains(run.evaluation.violated, c->bug.property)) << run.evaluation.violated.size();
  }
}

// The classes are found within a few hundred cases from other cold starts too (the worst of
// seeds 1-20 needs 190 cases: docs/fuzz.md).
TEST(FuzzKnown, EveryKnownClassWithinAFewHundredCasesOfOtherSeeds) {
  for (uint64_t seed : {2u, 3u, 4u, 5u}) {
    const std::vector<ClassSummary> classes = classes_of(hunt(seed, 300));
    for (const std::string& key : kKnownClasses) EXPECT_NE(find_class(classes, key), nullptr) << "seed " << seed << " " << key;
  }
}

// The twin: the default judge counts none of the same violations (each is permitted by its
// configuration), while they do happen.
TEST(FuzzKnown, DefaultJudgeCountsNoneOfTheSameViolations) {
  const std::vector<FuzzOutcome> unexpected = hunt(1, 400, FuzzJudge::Unexpected);
  const std::vector<FuzzOutcome> known = hunt(1, 400);
  int violated = 0, known_failures = 0;
  for (size_t i = 0; i < known.size(); ++i) {
    EXPECT_FALSE(unexpected[i].failed()) << i;
    EXPECT_EQ(unexpected[i].violated, known[i].violated) << i;  // the judge never changes a case
    EXPECT_EQ(unexpected[i].trace_hash, known[i].trace_hash) << i;
    // --known judges singleLeader and transitionsMatch; a coordinated case's permitted
    // electsPreferred violation stays permitted (explore/fuzz_coordinated.h).
    const std::vector<std::string>& v = known[i].violated;
    violated += contains(v, "singleLeader") || contains(v, "transitionsMatch");
    known_failures += known[i].failed();
    for (const FuzzFailure& f : known[i].failures) {
      EXPECT_NE(f.bug.kind, kUnexpectedKind) << i;
      EXPECT_FALSE(f.reasons.empty()) << i;
    }
  }
  EXPECT_GT(violated, 50);
  EXPECT_EQ(known_failures, violated);  // every judged safety violation is a failure
}

// Grouping depends only on the indexes: each class once, ordered by first case, with its count,
// and the case to shrink its first pure one.
TEST(FuzzKnown, GroupingIsByIndex) {
  const std::vector<FuzzOutcome> outcomes = hunt(1, 400);
  const std::vector<ClassSummary> classes = classes_of(outcomes);
  ASSERT_GE(classes.size(), kKnownClasses.size());
  std::set<BugClass> seen;
  uint64_t total = 0;
  for (size_t k = 0; k < classes.size(); ++k) {
    const ClassSummary& c = classes[k];
    EXPECT_TRUE(seen.insert(c.bug).second);
    if (k > 0) {
      EXPECT_LE(classes[k - 1].first_index, c.first_index);
    }
    EXPECT_EQ(c.examples.front(), c.first_index);
    EXPECT_LE(c.examples.size(), 10u);
    uint64_t count = 0, pure = 0, first_pure = UINT64_MAX;
    for (const FuzzOutcome& o : outcomes)
      for (const FuzzFailure& f : o.failures)
        if (f.bug == c.bug) {
          ++count;
          if (f.pure && first_pure == UINT64_MAX) first_pure = o.index;
          pure += f.pure;
        }
    EXPECT_EQ(c.cases, count);
    EXPECT_EQ(c.pure_cases, pure);
    EXPECT_EQ(c.shrink_index, first_pure == UINT64_MAX ? c.first_index : first_pure);
    total += c.cases;
  }
  uint64_t failures = 0;
  for (const FuzzOutcome& o : outcomes) failures += o.failures.size();
  EXPECT_EQ(total, failures);
}

ProcessSpec client_go_process(const char* name, ClientGoConfig config = {}) {
  ProcessSpec p;
  p.name = p.identity = name;
  p.model = config;
  return p;
}

std::vector<std::string> kinds_of(const Scenario& s, const std::string& property = "singleLeader") {
  return permitted_violations(s, false).kinds(property);
}

TEST(FuzzKnown, PermitKindsNameTheCause) {
  Scenario s;
  s.processes = {client_go_process("a"), client_go_process("b")};
  EXPECT_TRUE(kinds_of(s).empty());
  // A 1.4x standby: equal rates would be inside the tolerance.
  s.processes[1].clock.rate_ppb = 1400000000;
  EXPECT_EQ(kinds_of(s), std::vector<std::string>{"rate-outside-tolerance"});
  // The pause comes last, so it never hides another cause.
  FaultSpec pause;
  pause.type = FaultType::Pause;
  pause.target = FaultTarget{FaultTarget::Kind::Leader, 0};
  pause.for_ = seconds(20);
  s.faults.push_back(pause);
  EXPECT_EQ(kinds_of(s), (std::vector<std::string>{"rate-outside-tolerance", "pause"}));
  s.faults.clear();
  s.processes[1].clock.rate_ppb = kRateOne;
  // A lease shorter than the leader's hold (gallery client-go-lease-shorter-than-hold).
  ClientGoConfig short_lease;
  short_lease.lease_duration = seconds(6);
  short_lease.renew_deadline = seconds(5);
  short_lease.retry_period = seconds(2);
  s.processes = {client_go_process("a", short_lease), client_go_process("b", short_lease)};
  EXPECT_EQ(kinds_of(s), std::vector<std::string>{"timing-outside-tolerance"});
  // Only the release hazard.
  ClientGoConfig release;
  release.release_on_cancel = true;
  s.processes = {client_go_process("a", release), client_go_process("b")};
  EXPECT_EQ(kinds_of(s), std::vector<std::string>{"release-on-cancel"});
  // Renewals every 500ms against a margin of 500ms: one invisible renewal breaks it, and the
  // bound now counts that lag (client_go_bounds invisible_renewal_lag_true, 560ms here), so it is
  // timing at any clock rates.
  ClientGoConfig fast;
  fast.lease_duration = seconds(2);
  fast.renew_deadline = seconds(1);
  fast.retry_period = milliseconds(500);
  s.processes = {client_go_process("a", fast), client_go_process("b", fast)};
  EXPECT_EQ(kinds_of(s), std::vector<std::string>{"timing-outside-tolerance"});
  // conflictCheck off, for both properties.
  s.processes = {client_go_process("a"), client_go_process("b")};
  s.api_server.conflict_check = false;
  EXPECT_EQ(kinds_of(s), std::vector<std::string>{"conflictCheck-off"});
  EXPECT_EQ(kinds_of(s, "transitionsMatch"), std::vector<std::string>{"conflictCheck-off"});
  // Tutorial: the offset before the lost request; transitions never counted.
  auto t = tutorial_offset(seconds(25));
  FaultSpec partition;
  partition.type = FaultType::Partition;
  partition.target = FaultTarget{FaultTarget::Kind::Leader, 0};
  partition.at = seconds(20);
  t->faults.push_back(partition);
  EXPECT_EQ(kinds_of(*t), (std::vector<std::string>{"clock-offset", "lost-requests"}));
  EXPECT_EQ(kinds_of(*t, "transitionsMatch"), std::vector<std::string>{"no-transitions"});
  // The reasons say why.
  const Permitted p = permitted_violations(*t, false);
  EXPECT_EQ(p.reasons_for("singleLeader", "clock-offset"),
            std::vector<std::string>{"wall clocks 25s apart, >= leaseDurationSeconds - loopPeriod - 1s"});
  EXPECT_EQ(p.reasons_for("singleLeader", "lost-requests"), std::vector<std::string>{"a partition fault"});
}

// The judge: Known counts a permitted violation of the judged safety properties, with its class;
// the default does not; neither counts a property the Known judge does not judge unless it is
// unexpected.
TEST(FuzzKnown, JudgeCountsPermittedViolationsOnlyWhenAsked) {
  auto t = tutorial_offset(seconds(25));
  const std::vector<std::string> violated = {"singleLeader"};
  EXPECT_TRUE(judge_violations(*t, "tutorial", false, FuzzJudge::Unexpected, violated, {"m"}).empty());
  const std::vector<FuzzFailure> known = judge_violations(*t, "tutorial", false, FuzzJudge::Known, violated, {"m"});
  ASSERT_EQ(known.size(), 1u);
  EXPECT_EQ(known[0].bug.key(), "tutorial/singleLeader/clock-offset");
  EXPECT_TRUE(known[0].pure);
  EXPECT_EQ(known[0].message, "m");
  // An unexpected violation fails under both judges, as class "unexpected".
  auto c = tutorial_offset(seconds(0));
  const std::vector<FuzzFailure> unexpected =
      judge_violations(*c, "tutorial", false, FuzzJudge::Unexpected, violated, {"m"});
  ASSERT_EQ(unexpected.size(), 1u);
  EXPECT_EQ(unexpected[0].bug.kind, kUnexpectedKind);
  EXPECT_TRUE(unexpected[0].reasons.empty());
  // failoverWithin is never judged as known: permitted or not, only unexpected counts.
  EXPECT_EQ(judge_violations(*c, "tutorial", false, FuzzJudge::Known, {"failoverWithin"}, {"m"}).size(), 1u);
}

// The conflictCheck-off variant: one case in eight or so, valid, deterministic, a race set up.
TEST(FuzzKnown, GeneratorsReachConflictCheckOffRaces) {
  int off = 0;
  for (uint64_t i = 0; i < 400; ++i) {
    const FuzzCase c = generate_case(nullptr, 1, i);
    if (c.scenario->api_server.conflict_check) continue;
    ++off;
    EXPECT_EQ(*c.scenario, *generate_case(nullptr, 1, i).scenario);
    EXPECT_TRUE(shrink_candidate_valid(*c.scenario)) << i;
    ASSERT_EQ(c.scenario->leases.size(), 1u) << i;
    EXPECT_EQ(c.scenario->leases[0].spec.holder_identity, "") << i;
    for (const ProcessSpec& p : c.scenario->processes) EXPECT_EQ(p.start, c.scenario->processes[0].start) << i;
  }
  EXPECT_GT(off, 25);
  EXPECT_LT(off, 100);
}

}  // namespace
}  // namespace leasesim
