// audit_time.h: strict RFC 3339 timestamps as Kubernetes writes them in audit events and Leases.
//
// Contract: parse_audit_time accepts exactly RFC 3339 section 5.6 date-time in the shapes the
// API server emits (metav1.Time "2026-01-01T00:00:05Z", metav1.MicroTime
// "2026-01-01T00:00:05.123456Z") and their offset forms ("+02:00", "-07:30"); a fraction of 1
// to 9 digits is kept exactly (nanoseconds). It rejects impossible dates (2026-02-30,
// 2025-02-29), hours above 23, minutes or seconds above 59, a missing 'T' (a space or 't' is
// refused too: Kubernetes never writes them), a missing zone, and trailing text. The result is
// nanoseconds since the Unix epoch (WallInstant), UTC; leap seconds (":60") are refused, and so
// are years outside 1678..2250 (what an int64 of nanoseconds holds, with room for arithmetic).
// Errors are values: a one-line reason naming the offending part.
// Leaves out: any other layout (RFC 1123, Unix seconds).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"

namespace leasesim {

struct AuditTime {
  std::optional<WallInstant> at;  // set on success
  std::string error;              // set on failure
};

AuditTime parse_audit_time(std::string_view text);

}  // namespace leasesim
