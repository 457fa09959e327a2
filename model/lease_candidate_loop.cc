// lease_candidate_loop.cc: see lease_candidate_loop.h ("section N" cites
// docs/models/coordinated-election.md).
#include "model/lease_candidate_loop.h"

#include "core/check.h"

namespace leasesim {

LeaseCandidateLoop::LeaseCandidateLoop(Name name, LeaseId lease, Name binary_version, Name emulation_version,
                                       Duration request_timeout)
    : name_(name),
      lease_(lease),
      binary_version_(binary_version),
      emulation_version_(emulation_version),
      request_timeout_(request_timeout) {}

void LeaseCandidateLoop::on_start(const Now& now, Effects& out) {
  // section 3: NewCandidate enqueues the first sync; the informer starts watching.
  sync(now, out);
  out.set_timer(kWatchTimer, kWatchPoll);
}

LeaseCandidate LeaseCandidateLoop::fresh(const Now& now) const {
  // leasecandidate.go newLeaseCandidate: leaseName, versions, the strategy, renewTime now.
  LeaseCandidate c;
  c.name = name_;
  c.lease = lease_;
  c.binary_version = binary_version_;
  c.emulation_version = emulation_version_;
  c.strategy = kOldestEmulationVersion;
  c.renew_time = now.wall;
  return c;
}

void LeaseCandidateLoop::sync(const Now& now, Effects& out) {
  if (step_ != Step::Idle) {
    sync_pending_ = true;
    return;
  }
  out.cancel_timer(kSyncTimer);
  if (!cached_) {
    issue(Step::Get, Verb::Get, std::nullopt, out);
    return;
  }
  // section 3, ensureLease: a copy of the cached object with renewTime = now (pingTime kept).
  LeaseCandidate body = *cached_;
  body.renew_time = now.wall;
  body.binary_version = binary_version_;
  body.emulation_version = emulation_version_;
  issue(Step::Update, Verb::Update, std::move(body), out);
}

void LeaseCandidateLoop::issue(Step step, Verb verb, std::optional<LeaseCandidate> body, Effects& out) {
  ApiRequest r;
  r.tag = next_tag_;
  next_tag_ = next_tag_ == UINT32_MAX ? (kTagBit | 1) : next_tag_ + 1;
  r.kind = ObjectKind::LeaseCandidate;
  r.verb = verb;
  r.lease = lease_;
  r.candidate_name = name_;
  r.candidate_body = std::move(body);
  r.timeout = request_timeout_;
  step_ = step;
  inflight_tag_ = r.tag;
  out.call(std::move(r));
}

void LeaseCandidateLoop::on_timer(TimerId id, const Now& now, Effects& out) {
  if (id == kSyncTimer) {
    sync(now, out);
    return;
  }
  LS_CHECK(id == kWatchTimer, "candidate loop got a foreign timer");
  out.set_timer(kWatchTimer, kWatchPoll);
  // The informer's view, one poll at a time; a busy loop learns the state from its own call.
  if (step_ == Step::Idle) issue(Step::Watch, Verb::Get, std::nullopt, out);
}

void LeaseCandidateLoop::on_response(const ApiResponse& response, const Now& now, Effects& out) {
  if (response.tag != inflight_tag_ || inflight_tag_ == 0) return;
  inflight_tag_ = 0;
  const Step step = step_;
  step_ = Step::Idle;
  const bool ok = response.result == ApiResult::Ok;
  bool synced = false;
  bool retry = false;
  switch (step) {
    case Step::Get:
      if (ok) {
        cached_ = response.candidate;
        sync_pending_ = true;  // now PUT the renewal
      } else if (response.result == ApiResult::NotFound) {
        issue(Step::Create, Verb::Create, fresh(now), out);  // section 3: absent -> CREATE
        return;
      } else {
        retry = true;
      }
      break;
    case Step::Create:
    case Step::Update:
      if (ok) {
        cached_ = response.candidate;
        synced = true;
      } else {
        // A conflict or a 404 means the cached copy is stale: read again before the next PUT.
        if (response.result == ApiResult::Conflict || response.result == ApiResult::NotFound) cached_.reset();
        retry = true;
      }
      break;
    case Step::Watch:
      if (ok) {
        cached_ = response.candidate;
        // section 3: the update handler enqueues a renew when pingTime is after renewTime.
        const LeaseCandidate& c = *cached_;
        if (c.ping_time && (!c.renew_time || *c.renew_time < *c.ping_time)) sync_pending_ = true;
      } else if (response.result == ApiResult::NotFound && cached_) {
        cached_.reset();  // deleted (e.g. by the candidate GC): the delete event requeues
        sync_pending_ = true;
      }
      break;
    case Step::Idle:
      LS_CHECK(false, "candidate response without a call");
  }
  if (synced) out.set_timer(kSyncTimer, kRenewInterval);  // section 3: requeue after 5 minutes
  if (retry) out.set_timer(kSyncTimer, kRetry);
  if (sync_pending_) {
    sync_pending_ = false;
    sync(now, out);
  }
}

template <class H>
void LeaseCandidateLoop::hash_into(H& h, const HashFrame& frame) const {
  h.u64(static_cast<uint64_t>(step_) | (static_cast<uint64_t>(sync_pending_) << 8) |
        (static_cast<uint64_t>(cached_.has_value()) << 9) |
        (static_cast<uint64_t>(inflight_tag_ == 0 ? 0 : next_tag_ - inflight_tag_) << 32));
  if (cached_) cached_->hash_into(h, frame);
  if (!frame.canonical) h.u64(next_tag_);
}

template void LeaseCandidateLoop::hash_into(Hasher&, const HashFrame&) const;
template void LeaseCandidateLoop::hash_into(StateHasher&, const HashFrame&) const;

}  // namespace leasesim
