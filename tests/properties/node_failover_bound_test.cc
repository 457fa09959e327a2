// Tests of the controller-manager failover part of nodeNotReadyWithin: auto
// (properties/node_failover_bound.h): nothing is added without a controller fault; a leader
// crash during a node's grace period adds the lag, the election's failover and a retry period;
// an API server outage adds its length too, so that a 2-minute outage with the default
// controller manager (which exits on losing its lease) and its standbys is not judged as a
// missed detection; and the twin: the same run judged with the steady bound alone fails.
#include "properties/node_failover_bound.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "model/client_go_bounds.h"
#include "properties/node_detection.h"
#include "properties/run.h"
#include "tests/properties/run_verdicts.h"
#include "tests/sim/node_scenarios.h"

namespace leasesim {
namespace {

using testing::kubelet_proc;
using testing::node_scenario;
using testing::process_fault;

using testing::violated;

Duration election_crash_to_leader(const Scenario& s) {
  const ClientGoConfig& c = std::get<NodeLifecycleConfig>(s.processes[0].model).elector;
  BoundsEnvironment env;
  env.latency_min = s.api_server.latency.min;
  env.latency_max = s.api_server.latency.max;
  return client_go_bounds(c, c, env).crash_to_leader_max;
}

TEST(NodeFailoverBound, NothingIsAddedWithoutAControllerFault) {
  auto s = node_scenario(3, 2, minutes(5));
  s->faults.push_back(process_fault(FaultType::Crash, kubelet_proc(2, 1), minutes(2)));
  EXPECT_EQ(controller_failover_extra(*s, seconds(60)), Duration{});
  // 50 s grace + 3 x 5 s + (4 + 6 x 3) x 5 ms.
  EXPECT_EQ(*node_detection_bound(*s), seconds(65) + milliseconds(110));
}

TEST(NodeFailoverBound, ALeaderCrashInsideTheGracePeriodAddsTheLagAndTheFailover) {
  auto s = node_scenario(3, 2, minutes(6));
  s->faults.push_back(process_fault(FaultType::Crash, kubelet_proc(2, 2), minutes(2)));
  FaultSpec leader;
  leader.type = FaultType::Crash;
  leader.at = seconds(140);
  leader.target = FaultTarget{FaultTarget::Kind::Leader, 0};
  s->faults.push_back(leader);
  const Duration failover = election_crash_to_leader(*s) + seconds(2);  // + the retry period
  EXPECT_EQ(controller_failover_extra(*s, seconds(60)), seconds(20) + failover);
  // A leader crash after the node was surely declared (lag >= the steady bound) adds nothing.
  s->faults[1].at = minutes(2) + seconds(61);
  EXPECT_EQ(controller_failover_extra(*s, seconds(60)), Duration{});
  // Nor one whose failover ended before the node fault.
  s->faults[1].at = minutes(2) - failover;
  EXPECT_EQ(controller_failover_extra(*s, seconds(60)), Duration{});

  // The run: the standby declares the node within the widened bound (it takes longer than
  // the steady one, which is why the bound must grow).
  s->faults[1].at = seconds(140);
  s->properties.node_not_ready_within_auto = true;
  s->properties.no_false_not_ready = true;
  const RunResult r = run_scenario(s, 1);
  EXPECT_TRUE(r.evaluation.passed);
  ASSERT_EQ(r.evaluation.node_detections.size(), 1u);
  const auto detection = r.evaluation.node_detections[0].detection();
  ASSERT_TRUE(detection.has_value());
  EXPECT_GT(*detection, seconds(60) + milliseconds(80));
  EXPECT_LE(*detection, *node_detection_bound(*s));
}

TEST(NodeFailoverBound, AnApiServerOutageWithDefaultControllersEvictsNothingAndIsNotAMissedDetection) {
  // Three zones of three kubelets, three controller managers with the defaults (each exits when
  // it loses its lease), a 2-minute black-hole outage: no node may be declared dead afterwards
  // (the new leader gives every node a fresh grace period) and no pod evicted.
  auto s = node_scenario(9, 3, minutes(10));
  for (int i = 0; i < 9; ++i)
    std::get<KubeletConfig>(s->processes[kubelet_proc(3, i)].model).zone = "zone-" + std::to_string(i / 3);
  FaultSpec outage;
  outage.type = FaultType::ApiServerOutage;
  outage.mode = OutageMode::Blackhole;
  outage.at = minutes(2);
  outage.for_ = minutes(2);
  s->faults.push_back(outage);
  s->properties.node_not_ready_within_auto = true;
  s->properties.no_false_not_ready = true;
  s->properties.max_pod_evictions = 0;
  // The outage hits the kubelets and the leader at once: the bound grows by the outage, the
  // election's failover and a retry period, past the outage itself.
  const Duration steady = seconds(65) + milliseconds(5) * (4 + 6 * 9);
  EXPECT_EQ(*node_detection_bound(*s), steady + minutes(2) + election_crash_to_leader(*s) + seconds(2));
  const RunResult r = run_scenario(s, 1);
  EXPECT_TRUE(r.evaluation.passed) << (r.evaluation.violated.empty() ? "" : r.evaluation.violated[0]);
  EXPECT_EQ(r.evaluation.node_detections.size(), 9u);
  for (const NodeDetection& d : r.evaluation.node_detections) EXPECT_FALSE(d.unknown_at.has_value());
  for (const PodWrite& w : r.world.history().pod_writes) EXPECT_NE(w.verb, Verb::Delete);

  // Twin: judged with the steady bound alone (as before the failover was added), the same run
  // fails: the kubelets were silent for 2 minutes and no node was declared within 60 s.
  auto steady_only = std::make_shared<Scenario>(*s);
  steady_only->properties.node_not_ready_within_auto = false;
  steady_only->properties.node_not_ready_within = steady;
  EXPECT_TRUE(violated(run_scenario(steady_only, 1), "nodeNotReadyWithin"));
}

}  // namespace
}  // namespace leasesim
