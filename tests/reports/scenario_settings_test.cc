// Tests of reports/scenario_settings.h: every model has its settings in words (a report on a
// node, identity or coordinated scenario once ended in an internal error), kubelets that differ
// only in their node and lease form one group while a different zone starts another (the twin),
// and the node properties are named with their bounds.
#include "reports/scenario_settings.h"

#include <gtest/gtest.h>

namespace leasesim {
namespace {

ProcessSpec process(Scenario& s, const std::string& name, ModelConfig model, const std::string& lease) {
  ProcessSpec p;
  p.name = p.identity = name;
  p.model = std::move(model);
  p.lease = s.lease_id(lease);
  return p;
}

std::string row(const std::vector<std::pair<std::string, std::string>>& rows, const std::string& topic) {
  for (const auto& [t, text] : rows)
    if (t == topic) return text;
  return "<no row " + topic + ">";
}

TEST(ScenarioSettings, EveryModelHasItsWords) {
  Scenario s;
  s.duration = minutes(1);
  s.processes.push_back(process(s, "t", TutorialConfig{}, "default/a"));
  s.processes.push_back(process(s, "c", ClientGoConfig{}, "default/b"));
  s.processes.push_back(process(s, "cle", CleControllerConfig{}, "kube-system/leader-election-controller"));
  KubeApiserverConfig api;
  api.hostname = "cp-0";
  s.processes.push_back(process(s, "cp-0", api, "kube-system/apiserver-x"));
  s.processes.push_back(process(s, "kcm", NodeLifecycleConfig{}, "kube-system/kube-controller-manager"));
  KubeletConfig k;
  k.labels = Labels{{"node.kubernetes.io/exclude-disruption", ""}};
  s.processes.push_back(process(s, "n", k, "kube-node-lease/n"));
  s.processes.push_back(process(s, "real", ClientGoRealConfig{}, "default/c"));
  ExecConfig e;
  e.command = {"./elector", "--id=a"};
  e.leader_pattern = "leading";
  s.processes.push_back(process(s, "exec", e, "default/d"));
  const auto rows = scenario_settings(s);
  EXPECT_NE(row(rows, "processes t").find("loopPeriod"), std::string::npos);
  EXPECT_NE(row(rows, "processes c").find("leaseDuration 15s"), std::string::npos);
  EXPECT_NE(row(rows, "processes cle").find("its own election: leaseDuration"), std::string::npos);
  EXPECT_NE(row(rows, "processes cp-0").find("hostname cp-0, identityLeaseDurationSeconds 3600"), std::string::npos);
  EXPECT_NE(row(rows, "processes kcm").find("nodeMonitorGracePeriod 50s, nodeStartupGracePeriod 1m, nodeEvictionRate 0.1"),
            std::string::npos)
      << row(rows, "processes kcm");
  EXPECT_NE(row(rows, "processes n").find("zone zone-a, labels node.kubernetes.io/exclude-disruption=, 10 pods"),
            std::string::npos)
      << row(rows, "processes n");
  EXPECT_NE(row(rows, "processes real").find("the built-in helper"), std::string::npos);
  EXPECT_NE(row(rows, "processes exec").find("command ./elector --id=a"), std::string::npos);
}

TEST(ScenarioSettings, KubeletsGroupAcrossNodesButNotAcrossZones) {
  Scenario s;
  s.duration = minutes(1);
  for (int i = 0; i < 4; ++i) {
    KubeletConfig k;
    k.node = static_cast<NodeId>(i);
    if (i == 3) k.zone = "zone-b";  // the twin: another zone is another group
    s.processes.push_back(process(s, "n-" + std::to_string(i), k, "kube-node-lease/n-" + std::to_string(i)));
  }
  s.properties.node_not_ready_within_auto = true;
  s.properties.no_false_not_ready = true;
  s.properties.max_pod_evictions = 0;
  const auto rows = scenario_settings(s);
  EXPECT_NE(row(rows, "processes n-0 .. n-2 (3)").find("kubelet on their own leases in kube-node-lease"),
            std::string::npos);
  EXPECT_NE(row(rows, "processes n-3").find("kubelet on kube-node-lease/n-3: "), std::string::npos);
  EXPECT_NE(row(rows, "properties").find("nodeNotReadyWithin auto (the analytic bound), noFalseNotReady, maxPodEvictions 0"),
            std::string::npos)
      << row(rows, "properties");
}

}  // namespace
}  // namespace leasesim
