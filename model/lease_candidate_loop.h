// lease_candidate_loop.h: client-go's LeaseCandidate publisher (tools/leaderelection/
// leasecandidate.go: NewCandidate, processNextWorkItem, ensureLease, enqueueLease), as a pure
// reaction a coordinated client-go elector embeds.
//
// Contract (docs/models/coordinated-election.md section 3):
// - On start the candidate syncs at once: with nothing cached it GETs its object, CREATEs it
//   when absent (renewTime = its wall clock now); otherwise it PUTs the cached object with
//   renewTime = now (resourceVersion precondition, as the informer's copy carries one). A
//   successful sync requeues after 5 minutes; a failed one retries after 1 second.
// - The informer's update handler is modelled by polling: every second the loop GETs its own
//   object; when pingTime is after renewTime it syncs immediately (the "ack"). A candidate
//   whose clock lags the controller's keeps seeing pingTime after its own renewTime and so
//   keeps renewing, every poll (docs section 6.2).
// - Timers 6 and 7 and request tags with bit 31 set are the loop's; the embedding elector
//   forwards them (its own timers are 1-5 and its tags stay below bit 31).
// Simplifications: the watch becomes a 1 s poll (an event reaches the candidate within a
//   second plus a round trip, instead of one response latency); the workqueue's exponential
//   rate limiter (5 ms doubling) becomes a fixed 1 s retry.
#pragma once

#include <cstdint>
#include <optional>

#include "core/hash.h"
#include "core/name.h"
#include "model/effects.h"
#include "model/lease_candidate.h"

namespace leasesim {

class LeaseCandidateLoop {
 public:
  static constexpr TimerId kSyncTimer = 6;
  static constexpr TimerId kWatchTimer = 7;
  static constexpr uint32_t kTagBit = 0x80000000u;
  static constexpr Duration kRenewInterval = seconds(300);  // leasecandidate.go requeue
  static constexpr Duration kRetry = seconds(1);
  static constexpr Duration kWatchPoll = seconds(1);

  LeaseCandidateLoop() = default;
  LeaseCandidateLoop(Name name, LeaseId lease, Name binary_version, Name emulation_version, Duration request_timeout);

  static bool owns_timer(TimerId id) { return id == kSyncTimer || id == kWatchTimer; }
  static bool owns_tag(uint32_t tag) { return (tag & kTagBit) != 0; }

  void on_start(const Now& now, Effects& out);
  void on_timer(TimerId id, const Now& now, Effects& out);
  void on_response(const ApiResponse& response, const Now& now, Effects& out);

  const std::optional<LeaseCandidate>& cached() const { return cached_; }
  bool operator==(const LeaseCandidateLoop&) const = default;
  template <class H>
  void hash_into(H& h, const HashFrame& frame) const;

 private:
  enum class Step : uint8_t { Idle, Get, Create, Update, Watch };
  void sync(const Now& now, Effects& out);
  void issue(Step step, Verb verb, std::optional<LeaseCandidate> body, Effects& out);
  LeaseCandidate fresh(const Now& now) const;

  Name name_;
  LeaseId lease_ = 0;
  Name binary_version_;
  Name emulation_version_;
  Duration request_timeout_{};
  std::optional<LeaseCandidate> cached_;  // the informer's copy of our object
  Step step_ = Step::Idle;
  bool sync_pending_ = false;  // a sync was asked for while a call was in flight
  uint32_t inflight_tag_ = 0;
  uint32_t next_tag_ = kTagBit | 1;
};

}  // namespace leasesim
