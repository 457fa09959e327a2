// openapi.h: the OpenAPI v3 documents a client needs to talk to the live Lease API: kubectl
// fetches them before `apply` (k8s.io/kubectl: the query-parameter verifier looks for a
// `fieldValidation` parameter on the resource's PATCH operation, and when it finds one, lets the
// server validate fields instead of validating on the client).
//
// Contract: /openapi/v3 lists one group-version, coordination.k8s.io/v1; its document holds the
// Lease, LeaseSpec, LeaseList, ObjectMeta (the fields a Lease uses), MicroTime and Time
// schemas, and the Lease paths with their operations and query parameters. strict_problem
// implements fieldValidation=Strict for Lease bodies: the first field no schema above knows.
// Leaves out: OpenAPI v2 (kubectl only falls back to it when v3 is missing), every other group.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace leasesim {

nlohmann::json openapi_v3_index();
nlohmann::json openapi_v3_coordination();
// The first unknown field of a Lease body as its JSON path ("spec.holder"), or nullopt.
std::optional<std::string> strict_problem(const nlohmann::json& body);

}  // namespace leasesim
