// Twin test of the pending digest on demand (WorldCore::set_digest_on_demand): the same scenario
// and seed run with the digest of the pending events kept up to date at every push and pop (as
// the explorer runs) and computed only when a fingerprint asks (as `run` does) give the same
// fingerprints, exact, canonical and live-only, after every step, with deadlines in the event
// queue or beside it. The other twin shows that the comparison can fail: a world of another
// seed, stepped beside the first, has another fingerprint at some step.
// Scenarios: RapidCheck draws small clusters of kubelets and controller managers (timers,
// requests, deadlines and watch deliveries pending at once), latencies fixed or drawn (ties),
// and a pause, partition or API server outage.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <memory>
#include <string>

#include "sim/world.h"
#include "tests/sim/drawn_node_cluster.h"
#include "tests/sim/node_scenarios.h"

namespace leasesim {
namespace {

// Steps a world that keeps the digest and one that computes it on demand in lockstep; returns
// "" when every fingerprint agreed, else what differed and after which event.
std::string first_difference(std::shared_ptr<const Scenario> s, uint64_t kept_seed, uint64_t on_demand_seed,
                             bool lazy_deadlines) {
  World kept(s), on_demand(s);
  kept.set_lazy_deadlines(lazy_deadlines);
  on_demand.set_lazy_deadlines(lazy_deadlines);
  on_demand.set_digest_on_demand(true);
  RandomChooser kept_chooser(kept_seed), on_demand_chooser(on_demand_seed);
  for (;;) {
    const StepStatus a = kept.step(kept_chooser, nullptr);
    const StepStatus b = on_demand.step(on_demand_chooser, nullptr);
    const std::string after = " after event " + std::to_string(kept.events_processed());
    if (a != b) return "status" + after;
    if (kept.fingerprint() != on_demand.fingerprint()) return "exact fingerprint" + after;
    if (kept.fingerprint(/*canonical=*/true) != on_demand.fingerprint(/*canonical=*/true)) return "canonical fingerprint" + after;
    if (kept.fingerprint(false, /*live_only=*/true) != on_demand.fingerprint(false, /*live_only=*/true))
      return "live-only fingerprint" + after;
    if (a != StepStatus::Stepped) return "";
  }
}

RC_GTEST_PROP(DigestOnDemandTwin, SameFingerprintsAfterEveryStep, ()) {
  const auto s = testing::drawn_node_cluster(8, 70, 40);
  const uint64_t seed = *rc::gen::inRange<uint64_t>(1, 1000);
  const bool lazy = *rc::gen::arbitrary<bool>();
  const std::string diff = first_difference(s, seed, seed, lazy);
  RC_ASSERT(diff == "");
  RC_TAG(lazy ? "lazy deadlines" : "eager deadlines");
}

TEST(DigestOnDemandTwin, TheComparisonSeesAnotherRun) {
  // The same cluster under two seeds: its latencies differ, so its pending events do, and the
  // fingerprints part at some step (the digest computed on demand is not a constant).
  const auto s = testing::node_scenario(4, 2, seconds(30), LatencyRange{milliseconds(1), milliseconds(40)});
  for (const bool lazy : {false, true}) {
    EXPECT_EQ(first_difference(s, 7, 7, lazy), "");
    EXPECT_NE(first_difference(s, 7, 8, lazy), "");
  }
}

}  // namespace
}  // namespace leasesim
