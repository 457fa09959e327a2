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
  bool operator==(const PropertyResult&) const = default;
};

}  // namespace leasesim
