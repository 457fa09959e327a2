// observation.h: one thing an input says about one Lease, whatever the input format was.
//
// Contract: every reader (audit/readers.h) turns its records into Observations; the auditor
// (audit/auditor.h) sees nothing else, so the analysis is the same for an audit log, a list
// snapshot, a watch stream and a leasesim trace. An Observation carries:
// - `at`: the best true-time axis the format offers. Audit events: the API server's
//   stageTimestamp (when the response was complete, close to the commit). Watch streams and
//   list snapshots carry no server time, so the object's own renewTime (else acquireTime)
//   stands in. leasesim traces: the run's true time, anchored at 2026-01-01T00:00:00Z (the
//   scenario default startTime; the trace does not record the startTime).
// - what happened: a write (create, update, patch, delete) with its outcome, or a read/snapshot
//   showing the stored state;
// - who: the audit user.username and the product of the userAgent (leasesim traces: the
//   process name as the agent, no user);
// - the Lease body when the format has it. A body is `partial` when it came from a merge
//   patch's request: absent fields keep their previous values.
// - `where`: the file index and line for the evidence of findings ("FILE:LINE").
// Leaves out: managedFields, ownerReferences and every field the properties do not read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/time.h"

namespace leasesim {

struct SourceRef {
  uint32_t file = 0;  // index into the auditor's file list
  uint64_t line = 0;  // 1-based line where the record starts
};

struct LeaseBody {
  bool partial = false;
  std::optional<std::string> holder;  // spec.holderIdentity
  std::optional<int64_t> duration_s;  // spec.leaseDurationSeconds
  std::optional<WallInstant> acquire;
  std::optional<WallInstant> renew;
  std::optional<int64_t> transitions;  // spec.leaseTransitions
  std::optional<std::string> strategy;
  std::optional<std::string> preferred_holder;
  std::string resource_version;  // metadata.resourceVersion ("" unknown)
  bool identity_label = false;   // label apiserver.kubernetes.io/identity
};

enum class ObsKind { Write, Read };

struct Observation {
  std::string ns;
  std::string name;
  WallInstant at;
  ObsKind kind = ObsKind::Read;
  std::string verb;  // create update patch delete get list watch (snapshots: list, watch)
  bool ok = true;    // writes: the API server accepted it (HTTP 2xx)
  int code = 0;      // HTTP status when known (0: none, e.g. a client-side timeout in a trace)
  std::string user;   // audit user.username ("" unknown)
  std::string agent;  // userAgent product ("kube-controller-manager"), or the trace's process
  std::optional<LeaseBody> body;  // stored (or attempted, for failed writes) state
  std::string precondition_rv;    // an update's requestObject metadata.resourceVersion
  bool complete = false;          // the source sees every committed write (leasesim traces)
  std::optional<Duration> server_latency;  // stageTimestamp - requestReceivedTimestamp
  SourceRef where;
};

}  // namespace leasesim
