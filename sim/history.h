// history.h: the append-only record of a run that properties and reports read.
//
// Contract: the World appends facts as they happen in true time and never rewrites them,
// except to close an open Leadership (its `end`). Properties (properties/) and reports
// (reports/) are pure functions of a History and the Scenario; nothing here judges anything.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/api.h"
#include "model/lease.h"
#include "sim/append_log.h"
#include "core/time.h"
#include "sim/scenario.h"

namespace leasesim {

// One acting-leader interval (docs/cli.md section 2).
struct Leadership {
  uint32_t proc = 0;
  LeaseId lease = 0;
  TrueInstant start;
  std::optional<TrueInstant> end;  // nullopt: still acting when the run ended
  std::string end_cause;           // "renewFailed", "released", "crash", "stopped", "notRenewed", ...
  uint64_t start_rv = 0;           // the Lease's resourceVersion when leadership started
  bool operator==(const Leadership&) const = default;
};

// One committed write to a Lease.
struct LeaseWrite {
  TrueInstant t;
  LeaseId lease = 0;
  uint32_t proc = 0;
  Verb verb = Verb::Update;
  uint64_t rv = 0;
  std::optional<LeaseSpec> before;  // nullopt: the object did not exist
  std::optional<LeaseSpec> after;   // nullopt: deleted
  bool late = false;                // the client had already given up on this request
  bool operator==(const LeaseWrite&) const = default;
};

// One committed write of a kubelet to its own node Lease (kube-node-lease), kept small: a
// cluster of 65,000 kubelets commits some 23 million of them an hour, and a LeaseWrite (both
// specs) is about 250 bytes. Node leases are heartbeats, not elections: no Lease property judges
// them (node detection reads when each renewal committed, reports when the Lease was created),
// so the spec before the write is not kept (only whether the holder changed) and of the spec
// after only what a heartbeat writes (holderIdentity, renewTime, leaseDurationSeconds; a
// kubelet never writes acquireTime or leaseTransitions). Any other writer of a node Lease is recorded as a LeaseWrite.
// 48 bytes: renewTime's presence and the flags are bits of one byte (an optional and four bools
// made it 56, and the hour's list is most of its memory; docs/nodes.md, phase 11).
struct NodeLeaseWrite {
  TrueInstant t;
  uint64_t rv = 0;
  WallInstant renew_time_value;            // of the spec after the write, when has_renew_time
  Name holder;                             // holderIdentity after the write ("" = absent or "")
  LeaseId lease = 0;
  uint32_t proc = 0;
  int32_t lease_duration_seconds = 0;      // after the write (0 = absent)
  Verb verb = Verb::Update;
  bool has_renew_time : 1 = false;
  bool deleted : 1 = false;                // the write removed the Lease (no spec after)
  bool late : 1 = false;                   // the client had already given up on this request
  // The Lease existed with another holderIdentity and now names a non-empty one (what
  // leaseTransitions would count; seed records sum these over all Leases).
  bool holder_changed : 1 = false;

  std::optional<WallInstant> renew_time() const { return has_renew_time ? std::optional(renew_time_value) : std::nullopt; }
  void set_renew_time(std::optional<WallInstant> t) {
    has_renew_time = t.has_value();
    renew_time_value = t.value_or(WallInstant{});
  }
  bool operator==(const NodeLeaseWrite&) const = default;
};
static_assert(sizeof(NodeLeaseWrite) == 48, "see the comment above");

// A committed write of a Node (model/node.h): who wrote it and the object before and after.
struct NodeWrite {
  TrueInstant t;
  NodeId node = 0;
  uint32_t proc = 0;
  Verb verb = Verb::Update;
  std::optional<Node> before;  // nullopt: created by this write
  Node after;
  bool late = false;           // the client had already given up on this request
  bool operator==(const NodeWrite&) const = default;
};

// A committed write of the pods bound to a node (sim/node_store.h): MarkPodsNotReady (Update)
// or a taint-based eviction (Delete), with the number of pods it changed.
struct PodWrite {
  TrueInstant t;
  NodeId node = 0;
  uint32_t proc = 0;
  Verb verb = Verb::Delete;
  int64_t pods = 0;
  bool operator==(const PodWrite&) const = default;
};

// A fault starting or ending, with what it hit.
struct FaultRecord {
  TrueInstant t;
  uint32_t index = 0;      // into Scenario::faults, then the faults `check` injected, in order
  FaultSpec spec;          // the fault itself (`at` = when it started)
  bool is_end = false;
  std::optional<uint32_t> target;  // the process it hit (after resolving `leader`)
  std::vector<std::pair<LeaseId, uint32_t>> acting_leaders_hit;  // (lease, proc) acting when it struck
  std::string skipped;     // non-empty when it had no effect, with the reason
  bool operator==(const FaultRecord&) const = default;
};

// A process that died or exited on its own: its model crashed (an uncaught error, exit(1) after
// losing the lease), not a crash or stop fault of the scenario. Reports warn about these, since
// a run can pass its properties while replicas die.
struct ProcessExit {
  TrueInstant t;
  uint32_t proc = 0;
  std::string cause;  // the model's words, e.g. "409 Conflict on replace", "exit(1)"
  bool operator==(const ProcessExit&) const = default;
};

// Each list reads like a const std::vector and shares its elements with copies of the History
// (sim/append_log.h), so a World copy that appends one fact copies a few elements at most.
struct History {
  AppendLog<Leadership> leaderships;
  AppendLog<LeaseWrite> writes;              // every committed Lease write but the next list's
  AppendLog<NodeLeaseWrite> node_lease_writes;  // kubelets' writes to their own node Leases
  AppendLog<FaultRecord> faults;
  AppendLog<ProcessExit> exits;
  AppendLog<NodeWrite> node_writes;
  AppendLog<PodWrite> pod_writes;
  bool operator==(const History&) const = default;
};

}  // namespace leasesim
