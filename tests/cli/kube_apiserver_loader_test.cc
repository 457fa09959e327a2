// kube_apiserver_loader_test.cc: loading `model: kube-apiserver` processes: the implied lease
// from the hostname (or the process name, per expanded process), the refused lease:/identity:
// fields, config errors with file:line:col and field path, and coordinatedLeaderElection.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/scenario_loader.h"
#include "cli/scenario_writer.h"
#include "model/apiserver_identity.h"
#include "properties/evaluate.h"
#include "properties/identity.h"

namespace leasesim {
namespace {

std::string with_spec(std::string_view spec_body) {
  return std::string("apiVersion: leasesim/v1alpha1\nkind: Scenario\nmetadata: {name: t}\nspec:\n") +
         std::string(spec_body);
}

std::vector<std::string> errors_of(std::string_view text) {
  const LoadResult r = load_scenario_text(text, "t.yaml");
  EXPECT_FALSE(r.ok());
  std::vector<std::string> out;
  for (const Diagnostic& d : r.errors) out.push_back(d.format());
  return out;
}

TEST(KubeApiserverLoader, LeaseImpliedFromHostnameOrProcessNameAfterCountExpansion) {
  const LoadResult r = load_scenario_text(with_spec("  processes:\n"
                                                    "    - {name: cp, count: 2, model: kube-apiserver}\n"
                                                    "    - {name: other, model: kube-apiserver, config: {hostname: cp-0}}\n"),
                                          "t.yaml");
  ASSERT_TRUE(r.ok());
  const Scenario& s = *r.scenario;
  ASSERT_EQ(s.processes.size(), 3u);
  EXPECT_EQ(s.lease_keys[s.processes[0].lease], identity_lease_key("cp-0"));
  EXPECT_EQ(s.lease_keys[s.processes[1].lease], identity_lease_key("cp-1"));
  // The same hostname: the same lease.
  EXPECT_EQ(s.processes[2].lease, s.processes[0].lease);
  EXPECT_EQ(std::get<KubeApiserverConfig>(s.processes[1].model).hostname, "cp-1");
}

TEST(KubeApiserverLoader, ConfigErrorsAndRefusedFields) {
  EXPECT_EQ(errors_of(with_spec("  processes:\n"
                                "    - {name: a, model: kube-apiserver, lease: kube-system/x, identity: a}\n"
                                "    - {name: b, model: kube-apiserver, config: {hostname: \"bad host\"}}\n"
                                "    - {name: c, model: kube-apiserver, config: {coordinatedLeaderElection: 1}}\n"
                                "    - {name: d, model: kube-apiserver, config: {gcPeriod: 10}}\n"
                                "    - {name: e, model: kube-apiserver, config: {identityLeaseDurationSeconds: 0}}\n"
                                "    - {name: f, model: kube-apiserver, config: {gcPeriod: 0s}}\n")),
            (std::vector<std::string>{
                "t.yaml:6:47: spec.processes[0].lease: model \"kube-apiserver\" takes no lease: field: it derives "
                "its lease itself",
                "t.yaml:6:72: spec.processes[0].identity: model \"kube-apiserver\" takes no identity: field: it "
                "derives its holder identity itself",
                "t.yaml:7:59: spec.processes[1].config.hostname: hostname \"bad host\" is not a valid label value "
                "(kubernetes.io/hostname): at most 63 characters of letters, digits, '-', '_' and '.', beginning and "
                "ending with a letter or digit",
                "t.yaml:8:76: spec.processes[2].config.coordinatedLeaderElection: expected a boolean (true or false), got "
                "\"1\"",
                "t.yaml:9:59: spec.processes[3].config.gcPeriod: duration \"10\" has no unit; write e.g. 10s (units: "
                "ns us ms s m h)",
                "t.yaml:10:79: spec.processes[4].config.identityLeaseDurationSeconds: must be between 1 and "
                "2147483647, got 0",
                "t.yaml:11:59: spec.processes[5].config.gcPeriod: gcPeriod must be greater than zero"}));
}

// coordinatedLeaderElection: true: the process elects on the controller's lock, its identity
// lease is still interned (and bound in its config), and the election properties apply to the
// lock; a scenario written back and read again is the same.
TEST(KubeApiserverLoader, CoordinatedInstancesElectOnTheControllersLock) {
  const LoadResult r = load_scenario_text(with_spec("  processes:\n"
                                                    "    - {name: cp, count: 2, model: kube-apiserver, config: "
                                                    "{coordinatedLeaderElection: true}}\n"
                                                    "    - {name: plain, model: kube-apiserver}\n"),
                                          "t.yaml");
  ASSERT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].format());
  const Scenario& s = *r.scenario;
  ASSERT_EQ(s.processes.size(), 3u);
  EXPECT_EQ(s.lease_keys[s.processes[0].lease], "kube-system/leader-election-controller");
  EXPECT_EQ(s.processes[1].lease, s.processes[0].lease);
  const auto& c1 = std::get<KubeApiserverConfig>(s.processes[1].model);
  ASSERT_TRUE(c1.identity_lease.has_value());
  EXPECT_EQ(s.lease_keys[*c1.identity_lease], identity_lease_key("cp-1"));
  EXPECT_EQ(s.lease_keys[s.processes[2].lease], identity_lease_key("plain"));
  EXPECT_FALSE(std::get<KubeApiserverConfig>(s.processes[2].model).identity_lease.has_value());
  EXPECT_EQ(elected_leases(s), std::vector<LeaseId>{s.processes[0].lease});
  const std::vector<LeaseId> identities = identity_leases(s);
  EXPECT_EQ(identities.size(), 3u);
  const LoadResult again = load_scenario_text(scenario_to_yaml(s), "t2.yaml");
  ASSERT_TRUE(again.ok()) << (again.errors.empty() ? "" : again.errors[0].format());
  EXPECT_EQ(again.scenario->processes, s.processes);
}

TEST(KubeApiserverLoader, IdentityPropertiesNeedKubeApiserverProcesses) {
  EXPECT_EQ(errors_of(with_spec("  processes:\n"
                                "    - {name: a, model: tutorial-elector, lease: default/l}\n"
                                "  properties: {staleIdentityCollectedWithin: auto}\n"
                                "  expect: {violated: [noLiveIdentityDeleted]}\n")),
            (std::vector<std::string>{
                "t.yaml:7:46: spec.properties.staleIdentityCollectedWithin: staleIdentityCollectedWithin judges "
                "kube-apiserver identity leases, and this scenario has no kube-apiserver process",
                "t.yaml:8:23: spec.expect.violated[0]: property \"noLiveIdentityDeleted\" judges kube-apiserver "
                "identity leases, and this scenario has no kube-apiserver process, so it can never be violated and "
                "the run could never pass"}));
}

// A kube-apiserver whose config is invalid still counts as declared: its own errors come alone,
// every one of them, without a misleading "no kube-apiserver process" for the property.
TEST(KubeApiserverLoader, ABadKubeApiserverConfigGetsItsOwnErrorsOnly) {
  EXPECT_EQ(errors_of(with_spec("  processes:\n"
                                "    - {name: a, model: kube-apiserver, config: {identityLeaseRenewInterval: 0s, "
                                "gcPeriod: 0s}}\n"
                                "  properties: {staleIdentityCollectedWithin: auto}\n")),
            (std::vector<std::string>{
                "t.yaml:6:77: spec.processes[0].config.identityLeaseRenewInterval: identityLeaseRenewInterval must be "
                "greater than zero",
                "t.yaml:6:91: spec.processes[0].config.gcPeriod: gcPeriod must be greater than zero"}));
}

// electsPreferred with no coordinated lease would judge nothing and vanish from the verdict: an
// error, as for the identity properties. Twin: with a coordinated candidate it loads.
TEST(KubeApiserverLoader, ElectsPreferredNeedsACoordinatedLease) {
  EXPECT_EQ(errors_of(with_spec("  processes:\n"
                                "    - {name: a, model: client-go-elector, lease: default/l}\n"
                                "  properties: {electsPreferred: true}\n")),
            (std::vector<std::string>{
                "t.yaml:7:33: spec.properties.electsPreferred: electsPreferred judges coordinated leases "
                "(client-go-elector processes with coordinated: true), and this scenario has none"}));
  const LoadResult twin = load_scenario_text(with_spec("  processes:\n"
                                                      "    - {name: a, model: client-go-elector, lease: default/l, "
                                                      "config: {coordinated: true, binaryVersion: 1.33.0}}\n"
                                                      "  properties: {electsPreferred: true}\n"),
                                            "t.yaml");
  EXPECT_TRUE(twin.ok()) << (twin.errors.empty() ? "" : twin.errors[0].format());
}

}  // namespace
}  // namespace leasesim
