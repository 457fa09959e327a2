// Tests of the reachability graph (sim/network.h): partitions by direction, nesting of
// overlapping cuts (an edge returns only when every cut on it has healed), and copy semantics.
#include "sim/network.h"

#include <gtest/gtest.h>

#include <utility>

#include "core/check.h"

namespace leasesim {
namespace {

uint64_t hash_of(const Network& n) {
  Hasher h;
  n.hash_into(h);
  return h.digest();
}

TEST(Network, EverythingIsConnectedAtStart) {
  Network net(3);
  for (uint32_t p = 0; p < 3; ++p) {
    EXPECT_TRUE(net.requests_reach_server(p));
    EXPECT_TRUE(net.responses_reach_process(p));
  }
}

TEST(Network, RequestsDirectionCutsOnlyTheProcessToServerLink) {
  Network net(2);
  net.cut(0, Direction::Requests);
  EXPECT_FALSE(net.requests_reach_server(0));
  EXPECT_TRUE(net.responses_reach_process(0));
  // Other processes are untouched.
  EXPECT_TRUE(net.requests_reach_server(1));
  EXPECT_TRUE(net.responses_reach_process(1));
  net.heal(0, Direction::Requests);
  EXPECT_TRUE(net.requests_reach_server(0));
}

TEST(Network, ResponsesDirectionCutsOnlyTheServerToProcessLink) {
  Network net(2);
  net.cut(1, Direction::Responses);
  EXPECT_TRUE(net.requests_reach_server(1));
  EXPECT_FALSE(net.responses_reach_process(1));
  EXPECT_TRUE(net.responses_reach_process(0));
  net.heal(1, Direction::Responses);
  EXPECT_TRUE(net.responses_reach_process(1));
}

TEST(Network, BothDirectionCutsBothLinks) {
  Network net(1);
  net.cut(0, Direction::Both);
  EXPECT_FALSE(net.requests_reach_server(0));
  EXPECT_FALSE(net.responses_reach_process(0));
  net.heal(0, Direction::Both);
  EXPECT_TRUE(net.requests_reach_server(0));
  EXPECT_TRUE(net.responses_reach_process(0));
}

TEST(Network, OverlappingCutsNestSoAnEdgeReturnsOnlyAfterTheLastHeal) {
  Network net(1);
  net.cut(0, Direction::Both);
  net.cut(0, Direction::Requests);
  // The `both` partition ends first; the `requests` one still holds the request link down.
  net.heal(0, Direction::Both);
  EXPECT_FALSE(net.requests_reach_server(0));
  EXPECT_TRUE(net.responses_reach_process(0));
  net.heal(0, Direction::Requests);
  EXPECT_TRUE(net.requests_reach_server(0));
}

TEST(Network, SameDirectionCutTwiceNeedsTwoHeals) {
  Network net(1);
  net.cut(0, Direction::Responses);
  net.cut(0, Direction::Responses);
  net.heal(0, Direction::Responses);
  EXPECT_FALSE(net.responses_reach_process(0));
  net.heal(0, Direction::Responses);
  EXPECT_TRUE(net.responses_reach_process(0));
}

TEST(Network, HealingALinkThatIsNotCutIsAnInvariantViolation) {
  Network net(1);
  EXPECT_THROW(net.heal(0, Direction::Requests), InvariantViolation);
  net.cut(0, Direction::Requests);
  // Healing `both` when only requests were cut also trips on the responses link.
  EXPECT_THROW(net.heal(0, Direction::Both), InvariantViolation);
}

TEST(Network, CopiesAreEqualAndIndependent) {
  Network original(3);
  original.cut(1, Direction::Requests);
  original.cut(2, Direction::Both);
  Network copy(original);
  EXPECT_EQ(copy, original);
  EXPECT_EQ(hash_of(copy), hash_of(original));
  // The copy answers the same reachability questions (it shares the original's graph until one of
  // them changes).
  for (uint32_t p = 0; p < 3; ++p) {
    EXPECT_EQ(copy.requests_reach_server(p), original.requests_reach_server(p)) << p;
    EXPECT_EQ(copy.responses_reach_process(p), original.responses_reach_process(p)) << p;
  }
  // Changing the copy leaves the original alone, and vice versa.
  copy.heal(2, Direction::Both);
  EXPECT_TRUE(copy.requests_reach_server(2));
  EXPECT_FALSE(original.requests_reach_server(2));
  EXPECT_NE(copy, original);
  EXPECT_NE(hash_of(copy), hash_of(original));
  original.cut(0, Direction::Responses);
  EXPECT_TRUE(copy.responses_reach_process(0));
}

TEST(Network, CopyAssignmentReplacesState) {
  Network a(2);
  a.cut(0, Direction::Both);
  Network b(2);
  b.cut(1, Direction::Responses);
  b = a;
  EXPECT_EQ(b, a);
  EXPECT_FALSE(b.requests_reach_server(0));
  EXPECT_TRUE(b.responses_reach_process(1));
  b.heal(0, Direction::Both);
  EXPECT_FALSE(a.requests_reach_server(0));
}

TEST(Network, MovedToNetworkKeepsTheState) {
  Network a(2);
  a.cut(1, Direction::Requests);
  Network moved(std::move(a));
  EXPECT_FALSE(moved.requests_reach_server(1));
  EXPECT_TRUE(moved.requests_reach_server(0));
  Network assigned(1);
  assigned = std::move(moved);
  EXPECT_FALSE(assigned.requests_reach_server(1));
  EXPECT_TRUE(assigned.responses_reach_process(1));
  assigned.heal(1, Direction::Requests);
  EXPECT_TRUE(assigned.requests_reach_server(1));
}

TEST(Network, CutAndHealRoundTripRestoresEquality) {
  Network fresh(2);
  Network net(2);
  net.cut(0, Direction::Both);
  net.cut(0, Direction::Requests);
  EXPECT_NE(net, fresh);
  net.heal(0, Direction::Requests);
  net.heal(0, Direction::Both);
  EXPECT_EQ(net, fresh);
  EXPECT_EQ(hash_of(net), hash_of(fresh));
}

}  // namespace
}  // namespace leasesim
