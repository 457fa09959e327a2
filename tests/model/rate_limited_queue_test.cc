// Tests of one zone's NoExecute tainting queue alone (model/rate_limited_queue.h; upstream
// pkg/controller/nodelifecycle/scheduler/rate_limited_queue.go): the token bucket of burst 1
// paces takes at exactly 1/rate, a long idle stores one token and no more, SwapLimiter keeps
// the same rate untouched and drains a new bucket only when the old one was empty, a rate of 0
// never gives a token, an empty queue spends none, and the queue is a set that keeps a taken
// node until it is removed. The pacing twin shows that the pacing check tells 0.1/s from 0.2/s.
#include "model/rate_limited_queue.h"

#include <gtest/gtest.h>

#include <vector>

namespace leasesim {
namespace {

constexpr int64_t kRate01 = 100000000;   // 0.1 per second
constexpr int64_t kRate02 = 200000000;   // 0.2 per second
constexpr int64_t kRate001 = 10000000;   // 0.01 per second

LocalInstant at(Duration d) { return LocalInstant(d.ns); }

// Runs the controller's doNoExecuteTaintingPass cadence (every 100 ms) for `span` and returns
// when each node was taken.
std::vector<Duration> take_times(RateLimitedQueue& q, Duration from, Duration span) {
  std::vector<Duration> out;
  for (Duration t = from; t <= from + span; t = t + milliseconds(100))
    while (q.try_take(at(t))) out.push_back(t);
  return out;
}

std::vector<Duration> pacing_of(int64_t rate_ppb) {
  RateLimitedQueue q(Name("zone-a"), rate_ppb, at(Duration{}));
  for (NodeId n = 0; n < 4; ++n) EXPECT_TRUE(q.add(n, at(Duration{})));
  return take_times(q, Duration{}, seconds(60));
}

TEST(RateLimitedQueue, TakesArePacedAtOneOverTheRate) {
  // A new bucket starts full: the first node at once, then one every 10 s at 0.1/s.
  EXPECT_EQ(pacing_of(kRate01), (std::vector<Duration>{Duration{}, seconds(10), seconds(20), seconds(30)}));
}

TEST(RateLimitedQueue, TwinPacingCheckTellsTheRatesApart) {
  // The same check on a bucket at 0.2/s sees 5 s steps: the pacing above is the rate's, not
  // the 100 ms cadence's.
  const std::vector<Duration> faster = pacing_of(kRate02);
  EXPECT_EQ(faster, (std::vector<Duration>{Duration{}, seconds(5), seconds(10), seconds(15)}));
  EXPECT_NE(faster, pacing_of(kRate01));
}

TEST(RateLimitedQueue, BurstIsOneTokenHoweverLongTheIdle) {
  RateLimitedQueue q(Name("zone-a"), kRate01, at(Duration{}));
  // 100 s idle would be 10 tokens without the burst cap: still one.
  EXPECT_TRUE(q.try_accept(at(seconds(100))));
  EXPECT_FALSE(q.try_accept(at(seconds(100))));
  EXPECT_FALSE(q.try_accept(at(seconds(110) - Duration(1))));
  EXPECT_TRUE(q.try_accept(at(seconds(110))));
}

TEST(RateLimitedQueue, SwapToTheSameRateChangesNothing) {
  RateLimitedQueue q(Name("zone-a"), kRate01, at(Duration{}));
  ASSERT_TRUE(q.try_accept(at(Duration{})));
  q.swap(kRate01, at(seconds(1)));  // not a new bucket: still waiting for the old one's token
  EXPECT_FALSE(q.try_accept(at(seconds(9))));
  EXPECT_TRUE(q.try_accept(at(seconds(10))));
}

TEST(RateLimitedQueue, SwapDrainsTheNewBucketOnlyWhenTheOldWasEmpty) {
  // Old bucket empty (a token taken at 0): the new 0.01/s bucket is drained at once, so the
  // next token comes 100 s after the swap, not at the swap.
  RateLimitedQueue empty(Name("zone-a"), kRate01, at(Duration{}));
  ASSERT_TRUE(empty.try_accept(at(Duration{})));
  empty.swap(kRate001, at(seconds(5)));
  EXPECT_EQ(empty.rate_ppb(), kRate001);
  EXPECT_FALSE(empty.try_accept(at(seconds(5))));
  EXPECT_FALSE(empty.try_accept(at(seconds(104))));
  EXPECT_TRUE(empty.try_accept(at(seconds(105))));

  // Old bucket full: the new one starts full and gives its token at the swap.
  RateLimitedQueue full(Name("zone-a"), kRate01, at(Duration{}));
  full.swap(kRate001, at(seconds(5)));
  EXPECT_TRUE(full.try_accept(at(seconds(5))));
  EXPECT_FALSE(full.try_accept(at(seconds(104))));
}

TEST(RateLimitedQueue, RateZeroNeverGivesATokenAndLeavingItStartsDrained) {
  RateLimitedQueue q(Name("zone-a"), 0, at(Duration{}));
  ASSERT_TRUE(q.add(7, at(Duration{})));
  EXPECT_TRUE(take_times(q, Duration{}, minutes(10)).empty());
  EXPECT_TRUE(q.has_pending());
  // SwapLimiter(0.1): the never limiter has no token to give, so the new bucket is drained:
  // the waiting node goes one period after the swap.
  q.swap(kRate01, at(minutes(10)));
  EXPECT_EQ(take_times(q, minutes(10), seconds(20)), std::vector<Duration>{minutes(10) + seconds(10)});
  // And back to 0: nothing more is taken even when due.
  ASSERT_TRUE(q.add(8, at(minutes(11))));
  q.swap(0, at(minutes(11)));
  EXPECT_TRUE(take_times(q, minutes(11), minutes(5)).empty());
}

TEST(RateLimitedQueue, AnEmptyQueueSpendsNoToken) {
  RateLimitedQueue q(Name("zone-a"), kRate01, at(Duration{}));
  EXPECT_FALSE(q.try_take(at(seconds(1))).has_value());  // nothing pending: the token stays
  ASSERT_TRUE(q.add(3, at(seconds(2))));
  EXPECT_EQ(q.try_take(at(seconds(2))), std::optional<NodeId>(3));
}

TEST(RateLimitedQueue, IsASetThatKeepsATakenNodeUntilRemoved) {
  RateLimitedQueue q(Name("zone-a"), kRate01, at(Duration{}));
  EXPECT_TRUE(q.add(1, at(Duration{})));
  EXPECT_TRUE(q.add(2, at(Duration{})));
  EXPECT_FALSE(q.add(1, at(seconds(1))));  // already queued
  // Ties in processAt go in insertion order.
  EXPECT_EQ(q.try_take(at(Duration{})), std::optional<NodeId>(1));
  EXPECT_FALSE(q.add(1, at(seconds(1))));  // taken, still in the set (RemoveFromQueue)
  q.remove(1);                              // markNodeAsReachable
  EXPECT_TRUE(q.add(1, at(seconds(2))));
  // Node 2 (processAt 0) is ahead of the re-added node 1 (processAt 2 s).
  EXPECT_EQ(q.try_take(at(seconds(10))), std::optional<NodeId>(2));
  EXPECT_EQ(q.try_take(at(seconds(20))), std::optional<NodeId>(1));
  EXPECT_FALSE(q.has_pending());
}

}  // namespace
}  // namespace leasesim
