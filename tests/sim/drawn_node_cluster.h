// A small node cluster drawn by RapidCheck, for the twin tests of the World's run-mode
// shortcuts (lazy deadlines, the pending digest on demand): kubelets and controller managers
// starting together (timers, requests, deadlines and watch deliveries pending at once), a
// latency fixed (ties) or drawn, and perhaps one pause, partition or API server outage. Call it
// inside a RapidCheck property.
#pragma once

#include <rapidcheck.h>

#include <memory>

#include "tests/sim/node_scenarios.h"

namespace leasesim::testing {

// Kubelets in [1, kubelets_below), a run of [20, seconds_below) s, a fault window of
// [1, fault_seconds_below) s.
inline std::shared_ptr<Scenario> drawn_node_cluster(int kubelets_below, int seconds_below, int64_t fault_seconds_below) {
  const bool fixed = *rc::gen::arbitrary<bool>();
  const int64_t lo_ms = *rc::gen::inRange<int64_t>(1, 50);
  const LatencyRange latency{milliseconds(lo_ms), milliseconds(fixed ? lo_ms : lo_ms + *rc::gen::inRange<int64_t>(1, 500))};
  auto s = node_scenario(*rc::gen::inRange(1, kubelets_below), *rc::gen::inRange(1, 3), seconds(*rc::gen::inRange(20, seconds_below)),
                         latency);
  if (*rc::gen::arbitrary<bool>()) {
    FaultSpec f;
    f.type = *rc::gen::element(FaultType::Pause, FaultType::Partition, FaultType::ApiServerOutage);
    f.at = seconds(*rc::gen::inRange<int64_t>(1, 30));
    f.for_ = seconds(*rc::gen::inRange<int64_t>(1, fault_seconds_below));
    if (f.type != FaultType::ApiServerOutage)
      f.target = FaultTarget{FaultTarget::Kind::Process, static_cast<uint32_t>(*rc::gen::inRange<size_t>(0, s->processes.size()))};
    f.mode = *rc::gen::element(OutageMode::Refuse, OutageMode::Blackhole);
    s->faults.push_back(f);
  }
  return s;
}

}  // namespace leasesim::testing
