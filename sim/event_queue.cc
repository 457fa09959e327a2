// event_queue.cc: the calendar of large queues and the slow, ordered view (see event_queue.h).
#include "sim/event_queue.h"

#include <algorithm>

namespace leasesim {

namespace {
constexpr int64_t kRingMask = EventQueue::kBuckets - 1;
static_assert((EventQueue::kBuckets & kRingMask) == 0, "the ring's size is a power of two");
}  // namespace

std::vector<Event> EventQueue::sorted() const {
  std::vector<Event> out;
  out.reserve(size());
  for_each([&](const Event& e) { out.push_back(e); });
  std::sort(out.begin(), out.end(), [](const Event& x, const Event& y) { return x.before(y); });
  return out;
}

void EventQueue::start_calendar() {
  calendar_.resize(static_cast<size_t>(kBuckets));
  // The earliest event's bucket becomes current; every later bucket leaves the heap.
  current_ = bucket_of(heap_.front());
  const std::vector<Event> all(heap_.begin(), heap_.end());
  heap_.clear();
  for (const Event& e : all) file(e);
  settle_top();
}

void EventQueue::file(const Event& e) {
  const int64_t b = bucket_of(e);
  if (b <= current_) {
    heap_push(e);
  } else if (b - current_ < kBuckets) {
    append(calendar_[static_cast<size_t>(b & kRingMask)], e);
    ++calendar_count_;
  } else {
    overflow_.push_back(e);
    overflow_first_ = std::min(overflow_first_, b);
  }
}

void EventQueue::append(Bucket& bucket, const Event& e) {
  if (bucket.tail == kNoChunk || chunks_[bucket.tail].count == kChunkEvents) {
    uint32_t c = free_chunk_;
    if (c != kNoChunk) {
      free_chunk_ = chunks_[c].next;
      chunks_[c].count = 0;
      chunks_[c].next = kNoChunk;
    } else {
      c = static_cast<uint32_t>(chunks_.size());
      LS_CHECK(c != kNoChunk, "the event calendar ran out of chunk numbers");
      chunks_.emplace_back();
    }
    if (bucket.tail == kNoChunk) bucket.head = c;
    else chunks_[bucket.tail].next = c;
    bucket.tail = c;
  }
  Chunk& chunk = chunks_[bucket.tail];
  chunk.events[chunk.count++] = e;
}

void EventQueue::advance() {
  // The ring's events are all earlier than the overflow's (which start kBuckets past current_),
  // so the next non-empty ring bucket holds the earliest events; with an empty ring, the
  // overflow's earliest bucket does.
  if (calendar_count_ > 0) {
    int64_t b = current_ + 1;
    while (calendar_[static_cast<size_t>(b & kRingMask)].head == kNoChunk) ++b;
    current_ = b;
    Bucket& bucket = calendar_[static_cast<size_t>(b & kRingMask)];
    // The bucket's chunks go back to the free list, to be reused by the buckets filled next.
    for (uint32_t c = bucket.head; c != kNoChunk;) {
      Chunk& chunk = chunks_[c];
      run_.insert(run_.end(), chunk.events, chunk.events + chunk.count);
      calendar_count_ -= chunk.count;
      const uint32_t next = chunk.next;
      chunk.next = free_chunk_;
      free_chunk_ = c;
      c = next;
    }
    bucket = Bucket{};
    // Sorted once, latest first, the bucket's events then leave from the back one by one: a sort
    // of a few dozen costs less than as many heap pushes and pops, and the pops by (time, seq)
    // are the same sequence (keys are unique).
    std::sort(run_.begin(), run_.end(), [](const Event& x, const Event& y) { return less(y, x); });
  } else {
    current_ = overflow_first_;
  }
  if (overflow_first_ != INT64_MAX && overflow_first_ - current_ < kBuckets) refile_overflow();
  LS_CHECK(!empty(), "the event calendar advanced to an empty bucket");
}

void EventQueue::refile_overflow() {
  // In overflow order, so that the events that stay keep theirs (no order here is observable:
  // pops follow (time, seq) alone).
  size_t kept = 0;
  overflow_first_ = INT64_MAX;
  for (size_t i = 0; i < overflow_.size(); ++i) {
    const Event e = overflow_[i];
    const int64_t b = bucket_of(e);
    if (b - current_ < kBuckets) {
      file(e);
    } else {
      overflow_[kept++] = e;
      overflow_first_ = std::min(overflow_first_, b);
    }
  }
  overflow_.resize(kept);
}

}  // namespace leasesim
