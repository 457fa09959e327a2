// seed_record.h: the small, mergeable record of one seed of a campaign (one results.jsonl line).
//
// Contract: a SeedRecord keeps what reports need from a RunResult and nothing that depends on
// how the run was scheduled (no wall clock, thread or shard): the same (scenario, seed) gives
// the same record, and seed_record_json gives the same bytes, on any machine and any --jobs.
// Times are integer nanoseconds of true time (percentiles are computed on these integers, so
// they are exact and deterministic). parse_seed_record reads back exactly what
// seed_record_json writes; a malformed line is an error value naming the field.
// Capped on purpose, so a pathological seed keeps its line small: each property keeps its
// violation count and its first kMaxRecordedViolations violations.
// Definitions (documented in docs/campaigns-and-reports.md):
// - leaderless: per elected lease, the true time from the first instant some process acted as
//   its leader to the end of the run during which none did, summed over leases (the start-up
//   election is not a leaderless period: nobody had led yet);
// - holderChanges: committed writes that change an existing Lease's holderIdentity to a
//   non-empty value different from the previous one (what leaseTransitions should count);
// - api: requests by verb and result as the clients saw them (World::api_count); writes are
//   create, update and delete requests of any result: what the control plane pays for;
// - nodes.evictions (node scenarios): the committed eviction writes (taint-based eviction's pod
//   deletions, one per node, sim/node_store.h), the pods they deleted, when the first write
//   that deleted a pod committed, and that instant minus the start of the run's first fault
//   (the first fault that struck: not an end, not skipped), null without such a fault or
//   eviction. The difference is negative if pods were evicted before any fault.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "properties/run.h"

namespace leasesim {

inline constexpr size_t kMaxRecordedViolations = 3;

struct RecordedViolation {
  int64_t at_ns = 0;
  std::optional<int64_t> until_ns;
  std::vector<std::string> processes;
  std::string message;
  bool operator==(const RecordedViolation&) const = default;
};

struct RecordedProperty {
  std::string name;
  std::string lease;
  bool holds = true;
  uint64_t violation_count = 0;
  std::vector<RecordedViolation> violations;  // the first kMaxRecordedViolations
  bool operator==(const RecordedProperty&) const = default;
};

struct RecordedFailover {
  std::string lease;
  std::string from;
  std::string to;  // "" = no new leader by the end of the run
  std::string cause;
  int64_t fault_at_ns = 0;
  std::optional<int64_t> new_leader_at_ns;
  std::optional<int64_t> fault_to_leader_ns;
  std::optional<int64_t> leaderless_gap_ns;
  bool operator==(const RecordedFailover&) const = default;
};

// An API server that went down for good and its identity lease (properties/identity.h).
struct RecordedStaleIdentity {
  std::string proc;
  std::string lease;
  int64_t down_at_ns = 0;
  int64_t last_renewal_ns = 0;
  std::optional<int64_t> deleted_at_ns;  // nullopt: still present at the end of the run
  bool operator==(const RecordedStaleIdentity&) const = default;
};

// A node detection episode (properties/node_detection.h): a kubelet fault and when its Node was
// set Ready=Unknown (nullopt: not by the end of the run).
struct RecordedNodeDetection {
  std::string node;
  std::string cause;
  int64_t fault_at_ns = 0;
  std::optional<int64_t> fault_end_ns;  // nullopt: no end (crash, stop, or a window to the end)
  std::optional<int64_t> unknown_at_ns;
  bool operator==(const RecordedNodeDetection&) const = default;
};

// The taint-based evictions of one run (node scenarios).
struct RecordedEvictions {
  uint64_t writes = 0;  // committed eviction writes
  uint64_t pods = 0;    // pods they deleted
  std::optional<int64_t> first_at_ns;           // the first write that deleted a pod
  std::optional<int64_t> first_after_fault_ns;  // first_at_ns minus the first fault's start
  bool operator==(const RecordedEvictions&) const = default;
};

struct ApiCount {
  std::string verb;
  std::string result;
  uint64_t count = 0;
  bool operator==(const ApiCount&) const = default;
};

struct SeedRecord {
  uint32_t point = 0;  // sweep point index (0 without a sweep)
  uint64_t seed = 0;
  std::string scenario_hash;  // of the point's scenario (scenario_hash())
  std::string trace_hash;
  bool passed = true;
  std::vector<std::string> violated;
  std::vector<RecordedProperty> properties;
  std::vector<RecordedFailover> failovers;
  int64_t leaderless_ns = 0;
  uint64_t holder_changes = 0;
  uint64_t leaderships = 0;
  std::vector<ApiCount> api;  // verb order get, list, create, update, delete; result order fixed
  uint64_t committed_writes = 0;
  int64_t simulated_ns = 0;
  uint64_t events = 0;
  std::string stopped_by;
  // API server identity (only for scenarios with kube-apiserver processes; the line's
  // "identity" field is absent otherwise): stale instances and committed identity lease writes.
  bool identity = false;
  std::vector<RecordedStaleIdentity> stale_identities;
  uint64_t identity_writes = 0;
  // Nodes (only for scenarios with kubelets; the line's "nodes" field is absent otherwise).
  bool nodes = false;
  std::vector<RecordedNodeDetection> node_detections;
  // Present for every node scenario from this build on; absent in lines written before seed
  // records carried evictions (such lines still read, and the report counts what it has).
  std::optional<RecordedEvictions> evictions;
  bool operator==(const SeedRecord&) const = default;

  uint64_t api_requests(bool writes_only) const;
};

// 16 hex digits over the canonical scenario text (the caller passes scenario_to_yaml of the
// scenario, which leaves out the source path), so two shards of one campaign agree on it.
std::string scenario_hash(const std::string& canonical_text);

// The parts of one finished run that a record and a report's timeline are made of. A simulated
// run (RunResult) and a live one (`leasesim serve`, which has no World: live/serve.h) both give
// them, so both are recorded and reported by the same code. The pointers must outlive the use.
struct RunFacts {
  std::shared_ptr<const Scenario> scenario;
  const History* history = nullptr;
  const Evaluation* evaluation = nullptr;
  TrueInstant end;             // the end of the run (t = 0 is its start)
  uint64_t seed = 0;           // for a live run: the seed that drew latencies and uids only
  std::string trace_hash;      // 16 hex digits
  std::vector<ApiCount> api;   // in SeedRecord::api's order
  uint64_t events = 0;
  std::string stopped_by;
};

RunFacts run_facts(const RunResult& run);

SeedRecord seed_record(const RunFacts& facts, uint32_t point, const std::string& scenario_hash);
SeedRecord seed_record(const RunResult& run, uint32_t point, const std::string& scenario_hash);

nlohmann::ordered_json seed_record_json(const SeedRecord& record);
// The record as one line of JSON (no trailing newline).
std::string seed_record_line(const SeedRecord& record);

// Reads what seed_record_json writes; nullopt with *error set otherwise.
std::optional<SeedRecord> parse_seed_record(const nlohmann::ordered_json& line, std::string* error);

}  // namespace leasesim
