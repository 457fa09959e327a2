// lease_heartbeat_controller.h: the node-lease-style heartbeat controller, as a component that a
// model embeds (the kubelet's node lease, kube-apiserver's identity lease).
//
// Contract (docs/models/lease-heartbeat-controller.md; upstream
// staging/src/k8s.io/component-helpers/apimachinery/lease/controller.go, functions Run, sync,
// backoffEnsureLease, ensureLease, retryUpdateLease, newLease):
// - Run: `sync` runs at start(), then again a jittered renew interval after each sync returns
//   (wait.JitterUntil with factor 0.04, sliding): the next delay is drawn by the world from
//   [interval, interval + ceil(0.04 * interval) - 1ns], so a slow sync delays the next heartbeat.
// - sync: with a cached latest lease, retryUpdateLease from it (no GET); if that fails, or
//   with no cache, backoffEnsureLease; then, unless it just created the lease (or got none
//   because the hook failed), one more retryUpdateLease from the lease it got.
// - retryUpdateLease: up to 5 attempts (maxUpdateRetries), no wait between them. Success caches
//   the returned object. 409 Conflict runs backoffEnsureLease and retries from its lease; any
//   other error at attempt index >= 1 calls the repeated-failure hook (when the embedder has
//   one: the kubelet closes its connections; kube-apiserver has none).
// - backoffEnsureLease: GET; on 404 build a new lease and CREATE it; any error (other than the
//   404) waits, 200 ms first, doubling, capped at 7 s (maxBackoff), and tries again, forever.
//   A hook failure while building the new lease returns "no lease, no error" (no CREATE).
// - newLease: from nothing (name, namespace, holderIdentity, leaseDurationSeconds) or a copy of
//   the base; every time renewTime = the caller's local *wall* clock (MicroTime; the API server
//   truncates), holderIdentity and leaseDurationSeconds re-asserted (so a second instance under
//   the same lease name takes the lease over with its own holder, as the Kubernetes
//   documentation describes for API servers sharing a hostname); then the embedder's post-process
//   hook (labels, owner reference). acquireTime and leaseTransitions are never written.
// - Every call carries the configured client-side timeout (0 = none).
// - A pure reaction: the embedder forwards start/timer/response and passes its Hooks on every
//   call; the component owns two timer ids (timer_base, timer_base + 1) and one request tag.
// Assumes: the embedder routes to it only its own timers and responses (owns_timer, owns_tag).
// Leaves out: the request context being cancelled by the process's own shutdown (a stop simply
//   ends the loop), logging and metrics.
// Simplifications: the hook-failure rule follows current upstream code: a failed hook blocks a
//   CREATE and also the UPDATE attempt it was building (which then counts as a failed attempt
//   that sent no request); older releases let the UPDATE go out (`hook_error_blocks_update`).
#pragma once

#include <cstdint>
#include <optional>

#include "core/hash.h"
#include "core/name.h"
#include "core/time.h"
#include "model/api.h"
#include "model/effects.h"
#include "model/lease.h"

namespace leasesim {

struct LeaseHeartbeatConfig {
  LeaseId lease = 0;                  // the lease it keeps ("namespace/name" interned)
  Name holder_identity;               // written on every create and update
  int32_t lease_duration_seconds = 40;
  Duration renew_interval = seconds(10);
  Duration request_timeout{};         // per-request client timeout, local time; 0 = none
  bool hook_error_blocks_update = true;  // current upstream; false = releases before it
  TimerId timer_base = 1;             // uses timer_base (the loop) and timer_base + 1 (backoff)
  uint32_t tag = 1;                   // the tag of every call it makes (one call at a time)

  bool operator==(const LeaseHeartbeatConfig&) const = default;
};

// upstream maxUpdateRetries and maxBackoff, and backoffEnsureLease's first wait (its initial
// 100 ms is doubled before the first sleep).
inline constexpr int kHeartbeatMaxUpdateRetries = 5;
inline constexpr Duration kHeartbeatMaxBackoff = seconds(7);
inline constexpr Duration kHeartbeatFirstBackoff = milliseconds(200);

// The largest delay wait.Jitter(interval, 0.04) can return, in integer nanoseconds:
// interval + ceil(0.04 * interval) - 1ns (the draw is uniform in [0, 1)).
Duration heartbeat_jitter_max(Duration interval);

// What the embedding model adds. Passed on every call (the component keeps no pointer to it,
// so a model holding the component stays a copyable value).
class LeaseHeartbeatHooks {
 public:
  // newLeasePostProcessFunc: adjusts the lease about to be created or updated (labels, owner
  // reference). false = the hook failed (see the contract for what that blocks).
  virtual bool post_process(Lease& lease, const Now& now) const;
  // onRepeatedHeartbeatFailure; nullptr-equivalent when has_repeated_failure() is false.
  virtual bool has_repeated_failure() const { return false; }
  virtual void on_repeated_failure(const Now& now, Effects& out) const;

 protected:
  ~LeaseHeartbeatHooks() = default;
};

// Hooks that change nothing and have no repeated-failure callback.
class NoHeartbeatHooks final : public LeaseHeartbeatHooks {};

class LeaseHeartbeatController {
 public:
  // Where the controller is. Idle: waiting for the next sync.
  enum class Phase : uint8_t { Idle, Updating, Getting, Creating, BackingOff, Stopped };
  // Who called the retryUpdateLease / backoffEnsureLease in progress (upstream call sites).
  enum class Caller : uint8_t {
    SyncOptimistic,  // sync's first retryUpdateLease, from the cached latest lease
    SyncEnsure,      // sync's backoffEnsureLease (no cache, or the optimistic path failed)
    SyncAfterEnsure, // sync's retryUpdateLease from the lease ensure returned
    UpdateConflict   // retryUpdateLease's backoffEnsureLease after a 409
  };

  explicit LeaseHeartbeatController(LeaseHeartbeatConfig config);

  // Run: the first sync, at once.
  void start(const Now& now, const LeaseHeartbeatHooks& hooks, Effects& out);
  bool owns_timer(TimerId timer) const { return timer == config_.timer_base || timer == config_.timer_base + 1; }
  bool owns_tag(uint32_t tag) const { return tag == config_.tag; }
  void on_timer(TimerId timer, const Now& now, const LeaseHeartbeatHooks& hooks, Effects& out);
  void on_response(const ApiResponse& response, const Now& now, const LeaseHeartbeatHooks& hooks, Effects& out);
  // The stop channel closes: no more syncs; a call in flight is left to finish unheard.
  void stop(Effects& out);

  const LeaseHeartbeatConfig& config() const { return config_; }
  Phase phase() const { return phase_; }
  const std::optional<Lease>& latest_lease() const { return latest_; }
  bool operator==(const LeaseHeartbeatController&) const = default;
  // Feeds the state (not the configuration) to a Hasher or a StateHasher.
  template <class H>
  void hash_into(H& h, const HashFrame& frame = HashFrame{}) const;

 private:
  TimerId loop_timer() const { return config_.timer_base; }
  TimerId backoff_timer() const { return config_.timer_base + 1; }

  void sync(const Now& now, const LeaseHeartbeatHooks& hooks, Effects& out);
  void end_sync(Effects& out);
  // retryUpdateLease(base) started by `caller`.
  void begin_update(Caller caller, std::optional<Lease> base, const Now& now, const LeaseHeartbeatHooks& hooks, Effects& out);
  void update_attempt(const Now& now, const LeaseHeartbeatHooks& hooks, Effects& out);
  void update_failed(bool conflict, const Now& now, const LeaseHeartbeatHooks& hooks, Effects& out);
  void update_done(bool succeeded, const Now& now, const LeaseHeartbeatHooks& hooks, Effects& out);
  // backoffEnsureLease started by `caller`.
  void begin_ensure(Caller caller, const Now& now, Effects& out);
  void ensure_attempt(const Now& now, Effects& out);
  void ensure_failed(Effects& out);
  void ensure_done(std::optional<Lease> lease, bool created, const Now& now, const LeaseHeartbeatHooks& hooks, Effects& out);
  // newLease(base): nullopt when the hook failed.
  std::optional<Lease> new_lease(const std::optional<Lease>& base, const Now& now, const LeaseHeartbeatHooks& hooks) const;
  void send(Verb verb, std::optional<Lease> body, Effects& out);

  LeaseHeartbeatConfig config_;
  Phase phase_ = Phase::Idle;
  std::optional<Lease> latest_;      // upstream latestLease
  // retryUpdateLease in progress.
  Caller update_caller_ = Caller::SyncOptimistic;
  int attempt_ = 0;                  // attempt index i, 0..4
  std::optional<Lease> base_;        // the base of the current attempt (nullopt = newLease(nil))
  // backoffEnsureLease in progress.
  Caller ensure_caller_ = Caller::SyncEnsure;
  Duration backoff_{};               // the last wait (0 before the first failure)
};

}  // namespace leasesim
