// cle_election.h: one reconcile step of the coordinated-leader-election controller, as a pure
// function of the objects it reads and its own wall clock.
//
// Contract (docs/models/coordinated-election.md section 5; upstream
// pkg/controlplane/controller/leaderelection/leaderelection_controller.go, functions
// reconcileElectionStep, electionNeeded, listAdmissableCandidates, isLeaseExpired, and
// election.go pickBestLeaderOldestEmulationVersion):
// - Input: the target Lease as the controller last read it (nullopt: absent), every candidate
//   whose leaseName is that lease, and the controller's wall clock. No state is kept between
//   steps: upstream recomputes the election from the objects every time.
// - Output: the writes to make, in order (candidate pings, or one Lease create or update), and
//   when to look again (`requeue`; nullopt = only when an object changes).
// - Every comparison mixes clocks exactly as upstream does: the holder's renewTime plus
//   leaseDurationSeconds against the controller's clock; the candidates' renewTime against
//   the controller's pingTime and clock.
// Leaves out: strategies other than OldestEmulationVersion (a lease whose candidates name
//   another strategy is left alone), the v1alpha2 "newest binary decides the strategy" rule.
#pragma once

#include <optional>
#include <vector>

#include "core/time.h"
#include "model/lease.h"
#include "model/lease_candidate.h"

namespace leasesim {

// The controller's constants (leaderelection_controller.go).
inline constexpr Duration kCleRequeue = seconds(5);             // defaultRequeueInterval
inline constexpr Duration kCleElectionDuration = seconds(5);    // electionDuration (ack window)
inline constexpr int32_t kCleLeaseDurationSeconds = 5;          // defaultLeaseDurationSeconds
inline constexpr Duration kCandidateValidity = seconds(30 * 60);  // leaseCandidateValidDuration

struct CleStep {
  std::vector<LeaseCandidate> pings;   // Update each with pingTime = now
  std::optional<Lease> create;         // Create this Lease
  std::optional<Lease> update;         // Update to this Lease (resourceVersion precondition)
  std::optional<Duration> requeue;     // nullopt: noRequeue
  const char* why = "";                // a short reason, for tests and traces
};

// isLeaseExpired: renewTime or leaseDurationSeconds absent, or renewTime + duration before now.
bool cle_lease_expired(const Lease& lease, WallInstant now);
// isLeaseCandidateExpired: renewTime absent or renewTime + 30 min before now.
bool cle_candidate_expired(const LeaseCandidate& candidate, WallInstant now);
// pickBestLeaderOldestEmulationVersion over candidates with parsable versions; nullptr if none.
const LeaseCandidate* cle_pick_best(const std::vector<LeaseCandidate>& candidates);

CleStep cle_reconcile_step(LeaseId target, const std::optional<Lease>& lease, const std::vector<LeaseCandidate>& candidates,
                           WallInstant now);

}  // namespace leasesim
