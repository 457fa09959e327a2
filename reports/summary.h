// summary.h: the result of one run as JSON and as text.
//
// Contract (docs/cli.md section 4 "Summary"): summary_json has the fields
// scenario, seed, simulated, events, traceHash, properties, leaderships, failovers, leases, api,
// plus these additions (documented in docs/cli.md section 4): file, stoppedBy, passed, violated, expect,
// processes, reproduce. Times are seconds of true time as JSON numbers; Lease objects render as
// coordination.k8s.io/v1 JSON with MicroTime strings. Field order is fixed (ordered_json), so the
// output is byte-stable for a given run. summary_text is the human form of the same facts,
// ending with the traceHash and the command that reproduces the run.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "properties/run.h"

namespace leasesim {

nlohmann::ordered_json lease_json(const Scenario& scenario, const Lease& lease);
nlohmann::ordered_json summary_json(const RunResult& run);
std::string summary_text(const RunResult& run);
// "leasesim run FILE --seed N"
std::string reproduce_command(const RunResult& run);

}  // namespace leasesim
