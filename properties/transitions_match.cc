// transitions_match.cc: see transitions_match.h.
#include "properties/transitions_match.h"

namespace leasesim {

std::optional<Violation> transitions_violation(const Scenario& scenario, const LeaseWrite& w) {
  if (!w.before || !w.after) return std::nullopt;
  const Name hb = holder_or_empty(*w.before);
  const Name ha = holder_or_empty(*w.after);
  const int32_t tb = transitions_or_zero(*w.before);
  const int32_t ta = transitions_or_zero(*w.after);
  const bool changed = holder_changed(*w.before, *w.after);
  const int32_t expected = changed ? tb + 1 : tb;
  if (ta == expected) return std::nullopt;
  Violation v;
  v.at = w.t;
  v.procs = {w.proc};
  const std::string where = " (write rv " + std::to_string(w.rv) + " by " + scenario.processes[w.proc].name + " at " +
                            format_seconds(w.t.ns) + "s)";
  if (ta < tb) {
    v.message = "leaseTransitions decreased from " + std::to_string(tb) + " to " + std::to_string(ta) + where;
  } else if (changed) {
    v.message = "holderIdentity changed from \"" + hb.str() + "\" to \"" + ha.str() + "\" but leaseTransitions went from " +
                std::to_string(tb) + " to " + std::to_string(ta) + " (expected " + std::to_string(expected) + ")" + where;
  } else {
    v.message = "leaseTransitions changed from " + std::to_string(tb) + " to " + std::to_string(ta) +
                " without a holder change (holder \"" + ha.str() + "\")" + where;
  }
  return v;
}

std::vector<Violation> check_transitions_match(const Scenario& scenario, const History& history, LeaseId lease) {
  std::vector<Violation> out;
  for (const LeaseWrite& w : history.writes) {
    if (w.lease != lease) continue;
    if (std::optional<Violation> v = transitions_violation(scenario, w)) out.push_back(std::move(*v));
  }
  return out;
}

}  // namespace leasesim
