// event_queue.cc: the calendar of large queues and the slow, ordered view (see event_queue.h).
#include "sim/event_queue.h"

#include <algorithm>

namespace leasesim {

namespace {
constexpr int64_t kRingMask = EventQueue::kBuckets - 1;
constexpr size_t kKeepCapacity = 256;
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
}

void EventQueue::file(const Event& e) {
  const int64_t b = bucket_of(e);
  if (b <= current_) {
    heap_push(e);
  } else if (b - current_ < kBuckets) {
    calendar_[static_cast<size_t>(b & kRingMask)].push_back(e);
    ++calendar_count_;
  } else {
    overflow_.push_back(e);
    overflow_first_ = std::min(overflow_first_, b);
  }
}

void EventQueue::advance() {
  // The ring's events are all earlier than the overflow's (which start kBuckets past current_),
  // so the next non-empty ring bucket holds the earliest events; with an empty ring, the
  // overflow's earliest bucket does.
  if (calendar_count_ > 0) {
    int64_t b = current_ + 1;
    while (calendar_[static_cast<size_t>(b & kRingMask)].empty()) ++b;
    current_ = b;
    std::vector<Event>& bucket = calendar_[static_cast<size_t>(b & kRingMask)];
    for (const Event& e : bucket) heap_push(e);
    calendar_count_ -= bucket.size();
    // An ordinary bucket keeps its capacity for the bucket that reuses the slot; a burst (every
    // process starting at once) gives its memory back rather than keep it for the whole run.
    if (bucket.capacity() > kKeepCapacity) std::vector<Event>().swap(bucket);
    else bucket.clear();
  } else {
    current_ = overflow_first_;
  }
  if (overflow_first_ != INT64_MAX && overflow_first_ - current_ < kBuckets) refile_overflow();
  LS_CHECK(!heap_.empty(), "the event calendar advanced to an empty bucket");
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
