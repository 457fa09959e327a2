// eventually_leader.cc: see eventually_leader.h.
#include "properties/eventually_leader.h"

#include <algorithm>

namespace leasesim {

TrueInstant last_fault_end(const Scenario& scenario) {
  TrueInstant t(0);
  for (const FaultSpec& f : scenario.faults) t = std::max(t, TrueInstant((f.at + f.for_.value_or(Duration(0))).ns));
  // Faults `check` may inject (spec.explore.faults) count at the latest they could end, so the
  // window starts at the same instant on every path and in every replay.
  const ExploreFaults& injectable = scenario.explore.faults;
  if (injectable.max > 0)
    for (Duration at : injectable.at)
      for (const FaultSpec& f : injectable.candidates) t = std::max(t, TrueInstant((at + f.for_.value_or(Duration(0))).ns));
  return t;
}

std::vector<Violation> check_eventually_leader(const Scenario& scenario, const History& history, LeaseId lease,
                                               Duration window, TrueInstant end) {
  const TrueInstant from = last_fault_end(scenario);
  const TrueInstant to = std::min(from + window, end);
  for (const Leadership& l : history.leaderships) {
    if (l.lease != lease) continue;
    const TrueInstant l_end = l.end ? *l.end : end;
    // Overlap of [l.start, l_end) with [from, to]; a leader already acting at `from` counts.
    if (l.start <= to && l_end > from) return {};
  }
  Violation v;
  v.at = from;
  v.until = to;
  v.message = "no process led " + scenario.lease_keys[lease] + " between " + format_seconds(from.ns) + "s (the last fault ended) and " +
              format_seconds(to.ns) + "s";
  return {v};
}

}  // namespace leasesim
