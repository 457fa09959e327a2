// auditor.h: the governance record and the findings, computed while the inputs stream by.
//
// Contract (docs/audit.md "Findings"):
// - add() takes Observations in input order; a reorder buffer of kReorderWindow observations
//   hands them on in time order (ties: input order), so logs that interleave slightly (several
//   API servers, buffered writers) are judged in time order. An observation older than one
//   already judged for its lease is judged at that lease's latest time and counted as `late`.
// - Per lease, the auditor keeps only its current state, the open episodes, bounded lists and
//   integer histograms of millisecond intervals (renew gaps, server latencies): memory grows
//   with the number of leases and distinct interval values, never with the number of records.
// - The properties are those of the simulated runs, applied to what was observed:
//   * transitionsMismatch mirrors transitionsMatch (properties/transitions_match.cc): between
//     two consecutive stored states, leaseTransitions never decreases and must move when the
//     holder changes to a different non-empty identity. When the two states are known to be
//     consecutive writes (a leasesim trace, or an update whose resourceVersion precondition is
//     the previous stored resourceVersion), it must move by exactly one, and only then.
//   * overlappingHolders: a new holder's first write comes less than the previous holder's
//     leaseDurationSeconds after that holder's last renewal (server time), without a release
//     (holderIdentity cleared) in between: both may have acted as leader.
//   * staleRenewal: a gap between two renewals of the same holder of at least stale_percent of
//     leaseDurationSeconds (but not beyond stuck_percent).
//   * stuckLeader: the holder did not renew for longer than stuck_percent of leaseDurationSeconds
//     and nobody took over: either it renewed again afterwards, or the input ended (its latest
//     record of any kind, InputStats::last_time) with it still named holder.
//   * transitionSpike: more than spike_per_hour holder changes within any rolling hour.
//   * multipleWriters: accepted writes (not deletes) by more than one audit user, or by more
//     than one userAgent product: two deployments writing one lease name.
//   * highWriteRate: more than max_writes_per_minute write attempts within 60 one-second buckets.
// - finish() is deterministic: leases by namespace/name, findings by (lease, time, kind, text).
// Leaves out: reading files (audit/readers.h) and rendering (reports/audit_report.h).
#pragma once

#include <map>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "audit/audit_result.h"

namespace leasesim {

inline constexpr size_t kReorderWindow = 4096;

struct LeaseTrack;  // per-lease state (auditor.cc)

class Auditor {
 public:
  explicit Auditor(AuditThresholds thresholds);
  ~Auditor();
  Auditor(const Auditor&) = delete;
  Auditor& operator=(const Auditor&) = delete;

  void add(Observation&& o);
  // Drains the buffer, closes open episodes, classifies the leases. Call once.
  AuditResult finish(std::vector<std::string> files, std::vector<InputStats> inputs);

  uint64_t observations() const { return seq_; }
  size_t tracked_leases() const { return leases_.size(); }

 private:
  struct Pending {
    WallInstant at;
    uint64_t seq;
    std::shared_ptr<Observation> o;
    bool operator>(const Pending& other) const {
      return at != other.at ? at > other.at : seq > other.seq;
    }
  };
  void judge(Observation& o);

  AuditThresholds thresholds_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<Pending>> pending_;
  uint64_t seq_ = 0;
  std::map<std::string, std::unique_ptr<LeaseTrack>> leases_;
  std::optional<WallInstant> start_, end_;
};

}  // namespace leasesim
