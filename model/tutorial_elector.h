// tutorial_elector.h: the naive read-compare-replace loop of popular "Kubernetes Leases"
// tutorials (Python client, read_namespaced_lease / replace_namespaced_lease).
//
// Contract: implements docs/models/tutorial-elector.md step by step:
// - every `loop_period` of local monotonic time, starting at process start (the sleep starts
//   after the iteration's call returns, as time.sleep after the body does): Get the Lease;
//   read the local *wall* clock; if holderIdentity is empty or now > renewTime, Replace with
//   holder = self and renewTime = now + leaseDurationSeconds (acquireTime and leaseTransitions
//   untouched), conditional on the resourceVersion just read;
// - the holder does not renew early: while its own deadline has not passed it takes the
//   "not the leader" branch (step 5);
// - errors (404, 409, timeout, 422, unavailable, a missing renewTime or leaseDurationSeconds
//   that Python would fail on) raise: with crash_on_error the process dies (Note Crashed), else
//   the iteration is logged and the loop goes on (step 6).
// - Acting leadership: from a successful replace until the start of the next iteration that
//   does not itself write successfully (StoppedLeading is backdated to that iteration's start).
// Assumes: the Lease exists (the tutorial applies it by hand); request_timeout 0 models the
// Python client's default of no timeout, so a black-holed request hangs the loop.
// Leaves out: logging, the tutorial's work itself.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/effects.h"
#include "model/lease.h"
#include "core/config_reader.h"
#include "core/hash.h"

namespace leasesim {

struct TutorialConfig {
  Duration loop_period = seconds(10);
  bool crash_on_error = true;
  Duration request_timeout{};  // 0 = none (the Python client's default)

  bool operator==(const TutorialConfig&) const = default;
};

// Returns an error message (and the config field it concerns) when the config is unusable.
struct ConfigError {
  std::string field;    // e.g. "loopPeriod"
  std::string message;  // e.g. "loopPeriod must be greater than zero"
};
// The first of a config's problems (what validate() returns where a reader lists them all).
inline std::optional<ConfigError> first_problem(std::vector<ConfigError> problems) {
  if (problems.empty()) return std::nullopt;
  return std::move(problems.front());
}
std::optional<ConfigError> validate(const TutorialConfig& config);

// Reads a `config:` mapping (keys loopPeriod, crashOnError, requestTimeout, quiesce) and
// validates it; std::nullopt when a problem was reported through the reader.
std::optional<TutorialConfig> read_tutorial_config(ConfigReader& reader, Duration* quiesce);

class TutorialElector {
 public:
  TutorialElector(std::string identity, LeaseId lease, TutorialConfig config);

  void on_start(const Now& now, Effects& out);
  void on_timer(TimerId timer, const Now& now, Effects& out);
  void on_response(const ApiResponse& response, const Now& now, Effects& out);
  void on_stop(const Now& now, Effects& out);

  // The process's own belief ("is now the leader"), which is also its acting leadership.
  bool is_leader() const { return leading_; }
  const std::string& identity() const { return identity_; }
  // Feeds every field to a Hasher or a StateHasher (instantiated for both in the .cc).
  template <class H>
  void hash_into(H& h, const HashFrame& frame = HashFrame{}) const;
  // Requests carry fixed tags (one Get and one Update per iteration), so there is no counter.
  uint64_t tag_origin() const { return 0; }
  // A lost lease ends leadership at the start of the current iteration.
  std::optional<LocalInstant> backdate_floor() const { return leading_ ? std::optional(iteration_start_) : std::nullopt; }
  bool operator==(const TutorialElector&) const = default;

 private:
  enum class Phase : uint8_t { Idle, Getting, Replacing, Stopped };
  static constexpr TimerId kLoopTimer = 1;
  static constexpr uint32_t kGetTag = 1;
  static constexpr uint32_t kReplaceTag = 2;

  void begin_iteration(const Now& now, Effects& out);
  void end_iteration(bool wrote, Effects& out);
  void fail(const std::string& why, Effects& out);

  std::string identity_;
  LeaseId lease_;
  TutorialConfig config_;
  Phase phase_ = Phase::Idle;
  bool leading_ = false;
  LocalInstant iteration_start_{};
};

}  // namespace leasesim
