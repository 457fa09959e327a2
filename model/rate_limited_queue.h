// rate_limited_queue.h: one zone's NoExecute tainting queue of the node lifecycle controller: a
// timed queue of node names behind a token bucket (upstream
// pkg/controller/nodelifecycle/scheduler/rate_limited_queue.go, RateLimitedTimedQueue, and
// client-go util/flowcontrol's token bucket limiter).
//
// Contract:
// - The limiter is a token bucket of burst 1 (EvictionRateLimiterBurst) at a rate in parts per
//   billion of a token per second; a rate of 0 is the "never" limiter (SwapLimiter(0)). With
//   burst 1 the bucket is one instant: the local time at which it holds its token again. A new
//   bucket starts full. All arithmetic is integer nanoseconds: no floating point.
// - swap(rate): SwapLimiter. Same rate: nothing. Otherwise a new bucket, drained at once when
//   the old one had no token to give (upstream's "if we're currently waiting on limiter, we
//   drain the new one").
// - The queue is UniqueQueue: a set of nodes, some of them pending in a heap ordered by
//   processAt (ties by order of insertion). add() refuses a node already in the set; take()
//   removes the head from the heap but keeps it in the set (RemoveFromQueue), so a tainted node
//   is not queued again until remove() (markNodeAsReachable, or markNodeForTainting when the
//   node lacks the taint it would get).
// - try_take(now): one step of Try: the limiter's TryAccept first (a token is spent even when
//   the head then turns out not to be due), then the head if due.
// Leaves out: the Try callback's own wait (the controller requeues a failed node itself).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/hash.h"
#include "core/name.h"
#include "core/time.h"
#include "model/node.h"

namespace leasesim {

class RateLimitedQueue {
 public:
  RateLimitedQueue(Name zone, int64_t rate_ppb, LocalInstant now);

  const Name& zone() const { return zone_; }
  int64_t rate_ppb() const { return rate_ppb_; }
  void swap(int64_t rate_ppb, LocalInstant now);
  bool try_accept(LocalInstant now);

  bool add(NodeId node, LocalInstant now);  // false when already in the set
  void remove(NodeId node);
  bool has_pending() const;
  // The due head, taken out of the heap (kept in the set), when the limiter gives a token.
  std::optional<NodeId> try_take(LocalInstant now);

  template <class H>
  void hash_into(H& h, const HashFrame& frame) const;
  bool operator==(const RateLimitedQueue&) const = default;

 private:
  struct Entry {
    NodeId node = 0;
    LocalInstant process_at{};
    uint64_t seq = 0;
    bool pending = true;  // in the heap (else only in the set)
    bool operator==(const Entry&) const = default;
  };
  Name zone_;
  int64_t rate_ppb_ = 0;
  LocalInstant full_at_{};  // the bucket holds its token from this instant on
  uint64_t next_seq_ = 0;
  std::vector<Entry> entries_;  // the set, in insertion order
};

}  // namespace leasesim
