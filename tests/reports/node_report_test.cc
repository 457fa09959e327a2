// Tests of the node part of campaign reports (reports/node_report.h) and of the node detections
// in seed records: a dead kubelet's detections summed over seeds with percentiles inside the
// analytic bound (and the twin: a bound too tight counts every detection over it), the worst
// seed's Ready timeline, taints taken from a summary that lists them, and the records' JSON
// round trip; evictions in the seed records and their figures in the report (with the twin: a
// run too short to evict records zero), malformed eviction fields, and lines from before seed
// records carried evictions.
#include <gtest/gtest.h>

#include <sstream>

#include "properties/run.h"
#include "reports/node_report.h"
#include "reports/seed_record.h"

namespace leasesim {
namespace {

std::shared_ptr<Scenario> crash_scenario() {
  auto s = std::make_shared<Scenario>();
  s->name = "node-crash";
  s->duration = minutes(4);
  ProcessSpec kcm;
  kcm.name = kcm.identity = "kcm";
  NodeLifecycleConfig c;
  apply_client_go_preset("kube-controller-manager", &c.elector);
  kcm.model = c;
  kcm.lease = s->lease_id("kube-system/kube-controller-manager");
  s->processes.push_back(kcm);
  for (int i = 0; i < 2; ++i) {
    ProcessSpec p;
    p.name = p.identity = "node-" + std::to_string(i);
    KubeletConfig k;
    k.node = static_cast<NodeId>(i);
    p.model = k;
    p.lease = s->lease_id("kube-node-lease/" + p.name);
    s->node_names.push_back(p.name);
    s->node_pods.push_back(k.pods);  // as the loader does: the API server binds the kubelet's pods
    s->processes.push_back(p);
  }
  FaultSpec f;
  f.at = seconds(90);
  f.target = FaultTarget{FaultTarget::Kind::Process, 2};
  s->faults.push_back(f);
  s->properties.node_not_ready_within_auto = true;
  return s;
}

std::vector<SeedRecord> records_of(const std::shared_ptr<const Scenario>& s, int seeds) {
  std::vector<SeedRecord> out;
  for (int seed = 1; seed <= seeds; ++seed) out.push_back(seed_record(run_scenario(s, seed), 0, "h"));
  return out;
}

TEST(NodeReport, DetectionsInsideTheAnalyticBound) {
  auto s = crash_scenario();
  const auto records = records_of(s, 6);
  for (const SeedRecord& r : records) {
    ASSERT_TRUE(r.nodes);
    ASSERT_EQ(r.node_detections.size(), 1u);
    EXPECT_EQ(r.node_detections[0].node, "node-1");
    // Round trip through the results.jsonl line.
    std::string error;
    const auto back = parse_seed_record(nlohmann::ordered_json::parse(seed_record_line(r)), &error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(*back, r);
  }
  const auto report = node_report(s, records, "crash.yaml", nullptr);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->episodes, 6u);
  EXPECT_EQ(report->undetected, 0u);
  ASSERT_TRUE(report->detection);
  ASSERT_TRUE(report->bound_ns && report->bound_auto);
  EXPECT_LE(report->detection->max, *report->bound_ns);
  // With defaults a dead kubelet is Unknown 40-66 s after the fault (docs/nodes.md).
  EXPECT_GE(report->detection->min, seconds(40).ns);
  EXPECT_EQ(report->over_bound, 0u);
  EXPECT_EQ(report->causes.at("crash"), 6u);
  ASSERT_TRUE(report->worst_seed);
  EXPECT_EQ(report->worst_reproduce, "leasesim run crash.yaml --seed " + std::to_string(*report->worst_seed));
  ASSERT_FALSE(report->timeline.empty());
  EXPECT_EQ(report->timeline[0].node, "node-1");  // the node that left Ready comes first
  bool unknown = false;
  for (const NodeTimelineSpan& sp : report->timeline[0].spans) unknown |= sp.what == "Unknown";
  EXPECT_TRUE(unknown);
  const auto json = node_report_json(*report);
  EXPECT_EQ(json["faultToUnknown"]["count"], 6);
  EXPECT_EQ(json["nodeNotReadyWithin"]["source"], "analytic");
  std::ostringstream html, md;
  node_report_html(html, *report);
  node_report_markdown(md, *report);
  EXPECT_NE(html.str().find("bound "), std::string::npos);
  EXPECT_NE(md.str().find("| fault to Unknown | 6 |"), std::string::npos) << md.str();
}

// The twin: a bound shorter than any detection counts every one over it.
TEST(NodeReport, TightBoundCountsDetectionsOverIt) {
  auto s = crash_scenario();
  s->properties.node_not_ready_within_auto = false;
  s->properties.node_not_ready_within = seconds(10);
  const auto report = node_report(s, records_of(s, 3), "", nullptr);
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->bound_auto);
  EXPECT_EQ(report->over_bound, 3u);
}

TEST(NodeReport, TimelineTakesTaintsWhenListed) {
  const auto nodes = nlohmann::ordered_json::parse(R"([
    {"name": "a", "zone": "z", "ready": "True", "readyChanges": [{"at": 1.0, "status": "True", "by": "a"}], "taints": []},
    {"name": "b", "zone": "z", "ready": "Unknown",
     "readyChanges": [{"at": 1.0, "status": "True", "by": "b"}, {"at": 100.0, "status": "Unknown", "by": "kcm"}],
     "taints": [{"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "at": 100.5, "until": null}]},
    {"name": "c", "zone": "z", "ready": "True", "readyChanges": [{"at": 2.0, "status": "True", "by": "c"}]}
  ])");
  uint64_t hidden = 0;
  const auto rows = node_timeline(nodes, seconds(200).ns, &hidden);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].node, "b");
  ASSERT_EQ(rows[0].spans.size(), 3u);
  EXPECT_EQ(rows[0].spans[1].what, "Unknown");
  EXPECT_EQ(rows[0].spans[1].end_ns, seconds(200).ns);
  EXPECT_TRUE(rows[0].spans[2].taint);
  EXPECT_EQ(rows[0].spans[2].what, "node.kubernetes.io/unreachable:NoExecute");
  EXPECT_EQ(rows[0].spans[2].start_ns, milliseconds(100500).ns);
  EXPECT_EQ(hidden, 0u);
}

// The dead node is tainted about 5 s after it is declared (about 140 s) and its 10 pods go 300 s
// later: an 8-minute run evicts them, the 4-minute one does not.
TEST(NodeReport, EvictionsAreRecordedPerSeedAndSummed) {
  auto s = crash_scenario();
  s->duration = minutes(8);
  const auto records = records_of(s, 3);
  for (const SeedRecord& r : records) {
    ASSERT_TRUE(r.evictions);
    EXPECT_EQ(r.evictions->pods, 10u);
    EXPECT_GE(r.evictions->writes, 1u);
    ASSERT_TRUE(r.evictions->first_at_ns && r.evictions->first_after_fault_ns);
    EXPECT_EQ(*r.evictions->first_after_fault_ns, *r.evictions->first_at_ns - seconds(90).ns);
    // Declared 40-66 s after the fault, tainted within a pass or two, evicted 300 s later.
    EXPECT_GE(*r.evictions->first_after_fault_ns, seconds(340).ns);
    EXPECT_LE(*r.evictions->first_after_fault_ns, seconds(380).ns);
    std::string error;
    const auto back = parse_seed_record(nlohmann::ordered_json::parse(seed_record_line(r)), &error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(*back, r);
  }
  const auto report = node_report(s, records, "", nullptr);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->eviction_seeds, 3u);
  EXPECT_EQ(report->evicting_seeds, 3u);
  EXPECT_EQ(report->pods_evicted, 30u);
  ASSERT_TRUE(report->pods_per_seed);
  EXPECT_EQ(report->pods_per_seed->p50, 10);
  ASSERT_TRUE(report->fault_to_first_eviction);
  EXPECT_EQ(report->fault_to_first_eviction->count, 3u);
  const auto json = node_report_json(*report);
  EXPECT_EQ(json["evictions"]["pods"], 30);
  EXPECT_EQ(json["evictions"]["podsPerSeed"]["max"], 10);
  std::ostringstream md, html;
  node_report_markdown(md, *report);
  node_report_html(html, *report);
  EXPECT_NE(md.str().find("Evictions: 3 of 3 seeds evicted pods"), std::string::npos) << md.str();
  EXPECT_NE(md.str().find("| pods evicted per seed | 3 | 10 | 10 | 10 | 10 | 10 |"), std::string::npos) << md.str();
  EXPECT_NE(md.str().find("| first fault to first eviction | 3 | "), std::string::npos) << md.str();
  EXPECT_NE(html.str().find("<td>pods evicted per seed</td>"), std::string::npos);
}

// The twin: the 4-minute run ends before the toleration: zero evictions, no first eviction, and
// a report that says no seed evicted.
TEST(NodeReport, NoEvictionBeforeTheTolerationEnds) {
  const auto s = crash_scenario();
  const auto records = records_of(s, 2);
  for (const SeedRecord& r : records) {
    ASSERT_TRUE(r.evictions);
    EXPECT_EQ(*r.evictions, RecordedEvictions{});
  }
  const auto report = node_report(s, records, "", nullptr);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->eviction_seeds, 2u);
  EXPECT_EQ(report->evicting_seeds, 0u);
  EXPECT_FALSE(report->fault_to_first_eviction);
  std::ostringstream md;
  node_report_markdown(md, *report);
  EXPECT_NE(md.str().find("Evictions: 0 of 2 seeds evicted pods"), std::string::npos) << md.str();
  EXPECT_EQ(md.str().find("first fault to first eviction"), std::string::npos);
}

TEST(NodeReport, MalformedEvictionsNameTheFieldAndOldLinesStillRead) {
  const auto s = crash_scenario();
  const SeedRecord r = records_of(s, 1)[0];
  const auto line = seed_record_json(r);
  auto with = [&](const char* key, const nlohmann::ordered_json& value) {
    auto j = line;
    j["nodes"]["evictions"][key] = value;
    std::string error;
    EXPECT_FALSE(parse_seed_record(j, &error)) << key;
    return error;
  };
  EXPECT_EQ(with("pods", -1), "nodes.evictions: field \"pods\" must be a non-negative integer");
  EXPECT_EQ(with("writes", "x"), "nodes.evictions: field \"writes\" must be a non-negative integer");
  EXPECT_EQ(with("firstAtNs", -5), "nodes.evictions: field \"firstAtNs\" must not be negative (nanoseconds of true time)");
  EXPECT_EQ(with("firstAfterFaultNs", 7), "nodes.evictions: field \"firstAfterFaultNs\" must be null when \"firstAtNs\" is");
  EXPECT_EQ(with("pods", 3u), "nodes.evictions: field \"firstAtNs\" must be set when pods were evicted");
  {
    auto j = line;
    j["nodes"]["evictions"].erase("pods");
    std::string error;
    EXPECT_FALSE(parse_seed_record(j, &error));
    EXPECT_EQ(error, "nodes.evictions: missing field \"pods\"");
  }
  // A line written before seed records carried evictions reads, without them; the report then
  // has no eviction figures (null in JSON).
  auto old = line;
  old["nodes"].erase("evictions");
  std::string error;
  const auto back = parse_seed_record(old, &error);
  ASSERT_TRUE(back) << error;
  EXPECT_FALSE(back->evictions);
  const auto report = node_report(s, {*back}, "", nullptr);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->eviction_seeds, 0u);
  EXPECT_TRUE(node_report_json(*report)["evictions"].is_null());
}

TEST(NodeReport, NoneWithoutNodes) {
  auto s = std::make_shared<Scenario>();
  s->name = "no-nodes";
  EXPECT_FALSE(node_report(s, {}, "", nullptr));
}

}  // namespace
}  // namespace leasesim
