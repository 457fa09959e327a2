// Tests of the World's pending-event set (sim/event_queue.h): a 4-ary heap, with a calendar of
// time buckets once it is large, that must pop in exactly (time, seq) order, compared against a
// sorted reference under random workloads, small and large.
#include "sim/event_queue.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <vector>

#include "core/check.h"

namespace leasesim {
namespace {

// Every pending event, through the unordered visit.
std::vector<Event> visited(const EventQueue& q) {
  std::vector<Event> out;
  q.for_each([&](const Event& e) { out.push_back(e); });
  return out;
}

Event make_event(int64_t at, uint64_t seq, uint64_t a = 0) {
  Event e;
  e.at = TrueInstant(at);
  e.seq = seq;
  e.a = a;
  e.kind = EventKind::Timer;
  return e;
}

TEST(EventQueue, PopsByTimeThenBySequence) {
  EventQueue q;
  q.push(make_event(5, 0));
  q.push(make_event(1, 1));
  q.push(make_event(5, 2));
  q.push(make_event(1, 3));
  q.push(make_event(3, 4));
  ASSERT_EQ(q.size(), 5u);
  std::vector<std::pair<int64_t, uint64_t>> order;
  while (!q.empty()) {
    const Event e = q.pop();
    order.emplace_back(e.at.ns, e.seq);
  }
  // Equal times keep insertion (seq) order, never memory layout.
  EXPECT_EQ(order, (std::vector<std::pair<int64_t, uint64_t>>{{1, 1}, {1, 3}, {3, 4}, {5, 0}, {5, 2}}));
}

TEST(EventQueue, TopIsThePopCandidateAndEmptyAccessIsChecked) {
  EventQueue q;
  EXPECT_TRUE(q.empty());
  EXPECT_THROW(q.top(), InvariantViolation);
  EXPECT_THROW(q.pop(), InvariantViolation);
  q.push(make_event(7, 0, 42));
  EXPECT_EQ(q.top().a, 42u);
  EXPECT_EQ(q.pop().a, 42u);
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, SortedViewIsOrderedAndDoesNotConsume) {
  EventQueue q;
  for (uint64_t i = 0; i < 20; ++i) q.push(make_event(static_cast<int64_t>((i * 7) % 5), i));
  const std::vector<Event> s = q.sorted();
  ASSERT_EQ(s.size(), 20u);
  EXPECT_TRUE(std::is_sorted(s.begin(), s.end(), [](const Event& x, const Event& y) { return x.before(y); }));
  EXPECT_EQ(q.size(), 20u);
  EXPECT_EQ(q.pop(), s.front());
}

TEST(EventQueue, CopiesAreEqualAndIndependent) {
  EventQueue q;
  for (uint64_t i = 0; i < 10; ++i) q.push(make_event(static_cast<int64_t>(10 - i), i));
  EventQueue copy = q;
  EXPECT_EQ(copy, q);
  copy.pop();
  EXPECT_NE(copy, q);
  EXPECT_EQ(q.size(), 10u);
  EXPECT_EQ(copy.size(), 9u);
  // Both continue in the same order from where they are.
  q.pop();
  EXPECT_EQ(copy, q);
  while (!q.empty()) EXPECT_EQ(q.pop(), copy.pop());
  EXPECT_TRUE(copy.empty());
}

TEST(EventQueue, EqualityIgnoresHeapLayout) {
  // Same set of events pushed in different orders: heap arrays differ, the queues are equal.
  EventQueue a, b;
  for (uint64_t i = 0; i < 9; ++i) a.push(make_event(static_cast<int64_t>(i), i));
  for (uint64_t i = 9; i-- > 0;) b.push(make_event(static_cast<int64_t>(i), i));
  EXPECT_EQ(a, b);
}

TEST(EventQueue, TheUnorderedViewHoldsTheSameEventsAsTheSortedOne) {
  EventQueue q;
  const auto earlier = [](const Event& x, const Event& y) { return x.before(y); };
  for (uint64_t i = 0; i < 50; ++i) {
    q.push(make_event(static_cast<int64_t>((i * 7) % 5), i));
    std::vector<Event> seen = visited(q);
    std::sort(seen.begin(), seen.end(), earlier);
    ASSERT_EQ(seen, q.sorted()) << "with " << q.size() << " events";
  }
}

// The end of both queue properties: the sorted view and the unordered one (used by
// fingerprints) hold exactly `reference`, and the queue and a copy taken now both drain to it.
void drains_like(EventQueue& q, const std::vector<Event>& reference) {
  const auto earlier = [](const Event& x, const Event& y) { return x.before(y); };
  RC_ASSERT(q.sorted() == reference);
  std::vector<Event> seen = visited(q);
  std::sort(seen.begin(), seen.end(), earlier);
  RC_ASSERT(seen == reference);
  EventQueue copy = q;
  for (const Event& e : reference) {
    RC_ASSERT(q.pop() == e);
    RC_ASSERT(copy.pop() == e);
  }
  RC_ASSERT(q.empty());
  RC_ASSERT(copy.empty());
}

// A random interleaving of pushes and pops, checked against a sorted vector. Times come from a
// small range so that ties (equal time, order by seq) are frequent.
RC_GTEST_PROP(EventQueueProperty, PopsMatchASortedReference, ()) {
  const auto ops = *rc::gen::container<std::vector<std::pair<bool, int64_t>>>(
      rc::gen::pair(rc::gen::weightedElement<bool>({{3, true}, {2, false}}), rc::gen::inRange<int64_t>(0, 8)));
  EventQueue q;
  std::vector<Event> reference;
  uint64_t seq = 0;
  const auto earlier = [](const Event& x, const Event& y) { return x.before(y); };
  for (const auto& [is_push, at] : ops) {
    if (is_push) {
      const Event e = make_event(at, seq, seq * 31);
      ++seq;
      q.push(e);
      reference.insert(std::upper_bound(reference.begin(), reference.end(), e, earlier), e);
    } else if (!reference.empty()) {
      RC_ASSERT(q.top() == reference.front());
      RC_ASSERT(q.pop() == reference.front());
      reference.erase(reference.begin());
    }
    RC_ASSERT(q.size() == reference.size());
  }
  drains_like(q, reference);
}

// The calendar of large queues (more than kCalendarFrom events): the same workload as above with
// a prefill that switches the queue to it and times spread over three times the ring's span, so
// that events land in the heap, in ring buckets and in the overflow list, ties included, and the
// ring is refilled from the overflow as time advances. Pops must still match the sorted reference.
RC_GTEST_PROP(EventQueueProperty, TheCalendarPopsMatchASortedReference, ()) {
  constexpr int64_t kBucket = int64_t{1} << EventQueue::kBucketShift;
  constexpr int64_t kSpan = 3 * EventQueue::kBuckets * kBucket;
  // Times are drawn as whole buckets plus a small offset, so equal times (ties) stay frequent.
  const auto time = rc::gen::map(rc::gen::pair(rc::gen::inRange<int64_t>(0, kSpan / kBucket), rc::gen::inRange<int64_t>(0, 3)),
                                 [](const std::pair<int64_t, int64_t>& p) { return p.first * kBucket + p.second; });
  const auto prefill = *rc::gen::container<std::vector<int64_t>>(EventQueue::kCalendarFrom + 1, time);
  const auto ops = *rc::gen::container<std::vector<std::pair<bool, int64_t>>>(
      rc::gen::pair(rc::gen::weightedElement<bool>({{1, true}, {3, false}}), rc::gen::inRange<int64_t>(0, 40 * kBucket)));
  EventQueue q;
  std::vector<Event> reference;
  uint64_t seq = 0;
  const auto earlier = [](const Event& x, const Event& y) { return x.before(y); };
  const auto push = [&](int64_t at) {
    const Event e = make_event(at, seq, seq * 31);
    ++seq;
    q.push(e);
    reference.insert(std::upper_bound(reference.begin(), reference.end(), e, earlier), e);
  };
  for (int64_t at : prefill) push(at);
  for (const auto& [is_push, delay] : ops) {
    // Pushes are never earlier than the last pop, as in a World (events are scheduled from now).
    if (is_push) push((reference.empty() ? 0 : reference.front().at.ns) + delay);
    else if (!reference.empty()) {
      RC_ASSERT(q.top() == reference.front());
      RC_ASSERT(q.pop() == reference.front());
      reference.erase(reference.begin());
    }
    RC_ASSERT(q.size() == reference.size());
  }
  drains_like(q, reference);
  RC_ASSERT(q.size() == 0u);
}

TEST(EventQueue, TheCalendarKeepsTimeOrderAcrossTheRingAndTheOverflow) {
  // A fixed case of the property above: events one ring span and more apart, pushed in
  // reverse, drain in time order; a push into an emptied queue starts from its own bucket.
  constexpr int64_t kBucket = int64_t{1} << EventQueue::kBucketShift;
  EventQueue q;
  uint64_t seq = 0;
  const size_t n = EventQueue::kCalendarFrom + 100;
  for (size_t i = n; i-- > 0;) q.push(make_event(static_cast<int64_t>(i) * (EventQueue::kBuckets / 64) * kBucket, seq++));
  ASSERT_EQ(q.size(), n);
  int64_t last = -1;
  while (!q.empty()) {
    const Event e = q.pop();
    ASSERT_GT(e.at.ns, last);
    last = e.at.ns;
  }
  EXPECT_EQ(q.size(), 0u);
  q.push(make_event(last + 100 * EventQueue::kBuckets * kBucket, seq++));
  q.push(make_event(last + 5, seq++));
  EXPECT_EQ(q.pop().at.ns, last + 5);
  EXPECT_EQ(q.pop().at.ns, last + 100 * EventQueue::kBuckets * kBucket);
  EXPECT_TRUE(q.empty());
}

// after_top() (the World's prefetch hint): whenever it names an event, that event is the one
// pop() returns after the top when nothing is pushed in between, small heap or calendar alike.
// Twin: when it names none, the heap holds the top alone, so the hint cannot be checked against
// a second heap element (the next event is still in the ring or there is none).
RC_GTEST_PROP(EventQueueProperty, AfterTopNamesTheEventPoppedAfterTheTop, (bool large)) {
  constexpr int64_t kBucket = int64_t{1} << EventQueue::kBucketShift;
  const size_t n = large ? EventQueue::kCalendarFrom + *rc::gen::inRange<size_t>(1, 2000) : *rc::gen::inRange<size_t>(1, 200);
  const auto times = *rc::gen::container<std::vector<int64_t>>(n, rc::gen::inRange<int64_t>(0, 50 * kBucket));
  EventQueue q;
  uint64_t seq = 0;
  for (int64_t at : times) q.push(make_event(at, seq++));
  size_t hinted = 0;
  while (!q.empty()) {
    const Event* hint = q.after_top();
    if (hint == nullptr) {
      (void)q.pop();
      continue;
    }
    const Event expected = *hint;
    ++hinted;
    (void)q.pop();
    RC_ASSERT(!q.empty());
    RC_ASSERT(q.top() == expected);
  }
  RC_TAG(hinted > 0 ? "hinted" : "never hinted");
}

// In calendar mode the top may be the sorted run's or the heap's (events filed for the current
// bucket after it became current): pushes due within a bucket of the last pop, interleaved with
// pops, put events in both, and the hint must still name the event popped next whenever no push
// comes between.
RC_GTEST_PROP(EventQueueProperty, AfterTopHoldsWithTheRunAndTheHeapBothInUse, ()) {
  constexpr int64_t kBucket = int64_t{1} << EventQueue::kBucketShift;
  EventQueue q;
  uint64_t seq = 0;
  const size_t prefill = EventQueue::kCalendarFrom + *rc::gen::inRange<size_t>(1, 500);
  for (size_t i = 0; i < prefill; ++i) q.push(make_event(*rc::gen::inRange<int64_t>(0, 20 * kBucket), seq++));
  const auto ops = *rc::gen::container<std::vector<int64_t>>(rc::gen::inRange<int64_t>(-3 * kBucket, 2 * kBucket));
  size_t hinted = 0;
  for (const int64_t op : ops) {
    if (q.empty()) break;
    if (op < 0) {  // a push due within about a bucket of the top: often into the current one
      q.push(make_event(q.top().at.ns + (-op) / 3, seq++));
      continue;
    }
    const Event* hint = q.after_top();
    const Event expected = hint != nullptr ? *hint : Event{};
    (void)q.pop();
    if (hint != nullptr) {
      ++hinted;
      RC_ASSERT(!q.empty());
      RC_ASSERT(q.top() == expected);
    }
  }
  RC_TAG(hinted > 0 ? "hinted" : "never hinted");
}

// The ring's memory is chunks reused from one pool: a steady workload (20,000 pending events
// over 256 buckets, one pushed per event popped) moving through the ring for six spans takes
// about the chunks its first span needed, not more with every span. Twin of the bound: the same workload with twice the
// pending events needs more chunks, so the count does follow what the ring holds.
size_t chunks_after_steady_turns(size_t pending, int turns) {
  constexpr int64_t kBucket = int64_t{1} << EventQueue::kBucketShift;
  const int64_t span = 256 * kBucket;  // about 80 events a bucket at 20,000: several chunks each
  EventQueue q;
  uint64_t seq = 0;
  uint64_t state = 12345;
  const auto next_offset = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<int64_t>((state >> 33) % static_cast<uint64_t>(span));
  };
  for (size_t i = 0; i < pending; ++i) q.push(make_event(next_offset(), seq++));
  size_t after_first_turn = 0;
  int64_t start = 0;
  for (int turn = 0; turn < turns; ++turn) {
    start = q.top().at.ns;
    while (q.top().at.ns < start + span) {
      const Event e = q.pop();
      q.push(make_event(e.at.ns + 1 + next_offset(), seq++));
    }
    if (turn == 0) after_first_turn = q.calendar_chunks();
  }
  EXPECT_EQ(q.size(), pending);
  // Buckets' counts vary from turn to turn, so the peak may move by a few chunks, never grow
  // with the turns.
  EXPECT_LE(q.calendar_chunks(), after_first_turn + after_first_turn / 20) << "the ring keeps taking new chunks";
  return q.calendar_chunks();
}

TEST(EventQueue, TheRingReusesItsChunks) {
  const size_t small = chunks_after_steady_turns(20000, 6);
  const size_t twice = chunks_after_steady_turns(40000, 6);
  EXPECT_GT(small, 0u);
  EXPECT_GT(twice, small + small / 2) << "the chunk count does not follow the events the ring holds";
  // Only a bucket's last chunk is partly empty: the chunks are the events' room plus about one
  // chunk per bucket (257 buckets hold events at once; the peak comes between pops and pushes).
  EXPECT_LE(small, 20000u / EventQueue::kChunkEvents + 2u * 257u);
}

}  // namespace
}  // namespace leasesim
