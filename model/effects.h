// effects.h: the only way a model acts on the world.
//
// Contract (docs/architecture.md "A model is a pure reaction"):
// - A model is called with the current local clock readings (Now) and an input (start, timer,
//   API response, stop) and appends Effects. It never reads a clock, a PRNG, a file or a global.
// - Now carries both readings a real process can take: `mono` (monotonic: rate applies, offset
//   and wall-clock jumps do not; what Go uses for durations and client-go uses for expiry) and
//   `wall` (offset, rate and jumps; what ends up in renewTime and what naive code compares).
// - SetTimer asks for a callback after a delay in *local* time, drawn by the world uniformly
//   from [delay_min, delay_max] (a jitter range becomes a choice the world resolves). Setting a
//   timer id that is already pending replaces it.
// - Call sends an API request; CancelCall abandons an in-flight call (the client stops waiting,
//   the request may still commit on the server; the model gets a Timeout response for it).
// - Note reports leadership and lifecycle facts that properties and traces need:
//     StartedLeading / StoppedLeading  the acting-leader interval (docs/cli.md section 2);
//                    StoppedLeading may be backdated to an earlier local instant (`since`) when
//                    the model's own rule says leadership ended earlier than it learns it.
//     ObservedLeader the model's local view of who holds the lease changed (OnNewLeader).
//     Exited         the process finished a graceful stop and exits.
//     Crashed        the process dies on its own (an uncaught exception, exit(1) on lost lease).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "model/api.h"
#include "core/time.h"

namespace leasesim {

struct Now {
  LocalInstant mono;
  WallInstant wall;
};

using TimerId = uint32_t;

struct SetTimer {
  TimerId id = 0;
  Duration delay_min{};
  Duration delay_max{};
};
struct CancelTimer {
  TimerId id = 0;
};
struct Call {
  ApiRequest request;
};
struct CancelCall {
  uint32_t tag = 0;
};

enum class NoteKind : uint8_t { StartedLeading, StoppedLeading, ObservedLeader, Exited, Crashed };

struct Note {
  NoteKind kind = NoteKind::StartedLeading;
  LeaseId lease = 0;
  std::string detail;                  // cause for Stopped/Crashed, identity for ObservedLeader
  std::optional<LocalInstant> since;   // StoppedLeading only: leadership ended at this local instant
};

using Effect = std::variant<SetTimer, CancelTimer, Call, CancelCall, Note>;

// An ordered list of effects; the world applies them in order. Reused between calls to avoid
// allocation on the hot path.
class Effects {
 public:
  void set_timer(TimerId id, Duration delay) { list_.emplace_back(SetTimer{id, delay, delay}); }
  void set_timer(TimerId id, Duration delay_min, Duration delay_max) {
    list_.emplace_back(SetTimer{id, delay_min, delay_max});
  }
  void cancel_timer(TimerId id) { list_.emplace_back(CancelTimer{id}); }
  void call(ApiRequest request) { list_.emplace_back(Call{std::move(request)}); }
  // The same, with the request filled in by the caller where it is stored (a request is about
  // half a kilobyte: a hot caller saves building one and moving it here).
  ApiRequest& start_call() { return std::get<Call>(list_.emplace_back(std::in_place_type<Call>)).request; }
  void cancel_call(uint32_t tag) { list_.emplace_back(CancelCall{tag}); }
  void note(NoteKind kind, LeaseId lease, std::string detail = {}, std::optional<LocalInstant> since = {}) {
    list_.emplace_back(Note{kind, lease, std::move(detail), since});
  }

  const std::vector<Effect>& list() const { return list_; }
  std::vector<Effect>& list() { return list_; }
  void clear() { list_.clear(); }
  bool empty() const { return list_.empty(); }

 private:
  std::vector<Effect> list_;
};

}  // namespace leasesim
