// audit_report.h: `leasesim audit` output: text, JSON, and report.{json,md,html}.
//
// Contract (docs/audit.md "Outputs"):
// - Every renderer is a pure function of the AuditResult: same input files, same bytes.
//   Times are RFC 3339 with microseconds (UTC) in text, Markdown and HTML, and both RFC 3339 and
//   seconds since the start of the input in JSON; durations are exact decimal seconds.
// - audit_json is the machine contract: `inputs`, `thresholds`, `leases` (the governance
//   record), `findings` (kind, lease, at, until, message, evidence [{at: "FILE:LINE", what}]),
//   `suppressed`, `totals`.
// - audit_html reuses the report machinery (html_escape, seconds_ms, the same inline CSS
//   conventions): self-contained, no script; a per-lease SVG timeline of holders (one row per
//   holder identity) with findings marked on it. Every string from the input is escaped.
// Leaves out: writing files (cli/audit_command.cc does, atomically).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "audit/audit_result.h"

namespace leasesim {

std::string audit_text(const AuditResult& result);
nlohmann::ordered_json audit_json(const AuditResult& result);
std::string audit_markdown(const AuditResult& result);
std::string audit_html(const AuditResult& result);

}  // namespace leasesim
