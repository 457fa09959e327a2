// sweep_verdict.h: the verdict table `campaign` prints for its points, and the fastest safe one.
//
// Contract: one row per point of a campaign (one row without a sweep). A row's verdict is
//   SAFE      every seed passed and the analytic bounds (client-go spec section 5, at the point's
//             latency range and clock rates) rule out two leaders;
//   NOT SAFE  the analytic bounds allow two leaders (margin or clock-rate ratio out of bounds, or
//             the releaseOnCancel hazard), whatever the seeds showed;
//   FAILED    the bounds rule out overlap but some seed failed a property;
//   NO BOUND  the point's models have no analytic bound (the tutorial elector): the seeds are
//             all there is, and they prove nothing about safety;
//   INVALID   the point's settings do not load.
// This is the same rule as the report's `safe` (reports/report.h). The fastest safe point is
// the SAFE row with the smallest p99 fault-to-new-leader, then the smaller analytic failover
// bound, then the lower index, as the report picks it.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "properties/analytic.h"
#include "reports/report.h"

namespace leasesim {

struct VerdictRow {
  uint32_t index = 0;
  std::string settings;  // "leaseDuration=10s retryPeriod=2s", "" without a sweep
  bool valid = true;
  uint64_t runs = 0;
  uint64_t failed = 0;
  std::optional<Percentiles> to_leader;
  uint64_t without_leader = 0;
  std::optional<AnalyticBounds> analytic;
};

// "SAFE", "NOT SAFE", "FAILED", "NO BOUND" or "INVALID".
std::string row_verdict(const VerdictRow& row);
bool analytically_unsafe(const VerdictRow& row);
std::optional<uint32_t> fastest_safe(const std::vector<VerdictRow>& rows);  // an index into rows

// A ratio kept in parts per billion, rounded down to four decimals ("1.2470").
std::string ratio_floor(int64_t ppb);

// The table, a line naming the fastest safe point (sweeps only), each row's failing seed aside.
void print_verdict_table(std::ostream& out, const std::vector<VerdictRow>& rows, bool sweep);

}  // namespace leasesim
