// node_summary.h: the node parts of a run's summary (docs/nodes.md "Outputs").
//
// Contract: for a scenario with nodes (model: kubelet), adds to the JSON summary
//   nodes:          [{name, zone, ready, readyChanges: [{at, status, by}], taints: [{key,
//                   effect, at, until}], podsEvicted, podsMarkedNotReady}] in NodeId order;
//                   `ready` is the final Ready status ("True", "False", "Unknown", or null
//                   when the Node was never posted); `by` names the process whose write
//                   changed it; `until` is null for a taint still there at the end;
//   evictions:      the pods deleted by taint-based eviction in the whole run;
//   nodeDetections: [{node, cause, faultAt, lastRenewalAt, unknownAt, detection}], as
//                   properties/node_detection.h defines them (detection = unknownAt - faultAt);
// and the same facts to the text summary. Adds nothing for a scenario without nodes, so other
// summaries are unchanged.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

#include "properties/run.h"

namespace leasesim {

void add_node_summary(const RunResult& run, nlohmann::ordered_json& out);
void node_summary_text(const RunResult& run, std::ostream& o);

}  // namespace leasesim
