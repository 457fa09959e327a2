// eventually_leader.h: liveness after the faults heal.
//
// Contract (docs/cli.md section 2 "eventuallyLeader"): let T be the
// instant the last fault ends (its `at + for`, or `at` for instant faults and faults without
// an end; 0 without faults). Within [T, T + window] some process must act as leader of the
// lease at some instant. A leadership interval counts when it overlaps that window (crashed
// processes have no open interval, so only live processes count).
#pragma once

#include <vector>

#include "properties/violation.h"
#include "sim/history.h"
#include "sim/scenario.h"

namespace leasesim {

TrueInstant last_fault_end(const Scenario& scenario);

std::vector<Violation> check_eventually_leader(const Scenario& scenario, const History& history, LeaseId lease,
                                               Duration window, TrueInstant end);

}  // namespace leasesim
