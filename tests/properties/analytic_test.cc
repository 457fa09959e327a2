// Tests of the scenario-wide analytic bounds (properties/analytic.h) for the models whose
// election is client-go's: node-lifecycle-controller replicas get the bounds of the elector they
// embed, exactly as client-go-elector processes with the same timings, and `failoverWithin: auto`
// judges their failovers (with a twin that fails).
#include "properties/analytic.h"

#include <gtest/gtest.h>

#include "model/client_go_timings.h"
#include "properties/evaluate.h"
#include "tests/model/client_go_configs.h"
#include "tests/properties/history_builders.h"

namespace leasesim {
namespace {

using namespace testing_history;

ClientGoConfig kcm_timing() { return timing(seconds(15), seconds(10), seconds(2)); }

// Three replicas on default/x, each a node-lifecycle-controller (or a client-go elector) with the
// kube-controller-manager timings.
Scenario replicas(bool node_lifecycle) {
  Scenario s = scenario_with(3);
  for (ProcessSpec& p : s.processes) {
    if (node_lifecycle) {
      NodeLifecycleConfig c;
      c.elector = kcm_timing();
      p.model = c;
    } else {
      p.model = kcm_timing();
    }
  }
  s.api_server.latency = {milliseconds(1), milliseconds(50)};
  return s;
}

TEST(AnalyticBounds, NodeLifecycleControllersGetTheBoundsOfTheirElector) {
  const std::optional<AnalyticBounds> controllers = analytic_bounds(replicas(true));
  const std::optional<AnalyticBounds> electors = analytic_bounds(replicas(false));
  ASSERT_TRUE(controllers.has_value());
  ASSERT_TRUE(electors.has_value());
  EXPECT_EQ(controllers->crash_to_leader_max, electors->crash_to_leader_max);
  EXPECT_EQ(controllers->stop_to_leader_max, electors->stop_to_leader_max);
  EXPECT_EQ(controllers->failover_bound, electors->failover_bound);
  EXPECT_EQ(controllers->safety_margin, electors->safety_margin);
  EXPECT_EQ(controllers->no_overlap, electors->no_overlap);
  EXPECT_GT(controllers->failover_bound, seconds(15));  // at least the lease duration
  // The timings read are the elector's own: a longer lease moves the bound.
  Scenario longer = replicas(true);
  std::get<NodeLifecycleConfig>(longer.processes[0].model).elector = timing(seconds(40), seconds(10), seconds(2));
  EXPECT_GT(analytic_bounds(longer)->failover_bound, controllers->failover_bound);
}

TEST(AnalyticBounds, ALeaseSharedWithAModelWithoutBoundsHasNone) {
  // The twin: a tutorial elector on the same lease has no analytic bound, so neither has the
  // lease; a kubelet's config names no client-go timings at all.
  Scenario s = replicas(true);
  s.processes[2].model = TutorialConfig{};
  EXPECT_FALSE(analytic_bounds(s).has_value());
  EXPECT_EQ(client_go_timings(ModelConfig(KubeletConfig{})), nullptr);
}

TEST(AnalyticBounds, AutoJudgesANodeLifecycleControllerFailover) {
  Scenario s = replicas(true);
  s.properties.failover_within_auto = true;
  const AnalyticBounds b = *analytic_bounds(s);
  const uint32_t crash = add_fault(s, FaultType::Crash, sec(10), std::nullopt, 0);
  History h;
  h.faults = {struck(crash, sec(10), 0, {{0, 0}})};
  // Within the crash bound: holds.
  h.leaderships = {lead(0, sec(1), sec(10), 0, "crash"), lead(1, sec(10) + b.crash_to_leader_max - seconds(1), std::nullopt)};
  EXPECT_TRUE(evaluate(s, h, sec(120), b.failover_bound).violated.empty());
  // Twin: a standby that took over a second past the bound fails failoverWithin.
  h.leaderships = {lead(0, sec(1), sec(10), 0, "crash"), lead(1, sec(10) + b.crash_to_leader_max + seconds(1), std::nullopt)};
  EXPECT_EQ(evaluate(s, h, sec(120), b.failover_bound).violated, (std::vector<std::string>{"failoverWithin"}));
}

}  // namespace
}  // namespace leasesim
