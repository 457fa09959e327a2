// audit_scenario.h: `leasesim audit --scenario-out`: the observed configuration as a scenario.
//
// Contract (docs/audit.md "From audit to scenario"): from one lease's governance record, a
// leasesim/v1alpha1 Scenario in YAML that `run`, `campaign` and `check` accept:
// - spec.duration: the observed span rounded up to whole seconds, kept within [1m, 1h];
// - leaseDuration: the observed leaseDurationSeconds (15s when never seen);
// - retryPeriod: the median observed renew interval (client-go renews every retryPeriod), in
//   whole milliseconds; renewDeadline: two thirds of leaseDuration as client-go's defaults
//   (15s/10s/2s) have it, raised above retryPeriod x 1.2 when needed, so client-go's own
//   validation passes; every adjustment is stated in a comment of the file;
// - processes: one client-go-elector per identity observed in any body (at least one);
// - apiServer.latency: the observed server-side latency (stageTimestamp minus
//   requestReceivedTimestamp) from its minimum to its p99, when the input had it; one-way network
//   delay is not in audit logs, so this is a lower bound;
// - one crash of the acting leader at a third of the duration, with failoverWithin: auto,
//   singleLeader and transitionsMatch, so the run exercises a failover with the observed timing.
// The record's use is stated; a lease that is not a leader election still gets client-go
// candidates (the only elector with these parameters), and the file says so.
// Leaves out: clock offsets and rates (not observable from the API server), faults seen in the
// input (the audit cannot tell a crash from a partition).
#pragma once

#include <string>

#include "audit/audit_result.h"

namespace leasesim {

std::string scenario_from_record(const LeaseRecord& record, const std::string& source_files);

}  // namespace leasesim
