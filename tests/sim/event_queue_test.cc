// Tests of the World's pending-event set (sim/event_queue.h): a 4-ary heap that must pop in
// exactly (time, seq) order, compared against a sorted reference under random workloads.
#include "sim/event_queue.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <vector>

#include "core/check.h"

namespace leasesim {
namespace {

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
    std::vector<Event> seen(q.events().begin(), q.events().end());
    std::sort(seen.begin(), seen.end(), earlier);
    ASSERT_EQ(seen, q.sorted()) << "with " << q.size() << " events";
  }
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
  RC_ASSERT(q.sorted() == reference);
  // The unordered view (used by fingerprints) holds the same events.
  std::vector<Event> visited(q.events().begin(), q.events().end());
  std::sort(visited.begin(), visited.end(), earlier);
  RC_ASSERT(visited == reference);
  // A copy taken now drains to the same sequence as the original.
  EventQueue copy = q;
  for (const Event& e : reference) {
    RC_ASSERT(q.pop() == e);
    RC_ASSERT(copy.pop() == e);
  }
  RC_ASSERT(q.empty());
  RC_ASSERT(copy.empty());
}

}  // namespace
}  // namespace leasesim
