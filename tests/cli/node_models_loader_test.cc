// Loading node scenarios (cli/scenario_loader.h with the kubelet and node-lifecycle-controller
// registry entries): a kubelet's Lease is implied and may not be named, the controller's lease
// defaults to kube-system/kube-controller-manager, every kubelet gets a Node in process order,
// exact decimals (ConfigReader::decimal) read without rounding, and a bad value points at its
// file:line:col and field path.
#include <gtest/gtest.h>

#include "cli/scenario_loader.h"
#include "cli/scenario_writer.h"

namespace leasesim {
namespace {

std::string scenario_with(const std::string& processes, const std::string& extra = "") {
  return "apiVersion: leasesim/v1alpha1\nkind: Scenario\nmetadata: {name: t}\nspec:\n  processes:\n" + processes + extra;
}

std::vector<std::string> errors_of(const LoadResult& r) {
  std::vector<std::string> out;
  for (const Diagnostic& d : r.errors) out.push_back(d.format());
  return out;
}

TEST(NodeModelsLoader, ImpliedAndDefaultLeasesAndNodes) {
  const LoadResult r = load_scenario_text(scenario_with("    - {name: kcm, model: node-lifecycle-controller}\n"
                                                        "    - {name: n, count: 2, model: kubelet, config: {zone: z2}}\n"),
                                          "t.yaml");
  ASSERT_TRUE(r.ok()) << ::testing::PrintToString(errors_of(r));
  const Scenario& s = *r.scenario;
  EXPECT_EQ(s.lease_keys[s.processes[0].lease], "kube-system/kube-controller-manager");
  EXPECT_EQ(s.lease_keys[s.processes[1].lease], "kube-node-lease/n-0");
  EXPECT_EQ(s.lease_keys[s.processes[2].lease], "kube-node-lease/n-1");
  EXPECT_EQ(s.node_names, (std::vector<std::string>{"n-0", "n-1"}));
  EXPECT_EQ(std::get<KubeletConfig>(s.processes[2].model).node, 1u);
  EXPECT_EQ(std::get<KubeletConfig>(s.processes[2].model).zone, "z2");
}

TEST(NodeModelsLoader, KubeletTakesNoLease) {
  const LoadResult r =
      load_scenario_text(scenario_with("    - {name: n, model: kubelet, lease: default/x}\n"), "t.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(errors_of(r)[0],
            "t.yaml:6:40: spec.processes[0].lease: model \"kubelet\" takes no lease: field: it derives its lease itself");
  // The holder identity is the node name, as upstream's node lease controller writes it.
  const LoadResult named =
      load_scenario_text(scenario_with("    - {name: n, model: kubelet, identity: x}\n"), "t.yaml");
  ASSERT_FALSE(named.ok());
  EXPECT_EQ(errors_of(named)[0],
            "t.yaml:6:43: spec.processes[0].identity: model \"kubelet\" takes no identity: field: it derives its "
            "holder identity itself");
}

TEST(NodeModelsLoader, DecimalsAreExactAndBadOnesPointAtTheField) {
  const LoadResult ok = load_scenario_text(
      scenario_with("    - name: kcm\n      model: node-lifecycle-controller\n      config:\n"
                    "        nodeEvictionRate: 0.25\n        unhealthyZoneThreshold: 0.123456789\n"),
      "t.yaml");
  ASSERT_TRUE(ok.ok()) << ::testing::PrintToString(errors_of(ok));
  const auto& c = std::get<NodeLifecycleConfig>(ok.scenario->processes[0].model);
  EXPECT_EQ(c.node_eviction_rate_ppb, 250000000);
  EXPECT_EQ(c.unhealthy_zone_threshold_ppb, 123456789);
  EXPECT_EQ(c.elector.preset, "kube-controller-manager");

  // More fraction digits than a part per billion: an error, never a rounding.
  const auto errors = errors_of(load_scenario_text(
      scenario_with("    - name: kcm\n      model: node-lifecycle-controller\n      config:\n"
                    "        nodeEvictionRate: 0.1234567891\n"),
      "t.yaml"));
  ASSERT_EQ(errors.size(), 1u) << ::testing::PrintToString(errors);
  EXPECT_EQ(errors[0].rfind("t.yaml:9:27: spec.processes[0].config.nodeEvictionRate: ", 0), 0u) << errors[0];

  const LoadResult range = load_scenario_text(
      scenario_with("    - name: kcm\n      model: node-lifecycle-controller\n      config:\n"
                    "        unhealthyZoneThreshold: 1.5\n"),
      "t.yaml");
  ASSERT_FALSE(range.ok());
  EXPECT_EQ(errors_of(range)[0], "t.yaml:9:33: spec.processes[0].config.unhealthyZoneThreshold: "
                                 "unhealthyZoneThreshold must be between 0 and 1");
}

TEST(NodeModelsLoader, TolerationSecondsTakesADurationOrWholeSeconds) {
  // Named after the upstream flag --default-unreachable-toleration-seconds (an integer), so a
  // bare whole number means seconds; a duration with a unit works as everywhere else.
  auto toleration = [](const std::string& value) {
    return load_scenario_text(
        scenario_with("    - {name: kcm, model: node-lifecycle-controller, config: {defaultUnreachableTolerationSeconds: " +
                      value + "}}\n"),
        "t.yaml");
  };
  for (const char* v : {"300", "300s", "5m"}) {
    const LoadResult r = toleration(v);
    ASSERT_TRUE(r.ok()) << v << ": " << ::testing::PrintToString(errors_of(r));
    EXPECT_EQ(std::get<NodeLifecycleConfig>(r.scenario->processes[0].model).default_unreachable_toleration, seconds(300)) << v;
  }
  // A fraction without a unit, a negative number or a word is still an error at the field.
  for (const char* v : {"1.5", "-300", "soon"}) {
    const LoadResult r = toleration(v);
    ASSERT_FALSE(r.ok()) << v;
    EXPECT_NE(errors_of(r)[0].find("spec.processes[0].config.defaultUnreachableTolerationSeconds"), std::string::npos)
        << errors_of(r)[0];
  }
}

TEST(NodeModelsLoader, EveryConfigProblemIsReported) {
  const LoadResult kcm = load_scenario_text(
      scenario_with("    - name: kcm\n      model: node-lifecycle-controller\n      config:\n"
                    "        nodeEvictionRate: -0.1\n        unhealthyZoneThreshold: 1.5\n        nodeMonitorPeriod: 0s\n"),
      "t.yaml");
  const auto kcm_errors = errors_of(kcm);
  ASSERT_EQ(kcm_errors.size(), 3u) << ::testing::PrintToString(kcm_errors);
  EXPECT_NE(kcm_errors[0].find("config.nodeEvictionRate"), std::string::npos) << kcm_errors[0];
  EXPECT_EQ(kcm_errors[1], "t.yaml:10:33: spec.processes[0].config.unhealthyZoneThreshold: "
                           "unhealthyZoneThreshold must be between 0 and 1");
  EXPECT_EQ(kcm_errors[2], "t.yaml:11:28: spec.processes[0].config.nodeMonitorPeriod: nodeMonitorPeriod must be "
                           "greater than zero");

  const LoadResult kubelet = load_scenario_text(
      scenario_with("    - name: n\n      model: kubelet\n      config:\n"
                    "        nodeStatusUpdateFrequency: 0s\n        nodeStatusReportFrequency: 0s\n"),
      "t.yaml");
  EXPECT_EQ(errors_of(kubelet),
            (std::vector<std::string>{"t.yaml:9:36: spec.processes[0].config.nodeStatusUpdateFrequency: "
                                      "nodeStatusUpdateFrequency must be greater than zero",
                                      "t.yaml:10:36: spec.processes[0].config.nodeStatusReportFrequency: "
                                      "nodeStatusReportFrequency must be greater than zero"}));
}

// The zone is the value of the Node's topology.kubernetes.io/zone label, so it must be one.
TEST(NodeModelsLoader, ZoneMustBeALabelValue) {
  auto zone = [](const std::string& value) {
    return errors_of(load_scenario_text(scenario_with("    - {name: n, model: kubelet, config: {zone: " + value + "}}\n"),
                                        "t.yaml"));
  };
  EXPECT_EQ(zone("\"bad zone!\""),
            (std::vector<std::string>{"t.yaml:6:48: spec.processes[0].config.zone: zone \"bad zone!\" is the value of "
                                      "the label topology.kubernetes.io/zone: it must be at most 63 "
                                      "characters of letters, digits, '-', '_' and '.', beginning and ending with a "
                                      "letter or digit"}));
  EXPECT_EQ(zone("\"-a\"").size(), 1u);
  EXPECT_EQ(zone(std::string(64, 'z')).size(), 1u);
  EXPECT_TRUE(zone("eu-west-1a").empty());
  EXPECT_TRUE(zone(std::string(63, 'z')).empty());
  EXPECT_EQ(zone("[a]").size(), 1u);  // not a string at all
}

TEST(NodeModelsLoader, WatchStallNeedsItsWindow) {
  const LoadResult r = load_scenario_text(
      scenario_with("    - {name: kcm, model: node-lifecycle-controller}\n    - {name: n, model: kubelet}\n",
                    "  faults:\n    - {at: 10s, type: watchStall, target: kcm}\n"),
      "t.yaml");
  EXPECT_EQ(errors_of(r), (std::vector<std::string>{"t.yaml:9:7: spec.faults[0].for: required field is missing"}));
}

TEST(NodeModelsLoader, NodePropertiesAndWatchStall) {
  const LoadResult r = load_scenario_text(
      scenario_with("    - {name: kcm, model: node-lifecycle-controller}\n    - {name: n, model: kubelet}\n",
                    "  faults:\n    - {at: 10s, for: 20s, type: watchStall, target: kcm}\n"
                    "  properties: {nodeNotReadyWithin: auto, noFalseNotReady: true}\n"
                    "  expect: {violated: [noFalseNotReady]}\n"),
      "t.yaml");
  ASSERT_TRUE(r.ok()) << ::testing::PrintToString(errors_of(r));
  EXPECT_TRUE(r.scenario->properties.node_not_ready_within_auto);
  EXPECT_TRUE(r.scenario->properties.no_false_not_ready);
  EXPECT_EQ(r.scenario->faults[0].type, FaultType::WatchStall);
  EXPECT_EQ(*r.scenario->faults[0].for_, seconds(20));
}

// A kubelet's `labels` become the Node's labels; a label whose key or value is not valid, or
// that a kubelet may not set on its own Node, is an error at that label's key, with its path.
TEST(NodeModelsLoader, KubeletLabelsAreReadAndBadOnesPointAtTheLabel) {
  const LoadResult ok = load_scenario_text(
      scenario_with("    - name: n\n      model: kubelet\n      config:\n        labels:\n"
                    "          node.kubernetes.io/exclude-disruption: \"\"\n          tier: b\n"),
      "t.yaml");
  ASSERT_TRUE(ok.ok()) << ::testing::PrintToString(errors_of(ok));
  const auto& k = std::get<KubeletConfig>(ok.scenario->processes[0].model);
  EXPECT_EQ(k.labels, (Labels{{"node.kubernetes.io/exclude-disruption", ""}, {"tier", "b"}}));

  auto error_for = [](const std::string& labels) {
    const LoadResult r = load_scenario_text(
        scenario_with("    - name: n\n      model: kubelet\n      config:\n        labels:\n" + labels), "t.yaml");
    EXPECT_FALSE(r.ok()) << labels;
    return r.ok() ? std::string() : errors_of(r)[0];
  };
  // The second label's key is at line 11, column 11.
  EXPECT_EQ(error_for("          tier: b\n          Bad.Prefix/x: \"\"\n"),
            "t.yaml:11:11: spec.processes[0].config.labels.Bad.Prefix/x: label key \"Bad.Prefix/x\" has an invalid "
            "prefix: it must be a DNS subdomain (at most 253 characters of lower-case letters, digits, '-' and '.', "
            "each part beginning and ending with a letter or digit)");
  EXPECT_EQ(error_for("          tier: \"a b\"\n").rfind("t.yaml:10:11: spec.processes[0].config.labels.tier: label "
                                                       "value \"a b\" is invalid",
                                                       0),
            0u);
  EXPECT_EQ(error_for("          kubernetes.io/role: x\n")
                .rfind("t.yaml:10:11: spec.processes[0].config.labels.kubernetes.io/role: label \"kubernetes.io/role\" "
                       "is in the kubernetes.io or k8s.io namespace",
                       0),
            0u);
  EXPECT_EQ(error_for("          topology.kubernetes.io/zone: z\n"),
            "t.yaml:10:11: spec.processes[0].config.labels.topology.kubernetes.io/zone: the zone label is set by "
            "`zone`, not in `labels`");
  // Not a mapping: an error at `labels` itself.
  EXPECT_EQ(error_for("          - a\n").rfind("t.yaml:10:11: spec.processes[0].config.labels: expected a mapping", 0),
            0u);
}

// A written node scenario (check's counterexamples, fuzz's shrunk cases) loads back to the same
// Scenario: the kubelet's settings are written, its implied lease and identity are not, and the
// controller's exact decimals come back exactly (they are the only non-integers in the tree).
TEST(NodeModelsLoader, WriterRoundTripsBothModels) {
  const LoadResult r = load_scenario_text(
      scenario_with("    - name: kcm\n      model: node-lifecycle-controller\n      config:\n"
                    "        nodeEvictionRate: 0.25\n        secondaryNodeEvictionRate: 0.001\n"
                    "        unhealthyZoneThreshold: 0.123456789\n        largeClusterSizeThreshold: 7\n"
                    "    - {name: n, count: 2, model: kubelet, config: {zone: z2, pods: 3, nodeLeaseDurationSeconds: 8}}\n"
                    "    - {name: x, model: kubelet, config: {labels: {node.kubernetes.io/exclude-disruption: '', "
                    "tier: b}}}\n"),
      "t.yaml");
  ASSERT_TRUE(r.ok()) << ::testing::PrintToString(errors_of(r));
  for (const bool json : {false, true}) {
    const std::string text = json ? scenario_to_json(*r.scenario) : scenario_to_yaml(*r.scenario);
    const LoadResult back = load_scenario_text(text, json ? "w.json" : "w.yaml");
    ASSERT_TRUE(back.ok()) << ::testing::PrintToString(errors_of(back)) << text;
    EXPECT_EQ(back.scenario->processes, r.scenario->processes) << text;
    EXPECT_EQ(back.scenario->lease_keys, r.scenario->lease_keys) << text;
    EXPECT_EQ(back.scenario->node_names, r.scenario->node_names) << text;
  }
}

}  // namespace
}  // namespace leasesim
