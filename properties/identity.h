// identity.h: the API server identity properties and the facts reports need about identity
// leases (docs/models/kube-apiserver.md "Properties").
//
// Contract:
// - Identity leases are the leases of `model: kube-apiserver` processes. A holder string
//   belongs to the process whose committed write first set it (every start has its own UUID).
// - A process is down from a crash or stop fault that struck it (not skipped) until a restart
//   that struck it; leasesim's kube-apiserver never crashes on its own.
// - noLiveIdentityDeleted: no committed delete of an identity lease removes a holder whose
//   process is up at that instant and whose last committed write to that lease (a renewal)
//   lies less than the lease's leaseDurationSeconds of true time before the delete. The
//   violation names the deleting and the deleted process and how fresh the lease was.
// - Stale episodes: for each kube-apiserver that is down at the end of the run for good (its
//   last lifecycle fault is a crash or stop), its last committed write to its lease is the
//   last renewal; if any other process wrote that lease later (a sibling under the same
//   hostname), the lease is not stale and there is no episode. The episode ends at the first
//   committed delete of the lease after the last renewal, if any.
// - staleIdentityCollectedWithin D: each stale episode's deletion comes at most D after its
//   last renewal. An episode with no deletion is a violation when the run lasted past
//   renewal + D, and otherwise undecided (counted in the result's detail, never a pass in
//   disguise). `auto`: identity_collection_bound().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "properties/violation.h"
#include "sim/history.h"
#include "sim/scenario.h"

namespace leasesim {

// The identity leases of a scenario, in LeaseId order.
std::vector<LeaseId> identity_leases(const Scenario& scenario);

std::vector<Violation> check_no_live_identity_deleted(const Scenario& scenario, const History& history, LeaseId lease);
// The verdict on one write (history.writes[index]): a violation when it is a delete of a live
// identity lease; check_no_live_identity_deleted applies it to every delete of the lease.
std::optional<Violation> identity_delete_violation(const Scenario& scenario, const History& history, size_t index);

struct StaleIdentity {
  uint32_t proc = 0;
  LeaseId lease = 0;
  TrueInstant down_at;                     // the crash or stop that ended it for good
  TrueInstant last_renewal;                // its last committed write to the lease
  std::optional<TrueInstant> deleted_at;   // the first committed delete after that
  std::optional<uint32_t> deleted_by;
  // deleted_at - last_renewal, when deleted.
  std::optional<Duration> linger() const {
    return deleted_at ? std::optional<Duration>(*deleted_at - last_renewal) : std::nullopt;
  }
  bool operator==(const StaleIdentity&) const = default;
};

std::vector<StaleIdentity> stale_identities(const Scenario& scenario, const History& history);

// The analytic bound on renewal-to-deletion (docs/models/kube-apiserver.md "The bound"):
// leaseDurationSeconds + the largest collector period + twice the longest collector pass
// (LIST, then a GET and a DELETE per identity lease, each a round trip at the scenario's
// maximum latency) + how far the owner's wall clock may run ahead of a collector's (clock
// offsets; rates must be 1.0). nullopt when no process collects or a clock rate differs from
// 1.0 (then a wall clock drifts without bound and no fixed bound holds).
std::optional<Duration> identity_collection_bound(const Scenario& scenario, LeaseId lease);

struct StaleCheck {
  std::vector<Violation> violations;
  uint32_t collected = 0;
  uint32_t undecided = 0;  // not deleted yet, and the run ended before renewal + bound
};
StaleCheck check_stale_identity_collected_within(const Scenario& scenario, const std::vector<StaleIdentity>& episodes,
                                                 LeaseId lease, Duration bound, TrueInstant end);

}  // namespace leasesim
