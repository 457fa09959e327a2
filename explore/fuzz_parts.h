// fuzz_parts.h: building blocks the fuzz generators and permit rules share (explore/fuzz.cc
// defines them; explore/fuzz_coordinated.cc uses them too). Internal to the explore layer.
//
// Contract: the same functions the client-go and tutorial generators use, unchanged, so a new
// family draws its values the way the others do:
// - pick_duration: uniform in [lo, hi] in steps of `step`.
// - add_latency: the API server's latency range (min 0-20ms, max min + 0-200ms, in 1ms steps).
// - random_client_go: client-go timings that pass NewLeaderElector's checks (RP 0.5-3s,
//   RD > 1.2 RP in whole seconds, LD = RD + 1-10s).
// - permit_client_go_pair: the permits the analytic bounds of client-go give for one
//   leader/candidate pair (rate-outside-tolerance, timing-outside-tolerance, release-on-cancel,
//   invisible-renewals; fuzz.h describes each).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/rng.h"
#include "model/client_go_config.h"
#include "sim/scenario.h"

namespace leasesim::fuzz_parts {

// (property, kind, reason): adds one permit (permitted_violations' collector).
using PermitFn = std::function<void(const std::string&, const std::string&, const std::string&)>;

Duration pick_duration(Rng& r, Duration lo, Duration hi, Duration step);
void add_latency(Rng& r, Scenario& s);
ClientGoConfig random_client_go(Rng& r);
bool has_fault(const Scenario& s, FaultType t);
std::string secs(Duration d);
void permit_client_go_pair(const Scenario& s, const std::string& l_name, const ClientGoConfig& lc, int64_t l_rate,
                           const std::string& c_name, const ClientGoConfig& cc, int64_t c_rate, Duration latency_max,
                           const PermitFn& permit);

}  // namespace leasesim::fuzz_parts
