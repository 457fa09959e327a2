// cle_controller_loader_test.cc: `model: cle-controller` without a `lease:` takes the lock that
// kube-apiserver's election controller takes, kube-system/leader-election-controller (upstream
// pkg/controlplane/controller/leaderelection); a `lease:` still names another one.
#include <gtest/gtest.h>

#include <string>

#include "cli/scenario_loader.h"

namespace leasesim {
namespace {

std::string scenario(const std::string& controller) {
  return "apiVersion: leasesim/v1alpha1\nkind: Scenario\nmetadata: {name: t}\nspec:\n  processes:\n" + controller +
         "    - name: kcm\n      model: client-go-elector\n      lease: kube-system/kube-controller-manager\n"
         "      config: {coordinated: true, binaryVersion: 1.33.0}\n";
}

TEST(CleControllerLoader, LeaseDefaultsToTheControllersLock) {
  const LoadResult r = load_scenario_text(scenario("    - {name: ctl, model: cle-controller}\n"), "t.yaml");
  ASSERT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].format());
  const Scenario& s = *r.scenario;
  EXPECT_EQ(s.lease_keys[s.processes[0].lease], "kube-system/leader-election-controller");
}

// The twin: an explicit lease is kept, so the default above is not the only lease it can have.
TEST(CleControllerLoader, AnExplicitLeaseIsKept) {
  const LoadResult r =
      load_scenario_text(scenario("    - {name: ctl, model: cle-controller, lease: kube-system/my-lock}\n"), "t.yaml");
  ASSERT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].format());
  EXPECT_EQ(r.scenario->lease_keys[r.scenario->processes[0].lease], "kube-system/my-lock");
}

}  // namespace
}  // namespace leasesim
