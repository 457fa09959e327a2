// single_leader.h: at no instant of true time do two processes act as leader of one lease.
//
// Contract (docs/cli.md section 2 "singleLeader"): acting-leader
// intervals are half-open [start, end); an interval still open at the end of the run extends to
// `end`. Every overlapping pair is one violation naming both processes, the overlap interval,
// and the events that caused it (the second leader's start and the first leader's last
// committed write before it).
#pragma once

#include <vector>

#include "properties/violation.h"
#include "sim/history.h"
#include "sim/scenario.h"

namespace leasesim {

std::vector<Violation> check_single_leader(const Scenario& scenario, const History& history, LeaseId lease,
                                           TrueInstant end);

}  // namespace leasesim
