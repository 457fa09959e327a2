// sweep_verdict.cc: see sweep_verdict.h.
#include "cli/sweep_verdict.h"

#include <algorithm>
#include <tuple>

namespace leasesim {

bool analytically_unsafe(const VerdictRow& row) { return row.valid && row.analytic && !row.analytic->no_overlap; }

std::string row_verdict(const VerdictRow& row) { return safety_verdict(row.valid, row.analytic, row.failed); }

std::optional<uint32_t> fastest_safe(const std::vector<VerdictRow>& rows) {
  std::optional<uint32_t> best;
  auto key = [](const VerdictRow& r) {
    return std::make_tuple(r.to_leader ? r.to_leader->p99 : INT64_MAX,
                           r.analytic ? r.analytic->failover_bound.ns : INT64_MAX, r.index);
  };
  for (uint32_t i = 0; i < rows.size(); ++i) {
    if (row_verdict(rows[i]) != "SAFE" || rows[i].runs == 0) continue;
    if (!best || key(rows[i]) < key(rows[*best])) best = i;
  }
  return best;
}

namespace {

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string ms_or_dash(const std::optional<Percentiles>& p, int64_t Percentiles::*field) {
  return p ? seconds_ms((*p).*field) : std::string("-");
}

}  // namespace

// Rounded down to four decimals, so a tolerated ratio is never overstated.
std::string ratio_floor(int64_t ppb) { return fixed_ratio(ppb / 100000, 10000, 4); }

void print_verdict_table(std::ostream& out, const std::vector<VerdictRow>& rows, bool sweep) {
  // Widths from the content, so the columns line up for any settings.
  std::vector<std::vector<std::string>> cells;
  cells.push_back({"point", "settings", "verdict", "runs", "failed", "p50 s", "p99 s", "max s", "bound s", "margin s",
                   "rate ratio", "tolerated <"});
  for (const VerdictRow& r : rows) {
    const AnalyticBounds* b = r.analytic ? &*r.analytic : nullptr;
    cells.push_back({std::to_string(r.index), r.settings.empty() ? "-" : r.settings, row_verdict(r),
                     std::to_string(r.runs), std::to_string(r.failed), ms_or_dash(r.to_leader, &Percentiles::p50),
                     ms_or_dash(r.to_leader, &Percentiles::p99), ms_or_dash(r.to_leader, &Percentiles::max),
                     b ? seconds_ms(b->failover_bound.ns) : "-", b ? seconds_ms(b->safety_margin.ns) : "-",
                     b ? ratio_floor(b->rate_ratio_ppb) : "-", b ? ratio_floor(b->rate_ratio_limit_ppb) : "-"});
  }
  std::vector<size_t> width(cells[0].size(), 0);
  for (const auto& row : cells)
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  out << "verdicts   (SAFE: every seed passed and the analytic bounds rule out two leaders; NO BOUND: no analytic "
         "bound applies, as for a lone replica or an elector without one; bound: failover, crash or stop, whichever "
         "is larger)\n";
  for (const auto& row : cells) {
    std::string line = "  ";
    for (size_t c = 0; c < row.size(); ++c) {
      if (!sweep && c == 1) continue;
      line += pad(row[c], width[c]) + (c + 1 < row.size() ? "  " : "");
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  }
  if (sweep) {
    const std::optional<uint32_t> best = fastest_safe(rows);
    out << "fastest safe setting: ";
    if (best)
      out << "point " << rows[*best].index << " (" << rows[*best].settings << "), failover p99 "
          << ms_or_dash(rows[*best].to_leader, &Percentiles::p99) << "s\n";
    else
      out << "none (no point is SAFE)\n";
  }
}

}  // namespace leasesim
