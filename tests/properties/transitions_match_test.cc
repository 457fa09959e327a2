// Tests of transitionsMatch (properties/transitions_match.h): one test per rule of the
// docs/models/client-go-elector.md section 3 table, each with a passing twin.
#include "properties/transitions_match.h"

#include <gtest/gtest.h>

#include "tests/properties/history_builders.h"

namespace leasesim {
namespace {

using namespace testing_history;

std::vector<Violation> check_one(std::optional<LeaseSpec> before, std::optional<LeaseSpec> after) {
  const Scenario s = scenario_with(2);
  History h;
  h.writes = {write(ms(1500), 1, std::move(before), std::move(after), 5)};
  return check_transitions_match(s, h, 0);
}

TEST(TransitionsMatch, DecreaseIsAViolation) {
  const auto v = check_one(spec("a", 3), spec("a", 2));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].at, ms(1500));
  EXPECT_EQ(v[0].procs, (std::vector<uint32_t>{1}));
  EXPECT_EQ(v[0].message, "leaseTransitions decreased from 3 to 2 (write rv 5 by b at 1.5s)");
}

TEST(TransitionsMatch, DecreaseIsReportedAsSuchEvenWithAHolderChange) {
  const auto v = check_one(spec("a", 3), spec("b", 0));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].message, "leaseTransitions decreased from 3 to 0 (write rv 5 by b at 1.5s)");
}

TEST(TransitionsMatch, RenewalWithoutChangePasses) {
  EXPECT_TRUE(check_one(spec("a", 3), spec("a", 3)).empty());
}

TEST(TransitionsMatch, ChangeWithoutHolderChangeIsAViolation) {
  const auto v = check_one(spec("a", 1), spec("a", 2));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].message,
            "leaseTransitions changed from 1 to 2 without a holder change (holder \"a\") (write rv 5 by b at 1.5s)");
}

TEST(TransitionsMatch, HolderChangeWithoutPlusOneIsAViolation) {
  const auto v = check_one(spec("a", 1), spec("b", 1));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].message,
            "holderIdentity changed from \"a\" to \"b\" but leaseTransitions went from 1 to 1 (expected 2) (write rv 5 "
            "by b at 1.5s)");
  // +2 is just as wrong as +0.
  const auto twice = check_one(spec("a", 1), spec("b", 3));
  ASSERT_EQ(twice.size(), 1u);
  EXPECT_NE(twice[0].message.find("(expected 2)"), std::string::npos);
}

TEST(TransitionsMatch, HolderChangeWithPlusOnePasses) {
  EXPECT_TRUE(check_one(spec("a", 1), spec("b", 2)).empty());
  // Taking an empty (released) lease is a holder change too.
  EXPECT_TRUE(check_one(spec("", 2), spec("b", 3)).empty());
  // Re-acquiring after one's own release counts as well (client-go table: fetched + 1).
  EXPECT_TRUE(check_one(spec("", 2), spec("", 2)).empty());
  EXPECT_TRUE(check_one(spec("", 2), spec("a", 3)).empty());
}

TEST(TransitionsMatch, ReleaseToEmptyHolderWithTransitionsUnchangedPasses) {
  EXPECT_TRUE(check_one(spec("a", 4), spec("", 4)).empty());
  // Absent and "" are the same holder (nil -> "").
  EXPECT_TRUE(check_one(spec("a", 4), spec(std::nullopt, 4)).empty());
}

TEST(TransitionsMatch, ReleaseThatBumpsTransitionsIsAViolation) {
  // An empty holder is not a new holder, so the count must not move.
  const auto v = check_one(spec("a", 4), spec("", 5));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].message,
            "leaseTransitions changed from 4 to 5 without a holder change (holder \"\") (write rv 5 by b at 1.5s)");
}

TEST(TransitionsMatch, AbsentTransitionsCountAsZero) {
  // The tutorial's bug: it takes an empty lease and never sets leaseTransitions.
  const auto v = check_one(spec("", std::nullopt), spec("a", std::nullopt));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].message.find("went from 0 to 0 (expected 1)"), std::string::npos) << v[0].message;
  // Twin: setting it to 1 is right.
  EXPECT_TRUE(check_one(spec("", std::nullopt), spec("a", 1)).empty());
  // And an absent holder before is the empty holder.
  EXPECT_TRUE(check_one(spec(std::nullopt, std::nullopt), spec("a", 1)).empty());
}

TEST(TransitionsMatch, CreateAndDeleteAreNotJudged) {
  // A create may start from any count, a delete may end anywhere.
  EXPECT_TRUE(check_one(std::nullopt, spec("a", 5)).empty());
  EXPECT_TRUE(check_one(spec("a", 5), std::nullopt).empty());
  // Twin: an update after such a create is judged against the created value.
  const Scenario s = scenario_with(2);
  History h;
  h.writes = {write(sec(1), 0, std::nullopt, spec("a", 5), 2), write(sec(2), 0, spec("a", 5), spec("a", 0), 3)};
  const auto v = check_transitions_match(s, h, 0);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].at, sec(2));
}

TEST(TransitionsMatch, EveryBadWriteIsReportedAndOtherLeasesAreIgnored) {
  const Scenario s = scenario_with(2);
  History h;
  h.writes = {write(sec(1), 0, spec("", 0), spec("a", 0), 2),       // bad: holder change, +0
              write(sec(2), 1, spec("a", 0), spec("b", 0), 3, 1),   // bad, but on lease y
              write(sec(3), 0, spec("a", 0), spec("a", 0), 4),      // good renewal
              write(sec(4), 1, spec("a", 0), spec("b", 0), 5)};     // bad again
  const auto v = check_transitions_match(s, h, 0);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].at, sec(1));
  EXPECT_EQ(v[1].at, sec(4));
  EXPECT_EQ(check_transitions_match(s, h, 1).size(), 1u);
}

TEST(TransitionsMatch, EmptyHistoryPasses) {
  EXPECT_TRUE(check_transitions_match(scenario_with(1), History{}, 0).empty());
}

}  // namespace
}  // namespace leasesim
