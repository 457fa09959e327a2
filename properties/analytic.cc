// analytic.cc: see analytic.h.
#include "properties/analytic.h"

#include <algorithm>
#include <vector>

#include "model/client_go_bounds.h"
#include "model/client_go_timings.h"
#include "properties/evaluate.h"

namespace leasesim {

std::optional<AnalyticBounds> analytic_bounds(const Scenario& scenario) {
  return analytic_bounds(scenario, scenario.api_server.latency);
}

std::optional<AnalyticBounds> analytic_bounds(const Scenario& scenario, const LatencyRange& latency) {
  std::optional<AnalyticBounds> out;
  for (LeaseId lease : elected_leases(scenario)) {
    std::vector<const ProcessSpec*> reps;  // one process per distinct (config, clock rate)
    std::vector<uint32_t> counts;          // processes per representative
    for (const ProcessSpec& p : scenario.processes) {
      if (p.lease != lease) continue;
      const ClientGoConfig* config = client_go_timings(p.model);
      if (!config) return std::nullopt;
      size_t rep = reps.size();
      for (size_t i = 0; i < reps.size(); ++i)
        if (*client_go_timings(reps[i]->model) == *config && reps[i]->clock.rate_ppb == p.clock.rate_ppb) rep = i;
      if (rep == reps.size()) {
        reps.push_back(&p);
        counts.push_back(0);
      }
      ++counts[rep];
    }
    for (size_t l = 0; l < reps.size(); ++l) {
      std::optional<Duration> best_crash, best_stop;
      for (size_t c = 0; c < reps.size(); ++c) {
        if (c == l && counts[l] < 2) continue;  // the candidate must be another process
        BoundsEnvironment env;
        env.leader_rate_ppb = reps[l]->clock.rate_ppb;
        env.candidate_rate_ppb = reps[c]->clock.rate_ppb;
        env.latency_min = latency.min;
        env.latency_max = latency.max;
        const ClientGoBounds b = client_go_bounds(*client_go_timings(reps[l]->model),
                                                  *client_go_timings(reps[c]->model), env);
        if (!best_crash || b.crash_to_leader_max < *best_crash) best_crash = b.crash_to_leader_max;
        if (!best_stop || b.stop_to_leader_max < *best_stop) best_stop = b.stop_to_leader_max;
        if (!out) {
          out = AnalyticBounds{};
          out->safety_margin = b.safety_margin;
          out->rate_ratio_limit_ppb = b.rate_ratio_limit_ppb;
          out->rate_ratio_ppb = b.rate_ratio_ppb;
        }
        out->safety_margin = std::min(out->safety_margin, b.safety_margin);
        out->rate_ratio_limit_ppb = std::min(out->rate_ratio_limit_ppb, b.rate_ratio_limit_ppb);
        out->rate_ratio_ppb = std::max(out->rate_ratio_ppb, b.rate_ratio_ppb);
        out->invisible_renewal_lag = std::max(out->invisible_renewal_lag, b.invisible_renewal_lag_true);
        out->no_overlap = out->no_overlap && b.no_overlap;
        out->no_overlap_despite_restarts = out->no_overlap_despite_restarts && b.no_overlap_despite_restarts;
        out->no_overlap_despite_timeouts = out->no_overlap_despite_timeouts && b.no_overlap_despite_timeouts;
        out->release_voids_safety = out->release_voids_safety || b.release_voids_safety;
        out->assumes_no_request_timeouts = out->assumes_no_request_timeouts && b.assumes_no_request_timeouts;
      }
      if (!best_crash) continue;  // a lone process: nobody to fail over to
      out->crash_to_leader_max = std::max(out->crash_to_leader_max, *best_crash);
      out->stop_to_leader_max = std::max(out->stop_to_leader_max, *best_stop);
      out->failover_bound = std::max(out->crash_to_leader_max, out->stop_to_leader_max);
    }
  }
  return out;
}

const char* overlap_verdict(const AnalyticBounds& b) {
  if (!b.no_overlap) return "overlap possible";
  // The timeout lag covers a restart too (model/client_go_bounds.cc, invisible renewals 8-9).
  if (b.no_overlap_despite_timeouts) return "no overlap possible without pauses";
  if (b.no_overlap_despite_restarts) return "no overlap possible without pauses or request timeouts";
  return "no overlap possible without pauses, request timeouts or a leader restarting within a second of a renewal";
}

}  // namespace leasesim

namespace leasesim {

LatencyRange slow_latency_envelope(const Scenario& scenario) {
  LatencyRange out = scenario.api_server.latency;
  for (const FaultSpec& f : scenario.faults) {
    if (f.type != FaultType::ApiServerSlow) continue;
    out.min = std::min(out.min, f.latency.min);
    out.max = std::max(out.max, f.latency.max);
  }
  return out;
}

}  // namespace leasesim
