// cle_election.cc: see cle_election.h ("section N" cites docs/models/coordinated-election.md).
#include "model/cle_election.h"

namespace leasesim {

bool cle_lease_expired(const Lease& lease, WallInstant now) {
  const LeaseSpec& s = lease.spec;
  if (!s.renew_time || !s.lease_duration_seconds) return true;
  return *s.renew_time + seconds(*s.lease_duration_seconds) < now;
}

bool cle_candidate_expired(const LeaseCandidate& c, WallInstant now) {
  return !c.renew_time || *c.renew_time + kCandidateValidity < now;
}

const LeaseCandidate* cle_pick_best(const std::vector<LeaseCandidate>& candidates) {
  const LeaseCandidate* best = nullptr;
  for (const LeaseCandidate& c : candidates) {
    if (!valid_for_oldest_emulation(c)) continue;  // validLeaseCandidateForOldestEmulationVersion
    if (!best || compare_oldest_emulation(c, *best) < 0) best = &c;
  }
  return best;
}

namespace {

// electionNeeded (section 5, step 2).
bool election_needed(const std::optional<Lease>& lease, const std::vector<LeaseCandidate>& candidates, WallInstant now) {
  if (!lease) return true;
  if (cle_lease_expired(*lease, now) || holder_or_empty(lease->spec).empty()) return true;
  for (const LeaseCandidate& c : candidates)
    if (c.renew_time && *c.renew_time + kCandidateValidity / 2 < now) return true;  // keep live candidates from GC
  const LeaseCandidate* best = cle_pick_best(candidates);
  return best && best->name != holder_or_empty(lease->spec);
}

bool all_oldest_emulation(const std::vector<LeaseCandidate>& candidates) {
  // pickBestStrategy: every candidate here names OldestEmulationVersion, or no election.
  for (const LeaseCandidate& c : candidates)
    if (c.strategy != kOldestEmulationVersion) return false;
  return !candidates.empty();
}

}  // namespace

CleStep cle_reconcile_step(LeaseId target, const std::optional<Lease>& lease, const std::vector<LeaseCandidate>& all,
                           WallInstant now) {
  CleStep step;
  // Step 1: admissible candidates (listAdmissableCandidates).
  std::vector<LeaseCandidate> candidates;
  for (const LeaseCandidate& c : all)
    if (c.lease == target && !cle_candidate_expired(c, now)) candidates.push_back(c);
  if (candidates.empty()) {
    step.why = "no admissible candidates";
    return step;
  }
  if (!all_oldest_emulation(candidates)) {
    step.why = "strategy not handled";
    step.requeue = kCleRequeue;
    return step;
  }
  // Step 2.
  if (!election_needed(lease, candidates, now)) {
    step.why = "holder is the preferred candidate";
    step.requeue = kCleRequeue;
    return step;
  }
  // Step 3: the ping round.
  bool can_vote = true;
  for (const LeaseCandidate& c : candidates) {
    const bool unacked = c.ping_time && (!c.renew_time || *c.renew_time < *c.ping_time);
    if (c.ping_time && *c.ping_time + kCleElectionDuration > now && unacked) {
      can_vote = false;  // still waiting for this candidate's answer
      continue;
    }
    if (c.renew_time && *c.renew_time + kCleElectionDuration > now) continue;  // fresh enough
    // Ping when never pinged, or when the last ping is old *and was acked*: an unanswered old
    // ping is never repeated (section 6.2).
    if (!c.ping_time || (*c.ping_time + kCleElectionDuration < now && c.renew_time && *c.ping_time < *c.renew_time)) {
      LeaseCandidate pinged = c;
      pinged.ping_time = now;
      step.pings.push_back(pinged);
      can_vote = false;
    }
  }
  if (!can_vote) {
    step.why = step.pings.empty() ? "waiting for acks" : "pinging candidates";
    step.requeue = kCleRequeue;
    return step;
  }
  for (const LeaseCandidate& c : candidates) {
    if (!c.ping_time) continue;
    if (c.renew_time && *c.ping_time < *c.renew_time) continue;  // acked
    if (*c.ping_time + kCleElectionDuration > now) {
      step.why = "waiting for an unexpired ping";
      return step;  // noRequeue
    }
  }
  // Step 4: the acked set.
  std::vector<LeaseCandidate> acked;
  for (const LeaseCandidate& c : candidates)
    if (c.renew_time && *c.renew_time + kCleElectionDuration > now) acked.push_back(c);
  const LeaseCandidate* electee = cle_pick_best(acked);
  if (!electee) {
    step.why = "no available candidates";
    return step;  // an error upstream: noRequeue
  }
  // Step 6: create, direct takeover, or graceful preemption.
  step.requeue = kCleRequeue;
  if (!lease) {
    Lease created;
    created.id = target;
    created.spec.holder_identity = electee->name;
    created.spec.strategy = Name(kOldestEmulationVersion);
    created.spec.lease_duration_seconds = kCleLeaseDurationSeconds;
    created.spec.renew_time = now;
    step.create = created;
    step.why = "create for the electee";
    return step;
  }
  Lease next = *lease;
  const Name holder = holder_or_empty(lease->spec);
  const bool strategy_changed = !lease->spec.strategy || *lease->spec.strategy != kOldestEmulationVersion;
  if (strategy_changed) next.spec.strategy = Name(kOldestEmulationVersion);
  if (holder.empty() || (cle_lease_expired(*lease, now) && holder != electee->name)) {
    next.spec.preferred_holder.reset();
    next.spec.holder_identity = electee->name;
    next.spec.renew_time = now;
    next.spec.lease_duration_seconds = kCleLeaseDurationSeconds;
    next.spec.acquire_time.reset();
    step.why = "direct takeover for the electee";
  } else if (holder != electee->name) {
    next.spec.preferred_holder = electee->name;
    step.why = "preferredHolder set: graceful preemption";
  } else {
    step.why = "electee already holds";
  }
  if (!(next == *lease)) step.update = next;
  return step;
}

}  // namespace leasesim
