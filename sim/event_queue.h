// event_queue.h: the pending-event set of a World, a 4-ary min-heap keyed by (time, sequence).
//
// Contract:
// - push() assigns nothing: callers give every event a unique, increasing `seq`, so the order
//   of events with equal time is fixed by insertion order and never by memory layout. Which of
//   several events at the same instant fires first is a choice the World makes explicit.
// - Entries are small PODs (payloads live in side tables of the World), so the heap moves
//   40-byte values only. A 4-ary heap halves the depth of a binary heap; pops use Floyd's
//   bottom-up method. bench/event_queue_bench.cc measures it against std::priority_queue.
// - The queue is a copyable value (the World is copied by the explorer). Up to 16 events live
//   inside the queue object itself, so copying a small queue allocates nothing.
#pragma once

#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <span>
#include <vector>

#include "core/check.h"
#include "core/time.h"

namespace leasesim {

enum class EventKind : uint8_t {
  ProcessStart,    // proc
  Timer,           // proc, a = timer id, b = generation
  RequestArrive,   // a = request id: the request reaches the API server
  ResponseArrive,  // a = request id: the response reaches the client
  ClientTimeout,   // a = request id: the client-side timeout of that request passes
  FaultStart,      // a = fault index
  FaultEnd,        // a = fault index
  QuiesceEnd,      // proc, a = lease id, b = generation
  StopRequest,     // proc: a stop fault that reached a paused process, handled at resume
  FaultPoint,      // a = index into spec.explore.faults.at: an injectable fault may strike
  WatchDeliver,    // proc = watcher, a = (ObjectKind << 32 | object id) or kRelistWatch, b = rv (low 32 bits)
};

struct Event {
  TrueInstant at;
  uint64_t seq = 0;
  uint64_t a = 0;
  uint32_t b = 0;
  uint32_t proc = 0;
  uint32_t incarnation = 0;
  EventKind kind = EventKind::ProcessStart;

  bool before(const Event& o) const { return at.ns != o.at.ns ? at.ns < o.at.ns : seq < o.seq; }
  bool operator==(const Event&) const = default;
};

class EventQueue {
 public:
  EventQueue() = default;
  EventQueue(const EventQueue&) = default;
  EventQueue& operator=(const EventQueue&) = default;
  // Moves never throw (events are plain values), so containers move queues rather than copy
  // them; small_vector does not declare this itself.
  EventQueue(EventQueue&&) noexcept = default;
  EventQueue& operator=(EventQueue&&) noexcept = default;

  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  const Event& top() const {
    LS_CHECK(!heap_.empty(), "top() of an empty event queue");
    return heap_.front();
  }
  void reserve(size_t n) { heap_.reserve(n); }

  void push(const Event& e) {
    heap_.push_back(e);
    sift_up(heap_.size() - 1);
  }

  // Floyd's bottom-up pop: the hole left by the root walks down to a leaf along the smaller
  // children (one comparison per child, none against the moved element), then the last element
  // climbs back from there. The last element of a heap nearly always belongs near the bottom, so
  // this saves most of the comparisons a classic sift-down makes.
  Event pop() {
    LS_CHECK(!heap_.empty(), "pop() of an empty event queue");
    Event out = heap_.front();
    const Event last = heap_.back();
    heap_.pop_back();
    const size_t n = heap_.size();
    if (n == 0) return out;
    size_t hole = 0;
    for (;;) {
      const size_t first = hole * kArity + 1;
      if (first >= n) break;
      size_t best = first;
      const size_t end = first + kArity < n ? first + kArity : n;
      for (size_t c = first + 1; c < end; ++c) best = less(heap_[c], heap_[best]) ? c : best;
      heap_[hole] = heap_[best];
      hole = best;
    }
    heap_[hole] = last;
    sift_up(hole);
    return out;
  }

  // All pending events in (time, seq) order; for tests and debugging, not hot paths.
  std::vector<Event> sorted() const;
  // Every pending event, in the heap's order (which depends on the order of pushes and pops):
  // for visits that do not depend on order, such as the fingerprints' multiset of events.
  std::span<const Event> events() const { return {heap_.data(), heap_.size()}; }
  bool operator==(const EventQueue& o) const { return sorted() == o.sorted(); }

 private:
  static constexpr size_t kArity = 4;

  // (time, seq) order without data-dependent branches: the comparison result is computed with
  // bitwise operators so the compiler can use conditional moves in the child scan.
  static bool less(const Event& x, const Event& y) {
    return (x.at.ns < y.at.ns) | ((x.at.ns == y.at.ns) & (x.seq < y.seq));
  }

  void sift_up(size_t i) {
    const Event e = heap_[i];
    while (i > 0) {
      const size_t parent = (i - 1) / kArity;
      if (!less(e, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = e;
  }

  boost::container::small_vector<Event, 16> heap_;
};

}  // namespace leasesim
