// candidate_trace.h: how the World traces and fingerprints LeaseCandidate requests
// (docs/models/coordinated-election.md section 2), kept apart from world.cc.
//
// Contract:
// - candidate_object_name: "leasecandidates/<name>" for a request on one candidate,
//   "leasecandidates" for a List (the `object` of an `api` trace line).
// - trace_candidate_write: one `leaseCandidate` trace line per committed candidate write:
//   `object`, `proc`, `verb`, `rv`, `lease` (spec.leaseName), `pingTime`, `renewTime`,
//   `binaryVersion`, `emulationVersion` (or `deleted: true`), `late`. Candidate writes do not
//   enter the History's Lease writes: no Lease property reads them.
// - hash_candidate_flight: the candidate parts of an in-flight request and its answer, for the
//   World's fingerprints.
#pragma once

#include <cstdint>
#include <string>

#include "core/hash.h"
#include "model/api.h"
#include "sim/api_server.h"
#include "sim/scenario.h"
#include "sim/trace.h"

namespace leasesim {

std::string candidate_object_name(const ApiRequest& request);

void trace_candidate_write(const Scenario& scenario, TrueInstant now, const std::string& proc, const ApiRequest& request,
                           const ApiOutcome& outcome, uint64_t rv, bool late, Trace* trace);

void hash_candidate_flight(StateHasher& h, const ApiRequest& request, const ApiResponse& response, const HashFrame& frame);

}  // namespace leasesim
