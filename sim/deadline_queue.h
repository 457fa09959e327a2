// deadline_queue.h: the client deadlines a World in run mode keeps beside its event queue.
//
// Contract:
// - Holds pending ClientTimeout events that WorldCore keeps out of its EventQueue when lazy
//   deadlines are on (WorldCore::set_lazy_deadlines). Each keeps the (time, seq) it would have
//   had in the queue, and the World merges these events with the queue's by (time, seq), so the
//   order in which events fire, and which events tie at an instant, are exactly those of the
//   eager path. What this saves: nearly every deadline is dead long before it is due (its
//   response arrived and the request's record was erased), and a dead deadline alone at its
//   instant fires without a look at the request table, and without a pass through the heap.
// - One lane per true timeout duration. A lane's deadlines are pushed at nondecreasing instants
//   (now only grows) with increasing sequence numbers, so each lane is a FIFO whose front is its
//   least event: a push and a pop cost O(1) and touch memory in order. At most kLanes lanes:
//   push() refuses an event of another duration beyond that, or of a duration of zero or less
//   (the World then queues that deadline as before).
// - push() returns a ticket; mark_dead(ticket) records that the deadline's request was erased,
//   so it will find nothing when it fires. Marking is only ever an optimisation: an unmarked
//   dead deadline is dispatched and does nothing, as on the eager path.
// - A copyable value (a World and its copies each own one). Empty unless lazy deadlines are on,
//   so the explorer's copies pay for one empty vector.
// Leaves out: removal before the due time (a deadline stays until it fires, dead or not).
#pragma once

#include <cstdint>
#include <vector>

#include "core/check.h"
#include "core/time.h"
#include "sim/event_queue.h"

namespace leasesim {

class DeadlineQueue {
 public:
  static constexpr size_t kLanes = 8;

  bool empty() const { return count_ == 0; }
  size_t size() const { return count_; }

  // Adds `e`, due `wait` after it was sent (e.at - wait). Returns its ticket, or 0 when refused
  // (a ninth duration, or a wait of zero or less).
  uint64_t push(Duration wait, const Event& e) {
    if (wait.ns <= 0) return 0;
    size_t lane = 0;
    while (lane < lanes_.size() && lanes_[lane].wait != wait) ++lane;
    if (lane == lanes_.size()) {
      if (lanes_.size() == kLanes) return 0;
      lanes_.emplace_back();
      lanes_.back().wait = wait;
    }
    Lane& l = lanes_[lane];
    LS_CHECK(l.head == l.tail || !e.before(l.ring[(l.tail - 1) & l.mask].event), "a lane's deadlines come in order");
    if (l.tail - l.head == l.ring.size()) l.grow();
    l.ring[l.tail & l.mask] = Entry{e, false};
    const uint64_t ticket = (static_cast<uint64_t>(lane + 1) << 56) | l.tail;
    // Only a lane that was empty gets a new front, which may be the least.
    if (l.head == l.tail && (least_ < 0 || e.before(front(least_)))) least_ = static_cast<int>(lane);
    ++l.tail;
    ++count_;
    return ticket;
  }

  // The lane whose front is the least pending deadline by (time, seq); -1 when none is pending.
  // Kept up to date by push() and pop(), since every step of a run asks for it.
  int least() const { return least_; }
  const Event& front(int lane) const { return lanes_[static_cast<size_t>(lane)].front(); }
  bool front_dead(int lane) const {
    const Lane& l = lanes_[static_cast<size_t>(lane)];
    return l.ring[l.head & l.mask].dead;
  }
  Event pop(int lane) {
    Lane& l = lanes_[static_cast<size_t>(lane)];
    LS_CHECK(l.head != l.tail, "pop() of an empty deadline lane");
    const Event e = l.ring[l.head & l.mask].event;
    ++l.head;
    --count_;
    least_ = -1;
    for (size_t i = 0; i < lanes_.size(); ++i) {
      const Lane& x = lanes_[i];
      if (x.head != x.tail && (least_ < 0 || x.front().before(front(least_)))) least_ = static_cast<int>(i);
    }
    return e;
  }

  // The deadline of `ticket` will find its request erased. A deadline that already fired is
  // left alone (its ticket names a position before the lane's head).
  void mark_dead(uint64_t ticket) {
    const size_t lane = static_cast<size_t>(ticket >> 56) - 1;
    const uint64_t index = ticket & ((uint64_t{1} << 56) - 1);
    Lane& l = lanes_[lane];
    if (index >= l.head && index < l.tail) l.ring[index & l.mask].dead = true;
  }

  // Calls f(const Event&) for every pending deadline, lane by lane, each in order.
  template <class F>
  void for_each(F&& f) const {
    for (const Lane& l : lanes_)
      for (uint64_t i = l.head; i < l.tail; ++i) f(l.ring[i & l.mask].event);
  }

 private:
  struct Entry {
    Event event;
    bool dead = false;
  };
  struct Lane {
    Duration wait;
    std::vector<Entry> ring;  // a power of two in size (or empty)
    uint64_t mask = 0;
    uint64_t head = 0, tail = 0;  // absolute positions: pending entries are [head, tail)
    const Event& front() const { return ring[head & mask].event; }
    // Doubles the ring; each entry keeps its absolute position (tickets stay valid).
    void grow() {
      const size_t size = ring.empty() ? 64 : ring.size() * 2;
      std::vector<Entry> bigger(size);
      for (uint64_t i = head; i < tail; ++i) bigger[i & (size - 1)] = ring[i & mask];
      ring.swap(bigger);
      mask = size - 1;
    }
  };
  std::vector<Lane> lanes_;
  size_t count_ = 0;
  int least_ = -1;  // least()
};

}  // namespace leasesim
