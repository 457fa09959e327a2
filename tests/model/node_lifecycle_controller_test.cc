// Tests of the node lifecycle controller's pure parts (model/node_lifecycle_controller.h):
// ComputeZoneState's three states at their exact thresholds, and the controller's reaction when
// it is not leading (it sends nothing of its own).
#include "model/node_lifecycle_controller.h"

#include <gtest/gtest.h>

namespace leasesim {
namespace {

constexpr int64_t k055 = 550000000;  // 0.55

TEST(ComputeZoneState, FullWhenNoNodeIsReady) {
  EXPECT_EQ(compute_zone_state(0, 1, k055), ZoneState::FullDisruption);
  EXPECT_EQ(compute_zone_state(0, 50, k055), ZoneState::FullDisruption);
  // An empty zone is not disrupted.
  EXPECT_EQ(compute_zone_state(0, 0, k055), ZoneState::Normal);
}

TEST(ComputeZoneState, PartialNeedsMoreThanTwoAndTheThreshold) {
  // Two not-Ready nodes are never a partial disruption, whatever the fraction.
  EXPECT_EQ(compute_zone_state(1, 2, k055), ZoneState::Normal);
  // 3 of 5 = 0.6 >= 0.55.
  EXPECT_EQ(compute_zone_state(2, 3, k055), ZoneState::PartialDisruption);
  // Exactly at the threshold counts (>=): 11 of 20 = 0.55.
  EXPECT_EQ(compute_zone_state(9, 11, k055), ZoneState::PartialDisruption);
  // Just below: 10 of 19 = 0.526.
  EXPECT_EQ(compute_zone_state(9, 10, k055), ZoneState::Normal);
}

TEST(NodeLifecycleController, StartsTheElectorOnlyUntilItLeads) {
  NodeLifecycleConfig config;
  NodeLifecycleController nlc("kcm", 0, config);
  Effects out;
  nlc.on_start(Now{LocalInstant(0), WallInstant(0)}, out);
  ASSERT_FALSE(out.empty());
  for (const Effect& e : out.list()) {
    if (const auto* call = std::get_if<Call>(&e)) {
      // Only the elector's Lease calls: no Node or list request before leading.
      EXPECT_EQ(call->request.kind, ObjectKind::Lease);
      EXPECT_EQ(call->request.tag & NodeLifecycleController::kTagBit, 0u);
    }
  }
  EXPECT_FALSE(nlc.running());
}

}  // namespace
}  // namespace leasesim
