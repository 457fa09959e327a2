// client_go_elector.cc: client-go's LeaderElector with a LeaseLock, rule by rule (see the header
// and docs/models/client-go-elector.md; "spec N" below cites that document).
#include "model/client_go_elector.h"

#include <algorithm>
#include <utility>

#include "core/check.h"

namespace leasesim {
namespace {

// spec 1.3: KCM's OnStoppedLeading logs "leaderelection lost" and exits with status 1.
constexpr const char* kLostLeadershipExit = "exit(1): leaderelection lost";

// An absent time and a present one differ by the flag word the caller hashes; an absent one
// adds no word of its own.
template <class H>
inline void hash_optional_wall(H& h, const std::optional<WallInstant>& t, const HashFrame& frame) {
  if (t) h.i64(frame.at(*t));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Record conversions (spec 4).

template <class H>
void ElectionRecord::hash_into(H& h, const HashFrame& frame) const {
  // Small fields share words (one-to-one): the two int32s; which of both times and of the two
  // rarely set names are present (absent ones add nothing).
  h.u64(static_cast<uint64_t>(static_cast<uint32_t>(lease_duration_seconds)) |
        (static_cast<uint64_t>(static_cast<uint32_t>(leader_transitions)) << 32));
  h.u64(static_cast<uint64_t>(acquire_time.has_value()) | (static_cast<uint64_t>(renew_time.has_value()) << 1) |
        (static_cast<uint64_t>(!strategy.empty()) << 2) | (static_cast<uint64_t>(!preferred_holder.empty()) << 3));
  hash_name(h, holder_identity);
  // The canonical frame leaves acquireTime's value out (see LeaseSpec::hash_into).
  if (!frame.canonical) hash_optional_wall(h, acquire_time, frame);
  hash_optional_wall(h, renew_time, frame);
  if (!strategy.empty()) hash_name(h, strategy);
  if (!preferred_holder.empty()) hash_name(h, preferred_holder);
}

ElectionRecord record_from_spec(const LeaseSpec& spec) {
  // spec 4 "spec -> record": a nil pointer becomes "", 0 or the zero time.
  ElectionRecord record;
  record.holder_identity = spec.holder_identity.value_or(Name());
  record.lease_duration_seconds = spec.lease_duration_seconds.value_or(0);
  record.acquire_time = spec.acquire_time;
  record.renew_time = spec.renew_time;
  record.leader_transitions = spec.lease_transitions.value_or(0);
  record.strategy = spec.strategy.value_or(Name());
  record.preferred_holder = spec.preferred_holder.value_or(Name());
  return record;
}

LeaseSpec spec_from_record(const ElectionRecord& record) {
  // spec 4 "record -> spec": holder, LDS, both times and transitions are always set (so a
  // released holder is present but ""); strategy and preferredHolder only when non-empty, so
  // every non-coordinated write clears both. A zero time serialises as null, i.e. absent.
  LeaseSpec spec;
  spec.holder_identity = record.holder_identity;
  spec.lease_duration_seconds = record.lease_duration_seconds;
  spec.acquire_time = record.acquire_time;
  spec.renew_time = record.renew_time;
  spec.lease_transitions = record.leader_transitions;
  if (!record.strategy.empty()) spec.strategy = record.strategy;
  if (!record.preferred_holder.empty()) spec.preferred_holder = record.preferred_holder;
  return spec;
}

ElectionRecord raw_record_of(const ElectionRecord& record) {
  // spec 4: the raw bytes are the JSON of the record whose times are meta Time, rendered as
  // RFC 3339 at whole seconds (truncated); all 7 fields are present. Comparing this struct is
  // comparing those bytes.
  ElectionRecord raw = record;
  if (raw.acquire_time) raw.acquire_time = truncate_to_seconds(*raw.acquire_time);
  if (raw.renew_time) raw.renew_time = truncate_to_seconds(*raw.renew_time);
  return raw;
}

int32_t lease_duration_seconds_of(Duration lease_duration) {
  // spec 0: LDS = floor(LD / 1s), an int converted to the Lease's int32. LD >= 1ns is validated,
  // so integer division truncating toward zero is the floor.
  return static_cast<int32_t>(lease_duration.ns / kNanosPerSecond);
}

Duration acquire_gap_max(Duration retry_period) {
  // spec 2.2: G = RP + Duration(U * 1.2 * RP), U in [0,1). The jitter term takes the integer
  // values 0 .. ceil(1.2*RP) - 1 (the product is strictly below 1.2*RP and Duration() truncates).
  // ceil(1.2*RP) = RP + ceil(RP/5), computed without the overflow RP*12 could cause.
  const int64_t rp = retry_period.ns;
  const int64_t jitter_ceil = rp + (rp + 4) / 5;
  return Duration(rp + jitter_ceil - 1);
}

template <class H>
void LockCache::hash_into(H& h, const HashFrame& frame) const {
  h.u64(static_cast<uint64_t>(state));
  lease.hash_into(h, frame);
}

// ---------------------------------------------------------------------------------------------
// Construction and inputs.

ClientGoElector::ClientGoElector(std::string identity, LeaseId lease, ClientGoConfig config)
    : settings_(Settings{std::move(identity), std::move(config)}), lease_(lease) {
  // spec 1.2: NewLeaderElector refuses these; the scenario loader reports them as input errors
  // before a World exists, so reaching here with one is a bug of ours.
  LS_CHECK(!validate(settings_->config).has_value(), "client-go elector built from an invalid config");
  LS_CHECK(!settings_->identity.empty(), "Lock identity is empty");
  const ClientGoConfig& c = settings_->config;
  if (c.coordinated)
    candidate_.emplace_from([&] {
      return LeaseCandidateLoop(settings_->identity, lease_, Name(c.binary_version), Name(c.emulation_version),
                                c.effective_request_timeout());
    });
}

void ClientGoElector::on_start(const Now& now, Effects& out) {
  LS_CHECK(phase_ == Phase::Created, "on_start called twice");
  phase_ = Phase::Acquiring;
  if (candidate_) candidate_.mut().on_start(now, out);  // coordinated: the candidate runs beside Run
  start_attempt(now, out);  // spec 2.2: the first acquire attempt runs immediately
}

void ClientGoElector::on_timer(TimerId timer, const Now& now, Effects& out) {
  // Every timer is cancelled or replaced when its phase ends; the phase checks below only guard
  // against a firing the world had already committed to at the same instant.
  if (LeaseCandidateLoop::owns_timer(timer)) {
    if (candidate_ && phase_ != Phase::Exited && phase_ != Phase::Crashed) candidate_.mut().on_timer(timer, now, out);
    return;
  }
  switch (timer) {
    case kAcquireRetryTimer:
      if (phase_ == Phase::Acquiring && step_ == Step::Idle && !user_cancelled_) start_attempt(now, out);
      return;
    case kRenewRoundTimer:
      if (phase_ == Phase::Renewing && !in_round_) start_round(now, out);
      return;
    case kRenewTickTimer:
      if (phase_ == Phase::Renewing && in_round_) on_tick(now, out);
      return;
    case kRenewDeadlineTimer:
      if (phase_ == Phase::Renewing && in_round_) on_round_deadline(now, out);
      return;
    case kReleaseTimeoutTimer:
      if (phase_ == Phase::Releasing) on_release_timeout(now, out);
      return;
    default:
      LS_CHECK(false, "client-go elector got an unknown timer id");
  }
}

void ClientGoElector::on_response(const ApiResponse& response, const Now& now, Effects& out) {
  // A response for a call we abandoned (deadline, cancel) carries an old tag: the Go code had
  // already moved on when its ctx ended, so the late answer reaches nobody.
  if (LeaseCandidateLoop::owns_tag(response.tag)) {
    if (candidate_) candidate_.mut().on_response(response, now, out);
    return;
  }
  if (response.tag == 0 || response.tag != inflight_tag_) return;
  inflight_tag_ = 0;
  if (response.result == ApiResult::Ok && response.verb != Verb::List)
    LS_CHECK(response.object.has_value(), "a successful Get/Create/Update returns the object");
  if (phase_ == Phase::Releasing) {
    on_release_result(response.result, response.object, now, out);
  } else {
    on_attempt_result(response.result, response.object, now, out);
  }
}

void ClientGoElector::on_stop(const Now& now, Effects& out) {
  switch (phase_) {
    case Phase::Created:
      // Run was never called: nothing to cancel.
      user_cancelled_ = true;
      phase_ = Phase::Exited;
      out.note(NoteKind::Exited, lease_, "stopped");
      return;
    case Phase::Acquiring:
      user_cancelled_ = true;
      if (step_ != Step::Idle) {
        // spec 2.2: the in-flight call fails with the ctx error; the attempt finishes (its later
        // calls fail at once), maybeReportTransition runs, then the loop sees ctx done.
        abandon_call_in_flight(out);
        on_attempt_result(ApiResult::Timeout, std::nullopt, now, out);
      } else {
        // spec 2.2: ctx is checked during the wait; acquire returns false and Run returns
        // (OnStoppedLeading fires although the elector never led; no leadership note).
        out.cancel_timer(kAcquireRetryTimer);
        run_returned(now, out);
      }
      return;
    case Phase::Renewing:
      user_cancelled_ = true;
      // spec 2.4c: leadCtx is a child of Run's ctx, so it is cancelled at this very instant.
      acting_ = false;
      lead_cancelled_at_ = now.mono;
      if (in_round_) {
        if (step_ != Step::Idle) {
          // spec 2.3: the in-flight call is cancelled client-side (the server may still commit
          // it); the attempt fails, the round returns Canceled.
          abandon_call_in_flight(out);
          on_attempt_result(ApiResult::Timeout, std::nullopt, now, out);
        } else {
          end_round(false, now, out);
        }
      } else {
        // spec 2.3: cancelled during the RP wait between rounds: the loop exits without
        // leaderOff and without maybeReportTransition.
        out.cancel_timer(kRenewRoundTimer);
        renew_loop_exited(now, out);
      }
      return;
    case Phase::Releasing:
      // spec 2.4: release runs under context.Background() with its own RD timeout, so the
      // user's cancel does not stop it; it does cancel leadCtx (a child of ctx) now.
      user_cancelled_ = true;
      if (acting_) {
        acting_ = false;
        lead_cancelled_at_ = now.mono;
      }
      return;
    case Phase::Exited:
    case Phase::Crashed:
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// tryAcquireOrRenew (spec 3).

ElectionRecord ClientGoElector::desired_record(WallInstant wall_now) const {
  // spec 3: D = {holder self, LDS = floor(LD/1s), renewTime = acquireTime = now, transitions 0,
  // strategy and preferredHolder empty}. `now` is the local wall clock at the attempt start.
  ElectionRecord d;
  d.holder_identity = settings_->identity;
  d.lease_duration_seconds = lease_duration_seconds_of(settings_->config.lease_duration);
  d.renew_time = wall_now;
  d.acquire_time = wall_now;
  return d;
}

ClientGoElector::CallInFlight ClientGoElector::call_in_flight() const {
  if (inflight_tag_ == 0) return CallInFlight::None;
  if (release_step_ != ReleaseStep::Idle) return CallInFlight::Release;
  switch (step_) {
    case Step::FastUpdate: return CallInFlight::FastUpdate;
    case Step::Get: return CallInFlight::Get;
    case Step::Create: return CallInFlight::Create;
    case Step::SlowUpdate: return CallInFlight::SlowUpdate;
    case Step::Idle: break;
  }
  return CallInFlight::None;
}

bool ClientGoElector::lease_valid(LocalInstant now) const {
  // spec 0 isLeaseValid: observedTime + LDS(observed record, not our own LD) strictly after now.
  // An unset observedTime is Go's zero time, centuries in the past: never valid.
  if (!observed_time_) return false;
  return *observed_time_ + seconds(observed_record_.lease_duration_seconds) > now;
}

void ClientGoElector::set_observed_record(const ElectionRecord& record, LocalInstant now) {
  // spec 0: setObservedRecord also sets observedTime to the clock at that moment.
  observed_record_ = record;
  observed_time_ = now;
}

void ClientGoElector::start_attempt(const Now& now, Effects& out) {
  LS_CHECK(step_ == Step::Idle && inflight_tag_ == 0, "one tryAcquireOrRenew at a time");
  // spec 3: `now` is read once at the attempt start, before any API call.
  attempt_mono_ = now.mono;
  attempt_wall_ = now.wall;
  desired_ = desired_record(now.wall);
  // spec 3 R1: the fast path applies when IsLeader() and isLeaseValid(now); tryCoordinatedRenew
  // has none (coordinated-election.md section 4: every attempt starts with a Get).
  if (!candidate_ && is_leader() && lease_valid(now.mono)) {
    // spec 3 R1: copy acquireTime and leaderTransitions from observedRecord into D. D is one Go
    // variable for the whole attempt, so these values survive into the slow path unless R5
    // overwrites them.
    desired_.acquire_time = observed_record_.acquire_time;
    desired_.leader_transitions = observed_record_.leader_transitions;
    send_fast_update(now, out);
    return;
  }
  send_get(now, out);
}

void ClientGoElector::send_fast_update(const Now& now, Effects& out) {
  step_ = Step::FastUpdate;
  // spec 3 R1: with no cached object the Update fails locally ("lease not initialized", or an
  // emptied cache without a name that the REST client refuses): fall through at once.
  if (lock_cache_.state != LockCache::State::Object) {
    send_get(now, out);
    return;
  }
  // spec 3 R1: Lock.Update(D) with no Get: the cached Lease with D's spec and the cached RV.
  lock_cache_.lease.spec = spec_from_record(desired_);
  merge_labels(lock_cache_.lease);
  // spec 3 R1: any error, including a ctx that is already done, falls through to the slow path.
  if (!issue(Verb::Update, lock_cache_.lease, now, out)) send_get(now, out);
}

void ClientGoElector::send_get(const Now& now, Effects& out) {
  step_ = Step::Get;
  // spec 3 R2: a Get error other than NotFound returns false.
  if (!issue(Verb::Get, std::nullopt, now, out)) finish_attempt(false, now, out);
}

void ClientGoElector::send_create(const Now& now, Effects& out) {
  step_ = Step::Create;
  // spec 3 R2: NotFound -> Lock.Create(D) with transitions 0 (D still has 0: R5 has not run).
  Lease body;
  body.id = lease_;
  body.spec = spec_from_record(desired_);
  merge_labels(body);
  if (!issue(Verb::Create, std::move(body), now, out)) {
    // spec 3 R2: on a Create error the cache becomes the typed client's empty object.
    lock_cache_ = LockCache{LockCache::State::EmptyObject, Lease{}};
    finish_attempt(false, now, out);
  }
}

void ClientGoElector::send_slow_update(const Now& now, Effects& out) {
  step_ = Step::SlowUpdate;
  // spec 3 R6: conditional Update with the RV the R2 Get just cached.
  lock_cache_.lease.spec = spec_from_record(desired_);
  merge_labels(lock_cache_.lease);
  if (!issue(Verb::Update, lock_cache_.lease, now, out)) finish_attempt(false, now, out);
}

void ClientGoElector::on_attempt_result(ApiResult result, const std::optional<Lease>& object, const Now& now,
                                        Effects& out) {
  switch (step_) {
    case Step::FastUpdate:
      if (result == ApiResult::Ok) {
        // spec 3 R1: success: cache = returned object, observedRecord = D, observedTime = clock
        // after the response; observedRawRecord is NOT updated.
        lock_cache_ = LockCache{LockCache::State::Object, *object};
        set_observed_record(desired_, now.mono);
        finish_attempt(true, now, out);
      } else {
        // spec 3 R1: any error (409, timeout, 5xx, cancel) falls through to the slow path in the
        // same attempt.
        send_get(now, out);
      }
      return;
    case Step::Get:
      if (result == ApiResult::Ok) {
        on_get_ok(*object, now, out);
      } else if (result == ApiResult::NotFound) {
        // spec 3 R2; coordinated-election.md section 4 step 1: a candidate never creates the lease.
        if (candidate_) finish_attempt(false, now, out);
        else send_create(now, out);
      } else {
        finish_attempt(false, now, out);  // spec 3 R2: other errors return false, nothing changes
      }
      return;
    case Step::Create:
      if (result == ApiResult::Ok) {
        // spec 3 R2: observedRecord = D, observedTime = now'; observedRawRecord untouched.
        lock_cache_ = LockCache{LockCache::State::Object, *object};
        set_observed_record(desired_, now.mono);
        finish_attempt(true, now, out);
      } else {
        // spec 3 R2: AlreadyExists, timeout, ...: false, and the cache becomes an empty object.
        lock_cache_ = LockCache{LockCache::State::EmptyObject, Lease{}};
        finish_attempt(false, now, out);
      }
      return;
    case Step::SlowUpdate:
      if (result == ApiResult::Ok) {
        lock_cache_ = LockCache{LockCache::State::Object, *object};
        set_observed_record(desired_, now.mono);  // spec 3 R6
        finish_attempt(true, now, out);
      } else {
        // spec 3 R6: no retry inside the attempt; observedRecord stays the fetched one and the
        // cache keeps our spec with the old RV (a later fast path by us would conflict).
        finish_attempt(false, now, out);
      }
      return;
    case Step::Idle:
      LS_CHECK(false, "attempt result without an attempt");
  }
}

void ClientGoElector::on_get_ok(const Lease& fetched, const Now& now, Effects& out) {
  // spec 3 R2: Lock.Get replaces the cached Lease and its RV.
  lock_cache_ = LockCache{LockCache::State::Object, fetched};
  const ElectionRecord record = record_from_spec(fetched.spec);
  const ElectionRecord raw = raw_record_of(record);
  // spec 3 R3: bytes differ from observedRawRecord (nil counts as different): adopt the fetched
  // record with observedTime = the clock after the Get returned.
  if (!observed_raw_record_ || *observed_raw_record_ != raw) {
    set_observed_record(record, now.mono);
    observed_raw_record_ = raw;
  }
  if (candidate_) {
    on_coordinated_get_ok(record, now, out);
    return;
  }
  // spec 3 R4: respect a live holder: fetched holder non-empty, isLeaseValid(now) with `now`
  // from the attempt start, and not IsLeader(). An empty holder skips the wait entirely.
  if (!record.holder_identity.empty() && lease_valid(attempt_mono_) && !is_leader()) {
    finish_attempt(false, now, out);
    return;
  }
  // spec 3 R5: as leader (observedRecord names us) keep the fetched acquireTime and
  // transitions; otherwise transitions = fetched + 1 and acquireTime stays as D has it.
  if (is_leader()) {
    desired_.acquire_time = record.acquire_time;
    desired_.leader_transitions = record.leader_transitions;
  } else {
    // Go adds in int and converts to int32, which wraps; the server then rejects a negative.
    desired_.leader_transitions = static_cast<int32_t>(static_cast<int64_t>(record.leader_transitions) + 1);
  }
  send_slow_update(now, out);
}

void ClientGoElector::on_coordinated_get_ok(const ElectionRecord& record, const Now& now, Effects& out) {
  // coordinated-election.md section 4 (leaderelection.go tryCoordinatedRenew), steps 3-6.
  // Step 3: expired by local observed time plus the record's duration (Go: Before(now)).
  if (!observed_time_ || *observed_time_ + seconds(observed_record_.lease_duration_seconds) < attempt_mono_) {
    finish_attempt(false, now, out);
    return;
  }
  // Step 4: only the holder the controller named may renew.
  // Step 5: a preferredHolder tells the holder to stop renewing (no release).
  if (!is_leader() || !record.preferred_holder.empty()) {
    finish_attempt(false, now, out);
    return;
  }
  // Step 6: Update with renewTime now, keeping acquireTime, leaseTransitions and strategy.
  desired_.acquire_time = record.acquire_time;
  desired_.leader_transitions = record.leader_transitions;
  desired_.strategy = record.strategy;
  send_slow_update(now, out);
}

void ClientGoElector::finish_attempt(bool succeeded, const Now& now, Effects& out) {
  step_ = Step::Idle;
  inflight_tag_ = 0;
  if (phase_ == Phase::Acquiring) {
    acquire_attempt_done(succeeded, now, out);
  } else {
    LS_CHECK(phase_ == Phase::Renewing && in_round_, "attempts run in acquire or in a renew round");
    round_attempt_done(succeeded, now, out);
  }
}

// ---------------------------------------------------------------------------------------------
// acquire (spec 2.2).

void ClientGoElector::acquire_attempt_done(bool succeeded, const Now& now, Effects& out) {
  maybe_report_transition(out);  // spec 2.2: maybeReportTransition after each attempt
  if (succeeded) {
    // spec 2.1 step 3 / 2.2: "became leader", leaderOn, the loop stops; OnStartedLeading(leadCtx)
    // starts in a goroutine and renew() starts at once.
    acting_ = true;
    led_ = true;
    out.note(NoteKind::StartedLeading, lease_, "became leader");
    phase_ = Phase::Renewing;
    start_round(now, out);  // spec 2.3: UntilWithContext runs the first round immediately
    return;
  }
  if (user_cancelled_) {
    run_returned(now, out);  // spec 2.2: ctx is checked before each attempt; acquire returns false
    return;
  }
  // spec 2.2: the next attempt after a fresh gap drawn from [RP, 2.2*RP), sliding (measured
  // after this attempt finished).
  const Duration retry_period = settings_->config.retry_period;
  out.set_timer(kAcquireRetryTimer, retry_period, acquire_gap_max(retry_period));
}

// ---------------------------------------------------------------------------------------------
// renew (spec 2.3).

void ClientGoElector::start_round(const Now& now, Effects& out) {
  in_round_ = true;
  round_start_ = now.mono;
  round_deadline_passed_ = false;
  tick_index_ = 0;
  tick_scheduled_ = false;
  tick_pending_ = false;
  // spec 2.3: PollUntilContextTimeout creates the deadline ctx (t0 + RD) first, then the ticker.
  out.set_timer(kRenewDeadlineTimer, settings_->config.renew_deadline);
  schedule_next_tick(now, out);
  // spec 2.3: attempt 0 runs immediately at t0 (immediate = true).
  start_attempt(now, out);
}

void ClientGoElector::schedule_next_tick(const Now& now, Effects& out) {
  // spec 2.3: a non-sliding ticker: tick k at t0 + k*RP, whatever the attempts did. Go's runtime
  // re-arms a late ticker at the first grid point strictly after now (ticks missed while the
  // process could not run, e.g. paused, are dropped, not delivered in a burst).
  const int64_t elapsed_periods = floor_div((now.mono - round_start_).ns, settings_->config.retry_period.ns);
  const int64_t k = std::max(tick_index_ + 1, elapsed_periods + 1);
  const Duration offset = settings_->config.retry_period * k;
  // spec 2.3: the deadline beats a tick at exactly t0 + RD (its timer was armed first), and no
  // tick after the deadline matters, so ticks are scheduled only strictly before t0 + RD.
  if (offset >= settings_->config.renew_deadline) {
    tick_scheduled_ = false;
    return;
  }
  tick_index_ = k;
  tick_scheduled_ = true;
  Duration delay = (round_start_ + offset) - now.mono;
  if (delay < Duration{}) delay = Duration{};
  out.set_timer(kRenewTickTimer, delay);
}

void ClientGoElector::on_tick(const Now& now, Effects& out) {
  if (!tick_scheduled_) return;
  schedule_next_tick(now, out);
  if (step_ != Step::Idle) {
    // spec 2.3: an attempt overrunning a tick: the ticker channel keeps one pending tick and
    // drops the rest.
    tick_pending_ = true;
    return;
  }
  start_attempt(now, out);  // spec 2.3: later attempts run on ticks t0 + k*RP
}

void ClientGoElector::on_round_deadline(const Now& now, Effects& out) {
  // spec 2.3: the round fails when the deadline passes (DeadlineExceeded).
  round_deadline_passed_ = true;
  if (step_ != Step::Idle) {
    // spec 2.3: an in-flight request is cancelled client-side (the server may still commit it).
    // The Go attempt sees the ctx error, its remaining calls fail at once, and the poll returns.
    abandon_call_in_flight(out);
    on_attempt_result(ApiResult::Timeout, std::nullopt, now, out);
    return;
  }
  end_round(false, now, out);
}

void ClientGoElector::round_attempt_done(bool succeeded, const Now& now, Effects& out) {
  // spec 2.3: the round succeeds as soon as an attempt returns true.
  if (succeeded) {
    end_round(true, now, out);
    return;
  }
  // spec 2.3: after a false attempt the poll checks the ctx: deadline passed or parent cancelled
  // ends the round with failure.
  if (ctx_done(now)) {
    end_round(false, now, out);
    return;
  }
  // spec 2.3: a pending tick starts the next attempt as soon as the slow one ends.
  if (tick_pending_) {
    tick_pending_ = false;
    start_attempt(now, out);
    return;
  }
  // spec 2.3: an attempt returning false does not end the round, even if it saw another holder:
  // wait for the next tick or the deadline.
}

void ClientGoElector::end_round(bool succeeded, const Now& now, Effects& out) {
  in_round_ = false;
  tick_scheduled_ = false;
  tick_pending_ = false;
  out.cancel_timer(kRenewTickTimer);
  out.cancel_timer(kRenewDeadlineTimer);
  maybe_report_transition(out);  // spec 2.3 / 2.5: after each round, not after each attempt
  if (succeeded) {
    // spec 2.3: UntilWithContext (jitter 0, sliding): the next round RP after this one returned.
    out.set_timer(kRenewRoundTimer, settings_->config.retry_period);
    return;
  }
  // spec 2.3: on failure leaderOff, the renew ctx is cancelled and the loop exits.
  if (!user_cancelled_) renew_failed_ = true;
  renew_loop_exited(now, out);
}

void ClientGoElector::renew_loop_exited(const Now& now, Effects& out) {
  // spec 2.3 last bullets: with ReleaseOnCancel, release() runs whatever ended the loop.
  if (settings_->config.release_on_cancel) {
    begin_release(now, out);
    return;
  }
  renew_returned(ReleaseOutcome::NotConfigured, now, out);
}

// ---------------------------------------------------------------------------------------------
// release (spec 2.4).

void ClientGoElector::begin_release(const Now& now, Effects& out) {
  phase_ = Phase::Releasing;
  // spec 2.4: a fresh context.Background() with a timeout of RD; the parent may be cancelled.
  release_deadline_ = now.mono + settings_->config.renew_deadline;
  release_deadline_passed_ = false;
  out.set_timer(kReleaseTimeoutTimer, settings_->config.renew_deadline);
  send_release_get(now, out);
}

void ClientGoElector::send_release_get(const Now& now, Effects& out) {
  release_step_ = ReleaseStep::Get;
  // spec 2.4 step 1: Lock.Get; an error (here: the RD timeout already passed) returns false.
  if (!issue(Verb::Get, std::nullopt, now, out)) release_done(ReleaseOutcome::Failed, now, out);
}

void ClientGoElector::on_release_result(ApiResult result, const std::optional<Lease>& object, const Now& now,
                                        Effects& out) {
  if (release_step_ == ReleaseStep::Get) {
    // spec 2.4 step 1: NotFound (logged at Info) or any other error: return false, write nothing.
    if (result != ApiResult::Ok) {
      release_done(ReleaseOutcome::Failed, now, out);
      return;
    }
    // spec 2.4 step 1: the Get refreshes the cached Lease and RV (no change detection here).
    lock_cache_ = LockCache{LockCache::State::Object, *object};
    // spec 2.4 step 2: the LOCAL view decides, not the record just fetched (hazard 2.4b).
    if (!is_leader()) {
      release_done(ReleaseOutcome::SkippedNotLeader, now, out);
      return;
    }
    // spec 2.4 step 3: {holder "", LDS 1, renewTime = acquireTime = now, transitions = the
    // fetched value, strategy/preferredHolder unset}; `now` is read after the Get returned.
    const ElectionRecord fetched = record_from_spec(object->spec);
    ElectionRecord released;
    released.lease_duration_seconds = 1;
    released.renew_time = now.wall;
    released.acquire_time = now.wall;
    released.leader_transitions = fetched.leader_transitions;
    desired_ = released;
    release_step_ = ReleaseStep::Update;
    lock_cache_.lease.spec = spec_from_record(desired_);
    merge_labels(lock_cache_.lease);
    if (!issue(Verb::Update, lock_cache_.lease, now, out)) release_done(ReleaseOutcome::Failed, now, out);
    return;
  }
  LS_CHECK(release_step_ == ReleaseStep::Update, "release result without a release call");
  if (result == ApiResult::Ok) {
    // spec 2.4 step 5: observedRecord = the released record, observedTime = now; IsLeader() is
    // now false. maybeReportTransition is not called, so no OnNewLeader("") for our release.
    lock_cache_ = LockCache{LockCache::State::Object, *object};
    set_observed_record(desired_, now.mono);
    release_done(ReleaseOutcome::Released, now, out);
    return;
  }
  if (result == ApiResult::Conflict) {
    // spec 2.4 step 4 (v0.37): on 409 go back to the Get, bounded only by the RD timeout. The
    // local view is still ours, so a fresh RV lets the retry overwrite a new holder (2.4b).
    send_release_get(now, out);
    return;
  }
  release_done(ReleaseOutcome::Failed, now, out);  // spec 2.4 step 4: other errors: log, false
}

void ClientGoElector::on_release_timeout(const Now& now, Effects& out) {
  // spec 2.4: the RD timeout cancels the call in flight; tryRelease returns false.
  release_deadline_passed_ = true;
  abandon_call_in_flight(out);
  release_done(ReleaseOutcome::Failed, now, out);
}

void ClientGoElector::release_done(ReleaseOutcome outcome, const Now& now, Effects& out) {
  release_step_ = ReleaseStep::Idle;
  inflight_tag_ = 0;
  out.cancel_timer(kReleaseTimeoutTimer);
  renew_returned(outcome, now, out);
}

// ---------------------------------------------------------------------------------------------
// Run (spec 2.1) and OnNewLeader (spec 2.5).

void ClientGoElector::renew_returned(ReleaseOutcome outcome, const Now& now, Effects& out) {
  // spec 2.1 step 5: renew() returned ("stopped leading" event); Run's deferred cancel of
  // leadCtx runs, then OnStoppedLeading. A user stop had already cancelled leadCtx (2.4c):
  // the note is backdated to that instant.
  std::string detail = renew_failed_ ? "renewFailed" : "stopped";
  switch (outcome) {
    case ReleaseOutcome::NotConfigured:
      break;
    case ReleaseOutcome::Released:
      detail += "; released";
      break;
    case ReleaseOutcome::SkippedNotLeader:
      detail += "; notReleased: not leader in local view";
      break;
    case ReleaseOutcome::Failed:
      detail += "; notReleased: release failed";
      break;
  }
  acting_ = false;
  out.note(NoteKind::StoppedLeading, lease_, std::move(detail), lead_cancelled_at_);
  run_returned(now, out);
}

void ClientGoElector::run_returned(const Now& now, Effects& out) {
  if (user_cancelled_) {
    // A graceful stop: OnStoppedLeading ran (even if never leading, spec 2.1 step 1) and the
    // process exits.
    phase_ = Phase::Exited;
    out.note(NoteKind::Exited, lease_, "stopped");
    return;
  }
  // Run returns on its own only after leadership was lost (acquire returns false only when the
  // ctx is done, spec 2.2).
  LS_CHECK(led_, "Run returned without a cancel and without having led");
  if (settings_->config.rejoin_after_loss) {
    // An operator looping around Run: a fresh LeaderElector (same identity) acquires at once.
    reset_run_state();
    phase_ = Phase::Acquiring;
    start_attempt(now, out);
    return;
  }
  // spec 1.3: KCM and the scheduler exit(1) in OnStoppedLeading when leadership is lost.
  phase_ = Phase::Crashed;
  out.note(NoteKind::Crashed, lease_, kLostLeadershipExit);
}

void ClientGoElector::maybe_report_transition(Effects& out) {
  // spec 2.5: OnNewLeader fires when observedRecord.holderIdentity differs from reportedLeader
  // (initially "", so a first observed "" reports nothing; a later "" does).
  if (observed_record_.holder_identity == reported_leader_) return;
  reported_leader_ = observed_record_.holder_identity;
  out.note(NoteKind::ObservedLeader, lease_, reported_leader_);
}

void ClientGoElector::abandon_call_in_flight(Effects& out) {
  if (inflight_tag_ == 0) return;
  out.cancel_call(inflight_tag_);
  inflight_tag_ = 0;
}

// ---------------------------------------------------------------------------------------------
// Calls under a context.

std::optional<LocalInstant> ClientGoElector::ctx_deadline() const {
  if (phase_ == Phase::Releasing) return release_deadline_;                          // spec 2.4
  if (phase_ == Phase::Renewing && in_round_) return round_start_ + settings_->config.renew_deadline;  // spec 2.3
  return std::nullopt;  // spec 2.2: acquire attempts have no deadline of their own
}

bool ClientGoElector::ctx_done(const Now& now) const {
  // spec 2.4: the release ctx derives from context.Background(): only its own timeout ends it.
  if (phase_ == Phase::Releasing) return release_deadline_passed_ || now.mono >= release_deadline_;
  if (user_cancelled_) return true;
  if (phase_ == Phase::Renewing && in_round_)
    return round_deadline_passed_ || now.mono >= round_start_ + settings_->config.renew_deadline;
  return false;
}

bool ClientGoElector::issue(Verb verb, std::optional<Lease> body, const Now& now, Effects& out) {
  // spec 2.3 (v0.36+): no API call once the ctx is done; the call fails at once with its error.
  if (ctx_done(now)) return false;
  // spec 0: every request is bounded by H; inside a renew round or a release also by the ctx
  // deadline (spec 2.3, 2.4). The deadline timer additionally cancels a call still in flight.
  Duration timeout = settings_->config.effective_request_timeout();
  if (const auto deadline = ctx_deadline()) {
    const Duration left = *deadline - now.mono;
    if (left < timeout) timeout = left;
  }
  ApiRequest& request = out.start_call();
  request.tag = next_tag_;
  next_tag_ = next_tag_ == UINT32_MAX ? 1 : next_tag_ + 1;
  request.verb = verb;
  request.lease = lease_;
  request.body = std::move(body);
  request.timeout = timeout;
  inflight_tag_ = request.tag;
  return true;
}

void ClientGoElector::merge_labels(Lease& /*lease*/) const {
  // spec 3 "Labels": LeaseLock.Labels would be written on Create and merged into the existing
  // labels on every Update. No labels are configurable in this model, so nothing is merged; a
  // Lease's existing labels travel unchanged in the cached object.
}

void ClientGoElector::reset_run_state() {
  // A new LeaderElector: the spec 0 fields start empty. The tag counter is kept so that late
  // responses to calls of the previous Run can never match a new call.
  const uint32_t next_tag = next_tag_;
  const Cow<Settings> settings = settings_;  // the same values, still shared
  const LeaseId lease = lease_;
  CowSlot<LeaseCandidateLoop> candidate = std::move(candidate_);  // its goroutine outlives Run
  *this = ClientGoElector(settings->identity, lease, settings->config);
  settings_ = settings;
  next_tag_ = next_tag;
  candidate_ = std::move(candidate);
}

// ---------------------------------------------------------------------------------------------

// Flattened: the records, the cache and the hasher's steps inline into one body (a World
// fingerprint hashes the model again after each reaction), into a local copy of the hasher that
// the compiler keeps in registers (see Lease::hash_into).
template <class H>
[[gnu::flatten]] void ClientGoElector::hash_into(H& out, const HashFrame& f) const {
  H h = out;
  // The identity, the lease and the configuration are left out: they are the process's, fixed
  // by the scenario for every incarnation, and a World fingerprint hashes each model in its
  // process's place.
  // Every enum, flag and presence bit shares one word (a one-to-one packing), then the values.
  const uint64_t bits =
      static_cast<uint64_t>(phase_) | (static_cast<uint64_t>(step_) << 4) | (static_cast<uint64_t>(release_step_) << 8) |
      (static_cast<uint64_t>(user_cancelled_) << 12) | (static_cast<uint64_t>(acting_) << 13) |
      (static_cast<uint64_t>(led_) << 14) | (static_cast<uint64_t>(renew_failed_) << 15) |
      (static_cast<uint64_t>(in_round_) << 16) | (static_cast<uint64_t>(round_deadline_passed_) << 17) |
      (static_cast<uint64_t>(tick_scheduled_) << 18) | (static_cast<uint64_t>(tick_pending_) << 19) |
      (static_cast<uint64_t>(release_deadline_passed_) << 20) |
      (static_cast<uint64_t>(observed_raw_record_.has_value()) << 21) |
      (static_cast<uint64_t>(observed_time_.has_value()) << 22) |
      (static_cast<uint64_t>(lead_cancelled_at_.has_value()) << 23);
  h.u64(bits | (static_cast<uint64_t>(f.tag(inflight_tag_)) << 32));
  // Dead state (HashFrame::drop_dead): between attempts, a process that is not the leader reads
  // neither its cached Lease nor the times of its observed record before it writes them again:
  // its next attempt starts with a Get (spec 3 R1 needs IsLeader for the fast path) that
  // replaces the cache, and only the holder and leaseDurationSeconds of the observed record
  // are read (IsLeader, isLeaseValid, maybeReportTransition); a release reads the cache only
  // after its own Get, and only a leader releases. Likewise the attempt's values (D, the clock
  // readings) are written at every attempt start before they are read.
  const bool idle = step_ == Step::Idle && release_step_ == ReleaseStep::Idle;
  const bool dead_cache = f.drop_dead && !f.canonical && idle && !is_leader();
  if (dead_cache) {
    hash_name(h, observed_record_.holder_identity);
    h.i64(observed_record_.lease_duration_seconds);
  } else {
    observed_record_.hash_into(h, f);
  }
  if (observed_raw_record_) {
    // Canonical: the raw bytes are the observed record at whole seconds whenever they came from
    // it, and then what decides the future is that record (compared exactly, not by its
    // truncation phase; sound when distinct writes are a second apart, which the explorer
    // checks before it uses this frame: see explorer.h).
    // Otherwise (the leader's fast path keeps the raw record of its last Get while it renews)
    // what matters is what it can still equal: the server's current object, or nothing ever
    // again once its second is behind every clock and no Get is in flight (every later write
    // is at least a second later); only else is it hashed as it is.
    const ElectionRecord& raw = *observed_raw_record_;
    const auto* now_lease = static_cast<const Lease*>(f.lease_now);
    uint64_t kind = 0;
    if (f.canonical) {
      if (raw == raw_record_of(observed_record_)) kind = 1;
      else if (now_lease && raw == raw_record_of(record_from_spec(now_lease->spec))) kind = 2;
      else if (step_ != Step::Get && raw.renew_time && raw.renew_time->ns + seconds(1).ns <= f.min_wall) kind = 3;
    }
    h.u64(kind);
    if (kind == 0) raw.hash_into(h, f);
  }
  if (observed_time_) h.i64(f.at(*observed_time_));
  hash_name(h, reported_leader_);
  if (!dead_cache) lock_cache_.hash_into(h, f);
  if (lead_cancelled_at_) h.i64(f.at(*lead_cancelled_at_));
  // Canonical: the attempt's clock readings matter only during the attempt (attempt_wall_ is
  // never read again: D holds what was derived from it), the round's only during the round or
  // its pending tick, the release deadline only while releasing; stale values are left out.
  const bool drop = f.canonical || f.drop_dead;  // leave out values no future step reads
  if (!drop) h.i64(attempt_mono_.ns).i64(attempt_wall_.ns);
  else if (step_ != Step::Idle) h.i64(f.at(attempt_mono_));
  if (!(f.drop_dead && !f.canonical && idle)) desired_.hash_into(h, f);
  if (!drop || in_round_ || tick_scheduled_ || tick_pending_) h.i64(f.at(round_start_)).i64(tick_index_);
  if (!drop || phase_ == Phase::Releasing) h.i64(f.at(release_deadline_));
  if (!f.canonical) h.u64(next_tag_);
  if (candidate_) candidate_->hash_into(h, f);
  out = h;
}

// The hashers this file serves: Hasher for published values, StateHasher for fingerprints.
template void ElectionRecord::hash_into(Hasher&, const HashFrame&) const;
template void ElectionRecord::hash_into(StateHasher&, const HashFrame&) const;
template void LockCache::hash_into(Hasher&, const HashFrame&) const;
template void LockCache::hash_into(StateHasher&, const HashFrame&) const;
template void ClientGoElector::hash_into(Hasher&, const HashFrame&) const;
template void ClientGoElector::hash_into(StateHasher&, const HashFrame&) const;

}  // namespace leasesim
