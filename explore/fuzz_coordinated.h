// fuzz_coordinated.h: the `coordinated` family of `leasesim fuzz` (coordinated leader
// election, docs/models/coordinated-election.md section 8, docs/fuzz.md).
//
// Contract:
// - generate_coordinated: 1-2 kube-apiservers with coordinatedLeaderElection (each runs the
//   election controller; one leads kube-system/leader-election-controller) and 2-3 coordinated
//   client-go candidates of kube-system/kube-controller-manager with distinct emulation versions
//   (1.31-1.34, binaryVersion equal or one minor newer), starting within 30 s as in an upgrade.
//   Candidates use client-go's 15s/10s/2s, or in one case in four random timings with
//   leaseDuration >= retryPeriod + renewDeadline + 3s; they run Run again after a loss (so the
//   candidate set is what the scenario says). Clocks: exact, offsets within 300ms, offsets
//   within 10s, or rates within 100ppm with offsets within 2s. 0-3 faults (crash with or
//   without restart, stop, partition, pause, clockJump of up to 30 s, apiServerOutage) of
//   named processes, each over by 75 s before the end, so that one election round fits after
//   them. Judged: singleLeader and electsPreferred always, transitionsMatch in one case in
//   eight.
// - permit_coordinated: the permits of a scenario with an election controller or coordinated
//   candidates (each with a one-line reason):
//     cle-handover-uncounted  transitionsMatch: the controller moves holderIdentity without
//                             counting a transition (upstream reconcileElectionStep);
//     cle-clock-ahead         singleLeader: a controller's wall clock may run ahead of a
//                             candidate's by at least that candidate's leaseDuration -
//                             (retryPeriod + renewDeadline) less two maximum latencies: judged
//                             by absolute renewTime + leaseDurationSeconds, a lease the holder
//                             still acts on looks expired and is handed over (section 6.1);
//     cle-ack-clock-skew      electsPreferred: a controller's and a candidate's wall clocks may
//                             differ by two minimum latencies or more, so an ack (candidate
//                             renewTime after controller pingTime, within 5 s) can be missed or
//                             a dead candidate look fresh (section 6.2);
//     cle-no-controller       electsPreferred: no election controller runs at the end;
//     cle-stale-preferred-holder  electsPreferred: a candidate crashes or stops; had the
//                             controller named it preferredHolder, the holder stops renewing
//                             and nobody is elected in its place (section 9, finding 3);
//     pause                   electsPreferred as well as singleLeader.
//   and, for the controllers' own lock, the client-go permits of each pair of instances
//   (fuzz_parts.h permit_client_go_pair). Skews are bounded over the whole run: offset
//   difference, plus the rate difference times the run's length, plus every clockJump of
//   either process.
#pragma once

#include <cstdint>
#include <memory>

#include "core/rng.h"
#include "explore/fuzz_parts.h"
#include "sim/scenario.h"

namespace leasesim {

// Whether `s` has an election controller (kube-apiserver with coordinatedLeaderElection, or
// cle-controller) or a coordinated client-go candidate.
bool coordinated_scenario(const Scenario& s);

std::shared_ptr<Scenario> generate_coordinated(Rng& r, uint64_t index);

// Adds the coordinated permits (see the contract); `latency_max` includes apiServerSlow windows.
void permit_coordinated(const Scenario& s, Duration latency_max, const fuzz_parts::PermitFn& permit);

}  // namespace leasesim
