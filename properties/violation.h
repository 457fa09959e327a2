// violation.h: what a property check reports.
//
// Contract: a PropertyResult is the verdict of one named property on one lease, with every
// violation it found, each carrying the true-time instant it began (and ended, for intervals),
// the processes involved and a one-line explanation that names the events behind it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/lease.h"
#include "core/time.h"

namespace leasesim {

struct Violation {
  TrueInstant at;
  std::optional<TrueInstant> until;
  std::vector<uint32_t> procs;
  std::string message;
  bool operator==(const Violation&) const = default;
};

struct PropertyResult {
  std::string name;  // "singleLeader", "failoverWithin", "transitionsMatch", "eventuallyLeader"
  LeaseId lease = 0;
  bool holds = true;
  std::vector<Violation> violations;
  std::string detail;  // e.g. the bound that was applied
  // What the property covers when it is not one lease: "kube-node-lease" for the node
  // properties, which judge every node's Lease at once. Empty: the lease `lease`.
  std::string scope;
  bool operator==(const PropertyResult&) const = default;
};

// The lease key, or the scope of a property that covers more than one lease.
inline const std::string& property_scope(const std::vector<std::string>& lease_keys, const PropertyResult& r) {
  return r.scope.empty() ? lease_keys[r.lease] : r.scope;
}

}  // namespace leasesim
