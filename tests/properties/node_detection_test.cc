// Tests of node detection and the node properties (properties/node_detection.h), over whole runs
// of kubelets and a node lifecycle controller: a dead kubelet's Node turns Unknown inside the
// documented window, the analytic bound holds over many seeds, and each property has a twin run
// that violates it (a bound too tight; the two-pass bound after a status post; a watch stall; a
// kubelet clock stepping back).
#include "properties/node_detection.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "properties/run.h"
#include "tests/properties/run_verdicts.h"
#include "tests/sim/node_scenarios.h"

namespace leasesim {
namespace {

using testing::kubelet_proc;
using testing::node_scenario;
using testing::process_fault;

using testing::violated;

TEST(NodeDetection, CrashedKubeletIsUnknownInsideTheWindowForEverySeed) {
  // With defaults the Node turns Unknown no earlier than grace - the longest renew gap
  // (50 - 10.4 s) and no later than the analytic bound after the crash (docs/nodes.md). The
  // crash instant moves with the seed over two renew intervals, so the runs cover the window.
  Duration lowest = hours(1), highest{};
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    auto s = node_scenario(2, 1, minutes(4));
    s->faults.push_back(process_fault(FaultType::Crash, kubelet_proc(1, 1), seconds(90) + milliseconds(1030) * seed));
    s->properties.node_not_ready_within_auto = true;
    s->properties.no_false_not_ready = true;
    const Duration bound = *node_detection_bound(*s);
    ASSERT_EQ(bound, seconds(65) + milliseconds(5) * 16);  // 50 + 3 x 5 s + (4 + 6 x 2) x 5 ms
    const RunResult r = run_scenario(s, seed);
    ASSERT_TRUE(r.evaluation.passed) << "seed " << seed;
    ASSERT_EQ(r.evaluation.node_detections.size(), 1u);
    const auto detection = r.evaluation.node_detections[0].detection();
    ASSERT_TRUE(detection.has_value()) << "seed " << seed;
    EXPECT_GE(*detection, seconds(50) - milliseconds(10400)) << "seed " << seed;
    EXPECT_LE(*detection, bound) << "seed " << seed;
    lowest = std::min(lowest, *detection);
    highest = std::max(highest, *detection);
  }
  // The runs spread over the window (passes every 5 s make the detections 5 s apart).
  EXPECT_LE(lowest + seconds(4), highest);
}

TEST(NodeDetection, TwinBoundTooTightIsViolated) {
  auto s = node_scenario(2, 1, minutes(4));
  s->faults.push_back(process_fault(FaultType::Crash, kubelet_proc(1, 0), seconds(90)));
  s->properties.node_not_ready_within = seconds(30);
  std::ostringstream trace;
  const RunResult r = run_scenario(s, 1, &trace);
  EXPECT_TRUE(violated(r, "nodeNotReadyWithin"));
  // The violation's trace line names what the property covers, as the summary does: every
  // node's Lease, not the controller managers' election lease (the lease id of the result).
  const std::string text = trace.str();
  const size_t at = text.find("\"type\":\"violation\"");
  ASSERT_NE(at, std::string::npos);
  const std::string line = text.substr(at, text.find('\n', at) - at);
  EXPECT_NE(line.find("\"lease\":\"kube-node-lease\""), std::string::npos) << line;
}

// The shrunk scenario of `fuzz --nodes --seed 7 --case 12212`: a kubelet cut off (requests)
// from 79.2 s for 90.5 s, set Unknown during the window, crashes at 177.6 s. Its first Lease
// renewal after the window still waits for a request lost in the partition, but its status post
// (Ready=True again) commits before the crash. The pass that sees that post leaves the node's
// health entry without a saved Lease (upstream tryUpdateNodeHealth), the next pass takes a fresh
// probe timestamp once more, and Unknown comes about 62.8 s after the crash: past the two-pass
// bound (60.744 s), inside the three-pass one (docs/nodes.md).
std::shared_ptr<Scenario> status_post_before_crash() {
  auto s = node_scenario(1, 2, minutes(5), LatencyRange{milliseconds(8), milliseconds(93)});
  const uint32_t kubelet = kubelet_proc(2, 0);
  s->processes[kubelet].start = milliseconds(4500);
  auto& k = std::get<KubeletConfig>(s->processes[kubelet].model);
  k.zone = "zone-b";
  k.pods = 2;
  s->node_pods[0] = 2;
  FaultSpec cut = process_fault(FaultType::Partition, kubelet, milliseconds(79200), milliseconds(90500));
  cut.direction = Direction::Requests;
  s->faults.push_back(cut);
  s->faults.push_back(process_fault(FaultType::Crash, kubelet, milliseconds(177600)));
  return s;
}

TEST(NodeDetection, AStatusPostJustBeforeACrashCostsAThirdPass) {
  auto s = status_post_before_crash();
  s->properties.node_not_ready_within_auto = true;
  s->properties.no_false_not_ready = true;
  const Duration two_passes = seconds(60) + milliseconds(93) * 8;  // the bound before the fix
  const Duration bound = *node_detection_bound(*s);
  ASSERT_EQ(bound, seconds(65) + milliseconds(93) * 10);           // 50 + 3 x 5 s + (4 + 6 x 1) x 93 ms
  const RunResult r = run_scenario(s, 1);
  EXPECT_TRUE(r.evaluation.passed);
  ASSERT_EQ(r.evaluation.node_detections.size(), 2u);
  const NodeDetection& crash = r.evaluation.node_detections[1];
  EXPECT_EQ(crash.cause, "crash");
  // The mechanism: the kubelet's last heartbeat before the crash is a status post, committed
  // after the partition ended, with no Lease renewal after it.
  std::optional<TrueInstant> post;
  for (const NodeWrite& w : r.world.history().node_writes)
    if (w.proc == crash.proc && w.t <= crash.fault_at) post = w.t;
  ASSERT_TRUE(post.has_value());
  EXPECT_GT(*post, TrueInstant(milliseconds(169700).ns));
  ASSERT_TRUE(crash.last_renewal_at.has_value());
  EXPECT_LT(*crash.last_renewal_at, *post);
  const auto detection = crash.detection();
  ASSERT_TRUE(detection.has_value());
  EXPECT_GT(*detection, two_passes);
  EXPECT_LE(*detection, bound);
}

TEST(NodeDetection, TwinAStatusPostJustBeforeACrashFailsTheTwoPassBound) {
  // The same run judged against the two-pass bound: the detection really is later than that,
  // and the property says so.
  auto s = status_post_before_crash();
  s->properties.node_not_ready_within = seconds(60) + milliseconds(93) * 8;
  const RunResult r = run_scenario(s, 1);
  EXPECT_TRUE(violated(r, "nodeNotReadyWithin"));
}

TEST(NodeDetection, ShortPauseIsReportedButNotJudged) {
  // A 20 s pause ends before any bound: the kubelet heartbeats again and nothing turns Unknown.
  auto s = node_scenario(1, 1, minutes(3));
  s->faults.push_back(process_fault(FaultType::Pause, kubelet_proc(1, 0), seconds(60), seconds(20)));
  s->properties.node_not_ready_within = seconds(30);
  s->properties.no_false_not_ready = true;
  const RunResult r = run_scenario(s, 1);
  EXPECT_TRUE(r.evaluation.passed);
  ASSERT_EQ(r.evaluation.node_detections.size(), 1u);
  EXPECT_FALSE(r.evaluation.node_detections[0].unknown_at.has_value());
}

TEST(NodeDetection, AFaultOnAKubeletAlreadyDetectedStartsNoEpisode) {
  // `fuzz --nodes --known --seed 1 --case 8`: a kubelet crashed at 87 s (Unknown about 49 s
  // later) was then partitioned at 154.6 s. The partition stops no heartbeat the controller was
  // seeing and no Unknown write can follow (the Node is Unknown already), so it is no episode;
  // counted as one it was a nodeNotReadyWithin violation that no model could avoid.
  auto s = node_scenario(2, 1, minutes(5));
  s->faults.push_back(process_fault(FaultType::Crash, kubelet_proc(1, 0), seconds(87)));
  s->faults.push_back(process_fault(FaultType::Partition, kubelet_proc(1, 0), seconds(155), seconds(109)));
  s->properties.node_not_ready_within_auto = true;
  const RunResult r = run_scenario(s, 1);
  EXPECT_TRUE(r.evaluation.passed);
  ASSERT_EQ(r.evaluation.node_detections.size(), 1u);
  EXPECT_EQ(r.evaluation.node_detections[0].cause, "crash");
  ASSERT_TRUE(r.evaluation.node_detections[0].unknown_at.has_value());
  EXPECT_LT(*r.evaluation.node_detections[0].unknown_at, TrueInstant(seconds(155).ns));

  // Twin: the same partition of the other kubelet, still Ready when it starts, is an episode
  // and is judged (a bound below the grace period fails it).
  auto live = node_scenario(2, 1, minutes(5));
  live->faults.push_back(process_fault(FaultType::Crash, kubelet_proc(1, 0), seconds(87)));
  live->faults.push_back(process_fault(FaultType::Partition, kubelet_proc(1, 1), seconds(155), seconds(109)));
  live->properties.node_not_ready_within = seconds(30);
  const RunResult twin = run_scenario(live, 1);
  EXPECT_EQ(twin.evaluation.node_detections.size(), 2u);
  EXPECT_TRUE(violated(twin, "nodeNotReadyWithin"));
}

TEST(NodeDetection, ANodeCreatedWhileTheControllerListsIsNotLost) {
  // `fuzz --nodes --known --seed 1 --case 520`: a kubelet started just as the new leader listed
  // the Nodes; its create committed after the list was served, and the watch event reached the
  // controller before the list's answer, which dropped it. The kubelet writes its Node again
  // only on a change or every 5 minutes, so the controller never saw the node, and its crash
  // went undetected. With latencies of 1-200 ms and kubelet starts spread over the first
  // second, some runs put the create in that gap; every crash must still be detected in the
  // window.
  int detected = 0;
  for (int i = 0; i < 40; ++i) {
    auto s = node_scenario(1, 1, minutes(3), LatencyRange{milliseconds(1), milliseconds(200)});
    s->processes[kubelet_proc(1, 0)].start = milliseconds(25) * i;
    s->faults.push_back(process_fault(FaultType::Crash, kubelet_proc(1, 0), seconds(90)));
    s->properties.node_not_ready_within_auto = true;
    const RunResult r = run_scenario(s, static_cast<uint64_t>(i) + 1);
    EXPECT_TRUE(r.evaluation.passed) << "start " << 25 * i << "ms, seed " << i + 1;
    if (!r.evaluation.node_detections.empty() && r.evaluation.node_detections[0].unknown_at) ++detected;
  }
  EXPECT_EQ(detected, 40);
}

TEST(NoFalseNotReady, HoldsWithoutFaultsAndFailsWhenTheWatchStalls) {
  auto healthy = node_scenario(3, 1, minutes(3));
  healthy->properties.no_false_not_ready = true;
  EXPECT_TRUE(run_scenario(healthy, 1).evaluation.passed);

  // Twin: the controller's watches stall past the grace period; the kubelets keep renewing.
  auto stalled = node_scenario(3, 1, minutes(3));
  stalled->properties.no_false_not_ready = true;
  stalled->faults.push_back(process_fault(FaultType::WatchStall, 0, seconds(40), seconds(70)));
  const RunResult r = run_scenario(stalled, 1);
  EXPECT_TRUE(violated(r, "noFalseNotReady"));
  // After the relist the kubelets' status syncs bring every node back to Ready.
  for (NodeId n = 0; n < 3; ++n) EXPECT_EQ(r.world.api_server().nodes().node(n)->ready(), ConditionStatus::True);
}

// The same History with the kubelets' renewals moved from the compact list (History::
// node_lease_writes) into the general one, as if another writer had made them.
History with_renewals_as_lease_writes(const History& h) {
  History out = h;
  out.node_lease_writes = {};
  std::vector<LeaseWrite> writes(h.writes.begin(), h.writes.end());
  for (const NodeLeaseWrite& n : h.node_lease_writes) {
    LeaseWrite w;
    w.t = n.t;
    w.lease = n.lease;
    w.proc = n.proc;
    w.verb = n.verb;
    w.rv = n.rv;
    w.late = n.late;
    if (!n.deleted) {
      LeaseSpec spec;
      spec.holder_identity = n.holder;
      spec.renew_time = n.renew_time();
      spec.lease_duration_seconds = n.lease_duration_seconds;
      w.after = spec;
    }
    writes.push_back(w);
  }
  std::stable_sort(writes.begin(), writes.end(), [](const LeaseWrite& a, const LeaseWrite& b) { return a.t < b.t; });
  out.writes = AppendLog<LeaseWrite>(writes);
  return out;
}

TEST(NoFalseNotReady, RenewalsCountFromEitherListOfLeaseWrites) {
  // The stalled-watch run's false NotReady instants are judged against the renewals; whether a
  // renewal sits in the compact list or the general one must not change the verdict.
  auto s = node_scenario(3, 1, minutes(3));
  s->properties.no_false_not_ready = true;
  s->faults.push_back(process_fault(FaultType::WatchStall, 0, seconds(40), seconds(70)));
  const RunResult r = run_scenario(s, 1);
  const History& h = r.world.history();
  ASSERT_FALSE(h.node_lease_writes.empty());  // the kubelets' renewals are in the compact list
  const auto compact = check_no_false_not_ready(*s, h);
  ASSERT_FALSE(compact.empty());
  const History moved = with_renewals_as_lease_writes(h);
  const auto general = check_no_false_not_ready(*s, moved);
  ASSERT_EQ(general.size(), compact.size());
  for (size_t i = 0; i < compact.size(); ++i) EXPECT_EQ(general[i].message, compact[i].message);
  EXPECT_EQ(node_detections(*s, moved).size(), node_detections(*s, h).size());
  // Twin: with no renewals at all, no Unknown can be false.
  History none = h;
  none.node_lease_writes = {};
  EXPECT_TRUE(check_no_false_not_ready(*s, none).empty());
}

TEST(NoFalseNotReady, KubeletClockStepBackHidesRenewalsButAStepForwardDoesNot) {
  auto back = node_scenario(1, 1, minutes(4));
  back->properties.no_false_not_ready = true;
  FaultSpec jump = process_fault(FaultType::ClockJump, kubelet_proc(1, 0), seconds(60));
  jump.by = seconds(-120);
  back->faults.push_back(jump);
  EXPECT_TRUE(violated(run_scenario(back, 1), "noFalseNotReady"));

  auto forward = node_scenario(1, 1, minutes(4));
  forward->properties.no_false_not_ready = true;
  jump.by = seconds(120);
  forward->faults.push_back(jump);
  EXPECT_TRUE(run_scenario(forward, 1).evaluation.passed);
}

}  // namespace
}  // namespace leasesim
