// candidate_table.h: the final LeaseCandidates of a run, next to the final Leases
// (coordinated leader election, docs/models/coordinated-election.md section 2).
//
// Contract:
// - candidate_json: one coordination.k8s.io/v1beta1 LeaseCandidate object per candidate the API
//   server holds at the end, in name order (the store's order): metadata {name, namespace
//   kube-system, resourceVersion}, spec {leaseName, binaryVersion, emulationVersion, strategy,
//   renewTime, pingTime} with MicroTime strings (absent times left out).
// - candidate_table: the same as text, with kubectl's columns for LeaseCandidates (NAMESPACE,
//   NAME, LEASENAME, BINARYVERSION, EMULATIONVERSION) followed by RENEWTIME and PINGTIME
//   ("<none>" when absent), padded the way lease_table pads. kubectl's AGE column is left out:
//   the simulator keeps a candidate's creation order (creation_rv), not its creation time.
// - has_candidates: whether the run has anything to show (a candidate stored at the end, or a
//   coordinated client-go process that could have published one).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "properties/run.h"

namespace leasesim {

bool has_candidates(const RunResult& run);
nlohmann::ordered_json candidate_json(const RunResult& run);
// The table with a header, or "No resources found" when the store holds no candidate.
std::string candidate_table(const RunResult& run);

}  // namespace leasesim
