// audit_report_parts.h: small formatting helpers shared by the audit renderers
// (audit_report.cc, audit_report_html.cc). Internal to reports/.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "audit/audit_result.h"

namespace leasesim {

std::string audit_time(WallInstant t);            // RFC 3339, microseconds, UTC
std::string audit_secs(int64_t ns);               // exact decimal seconds
std::string interval_text(const std::optional<IntervalStats>& s);
std::string writes_per_second(const LeaseRecord& r);  // attempts per second over the observed span
std::string transitions_text(const LeaseRecord& r);
std::string writers_text(const LeaseRecord& r);
std::string md_cell(std::string_view s);  // a Markdown table cell: '|' and newlines escaped

}  // namespace leasesim
