// Tests of the node-heartbeat fuzz family (explore/fuzz_nodes.h): generation is a pure function
// of (seed, index), every case is a valid node scenario judging both node properties, the
// permits name the right kinds (and nothing for a plain crash), renumber_nodes keeps NodeIds
// dense, the known hazard (a kubelet clock stepping back) is found and shrinks to a scenario
// that still shows it, and a case once reported passes (a status post just before a crash).
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "explore/fuzz.h"
#include "explore/fuzz_nodes.h"
#include "properties/node_detection.h"
#include "properties/run.h"

namespace leasesim {
namespace {

TEST(FuzzNodes, GenerationIsPureAndValid) {
  std::map<FaultType, int> types;
  for (uint64_t i = 0; i < 60; ++i) {
    const FuzzCase a = generate_case(nullptr, 7, i, FuzzGenerators::Nodes);
    const FuzzCase b = generate_case(nullptr, 7, i, FuzzGenerators::Nodes);
    EXPECT_EQ(a.family, "nodes");
    EXPECT_EQ(*a.scenario, *b.scenario) << i;
    EXPECT_TRUE(is_node_scenario(*a.scenario)) << i;
    EXPECT_TRUE(shrink_candidate_valid(*a.scenario)) << i;
    EXPECT_TRUE(a.scenario->properties.no_false_not_ready);
    EXPECT_TRUE(a.scenario->properties.node_not_ready_within_auto);
    EXPECT_FALSE(a.scenario->node_names.empty());
    for (const FaultSpec& f : a.scenario->faults) ++types[f.type];
  }
  // Every generated fault type shows up in 60 cases.
  for (FaultType t : {FaultType::Crash, FaultType::Pause, FaultType::Partition, FaultType::ClockJump,
                      FaultType::WatchStall, FaultType::ApiServerOutage, FaultType::ApiServerSlow})
    EXPECT_GT(types[t], 0) << fault_type_name(t);
  // The election generators are unchanged by the new family.
  EXPECT_NE(generate_case(nullptr, 7, 0).family, "nodes");
}

std::shared_ptr<Scenario> one_node_case() {
  Rng r(1);
  auto s = generate_nodes(r, 0);
  s->faults.clear();
  return s;
}

TEST(FuzzNodes, PermitsNameTheirKinds) {
  auto s = one_node_case();
  const uint32_t kubelet = static_cast<uint32_t>(s->processes.size() - 1);
  FaultSpec crash;
  crash.at = seconds(90);
  crash.target = FaultTarget{FaultTarget::Kind::Process, kubelet};
  s->faults = {crash};
  EXPECT_TRUE(permitted_violations(*s, false).names.empty());  // a dead kubelet: both properties judged

  FaultSpec back = crash;
  back.type = FaultType::ClockJump;
  back.by = Duration(0) - minutes(2);
  s->faults = {back};
  const Permitted p = permitted_violations(*s, false);
  EXPECT_EQ(p.kinds("noFalseNotReady"), std::vector<std::string>{"kubelet-clock-step-back"});
  EXPECT_TRUE(p.kinds("nodeNotReadyWithin").empty());
  back.by = minutes(2);  // forward: renewTime still increases, nothing is permitted
  s->faults = {back};
  EXPECT_TRUE(permitted_violations(*s, false).names.empty());

  FaultSpec outage;
  outage.type = FaultType::ApiServerOutage;
  outage.at = seconds(90);
  outage.for_ = seconds(60);
  s->faults = {outage};
  const Permitted o = permitted_violations(*s, false);
  EXPECT_EQ(o.kinds("nodeNotReadyWithin"), (std::vector<std::string>{"controller-failover", "api-server-outage"}));
  EXPECT_EQ(o.kinds("noFalseNotReady"), std::vector<std::string>{"api-server-outage"});

  // A slow API server whose round trip can outlast the controller manager's 5 s request
  // timeout may cost it its lease (`fuzz --nodes --known --seed 1 --case 238`, `--seed 2 --case
  // 479`: round trips up to 10.6 s and 7.8 s); a shorter one may not.
  FaultSpec slow;
  slow.type = FaultType::ApiServerSlow;
  slow.at = seconds(90);
  slow.for_ = seconds(8);
  slow.latency = LatencyRange{milliseconds(100), milliseconds(5300)};
  s->faults = {slow};
  EXPECT_EQ(permitted_violations(*s, false).kinds("nodeNotReadyWithin"), std::vector<std::string>{"controller-failover"});
  slow.latency.max = milliseconds(2400);
  s->faults = {slow};
  EXPECT_TRUE(permitted_violations(*s, false).kinds("nodeNotReadyWithin").empty());

  // A kubelet paused or partitioned for about the grace period (50 s; renew interval 10 s
  // jittered to 10.4 s; monitor period 5 s; a lost request may delay the first renewal after
  // the window by its 10 s timeout and 7 s of backoff): its first renewal can commit while the
  // controller's Unknown write is on its way (`fuzz --nodes --seed 1 --case 2074`, and case
  // 8782: a 32.5 s partition; up to three monitor periods past the grace period, as passes
  // slide and a status post refreshes the probe twice: `--seed 2 --case 4032`). Twin: a window well short of that, or well past the grace
  // period, permits nothing of the kind.
  for (ProcessSpec& p : s->processes) {
    if (auto* c = std::get_if<NodeLifecycleConfig>(&p.model)) {
      c->node_monitor_grace_period = seconds(50);
      c->node_monitor_period = seconds(5);
    }
    if (auto* k = std::get_if<KubeletConfig>(&p.model)) k->node_lease_duration_seconds = 40;
  }
  for (const FaultType type : {FaultType::Pause, FaultType::Partition}) {
    FaultSpec stop = crash;
    stop.type = type;
    for (const Duration window : {seconds(22), seconds(32) + milliseconds(500), seconds(50), seconds(56), seconds(61), seconds(66)}) {
      stop.for_ = window;
      s->faults = {stop};
      EXPECT_EQ(permitted_violations(*s, false).kinds("noFalseNotReady"),
                std::vector<std::string>{"heartbeats-resume-at-grace"})
          << fault_type_name(type) << " for " << format_duration(window);
    }
    for (const Duration window : {seconds(10), seconds(21), seconds(67), seconds(120)}) {
      stop.for_ = window;
      s->faults = {stop};
      EXPECT_TRUE(permitted_violations(*s, false).kinds("noFalseNotReady").empty())
          << fault_type_name(type) << " for " << format_duration(window);
    }
  }
  // A partition of answers only stops heartbeats too: the first renewal in it commits, its
  // answer is lost, the cached Lease goes stale and no GET is answered (`fuzz --nodes --seed 3
  // --case 6695`). Twin: a short one permits nothing.
  FaultSpec responses_only = crash;
  responses_only.type = FaultType::Partition;
  responses_only.direction = Direction::Responses;
  responses_only.for_ = seconds(50);
  s->faults = {responses_only};
  EXPECT_EQ(permitted_violations(*s, false).kinds("noFalseNotReady"), std::vector<std::string>{"heartbeats-resume-at-grace"});
  responses_only.for_ = seconds(10);
  s->faults = {responses_only};
  EXPECT_TRUE(permitted_violations(*s, false).names.empty());

  FaultSpec kcm = crash;
  kcm.target = FaultTarget{FaultTarget::Kind::Leader, 0};
  s->faults = {kcm};
  EXPECT_EQ(permitted_violations(*s, false).kinds("nodeNotReadyWithin"), std::vector<std::string>{"controller-failover"});
}

// A node case with `controllers` node-lifecycle-controller replicas (default timings: lease 15 s,
// retry 2 s, renew deadline 10 s, grace 50 s, monitor 5 s) and one kubelet with a 40 s lease.
std::shared_ptr<Scenario> case_with_controllers(uint32_t controllers) {
  auto s = one_node_case();
  std::vector<ProcessSpec> kept;
  ProcessSpec controller, kubelet;
  for (const ProcessSpec& p : s->processes) {
    if (std::holds_alternative<NodeLifecycleConfig>(p.model)) controller = p;
    if (std::holds_alternative<KubeletConfig>(p.model)) kubelet = p;
  }
  NodeLifecycleConfig c;
  apply_client_go_preset("kube-controller-manager", &c.elector);
  controller.model = c;
  for (uint32_t i = 0; i < controllers; ++i) {
    controller.name = controller.identity = "kcm-" + std::to_string(i);
    kept.push_back(controller);
  }
  std::get<KubeletConfig>(kubelet.model).node_lease_duration_seconds = 40;
  kept.push_back(kubelet);
  s->processes = kept;
  s->properties.failover_within_auto = controllers >= 2;
  renumber_nodes(*s);
  return s;
}

FaultSpec fault(FaultType type, Duration at, FaultTarget target, std::optional<Duration> window = std::nullopt) {
  FaultSpec f;
  f.type = type;
  f.at = at;
  f.target = target;
  f.for_ = window;
  return f;
}

TEST(FuzzNodes, CasesWithTwoControllersJudgeFailoverWithinAuto) {
  // No draw decides it, so the cases are what they were; with one controller there is no bound.
  int with = 0, without = 0;
  for (uint64_t i = 0; i < 60; ++i) {
    const FuzzCase c = generate_case(nullptr, 7, i, FuzzGenerators::Nodes);
    uint32_t controllers = 0;
    for (const ProcessSpec& p : c.scenario->processes) controllers += std::holds_alternative<NodeLifecycleConfig>(p.model);
    EXPECT_EQ(c.scenario->properties.failover_within_auto, controllers >= 2) << i;
    (controllers >= 2 ? with : without)++;
  }
  EXPECT_GT(with, 0);
  EXPECT_GT(without, 0);
  // The shrinker may not drop the second controller while the case judges `auto`: the file it
  // writes would not load.
  auto s = case_with_controllers(2);
  EXPECT_TRUE(shrink_candidate_valid(*s));
  s->processes.erase(s->processes.begin());
  renumber_nodes(*s);
  EXPECT_FALSE(shrink_candidate_valid(*s));
}

TEST(FuzzNodes, NoCandidateLeftIsPermittedOnlyOnceEveryControllerCanBeGone) {
  // `fuzz --nodes --seed 1`: two controllers, the leader crashes twice, nobody is left to take
  // over the second time; `--seed 2 --case 7875`: one slow window removes two leaders in turn.
  const FaultTarget leader{FaultTarget::Kind::Leader, 0};
  auto s = case_with_controllers(2);
  s->faults = {fault(FaultType::Crash, seconds(80), leader), fault(FaultType::Crash, seconds(120), leader)};
  EXPECT_EQ(permitted_violations(*s, false).kinds("failoverWithin"), std::vector<std::string>{"no-candidate-left"});
  // Twin: one crash leaves a candidate; failoverWithin stays judged.
  s->faults = {fault(FaultType::Crash, seconds(80), leader)};
  EXPECT_TRUE(permitted_violations(*s, false).kinds("failoverWithin").empty());
  // A slow window long enough for two leaders to lose the lease in turn, then a crash.
  FaultSpec slow = fault(FaultType::ApiServerSlow, seconds(5), FaultTarget{}, milliseconds(74500));
  slow.latency = LatencyRange{milliseconds(500), milliseconds(3600)};
  auto three = case_with_controllers(3);
  three->faults = {slow, fault(FaultType::Crash, seconds(182), leader)};
  EXPECT_EQ(permitted_violations(*three, false).kinds("failoverWithin"), std::vector<std::string>{"no-candidate-left"});
  // Twin: a slow window whose round trip stays under the request timeout removes nobody.
  three->faults[0].latency.max = milliseconds(1500);
  EXPECT_TRUE(permitted_violations(*three, false).kinds("failoverWithin").empty());
  // A blackhole shorter than the renew deadline can still cost the lease (`--seed 2 --case
  // 9708`: 6.5 s); a 1 s one cannot.
  FaultSpec outage = fault(FaultType::ApiServerOutage, seconds(25), FaultTarget{}, milliseconds(6500));
  outage.mode = OutageMode::Blackhole;
  s->faults = {outage, fault(FaultType::Crash, seconds(73), leader)};
  EXPECT_EQ(permitted_violations(*s, false).kinds("failoverWithin"), std::vector<std::string>{"no-candidate-left"});
  s->faults[0].for_ = seconds(1);
  EXPECT_TRUE(permitted_violations(*s, false).kinds("failoverWithin").empty());
}

TEST(FuzzNodes, AControllerFailoverInsideAKubeletSilenceMovesTheNearMiss) {
  // `fuzz --nodes --seed 4 --case 13421`: the kubelet's answers are cut from 122.6 s for 77.5 s
  // and the leading controller crashes at 136.1 s: the new leader's first sight of the node
  // starts a fresh 50 s grace period, so the silence, far longer than the grace period, ends
  // about when the new leader's Unknown write goes out.
  auto s = case_with_controllers(2);
  const uint32_t kubelet = static_cast<uint32_t>(s->processes.size() - 1);
  FaultSpec cut = fault(FaultType::Partition, milliseconds(122600), FaultTarget{FaultTarget::Kind::Process, kubelet},
                        milliseconds(77500));
  cut.direction = Direction::Responses;
  s->faults = {cut, fault(FaultType::Crash, milliseconds(136100), FaultTarget{FaultTarget::Kind::Leader, 0})};
  EXPECT_EQ(permitted_violations(*s, false).kinds("noFalseNotReady"), std::vector<std::string>{"heartbeats-resume-at-grace"});
  // Twin: without the failover the same silence is far past the grace period: no near miss.
  s->faults = {cut};
  EXPECT_TRUE(permitted_violations(*s, false).kinds("noFalseNotReady").empty());
  // Twin: a crash after the silence ended does not move it either.
  s->faults = {cut, fault(FaultType::Crash, seconds(205), FaultTarget{FaultTarget::Kind::Leader, 0})};
  EXPECT_TRUE(permitted_violations(*s, false).kinds("noFalseNotReady").empty());
}

TEST(FuzzNodes, RenumberKeepsNodeIdsDense) {
  auto s = one_node_case();
  ASSERT_GE(s->node_names.size(), 2u);
  size_t first_kubelet = 0;
  while (!std::holds_alternative<KubeletConfig>(s->processes[first_kubelet].model)) ++first_kubelet;
  s->processes.erase(s->processes.begin() + static_cast<ptrdiff_t>(first_kubelet));
  renumber_nodes(*s);
  NodeId expect = 0;
  for (const ProcessSpec& p : s->processes)
    if (const auto* k = std::get_if<KubeletConfig>(&p.model)) {
      EXPECT_EQ(k->node, expect);
      EXPECT_EQ(s->node_names[expect], p.name);
      ++expect;
    }
  EXPECT_EQ(s->node_names.size(), expect);
}

TEST(FuzzNodes, ShrinkingKeepsAControllerWhileNodeNotReadyWithinIsAuto) {
  // Without a node lifecycle controller `auto` has no bound and the run reports that as a
  // violation; the shrinker once dropped the controller of `fuzz --nodes --known --seed 1
  // --case 8` and saved a scenario showing only that.
  auto s = one_node_case();
  EXPECT_TRUE(shrink_candidate_valid(*s));
  Scenario no_controller = *s;
  std::erase_if(no_controller.processes,
                [](const ProcessSpec& p) { return std::holds_alternative<NodeLifecycleConfig>(p.model); });
  renumber_nodes(no_controller);
  EXPECT_FALSE(shrink_candidate_valid(no_controller));
  no_controller.properties.node_not_ready_within_auto = false;  // an explicit bound, or none, is fine
  EXPECT_TRUE(shrink_candidate_valid(no_controller));
}

// The twin of the permit: the same clock step back is a failure under the Known judge, is
// found among generated cases, and shrinks to a smaller scenario that still violates
// noFalseNotReady with the same kind.
TEST(FuzzNodes, ClockStepBackIsFoundAndShrinks) {
  std::optional<FuzzOutcome> found;
  for (uint64_t i = 0; i < 200 && !found; ++i) {
    FuzzOutcome o = fuzz_case(nullptr, 1, i, FuzzJudge::Known, false, FuzzGenerators::Nodes);
    for (const FuzzFailure& f : o.failures)
      if (f.bug.key() == "nodes/noFalseNotReady/kubelet-clock-step-back" && f.pure) found = o;
  }
  ASSERT_TRUE(found) << "no pure kubelet clock-step-back case among 200";
  const FuzzFailure* f = nullptr;
  for (const FuzzFailure& x : found->failures)
    if (x.bug.key() == "nodes/noFalseNotReady/kubelet-clock-step-back") f = &x;
  uint32_t runs = 0;
  auto shrunk = shrink_failure(found->scenario, *f, false, &runs);
  EXPECT_GT(runs, 0u);
  EXPECT_LE(shrunk->processes.size(), found->scenario->processes.size());
  EXPECT_LE(shrunk->faults.size(), found->scenario->faults.size());
  EXPECT_TRUE(shows_bug(*shrunk, f->bug, false));
  const RunResult again = run_scenario(shrunk, shrunk->seed);
  EXPECT_FALSE(again.evaluation.passed);
  // Without --known the permitted violation is not a failure.
  EXPECT_TRUE(judge_violations(*shrunk, "nodes", false, FuzzJudge::Unexpected, {"noFalseNotReady"}, {"m"}).empty());
}

// `fuzz --nodes --seed 7 --case 12212` (regression): a kubelet partitioned (requests) from
// 79.2 s for 90.5 s posts its status (Ready=True again) after the window and crashes at 177.6 s
// before its Lease is renewed. The controller takes a fresh probe timestamp in the pass that
// sees the post and once more in the next one (upstream tryUpdateNodeHealth leaves the new health
// entry without a saved Lease), so Unknown comes 62.78 s after the crash: past the two-pass bound
// (61.86 s with 4 nodes at 93 ms) that reported it, inside the three-pass bound (docs/nodes.md).
TEST(FuzzNodes, Seed7Case12212AStatusPostBeforeACrashIsInsideTheBound) {
  const FuzzOutcome o = fuzz_case(nullptr, 7, 12212, FuzzJudge::Unexpected, false, FuzzGenerators::Nodes);
  EXPECT_FALSE(o.failed()) << (o.messages.empty() ? "" : o.messages.front());
  ASSERT_TRUE(o.scenario);
  const Duration bound = *node_detection_bound(*o.scenario);
  const Duration latency = o.scenario->api_server.latency.max;
  const int64_t nodes = static_cast<int64_t>(o.scenario->node_names.size());
  // The bound before: one monitor period and 2N latencies less.
  const Duration two_passes = bound - seconds(5) - latency * (2 * nodes);
  EXPECT_EQ(two_passes, milliseconds(61860));
  const RunResult r = run_scenario(o.scenario, o.seed);
  bool found = false;
  for (const NodeDetection& d : r.evaluation.node_detections) {
    if (d.cause != "crash" || d.fault_at != TrueInstant(milliseconds(177600).ns)) continue;
    found = true;
    ASSERT_TRUE(d.detection().has_value());
    EXPECT_EQ(*d.detection(), Duration(62775942405));
    EXPECT_GT(*d.detection(), two_passes);
    EXPECT_LE(*d.detection(), bound);
  }
  EXPECT_TRUE(found);

  // Twin: the same case judged against the two-pass bound fails, as the fuzzer reported.
  auto tight = std::make_shared<Scenario>(*o.scenario);
  tight->properties.node_not_ready_within_auto = false;
  tight->properties.node_not_ready_within = two_passes;
  const RunResult twin = run_scenario(tight, o.seed);
  EXPECT_FALSE(twin.evaluation.passed);
  EXPECT_EQ(twin.evaluation.violated, std::vector<std::string>{"nodeNotReadyWithin"});
}

}  // namespace
}  // namespace leasesim
