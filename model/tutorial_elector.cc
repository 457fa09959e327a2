// tutorial_elector.cc: docs/models/tutorial-elector.md, step by step (see the header).
#include "model/tutorial_elector.h"

#include "core/check.h"

namespace leasesim {

std::optional<ConfigError> validate(const TutorialConfig& config) {
  if (config.loop_period.ns <= 0) return ConfigError{"loopPeriod", "loopPeriod must be greater than zero"};
  if (config.request_timeout.ns < 0) return ConfigError{"requestTimeout", "requestTimeout must not be negative"};
  return std::nullopt;
}

std::optional<TutorialConfig> read_tutorial_config(ConfigReader& reader, Duration* quiesce) {
  TutorialConfig config;
  if (auto d = reader.duration("loopPeriod")) config.loop_period = *d;
  if (auto b = reader.boolean("crashOnError")) config.crash_on_error = *b;
  if (auto d = reader.duration("requestTimeout")) config.request_timeout = *d;
  if (auto d = reader.duration("quiesce")) *quiesce = *d;
  // Validation runs only on a config that read cleanly, so its message is about values the
  // user wrote, not about defaults that stood in for unreadable fields.
  if (reader.failed()) return std::nullopt;
  if (const auto problem = validate(config)) {
    reader.error(problem->field, problem->message);
    return std::nullopt;
  }
  return config;
}

TutorialElector::TutorialElector(std::string identity, LeaseId lease, TutorialConfig config)
    : identity_(std::move(identity)), lease_(lease), config_(config) {}

void TutorialElector::on_start(const Now& now, Effects& out) {
  // spec step 1: the loop body runs at process start, then sleeps loopPeriod.
  begin_iteration(now, out);
}

void TutorialElector::on_timer(TimerId timer, const Now& now, Effects& out) {
  LS_CHECK(timer == kLoopTimer, "tutorial elector has one timer");
  if (phase_ != Phase::Idle) return;
  begin_iteration(now, out);
}

void TutorialElector::begin_iteration(const Now& now, Effects& out) {
  // spec step 2: Get the Lease.
  iteration_start_ = now.mono;
  phase_ = Phase::Getting;
  ApiRequest get;
  get.tag = kGetTag;
  get.verb = Verb::Get;
  get.lease = lease_;
  get.timeout = config_.request_timeout;
  out.call(std::move(get));
}

void TutorialElector::on_response(const ApiResponse& response, const Now& now, Effects& out) {
  if (phase_ == Phase::Getting && response.tag == kGetTag) {
    // spec step 2/6: a 404 or any other error raises.
    if (response.result != ApiResult::Ok) {
      fail(std::string("read_namespaced_lease raised: ") + result_name(response.result), out);
      return;
    }
    LS_CHECK(response.object.has_value(), "a successful get returns the object");
    const Lease& lease = *response.object;
    // spec step 3: the local wall clock, read after the Get returned.
    const WallInstant wall_now = now.wall;
    const std::string holder = holder_or_empty(lease.spec);
    bool take = holder.empty();
    if (!take) {
      // spec step 4: `now > renewTime`, where renewTime is treated as an expiry deadline.
      // Python raises a TypeError comparing with None: modelled as an error (step 6).
      if (!lease.spec.renew_time) {
        fail("TypeError: renewTime is None", out);
        return;
      }
      take = wall_now > *lease.spec.renew_time;
    }
    if (!take) {
      // spec step 5: "is not the leader", also for the holder whose deadline has not passed.
      end_iteration(false, out);
      return;
    }
    if (!lease.spec.lease_duration_seconds) {
      fail("TypeError: leaseDurationSeconds is None", out);
      return;
    }
    // spec step 4: replace the object just read (it carries its resourceVersion).
    Lease body = lease;
    body.spec.holder_identity = identity_;
    body.spec.renew_time = wall_now + seconds(*lease.spec.lease_duration_seconds);
    ApiRequest replace;
    replace.tag = kReplaceTag;
    replace.verb = Verb::Update;
    replace.lease = lease_;
    replace.body = std::move(body);
    replace.timeout = config_.request_timeout;
    phase_ = Phase::Replacing;
    out.call(std::move(replace));
    return;
  }
  if (phase_ == Phase::Replacing && response.tag == kReplaceTag) {
    if (response.result != ApiResult::Ok) {
      // spec step 6: a 409 (or any error) raises.
      fail(std::string("replace_namespaced_lease raised: ") + result_name(response.result), out);
      return;
    }
    end_iteration(true, out);
  }
}

void TutorialElector::end_iteration(bool wrote, Effects& out) {
  if (wrote && !leading_) {
    leading_ = true;
    out.note(NoteKind::StartedLeading, lease_, "is now the leader");
  } else if (!wrote && leading_) {
    // Acting leadership ends at the start of the first iteration that does not write.
    leading_ = false;
    out.note(NoteKind::StoppedLeading, lease_, "not renewed", iteration_start_);
  }
  phase_ = Phase::Idle;
  out.set_timer(kLoopTimer, config_.loop_period);
}

void TutorialElector::fail(const std::string& why, Effects& out) {
  if (config_.crash_on_error) {
    if (leading_) out.note(NoteKind::StoppedLeading, lease_, "exception", iteration_start_);
    leading_ = false;
    phase_ = Phase::Stopped;
    out.note(NoteKind::Crashed, lease_, why);
    return;
  }
  // The common patch: catch, log, and continue with the next iteration.
  end_iteration(false, out);
}

void TutorialElector::on_stop(const Now& /*now*/, Effects& out) {
  // A graceful stop ends the loop at once; the tutorial has no release step.
  if (leading_) out.note(NoteKind::StoppedLeading, lease_, "stopped");
  leading_ = false;
  phase_ = Phase::Stopped;
  out.cancel_timer(kLoopTimer);
  out.note(NoteKind::Exited, lease_);
}

template <class H>
void TutorialElector::hash_into(H& h, const HashFrame& frame) const {
  h.bytes(identity_).u64(lease_).u64(static_cast<uint64_t>(phase_)).boolean(leading_).i64(frame.at(iteration_start_));
}

// The hashers this file serves: Hasher for published values, StateHasher for fingerprints.
template void TutorialElector::hash_into(Hasher&, const HashFrame&) const;
template void TutorialElector::hash_into(StateHasher&, const HashFrame&) const;

}  // namespace leasesim
