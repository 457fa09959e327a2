// apiserver_identity.h: how a kube-apiserver names its identity Lease and its holder.
//
// Contract (docs/models/kube-apiserver.md "Names"):
// - identity_lease_name(hostname) is the Lease name kube-apiserver derives from the OS hostname
//   (upstream staging/src/k8s.io/apiserver/pkg/server/config.go, NewConfig, when the
//   APIServerIdentity gate is on): SHA-256 over the hostname and the component name
//   "kube-apiserver", each prefixed with its length as a big-endian uint16 (Go's cryptobyte
//   AddUint16LengthPrefixed), the first 16 bytes of the digest in unpadded base32, lowercased,
//   after "apiserver-": 36 characters in all.
// - The Lease lives in kube-system (metav1.NamespaceSystem) and carries the labels
//   apiserver.kubernetes.io/identity=kube-apiserver and kubernetes.io/hostname=<hostname>
//   (pkg/controlplane/apiserver/server.go, labelAPIServerHeartbeatFunc).
// - The holder is "<lease name>_<UUID>", with a new random (version 4) UUID at every process
//   start (server.go, the start-kube-apiserver-identity-lease-controller hook).
//   holder_uuid(nonce) formats a version 4 UUID from a 64-bit value; leasesim's World passes a
//   nonce derived from the run's seed, the process and its start count, so every start gets
//   a fresh UUID and the same seed gives the same UUIDs.
// Leaves out: the older name forms (kube-apiserver-<uuid> before v1.26, the hostname-only hash
//   of v1.26), which only matter for clusters mid-upgrade.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace leasesim {

inline constexpr std::string_view kIdentityLeaseNamespace = "kube-system";
inline constexpr std::string_view kIdentityLabelKey = "apiserver.kubernetes.io/identity";
inline constexpr std::string_view kIdentityLabelValue = "kube-apiserver";
inline constexpr std::string_view kHostnameLabelKey = "kubernetes.io/hostname";

std::string identity_lease_name(std::string_view hostname);
// "namespace/name" of the identity lease, as a scenario's lease table keys it.
std::string identity_lease_key(std::string_view hostname);
// A version 4 UUID ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx") determined by `nonce`.
std::string holder_uuid(uint64_t nonce);

}  // namespace leasesim
