// pod_evictions.h: the property maxPodEvictions (docs/nodes.md "Properties").
//
// Contract: at most `max` pods are deleted by taint-based eviction in the whole run (the pod
// writes of History, sim/node_store.h). One violation, at the eviction that went past the
// limit, naming the node and the process that evicted. Reads only the history, so it judges
// whatever the node lifecycle controller did, including after a failover.
#pragma once

#include <cstdint>
#include <vector>

#include "properties/violation.h"
#include "sim/history.h"
#include "sim/scenario.h"

namespace leasesim {

std::vector<Violation> check_max_pod_evictions(const Scenario& scenario, const History& history, int64_t max);

}  // namespace leasesim
