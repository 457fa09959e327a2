// event_queue.h: the pending-event set of a World, a 4-ary min-heap keyed by (time, sequence),
// with a calendar of time buckets in front of it once the set is large.
//
// Contract:
// - push() assigns nothing: callers give every event a unique, increasing `seq`, so the order
//   of events with equal time is fixed by insertion order and never by memory layout. Which of
//   several events at the same instant fires first is a choice the World makes explicit.
// - pop() returns the least event by (time, seq), exactly, whatever the layout below.
// - Entries are small PODs (payloads live in side tables of the World), so the heap moves
//   40-byte values only. A 4-ary heap halves the depth of a binary heap; pops use Floyd's
//   bottom-up method. bench/event_queue_bench.cc measures it against std::priority_queue.
// - Large sets (more than kCalendarFrom events, as a cluster of thousands of kubelets keeps:
//   about 19,000 at 5,000 nodes, most of them timers and client deadlines seconds ahead): the
//   heap and a sorted run hold only the events of the current time bucket (2^kBucketShift ns,
//   about 1 ms) and earlier; later events wait unsorted in a ring of kBuckets buckets (about
//   34 s), and events past the ring in one overflow list. When both run dry, the next non-empty
//   bucket is sorted into the run, whose events then leave in O(1); events filed for the current
//   bucket after that go to the heap, and the top is the lesser of the two fronts. A push or a
//   pop then works on a few dozen events that stay in cache instead of tens of thousands
//   (bench/nodes_bench.cc: about 60 events a bucket at 65,000 nodes; buckets of 17 ms held a
//   thousand, and their heap's pops cost a tenth of the run), and a sort of a bucket costs less
//   than as many heap pushes and pops (a sixth fewer instructions in a 20,000-node run,
//   docs/nodes.md phase 10). The switch happens once and changes no order: pops are the same
//   sequence as without it.
// - A ring bucket is a list of 15-event chunks taken from one pool that the queue keeps for its
//   lifetime, so the ring's memory follows the events it holds (plus about a chunk per bucket
//   in use), without a trip through malloc per bucket.
// - after_top() names the event that is likely to follow the top, for the World's prefetches:
//   a hint only (a push may come first), never part of any order.
// - The queue is a copyable value (the World is copied by the explorer). Up to 16 events live
//   inside the queue object itself, so copying a small queue allocates nothing (small queues,
//   such as the explorer's, never switch to the calendar).
#pragma once

#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <vector>

#include "core/check.h"
#include "core/time.h"

namespace leasesim {

// Four bytes wide, so that an Event is 40 bytes without padding: with a one-byte kind its copies
// were 37 bytes, made of overlapping 16- and 8-byte moves whose loads could not be forwarded
// from the stores before them (a stall in every heap move).
enum class EventKind : uint32_t {
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

static_assert(sizeof(Event) == 40, "an Event is five 8-byte words, no padding (see EventKind)");

class EventQueue {
 public:
  EventQueue() = default;
  EventQueue(const EventQueue&) = default;
  EventQueue& operator=(const EventQueue&) = default;
  // Moves never throw (events are plain values), so containers move queues rather than copy
  // them; small_vector does not declare this itself.
  EventQueue(EventQueue&&) noexcept = default;
  EventQueue& operator=(EventQueue&&) noexcept = default;

  // The heap and the current bucket's run are refilled whenever both run dry.
  bool empty() const { return heap_.empty() && run_.empty(); }
  size_t size() const { return heap_.size() + run_.size() + calendar_count_ + overflow_.size(); }
  const Event& top() const {
    LS_CHECK(!empty(), "top() of an empty event queue");
    return top_in_run_ ? run_.back() : heap_.front();
  }
  void reserve(size_t n) { heap_.reserve(std::min<size_t>(n, kCalendarFrom + 1)); }
  // The event pop() returns after the top unless a push comes earlier; nullptr when the top is
  // alone in the heap and the run (the next one is still in the calendar).
  const Event* after_top() const {
    // The run's second with the heap's top, or the heap's second with the run's top: whichever
    // is first of the two that may follow.
    if (top_in_run_)
      return first_of(run_.size() >= 2 ? &run_[run_.size() - 2] : nullptr, heap_.empty() ? nullptr : &heap_.front());
    return first_of(heap_second(), run_.empty() ? nullptr : &run_.back());
  }

  void push(const Event& e) {
    if (calendar_.empty()) {
      heap_push(e);
      if (heap_.size() > kCalendarFrom) start_calendar();
      return;
    }
    if (empty()) current_ = bucket_of(e);  // nothing waits anywhere: any bucket may be current
    file(e);
    settle_top();
  }

  Event pop() {
    LS_CHECK(!empty(), "pop() of an empty event queue");
    Event out;
    if (top_in_run_) {
      out = run_.back();
      run_.pop_back();
    } else {
      out = heap_pop();
    }
    if (empty() && calendar_count_ + overflow_.size() > 0) advance();
    settle_top();
    return out;
  }

  // Events above this count switch the queue to the calendar (see the contract).
  static constexpr size_t kCalendarFrom = 4096;
  static constexpr int kBucketShift = 20;    // a bucket spans 2^20 ns, about 1.05 ms
  static constexpr int64_t kBuckets = 32768;  // the ring spans about 34 s
  static constexpr uint32_t kChunkEvents = 15;  // events a chunk of a ring bucket holds (600 bytes)

  // How many chunks the calendar's ring has taken (they are reused, never given back while the
  // queue lives): for tests of its memory.
  size_t calendar_chunks() const { return chunks_.size(); }
  // All pending events in (time, seq) order; for tests and debugging, not hot paths.
  std::vector<Event> sorted() const;
  // Calls f(const Event&) for every pending event, in an order that depends on the order of
  // pushes and pops: for visits that do not depend on order, such as the fingerprints' multiset
  // of events.
  template <class F>
  void for_each(F&& f) const {
    for (const Event& e : heap_) f(e);
    for (const Event& e : run_) f(e);
    for (const Bucket& bucket : calendar_)
      for (uint32_t c = bucket.head; c != kNoChunk; c = chunks_[c].next)
        for (uint32_t i = 0; i < chunks_[c].count; ++i) f(chunks_[c].events[i]);
    for (const Event& e : overflow_) f(e);
  }
  bool operator==(const EventQueue& o) const { return sorted() == o.sorted(); }

 private:
  static constexpr size_t kArity = 4;

  // (time, seq) order without data-dependent branches: both as one 128-bit unsigned key (the
  // time's sign bit flipped so that unsigned order is signed order), whose comparison compiles to
  // a compare and a subtract with borrow, so the child scan can use conditional moves. (The two
  // comparisons joined with bitwise operators still compiled to branches, and the heap's pops
  // were about a tenth of a 65,000-node run, much of it mispredictions.)
  static unsigned __int128 key(const Event& e) {
    const uint64_t time = static_cast<uint64_t>(e.at.ns) ^ (uint64_t{1} << 63);
    return (static_cast<unsigned __int128>(time) << 64) | e.seq;
  }
  static bool less(const Event& x, const Event& y) { return key(x) < key(y); }

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

  void heap_push(const Event& e) {
    heap_.push_back(e);
    sift_up(heap_.size() - 1);
  }

  // Floyd's bottom-up pop: the hole left by the root walks down to a leaf along the smaller
  // children (one comparison per child, none against the moved element), then the last element
  // climbs back from there. The last element of a heap nearly always belongs near the bottom, so
  // this saves most of the comparisons a classic sift-down makes.
  Event heap_pop() {
    Event out = heap_.front();
    const Event last = heap_.back();
    heap_.pop_back();
    const size_t n = heap_.size();
    if (n == 0) return out;
    size_t hole = 0;
    for (;;) {
      const size_t first = hole * kArity + 1;
      if (first >= n) break;
      size_t best;
      if (first + kArity <= n) {
        // All four children: a two-round tournament, two independent comparisons and then one.
        // The picks are arithmetic rather than conditional (which compiled to jumps).
        const size_t a = first + static_cast<size_t>(less(heap_[first + 1], heap_[first]));
        const size_t b = first + 2 + static_cast<size_t>(less(heap_[first + 3], heap_[first + 2]));
        const size_t take_b = size_t{0} - static_cast<size_t>(less(heap_[b], heap_[a]));
        best = (b & take_b) | (a & ~take_b);
      } else {
        best = first;
        for (size_t c = first + 1; c < n; ++c) best = less(heap_[c], heap_[best]) ? c : best;
      }
      heap_[hole] = heap_[best];
      hole = best;
    }
    heap_[hole] = last;
    sift_up(hole);
    return out;
  }

  // The calendar (event_queue.cc). Buckets are numbered by time >> kBucketShift; the heap holds
  // every event of buckets up to current_, the ring every event of buckets current_ + 1 to
  // current_ + kBuckets - 1 (bucket b in calendar_[b mod kBuckets]), overflow_ the later ones.
  static int64_t bucket_of(const Event& e) { return e.at.ns >> kBucketShift; }
  void start_calendar();
  void file(const Event& e);  // into the heap, the ring or the overflow list, by its bucket
  void advance();             // the heap ran dry: the next non-empty bucket becomes current
  void refile_overflow();     // overflow events that the ring now reaches move into it

  // A ring bucket is a list of fixed-size chunks from one shared pool (chunks_, linked by index,
  // free ones in a list from free_chunk_), so the ring's memory is about what its events need:
  // a vector per bucket kept its largest capacity in each of the ring's 32,768 buckets (about
  // 150 MB at 65,000 nodes), or went back to malloc at every turn. Indices rather than pointers
  // keep the queue a plain copyable value.
  static constexpr uint32_t kNoChunk = UINT32_MAX;
  struct Chunk {
    Event events[kChunkEvents];
    uint32_t count = 0;
    uint32_t next = kNoChunk;
  };
  struct Bucket {
    uint32_t head = kNoChunk;
    uint32_t tail = kNoChunk;
  };
  void append(Bucket& bucket, const Event& e);

  boost::container::small_vector<Event, 16> heap_;
  // Calendar only: the events the current bucket held when it became current, sorted latest
  // first, so that the next leaves from the back in O(1) (advance sorts them once). An event
  // filed for the current bucket later goes to the heap; the top is the lesser of the two
  // fronts, and top_in_run_ says which, settled after every push and pop so that top() is one
  // branch.
  std::vector<Event> run_;
  bool top_in_run_ = false;
  // The least of the heap's top's children (nullptr: the heap holds one event or none).
  const Event* heap_second() const {
    const size_t n = heap_.size();
    if (n < 2) return nullptr;
    const size_t end = n < kArity + 1 ? n : kArity + 1;
    size_t best = 1;
    for (size_t c = 2; c < end; ++c) best = less(heap_[c], heap_[best]) ? c : best;
    return &heap_[best];
  }
  static const Event* first_of(const Event* x, const Event* y) {
    if (x == nullptr) return y;
    if (y == nullptr) return x;
    return less(*y, *x) ? y : x;
  }
  void settle_top() { top_in_run_ = !run_.empty() && (heap_.empty() || less(run_.back(), heap_.front())); }
  std::vector<Bucket> calendar_;  // empty until the queue first grows past kCalendarFrom
  std::vector<Chunk> chunks_;
  uint32_t free_chunk_ = kNoChunk;
  std::vector<Event> overflow_;
  size_t calendar_count_ = 0;           // events in the ring
  int64_t current_ = 0;                 // the bucket whose events (and earlier ones) are in the heap
  int64_t overflow_first_ = INT64_MAX;  // the earliest bucket in overflow_
};

}  // namespace leasesim
