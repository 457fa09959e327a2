// node_report.h: the node heartbeat part of a campaign report (NodeReport in report.h).
//
// Contract: node_report is nullopt for a scenario without kubelets; otherwise it sums the
// point's seed records (SeedRecord::node_detections): detection episodes (a kubelet fault until
// its Node is Ready=Unknown, properties/node_detection.h), by cause; the ones not detected by
// the end of their run; detection times as nearest-rank percentiles, a 1-2-5 histogram and a
// CDF, exactly as for failovers; the nodeNotReadyWithin bound (for `auto`, the analytic one of
// node_detection_bound, docs/nodes.md) and how many detections came later. Episodes whose fault
// window ended before the bound are listed too (the kubelet heartbeats again; the property does
// not judge them). The worst seed for nodes (an undetected episode first, then the longest
// detection; ties to the smaller seed) is run again, and its node summary (reports/
// node_summary.h) gives the timeline: per node, its Ready status spans and, when the summary
// lists `taints`, its taint spans; nodes that ever left Ready or carried a taint first, at most
// kMaxTimelineRows. The three renderers give the same facts as JSON (times in seconds),
// Markdown and HTML (inline SVG with the bound drawn in, no script, every name escaped).
// Evictions (SeedRecord::evictions): how many seeds evicted pods, the eviction writes and pods
// summed, the pods evicted per seed and the time from the run's first fault to its first
// eviction as nearest-rank percentiles. Records written before seed records carried evictions
// have none and are not counted there (eviction_seeds says over how many seeds the figures are).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "reports/report.h"

namespace leasesim {

std::optional<NodeReport> node_report(const std::shared_ptr<const Scenario>& scenario,
                                      const std::vector<SeedRecord>& records, const std::string& scenario_file,
                                      const RunResult* prerun);
// The timeline rows of one run, from its node summary's `nodes` list (readyChanges, taints).
std::vector<NodeTimelineRow> node_timeline(const nlohmann::ordered_json& nodes, int64_t end_ns, uint64_t* hidden);
nlohmann::ordered_json node_report_json(const NodeReport& r);
void node_report_markdown(std::ostream& o, const NodeReport& r);
void node_report_html(std::ostream& o, const NodeReport& r);

}  // namespace leasesim
