// Twin tests of the explorer's reductions (explore/explorer.h): ExploreOptions::reduce_dead
// (model state no future step reads left out of the key) and ExploreOptions::reduce_inert
// (inert pending events and the event count left out, converge mode's time measured from the
// next live event) and ExploreOptions::reduce_history (a lone open leadership's start left
// out). On generated small client-go scenarios the reduced and the unreduced
// search give the same verdict, the same violated properties and the same shortest
// counterexample length, with both reductions and with each alone; and the reductions do
// merge states (the reduced search stores fewer), so the comparison is not vacuous. Folding
// inert events into the next live step (ExploreOptions::fold_inert) changes what a step is, so
// its twin compares verdicts with the one-event-per-step search.
// The gallery files are compared in tests/cli/reduction_gallery_twin_test.cc.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <memory>
#include <optional>

#include "explore/explorer.h"
#include "model/client_go_config.h"
#include "tests/explore/elector_specs.h"

namespace leasesim {
namespace {

// Two client-go candidates, timings inside or outside client-go's tolerance, one fault on the
// leader or the standby; 8 to 14 simulated seconds, so that both searches finish.
std::shared_ptr<Scenario> generated(int ld_s, int rd_s, int rp_ms, int fault_kind, int fault_at_s, int duration_s,
                                    std::optional<Duration> eventually_leader = std::nullopt) {
  auto s = std::make_shared<Scenario>();
  s->name = "twin";
  s->duration = seconds(duration_s);
  const LeaseId lease = s->lease_id("kube-system/demo");
  const Duration rp = Duration(static_cast<int64_t>(rp_ms) * 1000000);
  s->processes.push_back(elector("a", lease, Duration(0), seconds(ld_s), seconds(rd_s), rp));
  s->processes.push_back(elector("b", lease, seconds(1), seconds(ld_s), seconds(rd_s), rp));
  FaultSpec f;
  f.at = seconds(fault_at_s);
  f.target = FaultTarget{FaultTarget::Kind::Leader, 0};
  switch (fault_kind) {
    case 0: f.type = FaultType::Crash; break;
    case 1: f.type = FaultType::Partition; break;
    default:
      f.type = FaultType::Partition;
      f.for_ = seconds(2);
      f.target = FaultTarget{FaultTarget::Kind::Process, 1};
      break;
  }
  s->faults.push_back(f);
  s->properties.eventually_leader = eventually_leader;
  return s;
}

struct Twin {
  ExploreResult reduced, unreduced;
};

// Which reductions the reduced search applies (the unreduced one applies none).
enum class Which { Both, DeadOnly, InertOnly, HistoryOnly };

Twin both(const std::shared_ptr<Scenario>& s, uint8_t latency, uint8_t jitter, Which which = Which::Both,
          bool converge = false) {
  ExploreOptions o;
  o.latency_points = latency;
  o.jitter_points = jitter;
  o.max_states = 400000;
  o.converge = converge;
  o.reduce_dead = which == Which::Both || which == Which::DeadOnly;
  o.reduce_inert = which == Which::Both || which == Which::InertOnly;
  o.reduce_history = which == Which::Both || which == Which::HistoryOnly;
  o.steady_regime = which == Which::Both;  // converge mode only; its own twin: steady_regime_test.cc
  o.crash_lemma = false;  // it closes states up to the run's end too; its own twins: crash_lemma_test.cc
  Twin t;
  t.reduced = explore(s, o);
  o.reduce_dead = false;
  o.reduce_inert = false;
  o.reduce_history = false;
  o.steady_regime = false;
  t.unreduced = explore(s, o);
  return t;
}

bool cut(const ExploreResult& r) { return r.stopped_by == ExploreStop::States || r.stopped_by == ExploreStop::Depth; }

void expect_same_verdict(const Twin& t) {
  ASSERT_EQ(t.reduced.counterexample.has_value(), t.unreduced.counterexample.has_value());
  if (t.reduced.counterexample) {
    EXPECT_EQ(t.reduced.counterexample->violated, t.unreduced.counterexample->violated);
    EXPECT_EQ(t.reduced.counterexample->steps, t.unreduced.counterexample->steps);
    EXPECT_EQ(t.reduced.counterexample->at_end, t.unreduced.counterexample->at_end);
  } else {
    EXPECT_EQ(t.reduced.stopped_by, t.unreduced.stopped_by);
  }
}

TEST(ReductionTwin, VerifiedScenarioSameVerdictFewerStates) {
  // Inside client-go's tolerance (15s/10s/2s), the standby cut off for 2s: verified both ways.
  const Twin t = both(generated(15, 10, 2000, 2, 3, 8), kPointMin | kPointMax, kPointMax);
  ASSERT_FALSE(cut(t.unreduced));
  expect_same_verdict(t);
  EXPECT_FALSE(t.reduced.counterexample.has_value());
  EXPECT_LE(t.reduced.stats.distinct, t.unreduced.stats.distinct);
}

TEST(ReductionTwin, EachReductionAloneSameVerdictFewerStates) {
  for (Which which : {Which::DeadOnly, Which::InertOnly, Which::HistoryOnly}) {
    const Twin t = both(generated(15, 10, 2000, 0, 3, 10), kPointMin | kPointMax, kPointMax, which);
    ASSERT_FALSE(cut(t.unreduced));
    expect_same_verdict(t);
    EXPECT_LE(t.reduced.stats.distinct, t.unreduced.stats.distinct);
  }
  // The inert reduction is the one that merges most here: cancelled renew deadlines and
  // answered timeouts remember when earlier rounds ran.
  const Twin inert = both(generated(15, 10, 2000, 0, 3, 10), kPointMin | kPointMax, kPointMax, Which::InertOnly);
  EXPECT_LT(inert.reduced.stats.distinct * 2, inert.unreduced.stats.distinct);
  EXPECT_TRUE(inert.reduced.reduced_inert);
  EXPECT_FALSE(inert.unreduced.reduced_inert);
}

TEST(ReductionTwin, TheHistoryReductionMergesAfterTheLeaderCrashed) {
  // Once the leader has crashed the standby is the only one that can lead: its start no longer
  // keeps states apart, so the reduced search stores fewer states with the same verdict, and
  // the same with eventuallyLeader judged (the window still sees whether it started in time).
  for (std::optional<Duration> window : {std::optional<Duration>(), std::optional<Duration>(seconds(20)),
                                         std::optional<Duration>(seconds(1))}) {
    const Twin t = both(generated(4, 3, 1000, 0, 3, 14, window), kPointMin | kPointMax, kPointMax, Which::HistoryOnly);
    ASSERT_FALSE(cut(t.unreduced));
    expect_same_verdict(t);
    EXPECT_LT(t.reduced.stats.distinct, t.unreduced.stats.distinct);
  }
}

TEST(ReductionTwin, ConvergeModeSameVerdictForAllTime) {
  // One latency and one jitter value: the renew loop repeats exactly, so both searches close
  // and the verdict holds for all time; the inert reduction measures time from the next live
  // event, which merges the moments between events.
  const Twin t = both(generated(15, 10, 2000, 0, 3, 10), kPointMin, kPointMax, Which::Both, true);
  ASSERT_FALSE(cut(t.unreduced));
  expect_same_verdict(t);
  EXPECT_EQ(t.reduced.stopped_by, ExploreStop::Exhausted);
  EXPECT_EQ(t.unreduced.stopped_by, ExploreStop::Exhausted);
  EXPECT_GT(t.unreduced.stats.distinct, 10u);
  EXPECT_LE(t.reduced.stats.distinct, t.unreduced.stats.distinct);
}

TEST(ReductionTwin, CriticalPointsTurnTheInertReductionOff) {
  // Critical points read inert events, so the inert reduction would not be exact with them.
  ExploreOptions o;
  o.latency_points = kPointMin;
  o.jitter_points = kPointMax | kPointCritical;
  o.max_states = 200000;
  const ExploreResult r = explore(generated(15, 10, 2000, 0, 3, 6), o);
  EXPECT_FALSE(r.reduced_inert);
}

TEST(ReductionTwin, FoldingInertEventsKeepsVerdicts) {
  // Folding changes what a step is, so only the verdicts are compared (here: verified both
  // ways, over several crash and partition scenarios; counterexamples: the gallery twin,
  // tests/cli/reduction_gallery_twin_test.cc).
  for (int kind = 0; kind < 3; ++kind) {
    SCOPED_TRACE(kind);
    const auto s = generated(15, 10, 2000, kind, 3, 8);
    ExploreOptions o;
    o.latency_points = kPointMin | kPointMax;
    o.jitter_points = kPointMax;
    o.reduce_inert = false;
    o.reduce_dead = false;
    o.crash_lemma = false;  // compared on its own in crash_lemma_test.cc
    const ExploreResult folded = explore(s, o);
    o.fold_inert = false;
    const ExploreResult per_event = explore(s, o);
    ASSERT_FALSE(cut(folded));
    ASSERT_FALSE(cut(per_event));
    EXPECT_FALSE(folded.counterexample.has_value());
    EXPECT_FALSE(per_event.counterexample.has_value());
    EXPECT_EQ(folded.stopped_by, per_event.stopped_by);
    EXPECT_LT(folded.stats.distinct, per_event.stats.distinct);
  }
}

TEST(ReductionTwin, PartitionedLeaderOutsideToleranceSameVerdict) {
  // Outside the tolerance (LD 6s < RP + RD = 7s), the leader partitioned at 3s. (The gallery
  // twin, tests/cli/reduction_gallery_twin_test.cc, compares counterexamples.)
  const Twin t = both(generated(6, 5, 2000, 1, 3, 12), kPointMin, kPointMin);
  ASSERT_FALSE(cut(t.unreduced));
  expect_same_verdict(t);
}

RC_GTEST_PROP(ReductionTwinProperty, ReducedAndUnreducedAgreeOnGeneratedScenarios, ()) {
  const int ld = *rc::gen::inRange(4, 16);
  const int rd = *rc::gen::inRange(2, ld);  // client-go requires LD > RD
  const int rp_ms = *rc::gen::element(1000, 1500, 2000);
  RC_PRE(rd * 1000 > rp_ms * 1.2);        // and RD > RP * 1.2
  const int kind = *rc::gen::inRange(0, 3);
  const int at = *rc::gen::inRange(2, 6);
  const int duration = *rc::gen::inRange(8, 13);
  const uint8_t latency = static_cast<uint8_t>(*rc::gen::element(1, 4, 5));  // min, max, min|max
  const uint8_t jitter = static_cast<uint8_t>(*rc::gen::element(1, 4));  // min, max
  const Which which = *rc::gen::element(Which::Both, Which::DeadOnly, Which::InertOnly, Which::HistoryOnly);
  const int window_s = *rc::gen::element(0, 1, 6, 30);  // eventuallyLeader: none, or its window
  const std::optional<Duration> window = window_s ? std::optional<Duration>(seconds(window_s)) : std::nullopt;
  const Twin t = both(generated(ld, rd, rp_ms, kind, at, duration, window), latency, jitter, which);
  RC_PRE(!cut(t.reduced) && !cut(t.unreduced));
  RC_ASSERT(t.reduced.counterexample.has_value() == t.unreduced.counterexample.has_value());
  if (t.reduced.counterexample) {
    RC_ASSERT(t.reduced.counterexample->violated == t.unreduced.counterexample->violated);
    RC_ASSERT(t.reduced.counterexample->steps == t.unreduced.counterexample->steps);
  } else {
    RC_ASSERT(t.reduced.stopped_by == t.unreduced.stopped_by);
    RC_ASSERT(t.reduced.stats.distinct <= t.unreduced.stats.distinct);
  }
}

}  // namespace
}  // namespace leasesim
