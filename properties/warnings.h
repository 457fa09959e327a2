// warnings.h: what a passing run must not hide.
//
// Contract: run_warnings lists, in order of time (ties in the order of the kinds below), the facts of one run that
// its properties do not judge but a reader of "PASS" needs to know:
//   processExited  a process died or exited on its own (its model crashed: an uncaught 409 or
//                  404, exit(1) after losing the lease), not through a crash or stop fault;
//   faultSkipped   a fault of the scenario had no effect, with the reason ("no acting leader");
//   leaseNeverLed  an elected lease that no process led at any instant of the run;
//   requestPending a live process still waited for a request at the end, and either the request
//                  never reached the server and the client has no timeout (it waits forever),
//                  or it has been waiting longer than a round trip at the slowest latency the
//                  scenario allows (so it is not merely in flight at the horizon);
//   eventLimit     the run stopped at the event bound before its horizon;
//   failoverUnjudged  `failoverWithin: auto` could not judge a failover episode, because no
//                  analytic bound applies to it (properties/episode_bound.h says why);
//   replayDiverged the scenario carries a recorded replay (a counterexample written by `check`)
//                  and the run could not follow it to its end: an entry did not fit the choice
//                  the run asked for (the file was edited after it was written), or entries were
//                  left unused. The run is then not the counterexample the file claims to be.
// The verdict stays property-based; reports print "PASS with warnings" when this list is not
// empty. Pure function of the run; nothing here prints.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "properties/run.h"

namespace leasesim {

struct RunWarning {
  std::string kind;  // processExited, faultSkipped, leaseNeverLed, requestPending, eventLimit, failoverUnjudged, replayDiverged
  TrueInstant at;
  std::optional<uint32_t> process;
  std::string message;
  bool operator==(const RunWarning&) const = default;
};

std::vector<RunWarning> run_warnings(const RunResult& run);

}  // namespace leasesim
