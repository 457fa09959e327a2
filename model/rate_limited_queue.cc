// rate_limited_queue.cc: see rate_limited_queue.h for the contract.
#include "model/rate_limited_queue.h"

#include <algorithm>

namespace leasesim {
namespace {

// One token per 1/rate seconds: 1e9 ns * 1e9 ppb / rate_ppb (fits in 64 bits: 1e18).
Duration token_period(int64_t rate_ppb) { return Duration(kNanosPerSecond * 1000000000LL / rate_ppb); }

}  // namespace

RateLimitedQueue::RateLimitedQueue(Name zone, int64_t rate_ppb, LocalInstant now)
    : zone_(std::move(zone)), rate_ppb_(rate_ppb), full_at_(now) {}

bool RateLimitedQueue::try_accept(LocalInstant now) {
  if (rate_ppb_ <= 0) return false;  // the never limiter
  if (now < full_at_) return false;
  full_at_ = now + token_period(rate_ppb_);
  return true;
}

void RateLimitedQueue::swap(int64_t rate_ppb, LocalInstant now) {
  if (rate_ppb == rate_ppb_) return;
  const bool old_had_token = try_accept(now);
  rate_ppb_ = rate_ppb;
  full_at_ = now;  // a new bucket starts full
  if (rate_ppb > 0 && !old_had_token) try_accept(now);
}

bool RateLimitedQueue::add(NodeId node, LocalInstant now) {
  for (const Entry& e : entries_)
    if (e.node == node) return false;
  entries_.push_back(Entry{node, now, next_seq_++, true});
  return true;
}

void RateLimitedQueue::remove(NodeId node) {
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.node == node; }),
                 entries_.end());
}

bool RateLimitedQueue::has_pending() const {
  return std::any_of(entries_.begin(), entries_.end(), [](const Entry& e) { return e.pending; });
}

std::optional<NodeId> RateLimitedQueue::try_take(LocalInstant now) {
  Entry* head = nullptr;
  for (Entry& e : entries_)
    if (e.pending && (!head || e.process_at < head->process_at || (e.process_at == head->process_at && e.seq < head->seq)))
      head = &e;
  if (!head) return std::nullopt;
  if (!try_accept(now)) return std::nullopt;
  if (now < head->process_at) return std::nullopt;
  head->pending = false;
  return head->node;
}

template <class H>
void RateLimitedQueue::hash_into(H& h, const HashFrame& frame) const {
  hash_name(h, zone_);
  h.i64(rate_ppb_).i64(frame.at(full_at_)).u64(entries_.size());
  if (!frame.canonical) h.u64(next_seq_);
  for (const Entry& e : entries_) h.u64(e.node).i64(frame.at(e.process_at)).boolean(e.pending);
}

template void RateLimitedQueue::hash_into(Hasher&, const HashFrame&) const;
template void RateLimitedQueue::hash_into(StateHasher&, const HashFrame&) const;

}  // namespace leasesim
