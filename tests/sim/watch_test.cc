// Tests of watches in the World (sim/world.h "Watches", sim/world_watch.cc): a committed write
// reaches a watching process one response latency after the commit; a watchStall drops
// deliveries for its window and ends with a relist, and is skipped on a process without
// watches; a partition of the watcher's responses drops deliveries and relists at its end (a
// partition of its requests does not); a crash closes the watch.
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

// The controller's renewTime cache at `at` and at `after`, with a partition of the controller
// (process 0) from 20 s to 49 s in `direction`; `now_renew` is what the server stores at `at`.
struct PartitionReadings {
  std::optional<WallInstant> at_start, at_end, now_renew, after, now_after;
};
PartitionReadings partitioned_controller(Direction direction) {
  auto s = node_scenario(1, 1, seconds(60));
  FaultSpec cut = process_fault(FaultType::Partition, 0, seconds(20), seconds(29));
  cut.direction = direction;
  s->faults.push_back(cut);
  // A long lease, so the controller keeps leading (and watching) through the cut.
  auto& elector = std::get<NodeLifecycleConfig>(s->processes[0].model).elector;
  elector.lease_duration = seconds(120);
  elector.renew_deadline = seconds(100);
  World w(s);
  RandomChooser chooser(2);
  const LeaseId lease = s->processes[kubelet_proc(1, 0)].lease;
  PartitionReadings r;
  while (w.step(chooser, nullptr) == StepStatus::Stepped && w.now() < TrueInstant(seconds(48).ns))
    if (!r.at_start && w.now() >= TrueInstant(seconds(20).ns)) r.at_start = controller(w).cached_renew_time(lease);
  r.at_end = controller(w).cached_renew_time(lease);
  r.now_renew = w.api_server().lease(lease)->spec.renew_time;
  while (w.step(chooser, nullptr) == StepStatus::Stepped && w.now() < TrueInstant(seconds(50).ns)) {
  }
  r.after = controller(w).cached_renew_time(lease);
  r.now_after = w.api_server().lease(lease)->spec.renew_time;
  return r;
}

// A watch event travels as a response does: a partition that cuts the controller's responses
// loses the renewals committed during it, and the controller lists again when it heals. Twin:
// a cut of its requests only leaves the stream flowing.
TEST(Watch, APartitionOfResponsesDropsDeliveriesThenRelists) {
  const PartitionReadings cut = partitioned_controller(Direction::Responses);
  ASSERT_TRUE(cut.at_start.has_value());
  EXPECT_EQ(cut.at_end, cut.at_start);
  EXPECT_NE(cut.now_renew, cut.at_start);
  EXPECT_EQ(cut.after, cut.now_after);

  const PartitionReadings both = partitioned_controller(Direction::Both);
  EXPECT_EQ(both.at_end, both.at_start);
  EXPECT_EQ(both.after, both.now_after);

  const PartitionReadings requests = partitioned_controller(Direction::Requests);
  EXPECT_NE(requests.at_end, requests.at_start);
  EXPECT_EQ(requests.at_end, requests.now_renew);
}

// A kubelet keeps no watches: a watchStall of it is skipped, and says why.
TEST(Watch, StallOfAProcessWithoutWatchesIsSkipped) {
  auto s = node_scenario(1, 1, seconds(30));
  s->faults.push_back(process_fault(FaultType::WatchStall, kubelet_proc(1, 0), seconds(5), seconds(10)));
  s->faults.push_back(process_fault(FaultType::WatchStall, 0, seconds(5), seconds(10)));
  World w(s);
  RandomChooser chooser(1);
  w.run(chooser, nullptr);
  int starts = 0;
  for (const FaultRecord& f : w.history().faults) {
    if (f.is_end) continue;
    ++starts;
    if (f.spec.target.process == 0) EXPECT_EQ(f.skipped, "");  // the twin: the controller's stall strikes
    else EXPECT_EQ(f.skipped, "the process keeps no watches (only a node-lifecycle-controller does)");
  }
  EXPECT_EQ(starts, 2);
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
