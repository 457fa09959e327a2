// verdict_text.h: the sentences a report opens with, shared by the Markdown and HTML renderings.
//
// Contract: seeds_verdict says PASS or FAIL over the seeds ("PASS: 20 of 20 seeds passed"), with
// the failing count; safety_verdict says SAFE or NOT SAFE from the analytic bounds of a point,
// with the safety margin, the clock-rate ratio and the tolerated ratio (rounded down, so it is
// never overstated), and what the verdict still assumes; without bounds it says that no analytic
// verdict exists. failover_headline gives the p50/p99/max fault-to-new-leader next to the
// analytic bounds. For a live report (one run of `serve`) seeds_verdict says PASS or FAIL of that
// run with its number of warnings, and failover_headline(point, true) names the slowest failover
// instead of percentiles of one sample. Plain text; each renderer escapes it.
#pragma once

#include <string>

#include "reports/report.h"

namespace leasesim {

std::string seeds_verdict(const Report& report);  // a live report: PASS or FAIL of its one run
std::string safety_word(const PointReport& point);  // "SAFE", "NOT SAFE" or "NO ANALYTIC VERDICT"
std::string safety_verdict(const PointReport& point);
std::string failover_headline(const PointReport& point, bool live = false);
// The basis every per-hour rate is stated with.
inline constexpr const char* kRateBasis = "per simulated hour of this scenario, over all its seeds";
inline constexpr const char* kLiveRateBasis = "per hour of this one live run, in real time";
// What a live report covers, in the words every rendering uses.
inline constexpr const char* kLiveCovers =
    "one live run of real processes in real time: not reproducible by seed, not a campaign (one sample, no "
    "percentiles), not a proof";

}  // namespace leasesim
