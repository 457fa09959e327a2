// audit_result.h: what `leasesim audit` found: a governance record per Lease and findings.
//
// Contract (docs/audit.md): plain data, filled by the Auditor (audit/auditor.h) and rendered by
// reports/audit_report.h. Leases are sorted by namespace/name; findings by lease, time, kind;
// every list is bounded (kMaxHolderSpans, kMaxFindingsPerKind, kMaxEvidence), with counts of
// what was left out, so an input of any size gives a result of bounded size.
// All times are integer nanoseconds (WallInstant: since the Unix epoch, UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/observation.h"
#include "audit/readers.h"
#include "core/time.h"

namespace leasesim {

enum class LeaseUse { NodeHeartbeat, LeaderElection, ApiServerIdentity, Other };
const char* lease_use_name(LeaseUse use);  // "nodeHeartbeat", "leaderElection", ...

enum class FindingKind {
  StuckLeader,
  StaleRenewal,
  TransitionSpike,
  TransitionsMismatch,
  OverlappingHolders,
  MultipleWriters,
  HighWriteRate,
};
inline constexpr int kFindingKinds = 7;
const char* finding_kind_name(FindingKind kind);  // "stuckLeader", ...

inline constexpr size_t kMaxHolderSpans = 200;
inline constexpr size_t kMaxFindingsPerKind = 20;
inline constexpr size_t kMaxEvidence = 8;
inline constexpr size_t kMaxCandidates = 100;

// Thresholds, each a command-line flag (docs/audit.md "Findings" gives the defaults' reasons).
struct AuditThresholds {
  int64_t stale_percent = 80;            // --stale-percent: renewal gap >= this % of the duration
  int64_t stuck_percent = 100;           // --stuck-percent: no renewal for > this % of the duration
  uint64_t spike_per_hour = 10;          // --spike-per-hour: more holder changes in a rolling hour
  uint64_t max_writes_per_minute = 120;  // --max-writes-per-minute: more writes in 60 s
};

struct HolderSpan {
  std::string holder;
  WallInstant from;  // first write (or observation) naming this holder
  WallInstant to;    // its last renewal seen
  uint64_t renewals = 0;
  bool open = false;  // still the holder at the end of the input
};

struct WriterRecord {
  std::string user;   // audit user.username ("" unknown, e.g. leasesim traces)
  std::string agent;  // userAgent product, or the trace's process
  uint64_t ok = 0;
  uint64_t failed = 0;
  WallInstant first;
  WallInstant last;
  SourceRef first_ref;
};

struct IntervalStats {
  uint64_t count = 0;
  int64_t p50_ns = 0, p99_ns = 0, max_ns = 0, min_ns = 0;
};

struct LeaseRecord {
  std::string ns;
  std::string name;
  LeaseUse use = LeaseUse::Other;
  std::string holder;  // at the end of the input ("" none)
  bool deleted = false;
  std::vector<HolderSpan> holders;
  uint64_t hidden_holder_spans = 0;
  std::vector<WriterRecord> writers;  // by (user, agent)
  std::vector<std::string> candidates;  // identities seen in any body, sorted (at most kMaxCandidates)
  std::optional<int64_t> duration_s;    // leaseDurationSeconds, last seen
  bool duration_changed = false;
  std::optional<IntervalStats> renew_interval;   // gaps between renewals of one holder
  std::optional<IntervalStats> server_latency;   // audit stageTimestamp - requestReceivedTimestamp
  std::optional<WallInstant> acquire_time;       // last seen
  std::optional<WallInstant> renew_time;         // last seen
  std::optional<int64_t> transitions_first;      // leaseTransitions, first and last seen
  std::optional<int64_t> transitions_last;
  uint64_t counted_transitions = 0;  // holder changes seen (to a non-empty, different identity)
  uint64_t writes = 0;               // accepted writes
  uint64_t failed_writes = 0;        // rejected attempts (409 ...), counted as attempts
  uint64_t reads = 0;
  uint64_t observations = 0;
  uint64_t late = 0;  // arrived out of time order beyond the reorder window
  WallInstant first_seen;
  WallInstant last_seen;
  uint64_t peak_writes_per_minute = 0;
  bool bodies = false;  // some observation carried a Lease body (else: who and when only)

  std::string key() const { return ns + "/" + name; }
  // Recorded transitions: how far leaseTransitions moved while observed.
  std::optional<int64_t> recorded_transitions() const {
    if (!transitions_first || !transitions_last) return std::nullopt;
    return *transitions_last - *transitions_first;
  }
};

struct Evidence {
  SourceRef where;
  std::string what;
};

struct Finding {
  FindingKind kind = FindingKind::StuckLeader;
  std::string lease;  // ns/name
  WallInstant at;
  std::optional<WallInstant> until;
  std::string message;
  std::vector<Evidence> evidence;
};

struct SuppressedFindings {
  std::string lease;
  FindingKind kind;
  uint64_t count = 0;
};

struct AuditResult {
  std::vector<std::string> files;
  std::vector<InputStats> inputs;
  AuditThresholds thresholds;
  std::string lease_filter;  // "" all
  std::vector<LeaseRecord> leases;
  std::vector<Finding> findings;
  std::vector<SuppressedFindings> suppressed;  // past kMaxFindingsPerKind
  uint64_t observations = 0;
  std::optional<WallInstant> start;
  std::optional<WallInstant> end;

  uint64_t records() const;
  uint64_t malformed() const;
  uint64_t findings_total() const;  // including suppressed
  std::string where(SourceRef ref) const { return files.at(ref.file) + ":" + std::to_string(ref.line); }
};

}  // namespace leasesim
