// elects_preferred.h: electsPreferred, the coordinated-election property (docs/properties.md,
// docs/models/coordinated-election.md section 7).
//
// Contract:
// - Applies to every lease that some `client-go-elector` with `coordinated: true` targets.
// - The candidate set is the coordinated processes of that lease that run: each joins at its
//   start, leaves at a crash or stop fault, and joins again at a restart fault. A process that
//   exits on its own (KCM's "exit(1)" after losing the lease) is not seen leaving: the History
//   does not record it; such a process is the one that lost, so it is rarely the preferred one.
// - Once the set has not changed for one election round before the end of the run, the
//   process acting as leader of the lease at the end must be the candidate the strategy
//   prefers (OldestEmulationVersion: lowest emulationVersion, then binaryVersion, then the
//   earliest first start). One round is bounded by the longest candidate leaseDuration (a
//   preempted holder's lease must run out) + two 5 s election windows + the 5 s requeue +
//   the longest acquire gap (2.2 x retryPeriod) + 2 s of polling: cle_round_bound().
// - When the set changed less than one round before the end, the result holds and its detail
//   says it was not judged (an honest "not covered", never a silent pass).
#pragma once

#include <string>
#include <vector>

#include "properties/violation.h"
#include "sim/history.h"
#include "sim/scenario.h"

namespace leasesim {

// Leases some coordinated client-go elector targets, in LeaseId order.
std::vector<LeaseId> coordinated_leases(const Scenario& scenario);

Duration cle_round_bound(const Scenario& scenario, LeaseId lease);

// `detail` receives what was judged (the preferred candidate, or why nothing was judged).
std::vector<Violation> check_elects_preferred(const Scenario& scenario, const History& history, LeaseId lease,
                                              TrueInstant end, std::string* detail);

}  // namespace leasesim
