// lease_protobuf.h: reads a Lease sent as Kubernetes protobuf, the content type client-go's
// typed clientsets use by default for built-in kinds (application/vnd.kubernetes.protobuf).
//
// Contract: the body is the Kubernetes protobuf envelope (k8s.io/apimachinery/pkg/runtime/
// serializer/protobuf: the 4-byte prefix "k8s\0", then a runtime.Unknown message whose `raw`
// holds the object), and the object is coordination.k8s.io/v1 Lease as generated.proto of
// k8s.io/api/coordination/v1 defines it (ObjectMeta = 1, LeaseSpec = 2; LeaseSpec fields 1-7;
// Time and MicroTime as {seconds = 1, nanos = 2}). The result is the JSON object the JSON path
// would have received, so one parser (lease_json.h) reads both. Unknown fields are skipped by
// wire type, as protobuf readers do; a malformed message is an error value, never a crash.
// Also reads DeleteOptions (preconditions = 5: uid = 1, resourceVersion = 2).
// Leaves out: writing protobuf (responses are JSON, which every client also accepts),
// ownerReferences and managedFields (skipped).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

namespace leasesim {

inline constexpr std::string_view kProtobufContentType = "application/vnd.kubernetes.protobuf";

// The Lease inside a protobuf envelope as JSON, or an error message.
std::variant<nlohmann::json, std::string> lease_json_from_protobuf(std::string_view body);
// DeleteOptions inside a protobuf envelope as JSON ({"preconditions": {...}}), or an error.
std::variant<nlohmann::json, std::string> delete_options_json_from_protobuf(std::string_view body);

}  // namespace leasesim
