// input_limits.h: the largest inputs leasesim accepts, chosen so that every derived instant fits.
//
// Contract (docs/hostile-input.md, "Limits"): the loader refuses, with exit 2 and the position,
// any value outside these limits. Their product bound is the point: time is int64 nanoseconds
// (about +-292 years), and every instant the simulator derives must stay inside it.
// - Every duration field (spec.duration, timings, latencies, clock offset, a fault's `for`,
//   `at` and `by`, ...) is at most kMaxDuration = 10000h (3.6e16 ns) in magnitude, and so is the
//   sum of all clock jumps.
// - A clock rate lies in [0.1, 10]. A local delay d lasts d / rate of true time, at most
//   10 * 3.6e16 = 3.6e17 ns; a monotonic reading of any instant before such a deadline is at
//   most 10 * (3.6e16 + 3.6e17) < 4e18 ns.
// - Timestamps (startTime, a Lease's acquireTime and renewTime) lie in the years 1900 to 2100
//   (-2.2e18 to 4.1e18 ns). A wall reading is startTime + offset + monotonic + jumps, so at
//   most 4.1e18 + 3.6e16 + 4e18 + 3.6e16 < 8.2e18 < 9.2e18 = INT64_MAX.
// - An initial Lease's leaseDurationSeconds is at most kMaxDuration too (36,000,000 s), below
//   Kubernetes' int32 limit, so an expiry computed from it fits the same budget.
// - At most kMaxProcesses processes after `count` expansion, and by default at most
//   kDefaultMaxEvents events per run (sim/scenario.h), so memory stays within ordinary RAM.
// Leaves out: limits of `check` (its --max-states bound) and of the command-line flags
// (cli/int_flags.h).
#pragma once

#include <cstdint>

#include "core/time.h"

namespace leasesim {

inline constexpr Duration kMaxDuration = hours(10000);
inline constexpr int64_t kMinRatePpb = 100000000;     // 0.1
inline constexpr int64_t kMaxRatePpb = 10000000000;   // 10
inline constexpr int64_t kMinYear = 1900;
inline constexpr int64_t kMaxYear = 2100;
inline constexpr int64_t kMaxLeaseDurationSeconds = 36000000;
inline constexpr int64_t kMaxProcesses = 100000;

}  // namespace leasesim
