// lease_heartbeat_controller.cc: upstream component-helpers lease/controller.go, step by step
// (see the header; each function names the upstream function it follows).
#include "model/lease_heartbeat_controller.h"

#include <algorithm>

#include "core/check.h"

namespace leasesim {

Duration heartbeat_jitter_max(Duration interval) {
  // wait.Jitter(d, 0.04) = d + U * 0.04 * d with U in [0, 1): the extra is below 0.04 * d, so the
  // largest integer delay is d + ceil(4d / 100) - 1ns.
  const int64_t extra = (interval.ns * 4 + 99) / 100;
  return interval + Duration(extra > 0 ? extra - 1 : 0);
}

bool LeaseHeartbeatHooks::post_process(Lease& /*lease*/, const Now& /*now*/) const { return true; }
void LeaseHeartbeatHooks::on_repeated_failure(const Now& /*now*/, Effects& /*out*/) const {}

LeaseHeartbeatController::LeaseHeartbeatController(LeaseHeartbeatConfig config) : config_(config) {}

void LeaseHeartbeatController::start(const Now& now, const LeaseHeartbeatHooks& hooks, Effects& out) {
  // Run: wait.JitterUntil calls sync first, then waits.
  sync(now, hooks, out);
}

void LeaseHeartbeatController::stop(Effects& out) {
  phase_ = Phase::Stopped;
  out.cancel_timer(loop_timer());
  out.cancel_timer(backoff_timer());
}

void LeaseHeartbeatController::on_timer(TimerId timer, const Now& now, const LeaseHeartbeatHooks& hooks, Effects& out) {
  LS_CHECK(owns_timer(timer), "a heartbeat controller got a timer it does not own");
  if (timer == loop_timer()) {
    if (phase_ == Phase::Idle) sync(now, hooks, out);
    return;
  }
  if (phase_ == Phase::BackingOff) ensure_attempt(now, out);
}

// sync: the optimistic update from the cached lease, else (or if that failed) ensure, then one
// more update unless ensure created the lease.
void LeaseHeartbeatController::sync(const Now& now, const LeaseHeartbeatHooks& hooks, Effects& out) {
  if (latest_) {
    begin_update(Caller::SyncOptimistic, latest_, now, hooks, out);
    return;
  }
  begin_ensure(Caller::SyncEnsure, now, out);
}

void LeaseHeartbeatController::end_sync(Effects& out) {
  // JitterUntil, sliding: the period starts when sync returns.
  phase_ = Phase::Idle;
  out.set_timer(loop_timer(), config_.renew_interval, heartbeat_jitter_max(config_.renew_interval));
}

// retryUpdateLease(base).
void LeaseHeartbeatController::begin_update(Caller caller, std::optional<Lease> base, const Now& now,
                                            const LeaseHeartbeatHooks& hooks, Effects& out) {
  update_caller_ = caller;
  attempt_ = 0;
  base_ = std::move(base);
  update_attempt(now, hooks, out);
}

void LeaseHeartbeatController::update_attempt(const Now& now, const LeaseHeartbeatHooks& hooks, Effects& out) {
  // Attempts follow one another with no wait, so a hook failure that sends nothing moves
  // straight on to the next attempt.
  while (attempt_ < kHeartbeatMaxUpdateRetries) {
    std::optional<Lease> body = new_lease(base_, now, hooks);
    if (!body && config_.hook_error_blocks_update) {
      // Not a server error: neither a conflict nor a repeated-failure callback.
      ++attempt_;
      continue;
    }
    if (!body) {
      // Older releases ignored the hook's error and sent the lease as built so far.
      body = base_ ? *base_ : Lease{};
      body->id = config_.lease;
      body->spec.renew_time = now.wall;
      body->spec.holder_identity = config_.holder_identity;
      body->spec.lease_duration_seconds = config_.lease_duration_seconds;
    }
    phase_ = Phase::Updating;
    send(Verb::Update, std::move(body), out);
    return;
  }
  update_done(false, now, hooks, out);
}

void LeaseHeartbeatController::update_failed(bool conflict, const Now& now, const LeaseHeartbeatHooks& hooks,
                                             Effects& out) {
  if (conflict) {
    // An optimistic lock error needs the newer object: ensure, then the next attempt.
    begin_ensure(Caller::UpdateConflict, now, out);
    return;
  }
  if (attempt_ > 0 && hooks.has_repeated_failure()) hooks.on_repeated_failure(now, out);
  ++attempt_;
  update_attempt(now, hooks, out);
}

void LeaseHeartbeatController::update_done(bool succeeded, const Now& now, const LeaseHeartbeatHooks& /*hooks*/,
                                           Effects& out) {
  base_.reset();
  if (!succeeded && update_caller_ == Caller::SyncOptimistic) {
    // "failed to update lease using latest lease, fallback to ensure lease".
    begin_ensure(Caller::SyncEnsure, now, out);
    return;
  }
  // Success ends sync; so does a failure after ensure ("will retry after renewInterval").
  end_sync(out);
}

// backoffEnsureLease.
void LeaseHeartbeatController::begin_ensure(Caller caller, const Now& now, Effects& out) {
  ensure_caller_ = caller;
  backoff_ = Duration{};
  ensure_attempt(now, out);
}

// ensureLease: GET, and CREATE on 404.
void LeaseHeartbeatController::ensure_attempt(const Now& /*now*/, Effects& out) {
  phase_ = Phase::Getting;
  send(Verb::Get, std::nullopt, out);
}

void LeaseHeartbeatController::ensure_failed(Effects& out) {
  // sleep = min(2 * sleep, maxBackoff), from 100 ms: 200 ms, 400 ms, ... 6.4 s, 7 s, 7 s ...
  backoff_ = backoff_.is_zero() ? kHeartbeatFirstBackoff : std::min(backoff_ * 2, kHeartbeatMaxBackoff);
  phase_ = Phase::BackingOff;
  out.set_timer(backoff_timer(), backoff_);
}

void LeaseHeartbeatController::ensure_done(std::optional<Lease> lease, bool created, const Now& now,
                                           const LeaseHeartbeatHooks& hooks, Effects& out) {
  backoff_ = Duration{};
  if (ensure_caller_ == Caller::UpdateConflict) {
    // retryUpdateLease: `base, _ = backoffEnsureLease()`, then the next attempt.
    base_ = std::move(lease);
    ++attempt_;
    update_attempt(now, hooks, out);
    return;
  }
  // sync: the lease becomes the cache (even when none came back), and is updated unless it was
  // just created or is missing.
  latest_ = lease;
  if (!created && lease) {
    begin_update(Caller::SyncAfterEnsure, std::move(lease), now, hooks, out);
    return;
  }
  end_sync(out);
}

void LeaseHeartbeatController::on_response(const ApiResponse& response, const Now& now,
                                           const LeaseHeartbeatHooks& hooks, Effects& out) {
  LS_CHECK(owns_tag(response.tag), "a heartbeat controller got a response it does not own");
  switch (phase_) {
    case Phase::Updating:
      if (response.verb != Verb::Update) return;
      if (response.result == ApiResult::Ok) {
        LS_CHECK(response.object.has_value(), "a successful update returns the object");
        latest_ = response.object;
        update_done(true, now, hooks, out);
        return;
      }
      update_failed(response.result == ApiResult::Conflict, now, hooks, out);
      return;
    case Phase::Getting:
      if (response.verb != Verb::Get) return;
      if (response.result == ApiResult::Ok) {
        LS_CHECK(response.object.has_value(), "a successful get returns the object");
        ensure_done(response.object, false, now, hooks, out);
        return;
      }
      if (response.result == ApiResult::NotFound) {
        std::optional<Lease> fresh = new_lease(std::nullopt, now, hooks);
        if (!fresh) {
          // The hook failed: no CREATE this time, "no lease, no error".
          ensure_done(std::nullopt, false, now, hooks, out);
          return;
        }
        phase_ = Phase::Creating;
        send(Verb::Create, std::move(fresh), out);
        return;
      }
      ensure_failed(out);
      return;
    case Phase::Creating:
      if (response.verb != Verb::Create) return;
      if (response.result == ApiResult::Ok) {
        LS_CHECK(response.object.has_value(), "a successful create returns the object");
        ensure_done(response.object, true, now, hooks, out);
        return;
      }
      ensure_failed(out);
      return;
    case Phase::Idle:
    case Phase::BackingOff:
    case Phase::Stopped:
      return;  // nothing of ours is in flight
  }
}

// newLease(base).
std::optional<Lease> LeaseHeartbeatController::new_lease(const std::optional<Lease>& base, const Now& now,
                                                        const LeaseHeartbeatHooks& hooks) const {
  Lease lease;
  if (base) {
    lease = *base;
  } else {
    lease.id = config_.lease;
  }
  lease.spec.holder_identity = config_.holder_identity;
  lease.spec.lease_duration_seconds = config_.lease_duration_seconds;
  lease.spec.renew_time = now.wall;
  if (!hooks.post_process(lease, now)) return std::nullopt;
  return lease;
}

void LeaseHeartbeatController::send(Verb verb, std::optional<Lease> body, Effects& out) {
  ApiRequest request;
  request.tag = config_.tag;
  request.verb = verb;
  request.lease = config_.lease;
  request.body = std::move(body);
  request.timeout = config_.request_timeout;
  out.call(std::move(request));
}

template <class H>
void LeaseHeartbeatController::hash_into(H& h, const HashFrame& frame) const {
  // The configuration is the process's and the same in every incarnation: left out.
  h.u64(static_cast<uint64_t>(phase_) | (static_cast<uint64_t>(update_caller_) << 8) |
        (static_cast<uint64_t>(ensure_caller_) << 16) | (static_cast<uint64_t>(attempt_) << 24) |
        (static_cast<uint64_t>(latest_.has_value()) << 32) | (static_cast<uint64_t>(base_.has_value()) << 33));
  h.i64(backoff_.ns);
  if (latest_) latest_->hash_into(h, frame);
  if (base_) base_->hash_into(h, frame);
}

template void LeaseHeartbeatController::hash_into(Hasher&, const HashFrame&) const;
template void LeaseHeartbeatController::hash_into(StateHasher&, const HashFrame&) const;

}  // namespace leasesim
