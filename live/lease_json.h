// lease_json.h: coordination.k8s.io/v1 Lease objects as the Kubernetes REST API writes them.
//
// Contract:
// - lease_object renders a stored Lease with the metadata a real API server adds (uid,
//   resourceVersion as a decimal string, creationTimestamp, labels, annotations) and the spec
//   fields that are present, MicroTime values with six fractional digits
//   (k8s.io/apimachinery/pkg/apis/meta/v1/micro_time.go, MarshalJSON).
// - parse_lease_body reads a request body (create, update, or a patched object) strictly on
//   types: a field of the wrong JSON type is an error naming its path, as the real server's
//   decoder answers 400. Unknown fields are dropped, as the server does without
//   fieldValidation=Strict. Server-set metadata (managedFields, generation, selfLink,
//   creationTimestamp, ownerReferences, finalizers) is accepted and ignored.
// Leaves out: managedFields (no server-side apply), ownerReferences, finalizers, deletion
// timestamps (a delete removes the object at once, as a Lease without finalizers is).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>

#include "model/lease.h"

namespace leasesim {

// What the live server keeps about an object besides the simulated store's Lease.
struct LiveMeta {
  std::string uid;
  WallInstant created;
  std::map<std::string, std::string> annotations;
};

nlohmann::json lease_object(const Lease& lease, const std::string& ns, const std::string& name,
                            const LiveMeta& meta, bool with_type_meta = true);

struct LeaseRequestBody {
  std::string name;       // metadata.name ("" when absent)
  std::string ns;         // metadata.namespace ("" when absent)
  std::string uid;        // metadata.uid ("" when absent): a precondition on update
  uint64_t resource_version = 0;  // metadata.resourceVersion (0 when absent)
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  LeaseSpec spec;
};

// A string is the error message (a BadRequest in the REST layer).
std::variant<LeaseRequestBody, std::string> parse_lease_body(const nlohmann::json& body);

}  // namespace leasesim
