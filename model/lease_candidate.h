// lease_candidate.h: the coordination.k8s.io/v1beta1 LeaseCandidate object, and the
// OldestEmulationVersion ordering the coordinated-election controller applies to candidates.
//
// Contract (docs/models/coordinated-election.md sections 2 and 5):
// - A LeaseCandidate is addressed by its name (one namespace holds every candidate in the
//   simulator: the CLE controller and its candidates all live in kube-system upstream).
//   `lease` is spec.leaseName, resolved to the target Lease's LeaseId.
// - pingTime is written by the controller (its wall clock), renewTime by the candidate (its
//   own wall clock); both are MicroTime, truncated to microseconds by the API server.
// - binaryVersion, emulationVersion and strategy are strings as the candidate wrote them;
//   compare_oldest_emulation() parses them as semver "MAJOR.MINOR[.PATCH]".
// - creation_rv is the resourceVersion the server gave the object when it was created: the
//   simulator's stand-in for metadata.creationTimestamp (same order, finer than the real
//   whole-second timestamp, so two candidates created in one second are never tied here).
// Leaves out: labels, annotations, uid, managedFields, the v1alpha1 preferredStrategies list.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/hash.h"
#include "core/name.h"
#include "core/time.h"
#include "model/lease.h"

namespace leasesim {

// The only strategy upstream implements (docs/models/coordinated-election.md section 1).
inline constexpr const char* kOldestEmulationVersion = "OldestEmulationVersion";

struct LeaseCandidate {
  Name name;
  LeaseId lease = 0;               // spec.leaseName
  uint64_t resource_version = 0;   // 0 = not set (no precondition)
  uint64_t creation_rv = 0;        // set by the server on create (creationTimestamp order)
  std::optional<WallInstant> ping_time;
  std::optional<WallInstant> renew_time;
  Name binary_version;
  Name emulation_version;
  Name strategy;

  bool operator==(const LeaseCandidate&) const = default;
  template <class H>
  void hash_into(H& h, const HashFrame& frame = HashFrame{}) const;
};

// A parsed "MAJOR.MINOR[.PATCH]" (an optional leading "v" is refused, as upstream's strict
// semver parse does); nullopt when the text is not a version.
struct Semver {
  int64_t major = 0, minor = 0, patch = 0;
  auto operator<=>(const Semver&) const = default;
};
std::optional<Semver> parse_semver(const std::string& text);

// election.go compare() for OldestEmulationVersion: negative when `a` is preferred over `b`
// (lower emulationVersion, then lower binaryVersion, then created earlier), 0 when equal.
// Both candidates must have parsable versions (callers skip the others).
int compare_oldest_emulation(const LeaseCandidate& a, const LeaseCandidate& b);
// validLeaseCandidateForOldestEmulationVersion: both versions parse.
bool valid_for_oldest_emulation(const LeaseCandidate& c);

}  // namespace leasesim
