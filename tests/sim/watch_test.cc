// Tests of watches in the World (sim/world.h "Watches", sim/world_watch.cc): a committed write
// reaches a watching process one response latency after the commit; a watchStall drops
// deliveries for its window and ends with a relist; a crash closes the watch.
#include <gtest/gtest.h>

#include "sim/world.h"
#include "tests/sim/node_scenarios.h"

namespace leasesim {
namespace {

using testing::kubelet_proc;
using testing::node_scenario;
using testing::process_fault;

const NodeLifecycleController& controller(const World& w) {
  return std::get<NodeLifecycleController>(*w.process(0).model);
}

TEST(Watch, LeaseRenewalReachesTheControllerOneLatencyAfterItsCommit) {
  // Fixed latency 3 ms: the controller's cache must show each renewal exactly 3 ms after the
  // commit, never earlier.
  auto s = node_scenario(1, 1, seconds(60), LatencyRange{milliseconds(3), milliseconds(3)});
  World w(s);
  RandomChooser chooser(1);
  const LeaseId lease = s->processes[kubelet_proc(1, 0)].lease;
  size_t seen_writes = 0;
  int checked = 0;
  while (w.step(chooser, nullptr) == StepStatus::Stepped) {
    // The kubelet's writes to its own node Lease are kept in the compact list.
    const auto& writes = w.history().node_lease_writes;
    for (; seen_writes < writes.size(); ++seen_writes) {
      const NodeLeaseWrite& lw = writes[seen_writes];
      if (lw.lease != lease || lw.deleted || !controller(w).running()) continue;
      const WallInstant renew = *lw.renew_time();
      // Step until the cache has it; the delivery instant is the commit plus the latency.
      const TrueInstant committed = lw.t;
      while (controller(w).cached_renew_time(lease) != renew) {
        ASSERT_EQ(w.step(chooser, nullptr), StepStatus::Stepped);
        ASSERT_LE(w.now(), committed + milliseconds(3));
      }
      EXPECT_EQ(w.now(), committed + milliseconds(3));
      ++checked;
      seen_writes = w.history().node_lease_writes.size();
      break;
    }
  }
  EXPECT_GE(checked, 4);  // the kubelet renews every ~10 s once the controller watches
}

TEST(Watch, StallDropsDeliveriesThenRelists) {
  auto s = node_scenario(1, 1, seconds(90));
  s->faults.push_back(process_fault(FaultType::WatchStall, 0, seconds(20), seconds(30)));
  World w(s);
  RandomChooser chooser(2);
  const LeaseId lease = s->processes[kubelet_proc(1, 0)].lease;
  std::optional<WallInstant> at_stall;
  while (w.step(chooser, nullptr) == StepStatus::Stepped && w.now() < TrueInstant(seconds(49).ns)) {
    if (!at_stall && w.now() >= TrueInstant(seconds(20).ns)) at_stall = controller(w).cached_renew_time(lease);
  }
  ASSERT_TRUE(at_stall.has_value());
  // Renewals committed during the stall did not reach the cache.
  EXPECT_EQ(controller(w).cached_renew_time(lease), at_stall);
  EXPECT_NE(w.api_server().lease(lease)->spec.renew_time, at_stall);
  // After the stall the relist brings the cache up to date.
  while (w.step(chooser, nullptr) == StepStatus::Stepped && w.now() < TrueInstant(seconds(51).ns)) {
  }
  EXPECT_EQ(controller(w).cached_renew_time(lease), w.api_server().lease(lease)->spec.renew_time);
}

TEST(Watch, NodeStoreAndTraceRecordTheKubeletsNode) {
  auto s = node_scenario(2, 1, seconds(30));
  World w(s);
  RandomChooser chooser(3);
  std::ostringstream out;
  Trace trace(&out);
  w.run(chooser, &trace);
  trace.flush();
  for (NodeId n = 0; n < 2; ++n) {
    ASSERT_TRUE(w.api_server().nodes().node(n).has_value());
    EXPECT_EQ(w.api_server().nodes().node(n)->ready(), ConditionStatus::True);
    EXPECT_EQ(w.api_server().nodes().node(n)->zone, Name("zone-a"));
  }
  EXPECT_NE(out.str().find("\"type\":\"node\",\"node\":\"node-0\""), std::string::npos);
  EXPECT_NE(out.str().find("\"object\":\"nodes/node-1\""), std::string::npos);
  ASSERT_NE(controller(w).cached_node(1), nullptr);
}

}  // namespace
}  // namespace leasesim
