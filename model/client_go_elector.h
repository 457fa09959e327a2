// client_go_elector.h: k8s.io/client-go/tools/leaderelection with a LeaseLock, as a pure reaction.
//
// Contract (docs/models/client-go-elector.md; section numbers are cited in the .cc at
// the line implementing each rule):
// - Models one process calling `LeaderElector.Run(ctx)` (spec 2.1) with a `LeaseLock` built by
//   `NewFromKubeconfig`: the acquire loop with jittered retries (2.2), the renew loop with its
//   rounds, ticker and deadline (2.3), `release()` with the v0.37 conflict retry (2.4),
//   `maybeReportTransition` (2.5), and `tryAcquireOrRenew` rules R1-R6 (3) including the
//   optimistic fast path, whole-second change detection and the lock's cached Lease.
// - Per-elector state is exactly spec 0 / 8.1: observedRecord, observedRawRecord (the 7-field
//   record with times truncated to whole seconds; nil at start), observedTime (local
//   monotonic), reportedLeader, the lock cache (nil / empty object / a Lease with its RV), and
//   the phase of Run.
// - Time: expiry uses only the local monotonic clock (Now::mono); renewTime and acquireTime
//   values are the local wall clock (Now::wall) read at the attempt start (spec 3, 5). The model
//   never reads a clock or a PRNG: jitter is a range the world draws from (Effects::set_timer).
// - Contexts: Run's ctx (cancelled by on_stop), the renew round's deadline ctx (t0 + RD) and the
//   release ctx (fresh RD timeout) are modelled as a cancelled flag plus a local deadline. Each
//   call carries timeout min(H, deadline - now) (H = ClientGoConfig::effective_request_timeout,
//   spec 0); when a deadline timer fires or the ctx is cancelled with a call in flight, the
//   model emits CancelCall and continues as if the call had failed at that instant, exactly as
//   the Go code sees a ctx error; the Timeout response the world then delivers is ignored by tag.
//   A call that would be issued with the ctx already done fails locally without an API request.
// - Notes: StartedLeading when acquire succeeds; StoppedLeading when leadCtx is cancelled (the
//   failed round's end; with releaseOnCancel after the release finished; on a user stop at the
//   stop instant, reported after the release with `since` = the stop instant because leadCtx is
//   a child of the cancelled ctx, hazard 2.4c); ObservedLeader whenever OnNewLeader would fire;
//   Exited after a graceful stop; Crashed "exit(1): leaderelection lost" after a lost
//   leadership unless `rejoin_after_loss`, in which case Run starts again with fresh state.
// - is_leader() is client-go's IsLeader(): the local view, sticky after Run returns (spec 8.6).
//   acting_leader() is the application's view: leadCtx live (docs/cli.md section 2).
// - Coordinated (config.coordinated; docs/models/coordinated-election.md sections 3, 4): the
//   elector embeds a LeaseCandidateLoop (timers 6-7, tags with bit 31) and its attempts follow
//   leaderelection.go tryCoordinatedRenew: Get only (no fast path, never Create), fail when the
//   lease expired by local observed time, is held by another, or names a preferredHolder;
//   else Update keeping acquireTime, leaseTransitions and strategy.
// Not modelled: the WatchDog/healthz adaptor (7.3), metrics and events (7.4: they have no effect on the
//   algorithm), REST-layer transparent retries (429/5xx with Retry-After, spec 3), the
//   OnStartedLeading goroutine's own work (the world's `quiesce` covers winding down), Lease
//   labels (none are configured; merge_labels is the hook), versions before v0.37 (e.g. v0.36's
//   release without conflict retry), and logging.
// Simplifications: Go's float jitter `RP + U*1.2*RP` is modelled as the integer range
//   [RP, RP + ceil(1.2*RP) - 1ns] (exact arithmetic; Go's float rounding may differ by a few ns
//   for huge RP). A zero acquireTime/renewTime (Go's zero time, JSON null) is written as an absent
//   field. The release record's `now` is read after release's Get returned (the record is built
//   after the Get in tryRelease). D is one variable per attempt, as in Go: when the fast path
//   (R1) failed and the slow path then takes a lease it no longer holds (R5 non-leader branch,
//   e.g. an empty holder), acquireTime stays the value R1 copied, not `now`. A late renew tick
//   (the process could not run) re-arms at the next grid point after now, as Go's ticker does.
// Where the spec is silent: a user stop during a release that follows a renew failure lets the
//   release finish (its ctx is Background) and then exits (Exited, not Crashed), as the
//   scheduler's "exit(0) if its own ctx is done" does; the Lease's existing labels travel
//   unchanged in the cached object.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model/api.h"
#include "model/client_go_config.h"
#include "model/effects.h"
#include "model/lease.h"
#include "model/lease_candidate_loop.h"
#include "core/cow.h"
#include "core/hash.h"
#include "core/time.h"

namespace leasesim {

// resourcelock.LeaderElectionRecord (spec 4). A zero time (Go's time.Time{}) is nullopt.
struct ElectionRecord {
  Name holder_identity;
  int32_t lease_duration_seconds = 0;
  std::optional<WallInstant> acquire_time;
  std::optional<WallInstant> renew_time;
  int32_t leader_transitions = 0;
  Name strategy;
  Name preferred_holder;

  bool operator==(const ElectionRecord&) const = default;
  // Feeds every field to a Hasher or a StateHasher (instantiated for both in the .cc).
  template <class H>
  void hash_into(H& h, const HashFrame& frame = HashFrame{}) const;
};

// spec 4 "spec -> record": nil pointers become "", 0 and the zero time.
ElectionRecord record_from_spec(const LeaseSpec& spec);
// spec 4 "record -> spec": every field set except strategy/preferredHolder when empty; a zero
// time serialises as null, so it is written as absent.
LeaseSpec spec_from_record(const ElectionRecord& record);
// spec 4 / 8.3: the bytes used for change detection are the JSON of the record with meta Time
// (whole seconds, truncated). Two records are "the same bytes" iff their raw records are equal.
ElectionRecord raw_record_of(const ElectionRecord& record);

// spec 0: LDS = floor(LD / 1s), converted to the record's int32.
int32_t lease_duration_seconds_of(Duration lease_duration);
// spec 2.2: the acquire gap G = RP + U*1.2*RP with U in [0,1) lies in [RP, gap_max] with
// gap_max = RP + ceil(1.2*RP) - 1ns (integer arithmetic, see the .cc).
Duration acquire_gap_max(Duration retry_period);

// LeaseLock.lease: the lock's cached object (spec 0). Nil at start; an empty object after a
// failed Create (spec R2: the typed client returns an empty object on error).
struct LockCache {
  enum class State : uint8_t { Nil, EmptyObject, Object };
  State state = State::Nil;
  Lease lease;  // meaningful only when state == Object; default otherwise

  bool operator==(const LockCache&) const = default;
  // Feeds every field to a Hasher or a StateHasher (instantiated for both in the .cc).
  template <class H>
  void hash_into(H& h, const HashFrame& frame = HashFrame{}) const;
};

class ClientGoElector {
 public:
  // Timer ids (local-time delays; the world replaces a pending timer with the same id).
  static constexpr TimerId kAcquireRetryTimer = 1;   // spec 2.2 jittered gap between attempts
  static constexpr TimerId kRenewRoundTimer = 2;     // spec 2.3 RP between successful rounds
  static constexpr TimerId kRenewTickTimer = 3;      // spec 2.3 the round's ticker, t0 + k*RP
  static constexpr TimerId kRenewDeadlineTimer = 4;  // spec 2.3 the round's deadline, t0 + RD
  static constexpr TimerId kReleaseTimeoutTimer = 5; // spec 2.4 release's fresh RD timeout

  // Where Run is. Renewing covers both "in a round" and "waiting RP between rounds".
  enum class Phase : uint8_t { Created, Acquiring, Renewing, Releasing, Exited, Crashed };

  ClientGoElector(std::string identity, LeaseId lease, ClientGoConfig config);

  void on_start(const Now& now, Effects& out);
  void on_timer(TimerId timer, const Now& now, Effects& out);
  void on_response(const ApiResponse& response, const Now& now, Effects& out);
  // Graceful stop: the user cancels Run's ctx.
  void on_stop(const Now& now, Effects& out);

  // client-go IsLeader(): observedRecord.holderIdentity == identity (spec 0, 8.6).
  bool is_leader() const { return observed_record_.holder_identity == settings_->identity; }
  // The application's view: from OnStartedLeading until leadCtx is cancelled.
  bool acting_leader() const { return acting_; }

  const std::string& identity() const { return settings_->identity.str(); }
  const ClientGoConfig& config() const { return settings_->config; }
  Phase phase() const { return phase_; }
  bool in_round() const { return in_round_; }
  const ElectionRecord& observed_record() const { return observed_record_; }
  const std::optional<ElectionRecord>& observed_raw_record() const { return observed_raw_record_; }
  const std::optional<LocalInstant>& observed_time() const { return observed_time_; }
  const std::string& reported_leader() const { return reported_leader_.str(); }
  const LockCache& lock_cache() const { return lock_cache_; }
  // What the explorer's steady-regime lemma reads (explore/steady_regime.h): the call of
  // tryAcquireOrRenew waiting for its answer (Release: a release call; None: nothing in
  // flight), its request tag, where the renew round started, whether the elector is
  // coordinated, and whether Run's ctx was cancelled.
  enum class CallInFlight : uint8_t { None, FastUpdate, Get, Create, SlowUpdate, Release };
  CallInFlight call_in_flight() const;
  uint32_t inflight_tag() const { return inflight_tag_; }
  LocalInstant round_start() const { return round_start_; }
  bool coordinated() const { return candidate_.has_value(); }
  bool user_cancelled() const { return user_cancelled_; }

  // Feeds the state to a Hasher or a StateHasher (instantiated for both in the .cc): every field
  // but the identity, the lease and the configuration, which are the process's and the same in
  // every incarnation (a World fingerprint hashes each model in its process's place).
  template <class H>
  void hash_into(H& h, const HashFrame& frame = HashFrame{}) const;
  // The next request tag: the origin the canonical frame hashes in-flight tags against.
  uint64_t tag_origin() const { return next_tag_; }
  // The earliest local instant a StoppedLeading note could backdate the end of leadership to
  // (spec 2.4c: a user stop cancels leadCtx there); nullopt: it would end when it is noted.
  std::optional<LocalInstant> backdate_floor() const { return lead_cancelled_at_; }
  bool operator==(const ClientGoElector&) const = default;

 private:
  // The call tryAcquireOrRenew is waiting for (spec 3).
  enum class Step : uint8_t { Idle, FastUpdate, Get, Create, SlowUpdate };
  // The call tryRelease is waiting for (spec 2.4).
  enum class ReleaseStep : uint8_t { Idle, Get, Update };
  // How the release ended; part of the StoppedLeading detail.
  enum class ReleaseOutcome : uint8_t { NotConfigured, Released, SkippedNotLeader, Failed };

  // --- tryAcquireOrRenew (spec 3) ---
  void start_attempt(const Now& now, Effects& out);
  void send_fast_update(const Now& now, Effects& out);
  void send_get(const Now& now, Effects& out);
  void send_create(const Now& now, Effects& out);
  void send_slow_update(const Now& now, Effects& out);
  void on_attempt_result(ApiResult result, const std::optional<Lease>& object, const Now& now, Effects& out);
  void on_get_ok(const Lease& fetched, const Now& now, Effects& out);
  void finish_attempt(bool succeeded, const Now& now, Effects& out);
  ElectionRecord desired_record(WallInstant wall_now) const;
  bool lease_valid(LocalInstant now) const;
  void set_observed_record(const ElectionRecord& record, LocalInstant now);

  // --- acquire / renew / release / Run (spec 2) ---
  void acquire_attempt_done(bool succeeded, const Now& now, Effects& out);
  void start_round(const Now& now, Effects& out);
  void schedule_next_tick(const Now& now, Effects& out);
  void on_tick(const Now& now, Effects& out);
  void on_round_deadline(const Now& now, Effects& out);
  void round_attempt_done(bool succeeded, const Now& now, Effects& out);
  void end_round(bool succeeded, const Now& now, Effects& out);
  void renew_loop_exited(const Now& now, Effects& out);
  void begin_release(const Now& now, Effects& out);
  void send_release_get(const Now& now, Effects& out);
  void on_release_result(ApiResult result, const std::optional<Lease>& object, const Now& now, Effects& out);
  void on_release_timeout(const Now& now, Effects& out);
  void release_done(ReleaseOutcome outcome, const Now& now, Effects& out);
  void renew_returned(ReleaseOutcome outcome, const Now& now, Effects& out);
  void run_returned(const Now& now, Effects& out);
  void maybe_report_transition(Effects& out);
  void abandon_call_in_flight(Effects& out);

  // --- calls under a context (spec 0 H, 2.3, 2.4) ---
  bool ctx_done(const Now& now) const;
  std::optional<LocalInstant> ctx_deadline() const;
  bool issue(Verb verb, std::optional<Lease> body, const Now& now, Effects& out);
  void merge_labels(Lease& lease) const;
  void reset_run_state();

  // Identity and configuration: constant for the life of the process, so copies of the elector
  // (a World copy that then reacts) share them rather than copying their strings.
  struct Settings {
    Name identity;
    ClientGoConfig config;
    bool operator==(const Settings&) const = default;
  };
  Cow<Settings> settings_;
  LeaseId lease_;

  // spec 0: the LeaderElector's fields and the lock's cache.
  ElectionRecord observed_record_;
  std::optional<ElectionRecord> observed_raw_record_;  // nil at start
  std::optional<LocalInstant> observed_time_;          // nil = Go's zero time: never valid
  Name reported_leader_;
  LockCache lock_cache_;

  // Run's position.
  Phase phase_ = Phase::Created;
  bool user_cancelled_ = false;                 // Run's ctx was cancelled (on_stop)
  bool acting_ = false;                         // leadCtx live after OnStartedLeading
  bool led_ = false;                            // this Run reached OnStartedLeading
  std::optional<LocalInstant> lead_cancelled_at_;  // user stop cancelled leadCtx here
  bool renew_failed_ = false;                   // the renew loop ended by a failed round

  // The attempt in progress (tryAcquireOrRenew).
  Step step_ = Step::Idle;
  LocalInstant attempt_mono_{};  // spec 3: `now`, read once at the attempt start (monotonic)
  WallInstant attempt_wall_{};   // ... and its wall reading (the renewTime written)
  ElectionRecord desired_;       // spec 3: D, mutated by R1 and R5 as the Go variable is

  // The renew round in progress (spec 2.3).
  bool in_round_ = false;
  LocalInstant round_start_{};
  bool round_deadline_passed_ = false;
  int64_t tick_index_ = 0;       // the last tick scheduled is round_start_ + tick_index_*RP
  bool tick_scheduled_ = false;
  bool tick_pending_ = false;    // the ticker channel's one buffered tick

  // The release in progress (spec 2.4).
  ReleaseStep release_step_ = ReleaseStep::Idle;
  LocalInstant release_deadline_{};
  bool release_deadline_passed_ = false;

  // Calls: one at a time (Run is a single goroutine). Tags are unique per process so a late
  // response for an abandoned call can never be mistaken for the current one.
  uint32_t next_tag_ = 1;
  uint32_t inflight_tag_ = 0;  // 0 = none

  // The LeaseCandidate publisher of a coordinated elector (absent otherwise).
  // Coordinated election only, so held out of line: inline, its 160 bytes would make every
  // model slot larger (model/process_model.h; a slot is as large as the largest model).
  CowSlot<LeaseCandidateLoop> candidate_;
  void on_coordinated_get_ok(const ElectionRecord& record, const Now& now, Effects& out);
};

}  // namespace leasesim
