// Tests of where the World records Lease writes (sim/history.h): a kubelet's writes to its own
// node Lease go to the compact History::node_lease_writes, every other Lease write (the
// controllers' election) to History::writes, and the trace shows both as the same `lease` lines.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "sim/trace.h"
#include "sim/world.h"
#include "tests/sim/node_scenarios.h"

namespace leasesim {
namespace {

using testing::kubelet_proc;
using testing::node_scenario;

TEST(NodeLeaseWrites, KubeletRenewalsAreCompactAndElectionWritesAreNot) {
  auto s = node_scenario(2, 2, minutes(1));
  World w(s);
  RandomChooser chooser(3);
  while (w.step(chooser, nullptr) == StepStatus::Stepped) {
  }
  const History& h = w.history();
  // Two kubelets renew every ~10 s for a minute: a create and about five updates each.
  ASSERT_GE(h.node_lease_writes.size(), 10u);
  for (const NodeLeaseWrite& n : h.node_lease_writes) {
    const ProcessSpec& p = s->processes[n.proc];
    EXPECT_TRUE(std::holds_alternative<KubeletConfig>(p.model));
    EXPECT_EQ(n.lease, p.lease);
    EXPECT_FALSE(n.deleted);
    EXPECT_FALSE(n.holder_changed);
    EXPECT_EQ(n.holder, p.name);
    EXPECT_EQ(n.lease_duration_seconds, 40);
    ASSERT_TRUE(n.renew_time().has_value());
  }
  EXPECT_EQ(h.node_lease_writes[0].verb, Verb::Create);
  // The controllers' election writes stay full records, on their own lease.
  ASSERT_FALSE(h.writes.empty());
  for (const LeaseWrite& lw : h.writes) EXPECT_EQ(s->lease_keys[lw.lease], "kube-system/kube-controller-manager");
  // The compact record is what makes a 65,000-node hour fit in memory.
  EXPECT_EQ(sizeof(NodeLeaseWrite), 48u);
}

TEST(NodeLeaseWrites, AHolderChangeIsKeptWithoutTheSpecBefore) {
  // node-0's Lease exists from the start with another holder: the kubelet's first write takes
  // it over (a holder change), its later renewals do not change the holder.
  auto s = node_scenario(1, 1, seconds(35));
  InitialLease initial;
  initial.id = s->processes[kubelet_proc(1, 0)].lease;
  initial.spec.holder_identity = Name("node-0-old-instance");
  initial.spec.lease_duration_seconds = 40;
  initial.spec.renew_time = s->start_time;
  s->leases.push_back(initial);
  World w(s);
  RandomChooser chooser(5);
  while (w.step(chooser, nullptr) == StepStatus::Stepped) {
  }
  const auto& writes = w.history().node_lease_writes;
  ASSERT_GE(writes.size(), 2u);
  EXPECT_TRUE(writes[0].holder_changed);
  for (size_t i = 1; i < writes.size(); ++i) EXPECT_FALSE(writes[i].holder_changed) << "write " << i;
}

TEST(NodeLeaseWrites, TheTraceShowsEveryCommittedWriteOfBothLists) {
  auto s = node_scenario(2, 1, seconds(45));
  std::ostringstream text;
  Trace trace(&text);
  World w(s);
  RandomChooser chooser(4);
  while (w.step(chooser, &trace) == StepStatus::Stepped) {
  }
  trace.flush();
  size_t lease_lines = 0, node_lease_lines = 0;
  std::istringstream in(text.str());
  for (std::string line; std::getline(in, line);) {
    if (line.find("\"type\":\"lease\"") == std::string::npos) continue;
    ++lease_lines;
    if (line.find("\"object\":\"kube-node-lease/") != std::string::npos) ++node_lease_lines;
  }
  const History& h = w.history();
  EXPECT_EQ(lease_lines, h.writes.size() + h.node_lease_writes.size());
  EXPECT_EQ(node_lease_lines, h.node_lease_writes.size());
}

}  // namespace
}  // namespace leasesim
