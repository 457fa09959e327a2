// pod_evictions.cc: see pod_evictions.h.
#include "properties/pod_evictions.h"

#include <string>

namespace leasesim {

std::vector<Violation> check_max_pod_evictions(const Scenario& scenario, const History& history, int64_t max) {
  int64_t total = 0;
  for (const PodWrite& w : history.pod_writes) {
    if (w.verb != Verb::Delete) continue;
    total += w.pods;
    if (total <= max) continue;
    // The first eviction past the limit; later ones add nothing a reader needs.
    int64_t after = 0;
    for (const PodWrite& any : history.pod_writes)
      if (any.verb == Verb::Delete) after += any.pods;
    Violation v;
    v.at = w.t;
    v.procs = {w.proc};
    v.message = "maxPodEvictions " + std::to_string(max) + ": " + std::to_string(w.pods) + " pods of " +
                scenario.node_names[w.node] + " evicted by " + scenario.processes[w.proc].name + " at " +
                format_seconds(w.t.ns) + "s made " + std::to_string(total) + " evictions (" + std::to_string(after) +
                " by the end of the run)";
    return {v};
  }
  return {};
}

}  // namespace leasesim
