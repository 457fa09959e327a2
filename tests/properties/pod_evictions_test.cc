// Tests of taints, zone limiters and taint-based eviction over whole runs (model/node_taints.cc)
// and of the property maxPodEvictions (properties/pod_evictions.h), with its twin: the same run
// that holds N evictions violates N - 1.
#include "properties/pod_evictions.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "properties/run.h"
#include "tests/properties/run_verdicts.h"
#include "tests/sim/node_scenarios.h"

namespace leasesim {
namespace {

using testing::kubelet_proc;
using testing::node_scenario;
using testing::process_fault;

using testing::violated;

// `per_zone` kubelets in each of `zones` zones named zone-0.., one controller.
std::shared_ptr<Scenario> zoned(int zones, int per_zone, Duration duration) {
  auto s = node_scenario(zones * per_zone, 1, duration);
  for (int i = 0; i < zones * per_zone; ++i)
    std::get<KubeletConfig>(s->processes[kubelet_proc(1, i)].model).zone = "zone-" + std::to_string(i / per_zone);
  return s;
}

// When each NoExecute taint was added, by node, from the committed Node writes.
std::vector<std::pair<TrueInstant, NodeId>> no_execute_added(const History& h) {
  std::vector<std::pair<TrueInstant, NodeId>> out;
  for (const NodeWrite& w : h.node_writes)
    for (const Taint& t : w.after.taints)
      if (t.effect == TaintEffect::NoExecute && !(w.before && w.before->has_taint(t.key.str(), t.effect)))
        out.emplace_back(w.t, w.node);
  return out;
}

int64_t evicted(const History& h) {
  int64_t n = 0;
  for (const PodWrite& w : h.pod_writes)
    if (w.verb == Verb::Delete) n += w.pods;
  return n;
}

TEST(PodEvictions, LostZoneIsTaintedAtTheEvictionRateAndEvicted300SecondsLater) {
  auto s = zoned(3, 3, minutes(9));
  for (int i = 6; i < 9; ++i) s->faults.push_back(process_fault(FaultType::Crash, kubelet_proc(1, i), minutes(1)));
  s->properties.max_pod_evictions = 30;
  const RunResult r = run_scenario(s, 1);
  EXPECT_TRUE(r.evaluation.passed);
  const auto taints = no_execute_added(r.world.history());
  ASSERT_EQ(taints.size(), 3u);
  for (size_t i = 0; i < taints.size(); ++i) {
    EXPECT_GE(taints[i].second, 6u) << "only the lost zone is tainted";
    if (i == 0) continue;
    // The bucket runs on the controller's clock; commits differ by the write latencies.
    EXPECT_GE(taints[i].first - taints[i - 1].first, seconds(10) - milliseconds(100)) << "one token per 10 s";
    EXPECT_LT(taints[i].first - taints[i - 1].first, seconds(11));
  }
  // Every node's pods go one toleration (300 s) after its taint, plus a watch latency or two.
  ASSERT_EQ(evicted(r.world.history()), 30);
  for (const PodWrite& w : r.world.history().pod_writes) {
    if (w.verb != Verb::Delete) continue;
    const auto taint = std::find_if(taints.begin(), taints.end(), [&](const auto& t) { return t.second == w.node; });
    ASSERT_NE(taint, taints.end());
    EXPECT_GE(w.t - taint->first, seconds(300));
    EXPECT_LT(w.t - taint->first, seconds(301));
  }
  // MarkPodsNotReady ran once for each dead node.
  int64_t marked = 0;
  for (const PodWrite& w : r.world.history().pod_writes)
    if (w.verb == Verb::Update) marked += w.pods;
  EXPECT_EQ(marked, 30);
}

TEST(PodEvictions, TwinMaxPodEvictionsFailsOneBelowTheEvictions) {
  auto s = zoned(3, 3, minutes(9));
  for (int i = 6; i < 9; ++i) s->faults.push_back(process_fault(FaultType::Crash, kubelet_proc(1, i), minutes(1)));
  s->properties.max_pod_evictions = 29;
  const RunResult r = run_scenario(s, 1);
  EXPECT_TRUE(violated(r, "maxPodEvictions"));
  const auto v = check_max_pod_evictions(*s, r.world.history(), 29);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].message.find("30 evictions"), std::string::npos) << v[0].message;
}

TEST(PodEvictions, EveryZoneDisruptedEvictsNothing) {
  // Every kubelet loses its requests while the controller keeps its lease: the all-zones guard.
  auto s = zoned(3, 2, minutes(10));
  for (int i = 0; i < 6; ++i)
    s->faults.push_back(process_fault(FaultType::Partition, kubelet_proc(1, i), minutes(1), minutes(3)));
  s->properties.max_pod_evictions = 0;
  const RunResult r = run_scenario(s, 1);
  EXPECT_TRUE(r.evaluation.passed) << (r.evaluation.violated.empty() ? "" : r.evaluation.violated[0]);
  EXPECT_EQ(evicted(r.world.history()), 0);
}

TEST(PodEvictions, PartialDisruptionStopsASmallZoneAndSlowsALargeOne) {
  for (const bool large : {false, true}) {
    auto s = zoned(2, 5, minutes(12));
    for (int i = 1; i < 5; ++i) s->faults.push_back(process_fault(FaultType::Crash, kubelet_proc(1, i), minutes(1)));
    if (large) std::get<NodeLifecycleConfig>(s->processes[0].model).large_cluster_size_threshold = 4;
    const RunResult r = run_scenario(s, 1);
    const auto taints = no_execute_added(r.world.history());
    if (!large) {
      // At most the first node to turn Unknown, before the zone is seen partially disrupted.
      EXPECT_LE(taints.size(), 1u);
      continue;
    }
    ASSERT_GE(taints.size(), 3u);
    for (size_t i = 2; i < taints.size(); ++i)
      EXPECT_GE(taints[i].first - taints[i - 1].first, seconds(100) - milliseconds(100)) << "secondary rate: one node per 100 s";
  }
}

void exclude(Scenario& s, int node) {
  std::get<KubeletConfig>(s.processes[kubelet_proc(1, node)].model).labels = Labels{{kLabelExcludeDisruption, ""}};
}

std::optional<ZoneState> final_zone_state(const RunResult& r, const char* zone) {
  return std::get<NodeLifecycleController>(*r.world.process(0).model).zone_state(zone);
}

// upstream monitorNodeHealth leaves nodes labelled node.kubernetes.io/exclude-disruption out of
// the zone conditions (isNodeExcludedFromDisruptionChecks). Zone 0 loses 4 of its 5 nodes, 3 of
// them excluded: the controller counts 1 Ready and 1 not Ready, the zone stays Normal and keeps
// tainting at nodeEvictionRate, the excluded nodes included
// (scenarios/nodes/excluded-nodes-keep-zone-normal.yaml). The twin without labels is partially
// disrupted and stops tainting.
TEST(PodEvictions, ExcludedNodesLeaveAZoneNormalAndItKeepsEvicting) {
  for (const bool labelled : {true, false}) {
    auto s = zoned(2, 5, minutes(10));
    for (int i = 1; i < 5; ++i) s->faults.push_back(process_fault(FaultType::Crash, kubelet_proc(1, i), minutes(1)));
    if (labelled)
      for (int i = 2; i < 5; ++i) exclude(*s, i);
    const RunResult r = run_scenario(s, 1);
    const auto taints = no_execute_added(r.world.history());
    if (!labelled) {
      EXPECT_EQ(final_zone_state(r, "zone-0"), ZoneState::PartialDisruption);
      EXPECT_LE(taints.size(), 1u);
      EXPECT_EQ(evicted(r.world.history()), 0);
      continue;
    }
    EXPECT_EQ(final_zone_state(r, "zone-0"), ZoneState::Normal);
    ASSERT_EQ(taints.size(), 4u) << "every dead node is tainted, excluded or not";
    for (size_t i = 1; i < taints.size(); ++i) {
      EXPECT_GE(taints[i].first - taints[i - 1].first, seconds(10) - milliseconds(100)) << "nodeEvictionRate";
      EXPECT_LT(taints[i].first - taints[i - 1].first, seconds(11));
    }
    EXPECT_EQ(evicted(r.world.history()), 40);
  }
}

// The zone size setLimiterInZone compares with largeClusterSizeThreshold counts only the nodes
// in the zone conditions. Zone 0 has 6 nodes and loses 4 (partial disruption either way); with
// the threshold at 5 it is large (6 nodes: one taint per 100 s) until one of its healthy nodes
// is excluded, which makes it small (5 nodes: tainting stops).
TEST(PodEvictions, ExcludedNodesDoNotCountInTheZoneSize) {
  for (const bool labelled : {false, true}) {
    auto s = zoned(2, 6, minutes(12));
    std::get<NodeLifecycleConfig>(s->processes[0].model).large_cluster_size_threshold = 5;
    for (int i = 2; i < 6; ++i) s->faults.push_back(process_fault(FaultType::Crash, kubelet_proc(1, i), minutes(1)));
    if (labelled) exclude(*s, 0);
    const RunResult r = run_scenario(s, 1);
    EXPECT_EQ(final_zone_state(r, "zone-0"), ZoneState::PartialDisruption) << labelled;
    const auto taints = no_execute_added(r.world.history());
    if (labelled) {
      EXPECT_LE(taints.size(), 1u) << "a small zone stops";
    } else {
      ASSERT_GE(taints.size(), 3u) << "a large zone slows to the secondary rate";
      for (size_t i = 2; i < taints.size(); ++i)
        EXPECT_GE(taints[i].first - taints[i - 1].first, seconds(100) - milliseconds(100));
    }
  }
}

// A zone whose nodes are all excluded has no state: handleDisruption forgets it.
TEST(PodEvictions, AZoneOfExcludedNodesHasNoState) {
  auto s = zoned(2, 2, minutes(2));
  exclude(*s, 0);
  exclude(*s, 1);
  const RunResult r = run_scenario(s, 1);
  EXPECT_EQ(final_zone_state(r, "zone-0"), std::nullopt);
  // Twin: the other zone, whose nodes count, is Normal.
  EXPECT_EQ(final_zone_state(r, "zone-1"), ZoneState::Normal);
}

// A zone of excluded nodes has no state, so handleDisruption never touches its tainting queue:
// when every zone that has a state is fully disrupted (the all-zones guard stops their tainting)
// the excluded zone's dead nodes are still tainted and evicted at nodeEvictionRate, as upstream's
// guard swaps only the limiters of the zones in zoneStates. The twin without labels is the
// all-zones guard itself: nothing is evicted.
TEST(PodEvictions, AnExcludedZoneKeepsTaintingWhileEveryOtherZoneIsDisrupted) {
  for (const bool labelled : {true, false}) {
    auto s = zoned(2, 2, minutes(9));
    s->faults.push_back(process_fault(FaultType::Crash, kubelet_proc(1, 0), minutes(1)));
    s->faults.push_back(process_fault(FaultType::Crash, kubelet_proc(1, 1), minutes(1)));
    for (int i = 2; i < 4; ++i) s->faults.push_back(process_fault(FaultType::Partition, kubelet_proc(1, i), minutes(1)));
    if (labelled) {
      exclude(*s, 0);
      exclude(*s, 1);
    }
    const RunResult r = run_scenario(s, 1);
    EXPECT_EQ(final_zone_state(r, "zone-1"), ZoneState::FullDisruption) << labelled;
    const auto taints = no_execute_added(r.world.history());
    if (!labelled) {
      EXPECT_TRUE(taints.empty());
      EXPECT_EQ(evicted(r.world.history()), 0);
      continue;
    }
    EXPECT_EQ(final_zone_state(r, "zone-0"), std::nullopt);
    ASSERT_EQ(taints.size(), 2u);
    for (const auto& t : taints) EXPECT_LT(t.second, 2u) << "only the excluded zone's nodes";
    EXPECT_EQ(evicted(r.world.history()), 20);
  }
}

TEST(PodEvictions, FailoverAtTheEdgeLeavesPodsNeverMarkedNotReadyButEvicted) {
  // The leader's answers are lost as it sets the dead node Unknown: it never sees the edge, and
  // the new leader first sees the node Unknown (kcm-failover-pods-never-marked.yaml).
  auto s = node_scenario(3, 2, minutes(10));
  s->faults.push_back(process_fault(FaultType::Crash, kubelet_proc(2, 2), minutes(2)));
  FaultSpec cut = process_fault(FaultType::Partition, 0, seconds(165), seconds(60));
  cut.target = FaultTarget{FaultTarget::Kind::Leader, 0};
  cut.direction = Direction::Responses;
  s->faults.push_back(cut);
  const RunResult r = run_scenario(s, 1);
  const History& h = r.world.history();
  ASSERT_EQ(h.leaderships.size(), 2u) << "one failover";
  for (const PodWrite& w : h.pod_writes) EXPECT_NE(w.verb, Verb::Update) << "no MarkPodsNotReady";
  EXPECT_EQ(evicted(h), 10);
  // Twin: with a steady leader the same node's pods are marked NotReady.
  auto steady = node_scenario(3, 2, minutes(10));
  steady->faults.push_back(process_fault(FaultType::Crash, kubelet_proc(2, 2), minutes(2)));
  int64_t marked = 0;
  for (const PodWrite& w : run_scenario(steady, 1).world.history().pod_writes)
    if (w.verb == Verb::Update) marked += w.pods;
  EXPECT_EQ(marked, 10);
}

}  // namespace
}  // namespace leasesim

namespace leasesim {
namespace {

// The node's taints after the last committed Node write at or before `t` (none written: none).
std::vector<Taint> taints_at(const History& h, NodeId node, TrueInstant t) {
  std::vector<Taint> out;
  for (const NodeWrite& w : h.node_writes)
    if (w.node == node && w.t <= t) out = w.after.taints;
  return out;
}

bool has_taint(const std::vector<Taint>& taints, const char* key, TaintEffect effect) {
  return std::any_of(taints.begin(), taints.end(), [&](const Taint& x) { return x.effect == effect && x.key.str() == key; });
}

// doNoScheduleTaintingPass removes the NoSchedule taint once the node is Ready again, as
// markNodeAsReachable removes the NoExecute one. The twin reading is the same run while the
// partition lasts: both taints are there, so the check can fail.
TEST(NodeTaints, ANodeReadyAgainLosesItsUnreachableTaints) {
  auto s = zoned(3, 2, minutes(6));
  s->faults.push_back(process_fault(FaultType::Partition, kubelet_proc(1, 0), minutes(1), minutes(2)));
  const RunResult r = run_scenario(s, 1);
  const History& h = r.world.history();
  const std::vector<Taint> during = taints_at(h, 0, TrueInstant{minutes(3).ns - 1});
  EXPECT_TRUE(has_taint(during, kTaintUnreachable, TaintEffect::NoSchedule));
  EXPECT_TRUE(has_taint(during, kTaintUnreachable, TaintEffect::NoExecute));
  const std::vector<Taint> after = taints_at(h, 0, TrueInstant{minutes(6).ns});
  EXPECT_FALSE(has_taint(after, kTaintUnreachable, TaintEffect::NoSchedule)) << "NoSchedule kept after Ready=True";
  EXPECT_FALSE(has_taint(after, kTaintUnreachable, TaintEffect::NoExecute));
  EXPECT_TRUE(after.empty());
}

}  // namespace
}  // namespace leasesim
