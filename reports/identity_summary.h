// identity_summary.h: what a run says about API server identity leases.
//
// Contract: for a scenario with kube-apiserver processes, identity_json gives
//   {"apiservers": N instances, "identityLeases": [{lease, holder, renewTime}] for the ones
//    present at the end (what "how many API servers does my cluster think it has" reads),
//    "stale": [{proc, lease, downAt, lastRenewalAt, deletedAt, deletedBy, linger}],
//    "writes": committed writes to identity leases, "writesPerSecond": that over the run}
// and identity_text the same in a few lines; both are empty (null / "") without such
// processes. Times are seconds of true time.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "properties/run.h"

namespace leasesim {

nlohmann::ordered_json identity_json(const RunResult& run);
std::string identity_text(const RunResult& run);

}  // namespace leasesim
