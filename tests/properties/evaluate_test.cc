// Tests of evaluate() (properties/evaluate.h): which properties apply to which leases, the
// violated set, and `expect` matching (a run passes iff the violated set equals expect).
#include "properties/evaluate.h"

#include <gtest/gtest.h>

#include "core/check.h"
#include "tests/properties/history_builders.h"

namespace leasesim {
namespace {

using namespace testing_history;

// Two leaders of default/x overlap from 5s to 10s; transitions are counted correctly.
History overlapping() {
  History h;
  h.leaderships = {lead(0, sec(0), sec(10)), lead(1, sec(5), sec(15))};
  h.writes = {write(sec(0), 0, spec("", 0), spec("a", 1), 2), write(sec(5), 1, spec("a", 1), spec("b", 2), 3)};
  return h;
}

// a then b, no overlap, correct counts.
History clean() {
  History h;
  h.leaderships = {lead(0, sec(0), sec(10)), lead(1, sec(12), std::nullopt)};
  h.writes = {write(sec(0), 0, spec("", 0), spec("a", 1), 2), write(sec(12), 1, spec("a", 1), spec("b", 2), 3)};
  return h;
}

std::vector<std::string> names(const Evaluation& ev) {
  std::vector<std::string> out;
  for (const auto& r : ev.results) out.push_back(r.name);
  return out;
}

TEST(ElectedLeases, OnlyLeasesSomeProcessElectsOnInIdOrder) {
  Scenario s = scenario_with(3, /*on_y=*/{0});
  s.lease_id("default/unused");
  EXPECT_EQ(elected_leases(s), (std::vector<LeaseId>{0, 1}));
  EXPECT_EQ(elected_leases(scenario_with(2)), (std::vector<LeaseId>{0}));
}

TEST(Evaluate, DefaultPropertiesPassOnACleanHistory) {
  const Scenario s = scenario_with(2);
  const Evaluation ev = evaluate(s, clean(), sec(60), std::nullopt);
  EXPECT_TRUE(ev.passed);
  EXPECT_TRUE(ev.violated.empty());
  // singleLeader and transitionsMatch are on by default; the bounds only when set.
  EXPECT_EQ(names(ev), (std::vector<std::string>{"singleLeader", "transitionsMatch"}));
  for (const auto& r : ev.results) EXPECT_TRUE(r.holds) << r.name;
  EXPECT_FALSE(ev.failover_bound);
}

TEST(Evaluate, AViolationFailsTheRunWithoutExpect) {
  const Scenario s = scenario_with(2);
  const Evaluation ev = evaluate(s, overlapping(), sec(60), std::nullopt);
  EXPECT_FALSE(ev.passed);
  EXPECT_EQ(ev.violated, (std::vector<std::string>{"singleLeader"}));
  ASSERT_EQ(ev.results.size(), 2u);
  EXPECT_FALSE(ev.results[0].holds);
  EXPECT_EQ(ev.results[0].violations.size(), 1u);
  EXPECT_TRUE(ev.results[1].holds);
}

TEST(Evaluate, ExpectMatchingTheViolatedSetPasses) {
  Scenario s = scenario_with(2);
  s.expect.present = true;
  s.expect.violated = {"singleLeader"};
  EXPECT_TRUE(evaluate(s, overlapping(), sec(60), std::nullopt).passed);
}

TEST(Evaluate, ExpectThatDiffersFromTheViolatedSetFails) {
  Scenario s = scenario_with(2);
  s.expect.present = true;
  // Too few: an expect block with nothing expected is not the same as no expect block.
  s.expect.violated = {};
  EXPECT_FALSE(evaluate(s, overlapping(), sec(60), std::nullopt).passed);
  // Too many: transitionsMatch holds here.
  s.expect.violated = {"singleLeader", "transitionsMatch"};
  EXPECT_FALSE(evaluate(s, overlapping(), sec(60), std::nullopt).passed);
  // Wrong one.
  s.expect.violated = {"transitionsMatch"};
  EXPECT_FALSE(evaluate(s, overlapping(), sec(60), std::nullopt).passed);
  // An expected violation that did not happen fails the run too.
  s.expect.violated = {"singleLeader"};
  EXPECT_FALSE(evaluate(s, clean(), sec(60), std::nullopt).passed);
  // And the empty expect matches a clean run.
  s.expect.violated = {};
  EXPECT_TRUE(evaluate(s, clean(), sec(60), std::nullopt).passed);
}

TEST(Evaluate, SwitchedOffPropertiesAreNotJudged) {
  Scenario s = scenario_with(2);
  s.properties.single_leader = false;
  const Evaluation ev = evaluate(s, overlapping(), sec(60), std::nullopt);
  EXPECT_TRUE(ev.passed);
  EXPECT_EQ(names(ev), (std::vector<std::string>{"transitionsMatch"}));
}

TEST(Evaluate, EveryElectedLeaseIsJudgedAndViolatedNamesAreSortedAndUnique) {
  Scenario s = scenario_with(4, /*on_y=*/{2, 3});
  s.properties.eventually_leader = seconds(5);
  History h = overlapping();
  // The same overlap on default/y, and a bad transitions count there.
  h.leaderships.push_back(lead(2, sec(0), sec(10), 1));
  h.leaderships.push_back(lead(3, sec(5), sec(15), 1));
  h.writes.push_back(write(sec(5), 3, spec("c", 0), spec("d", 0), 4, 1));
  const Evaluation ev = evaluate(s, h, sec(60), std::nullopt);
  EXPECT_EQ(names(ev), (std::vector<std::string>{"singleLeader", "transitionsMatch", "eventuallyLeader", "singleLeader",
                                                 "transitionsMatch", "eventuallyLeader"}));
  EXPECT_EQ(ev.results[0].lease, 0u);
  EXPECT_EQ(ev.results[3].lease, 1u);
  EXPECT_EQ(ev.violated, (std::vector<std::string>{"singleLeader", "transitionsMatch"}));
  EXPECT_EQ(ev.results[2].detail, "within 5s of the last fault's end");
}

TEST(Evaluate, FailoverWithinUsesTheExplicitBound) {
  Scenario s = scenario_with(2);
  const uint32_t crash = add_fault(s, FaultType::Crash, sec(10), std::nullopt, 0);
  s.properties.failover_within = seconds(10);
  History h;
  h.leaderships = {lead(0, sec(1), sec(10), 0, "crash"), lead(1, sec(25), std::nullopt)};
  h.faults = {struck(crash, sec(10), 0, {{0, 0}})};
  Evaluation ev = evaluate(s, h, sec(60), std::nullopt);
  EXPECT_EQ(ev.failovers.size(), 1u);
  EXPECT_EQ(ev.failover_bound, seconds(10));
  EXPECT_EQ(ev.violated, (std::vector<std::string>{"failoverWithin"}));
  ASSERT_EQ(ev.results.size(), 3u);
  EXPECT_EQ(ev.results[1].name, "failoverWithin");
  EXPECT_EQ(ev.results[1].detail, "bound 10s");
  // Twin: a looser bound holds.
  s.properties.failover_within = seconds(15);
  ev = evaluate(s, h, sec(60), std::nullopt);
  EXPECT_TRUE(ev.passed);
}

TEST(Evaluate, FailoverWithinAutoUsesTheAnalyticBound) {
  Scenario s = scenario_with(2);
  s.properties.failover_within_auto = true;
  const Evaluation ev = evaluate(s, clean(), sec(60), seconds(17));
  EXPECT_EQ(ev.failover_bound, seconds(17));
  ASSERT_EQ(ev.results.size(), 3u);
  EXPECT_EQ(ev.results[1].detail, "bound 17s (analytic)");
  // Asking for `auto` without a bound is the caller's bug, not a verdict.
  EXPECT_THROW(evaluate(s, clean(), sec(60), std::nullopt), InvariantViolation);
}

}  // namespace
}  // namespace leasesim
