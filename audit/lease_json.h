// lease_json.h: a coordination.k8s.io Lease (v1 or v1beta1) as JSON -> LeaseBody.
//
// Contract: reads metadata.{name,namespace,resourceVersion,labels} and spec.{holderIdentity,
// leaseDurationSeconds, acquireTime, renewTime, leaseTransitions, strategy, preferredHolder}
// (field names of k8s.io/api/coordination/v1/types.go, LeaseSpec). Absent fields stay unset;
// a JSON null counts as absent, as the API server's decoder treats it. Times go through the
// strict RFC 3339 parser (audit/audit_time.h). A wrong type or a bad time is an error value
// naming the field path ("spec.renewTime: ...") and the body is not used.
// `partial` (merge-patch request bodies) keeps absent fields absent rather than defaulting.
// Leaves out: every other field (managedFields, ownerReferences, annotations).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "audit/observation.h"

namespace leasesim {

struct LeaseJson {
  std::string ns;
  std::string name;
  LeaseBody body;
  std::string error;  // "" when the body is usable
};

LeaseJson lease_from_json(const nlohmann::json& object, bool partial);

// True when `object` looks like a Lease: kind Lease, or (for patches and kind-less bodies) an
// object with a `spec` object.
bool looks_like_lease(const nlohmann::json& object);

}  // namespace leasesim
