// critical_points.h: the values of a latency or timer draw at which the model's decisions can
// change (`leasesim check`'s `critical` range point).
//
// Contract (docs/check-verdicts.md "Critical points"):
// - A draw places one instant: a timer's firing or a message's arrival. The model's decisions
//   change only where that instant changes order with another one it is compared against.
//   For a draw made for process p at true time `now`, those instants ("landmarks") are:
//   * every pending event that can change what p sees next: a request reaching the API server
//     (a commit or a read, of any process), a fault starting or ending, a fault point, a
//     process starting, and every event of p itself (its timers, responses and timeouts);
//   * p's lease expiry as client-go judges it: observedTime + the observed record's
//     leaseDurationSeconds on p's monotonic clock (client-go `isLeaseValid`, in
//     k8s.io/client-go/tools/leaderelection/leaderelection.go);
//   * every whole second of p's wall clock: client-go writes renewTime from the wall clock and
//     compares records with their times truncated to whole seconds (`LeaseSpecToLeaderElectionRecord`
//     in tools/leaderelection/resourcelock/leaselock.go converts the MicroTimes to metav1.Time,
//     whose JSON form has whole seconds), so a renewal written in the same second as the one
//     before is invisible to the candidates.
// - For each landmark T inside the draw's range, the value that puts the drawn instant exactly
//   at T: the first instant at which T has passed (an expiry "now >= observedTime + LD", a new
//   whole second), and for a pending event a tie, whose two orders the explorer's tie choice
//   both walks. Together with the range's min these are one value per stretch of the range
//   over which the drawn instant's order against every landmark is the same.
// - Values are in the draw's own unit: true nanoseconds for a latency, nanoseconds of p's
//   local clock for a timer (converted exactly with p's clock rate).
// Leaves out: landmarks that do not exist yet when the draw is made (a write that a later step
//   will send): an ordering that depends on them is reached only if some later draw lands on
//   them. Orders of sums of several draws are therefore covered only where each draw's own
//   landmarks produce them; docs/check-verdicts.md says what "verified" still does not cover.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/chooser.h"
#include "sim/world.h"

namespace leasesim {

// Appends to `out` the critical values of a draw over [lo, hi] made for process `proc` of `w`
// at w.now() (unsorted, possibly repeated, each strictly inside (lo, hi)).
void critical_values(const World& w, uint32_t proc, ChoiceKind kind, int64_t lo, int64_t hi,
                     std::vector<int64_t>& out);

}  // namespace leasesim
