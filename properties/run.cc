// run.cc: see run.h.
#include "properties/run.h"

#include <algorithm>

#include "model/client_go_bounds.h"
#include "sim/core/hash.h"

namespace leasesim {

std::string RunResult::trace_hash_hex() const {
  char buf[17];
  return std::string(hex64(trace_hash, buf));
}

std::optional<Duration> analytic_failover_bound(const Scenario& scenario) {
  // client-go spec section 5: for a leader L, the episode ends when the first candidate takes
  // over, so the bound for L is the least worst case over the candidates; the scenario's bound
  // is the worst over every process that could be leader, after a crash or a graceful stop.
  // Processes are grouped by (config, clock rate) first, so 10,000 identical candidates cost one
  // pair, not 10^8. The tutorial elector has no analytic bound.
  std::optional<Duration> worst;
  for (LeaseId lease : elected_leases(scenario)) {
    std::vector<const ProcessSpec*> reps;  // one process per distinct (config, clock rate)
    std::vector<uint32_t> counts;          // processes per representative
    for (const ProcessSpec& p : scenario.processes) {
      if (p.lease != lease) continue;
      const auto* config = std::get_if<ClientGoConfig>(&p.model);
      if (!config) return std::nullopt;
      size_t rep = reps.size();
      for (size_t i = 0; i < reps.size(); ++i)
        if (std::get<ClientGoConfig>(reps[i]->model) == *config && reps[i]->clock.rate_ppb == p.clock.rate_ppb) rep = i;
      if (rep == reps.size()) {
        reps.push_back(&p);
        counts.push_back(0);
      }
      ++counts[rep];
    }
    for (size_t l = 0; l < reps.size(); ++l) {
      std::optional<Duration> best;
      for (size_t c = 0; c < reps.size(); ++c) {
        if (c == l && counts[l] < 2) continue;  // the candidate must be another process
        BoundsEnvironment env;
        env.leader_rate_ppb = reps[l]->clock.rate_ppb;
        env.candidate_rate_ppb = reps[c]->clock.rate_ppb;
        env.latency_min = scenario.api_server.latency.min;
        env.latency_max = scenario.api_server.latency.max;
        const ClientGoBounds b = client_go_bounds(std::get<ClientGoConfig>(reps[l]->model),
                                                  std::get<ClientGoConfig>(reps[c]->model), env);
        const Duration d = std::max(b.crash_to_leader_max, b.stop_to_leader_max);
        if (!best || d < *best) best = d;
      }
      if (best && (!worst || *best > *worst)) worst = best;
    }
  }
  return worst;
}

RunResult run_scenario(std::shared_ptr<const Scenario> scenario, uint64_t seed, std::ostream* trace_out) {
  Trace trace(trace_out);
  RandomChooser chooser(seed);
  World world(scenario);
  const StepStatus stopped_by = world.run(chooser, &trace);
  Evaluation evaluation = evaluate(*scenario, world.history(), world.now(), analytic_failover_bound(*scenario));
  for (const PropertyResult& r : evaluation.results) {
    for (const Violation& v : r.violations) {
      TraceLine line = trace.line(v.at, "violation");
      line.str("property", r.name).str("lease", scenario->lease_keys[r.lease]);
      if (v.until) line.secs("until", v.until->ns);
      line.str("message", v.message);
      line.end();
    }
  }
  RunResult result{scenario, seed, stopped_by, std::move(world), std::move(evaluation), trace.hash(), trace.line_count()};
  return result;
}

}  // namespace leasesim
