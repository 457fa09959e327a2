// single_leader.cc: see single_leader.h.
#include "properties/single_leader.h"

#include <algorithm>

namespace leasesim {
namespace {

std::string secs(TrueInstant t) { return format_seconds(t.ns) + "s"; }

// The last committed write to `lease` by `proc` at or before `t`, if any.
const LeaseWrite* last_write_by(const History& history, LeaseId lease, uint32_t proc, TrueInstant t) {
  const LeaseWrite* found = nullptr;
  for (const LeaseWrite& w : history.writes) {
    if (w.t > t) break;
    if (w.lease == lease && w.proc == proc) found = &w;
  }
  return found;
}

}  // namespace

std::vector<Violation> check_single_leader(const Scenario& scenario, const History& history, LeaseId lease,
                                           TrueInstant end) {
  std::vector<const Leadership*> intervals;
  for (const Leadership& l : history.leaderships)
    if (l.lease == lease) intervals.push_back(&l);
  std::stable_sort(intervals.begin(), intervals.end(),
                   [](const Leadership* a, const Leadership* b) { return a->start < b->start; });
  std::vector<Violation> out;
  auto end_of = [&](const Leadership* l) { return l->end ? *l->end : end; };
  for (size_t j = 0; j < intervals.size(); ++j) {
    const Leadership* b = intervals[j];
    for (size_t i = 0; i < j; ++i) {
      const Leadership* a = intervals[i];
      const TrueInstant from = std::max(a->start, b->start);
      const TrueInstant to = std::min(end_of(a), end_of(b));
      if (!(from < to) || a->proc == b->proc) continue;
      const std::string& an = scenario.processes[a->proc].name;
      const std::string& bn = scenario.processes[b->proc].name;
      Violation v;
      v.at = from;
      v.until = to;
      v.procs = {a->proc, b->proc};
      v.message = an + " and " + bn + " both acted as leader of " + scenario.lease_keys[lease] + " from " + secs(from) +
                  " to " + secs(to) + ": " + bn + " started leading at " + secs(b->start) + " (lease rv " +
                  std::to_string(b->start_rv) + ") while " + an + " had led since " + secs(a->start);
      if (const LeaseWrite* w = last_write_by(history, lease, a->proc, b->start))
        v.message += " and last wrote the lease at " + secs(w->t) + " (rv " + std::to_string(w->rv) + ")";
      if (a->end) v.message += "; " + an + " stopped at " + secs(*a->end) + " (" + a->end_cause + ")";
      out.push_back(std::move(v));
    }
  }
  return out;
}

}  // namespace leasesim
