// lease_table.h: the final Leases of a run as `kubectl get lease -A` prints them.
//
// Contract: columns NAMESPACE, NAME, HOLDER, AGE, left-aligned and separated the way kubectl's
// tabwriter pads them (each column as wide as its widest cell plus three spaces; the last
// column unpadded). Rows in namespace/name order; a Lease deleted by the end of the run is not
// listed. HOLDER is holderIdentity ("" when absent). AGE is the time since the Lease was last
// created (a Lease present at t=0 counts from t=0, as leasesim knows no earlier creation), in
// kubectl's human form (k8s.io/apimachinery/pkg/util/duration, HumanDuration: "45s",
// "5m33s", "42m", "2h5m", "3d4h", ...).
#pragma once

#include <string>

#include "core/time.h"
#include "properties/run.h"

namespace leasesim {

// kubectl's HumanDuration of a non-negative duration.
std::string kubectl_age(Duration d);

// The table, one line per Lease, with a header; "No resources found" when there is none.
std::string lease_table(const RunResult& run);

}  // namespace leasesim
