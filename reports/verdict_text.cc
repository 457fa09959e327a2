// verdict_text.cc: see verdict_text.h.
#include "reports/verdict_text.h"

namespace leasesim {
namespace {

std::string s3(int64_t ns) { return seconds_ms(ns) + " s"; }
std::string ratio_down(int64_t ppb) { return fixed_ratio(ppb / 100000, 10000, 4); }

}  // namespace

std::string seeds_verdict(const Report& r) {
  if (r.live) {
    const std::string warned = r.live->warnings.empty()
                                   ? ""
                                   : " (with " + std::to_string(r.live->warnings.size()) +
                                         (r.live->warnings.size() == 1 ? " warning" : " warnings") + ": read them)";
    return r.failed ? "FAIL: this live run violated its properties" + warned
                    : "PASS: the properties held over this live run" + warned;
  }
  const std::string seeds = std::to_string(r.runs) + (r.runs == 1 ? " run" : " runs");
  if (r.failed == 0) return "PASS: all " + seeds + " passed";
  return "FAIL: " + std::to_string(r.failed) + " of " + seeds + " failed";
}

std::string safety_word(const PointReport& p) {
  if (!p.analytic) return "NO ANALYTIC VERDICT";
  return p.analytic->no_overlap ? "SAFE" : "NOT SAFE";
}

std::string safety_verdict(const PointReport& p) {
  if (!p.analytic)
    return "NO ANALYTIC VERDICT: these models have no analytic bound, so only the seeds speak, and seeds "
           "alone never show that two leaders are impossible";
  const AnalyticBounds& b = *p.analytic;
  std::string out = std::string(b.no_overlap ? "SAFE" : "NOT SAFE") + " by the analytic bounds: safety margin " +
                    s3(b.safety_margin.ns) + ", clock-rate ratio " + ratio_down(b.rate_ratio_ppb) + ", tolerated < " +
                    ratio_down(b.rate_ratio_limit_ppb) + "; " + overlap_verdict(b);
  if (b.release_voids_safety) out += " (releaseOnCancel: a release can overwrite a new holder, hazard 2.4a)";
  return out;
}

std::string failover_headline(const PointReport& p, bool live) {
  std::string out;
  if (live && p.fault_to_leader) {
    // One run: each episode is a sample of one, so name them instead of taking percentiles.
    out = std::to_string(p.fault_to_leader->count) + (p.fault_to_leader->count == 1 ? " failover" : " failovers") +
          " with a new leader in this run, the slowest after " + s3(p.fault_to_leader->max);
  } else if (p.fault_to_leader) {
    const Percentiles& q = *p.fault_to_leader;
    out = "fault to new leader over " + std::to_string(q.count) + (q.count == 1 ? " episode" : " episodes") + ": p50 " +
          s3(q.p50) + ", p99 " + s3(q.p99) + ", max " + s3(q.max);
  } else {
    out = "no failover episode ended with a new leader";
  }
  if (p.without_leader) out += "; " + std::to_string(p.without_leader) + " without a new leader";
  if (p.analytic)
    out += "; analytic bound " + s3(p.analytic->crash_to_leader_max.ns) + " after a crash, " +
           s3(p.analytic->stop_to_leader_max.ns) + " after a stop (" + std::to_string(p.over_analytic_bound) + " of " +
           std::to_string(p.analytic_judged) + " crash and stop episodes above)";
  return out;
}

}  // namespace leasesim
