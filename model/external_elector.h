// external_elector.h: the interface between the World and an elector that runs outside
// leasesim, in its own program under virtual time (docs/models/client-go-real.md).
//
// Contract:
// - An ExternalSession is one incarnation of the program. Each call returns what the program did
//   (ExternalReply::events, in the order it did them) and the local monotonic instant its
//   virtual clock stands at afterwards. Event instants are never earlier than the session's
//   previous instant and never later than the reply's.
//   advance(target): let the program's clock run to `target`, or to the first instant at which
//                    it does something, whichever is earlier.
//   respond(id, r):  hand it the answer to its request `id`, at its current instant.
//   stop():          cancel its main context (a graceful stop), at its current instant.
//   Destroying the session kills the program (a crash, or the end of the run).
// - An ExternalElectorFactory starts sessions. It is injected into the scenario by the command
//   line (the model layer starts no programs), and a failure to start or talk to the program is
//   thrown as std::runtime_error: it is an environment problem, not a verdict.
// Leaves out: clock offsets, rates and jumps (a synctest bubble has one clock that starts at its
// own epoch), and pauses (a bubble cannot be held while its World time runs).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/api.h"
#include "model/client_go_config.h"
#include "model/effects.h"
#include "core/time.h"

namespace leasesim {

struct ExternalEvent {
  enum class Kind : uint8_t { Request, GiveUp, Note };
  Kind kind = Kind::Request;
  LocalInstant at;
  uint32_t id = 0;              // Request, GiveUp: the program's request number (1, 2, ...)
  Verb verb = Verb::Get;        // Request
  std::optional<Lease> body;    // Request: Create, Update
  NoteKind note = NoteKind::StartedLeading;  // Note
  std::string detail;           // Note: the holder (ObservedLeader) or the cause (Exited, Crashed)
};

struct ExternalReply {
  std::vector<ExternalEvent> events;
  LocalInstant at;
};

class ExternalSession {
 public:
  virtual ~ExternalSession() = default;
  virtual ExternalReply advance(LocalInstant target) = 0;
  virtual ExternalReply respond(uint32_t id, const ApiResponse& response) = 0;
  virtual ExternalReply stop() = 0;
};

// What a session is started with.
struct ExternalStart {
  std::string identity;
  LeaseId lease = 0;
  uint64_t seed = 0;          // seeds the program's math/rand (the library's jitter)
  Now now;                    // the process's clocks at its start
  ClientGoConfig timings;
  std::string helper;         // the program to run ("" = the built-in client-go-real helper)
};

class ExternalElectorFactory {
 public:
  virtual ~ExternalElectorFactory() = default;
  // The session and the reply with what the program did at its start instant.
  virtual std::pair<std::unique_ptr<ExternalSession>, ExternalReply> start(const ExternalStart& start) const = 0;
};

}  // namespace leasesim
