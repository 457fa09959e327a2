// The audit renderers (reports/audit_report.h): every input string is escaped in HTML and
// Markdown, the HTML draws a timeline per lease with its findings, and JSON carries the record.
#include <gtest/gtest.h>

#include "reports/audit_report.h"

namespace leasesim {
namespace {

constexpr int64_t kT0 = 1767225600LL * kNanosPerSecond;

AuditResult hostile() {
  AuditResult r;
  r.files = {"logs/<b>audit</b>.log"};
  InputStats s;
  s.file = r.files[0];
  s.formats = "audit.k8s.io/v1 events";
  s.records = 3;
  r.inputs = {s};
  r.start = WallInstant(kT0);
  r.end = WallInstant(kT0 + 60 * kNanosPerSecond);
  r.observations = 3;
  LeaseRecord l;
  l.ns = "ns";
  l.name = "lock|x";
  l.use = LeaseUse::LeaderElection;
  l.holder = "<script>alert(1)</script>";
  l.holders = {HolderSpan{"a&b", WallInstant(kT0), WallInstant(kT0 + 20 * kNanosPerSecond), 10, false},
               HolderSpan{l.holder, WallInstant(kT0 + 25 * kNanosPerSecond), WallInstant(kT0 + 60 * kNanosPerSecond), 5, true}};
  l.writers = {WriterRecord{"system:serviceaccount:x:\"y\"", "op", 15, 0, WallInstant(kT0), WallInstant(kT0), {0, 1}}};
  l.first_seen = WallInstant(kT0);
  l.last_seen = WallInstant(kT0 + 60 * kNanosPerSecond);
  l.writes = 15;
  r.leases = {l};
  Finding f;
  f.kind = FindingKind::OverlappingHolders;
  f.lease = l.key();
  f.at = WallInstant(kT0 + 25 * kNanosPerSecond);
  f.until = WallInstant(kT0 + 35 * kNanosPerSecond);
  f.message = "<img src=x> took over";
  f.evidence = {{{0, 7}, "write naming <script>"}};
  r.findings = {f};
  return r;
}

TEST(AuditReport, HtmlEscapesEveryInputStringAndDrawsTheTimeline) {
  const std::string html = audit_html(hostile());
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>audit"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("a&amp;b"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("overlappingHolders at 2026-01-01T00:00:25.000000Z"), std::string::npos);
  EXPECT_NE(html.find("logs/&lt;b&gt;audit&lt;/b&gt;.log:7"), std::string::npos);
  EXPECT_EQ(html, audit_html(hostile()));
}

TEST(AuditReport, MarkdownKeepsTableRowsWhole) {
  const std::string md = audit_markdown(hostile());
  EXPECT_EQ(md.find("<script"), std::string::npos);
  EXPECT_NE(md.find("ns/lock\\|x"), std::string::npos);
  EXPECT_NE(md.find("**overlappingHolders**"), std::string::npos);
}

TEST(AuditReport, JsonCarriesTheRecordAndTotals) {
  nlohmann::ordered_json j = audit_json(hostile());
  EXPECT_EQ(j["leases"][0]["holder"], "<script>alert(1)</script>");
  EXPECT_EQ(j["leases"][0]["holders"].size(), 2u);
  EXPECT_EQ(j["findings"][0]["at"]["offset"], 25);
  EXPECT_EQ(j["findings"][0]["until"]["time"], "2026-01-01T00:00:35.000000Z");
  EXPECT_EQ(j["findings"][0]["evidence"][0]["at"], "logs/<b>audit</b>.log:7");
  EXPECT_EQ(j["totals"]["byKind"]["overlappingHolders"], 1);
  EXPECT_EQ(j["totals"]["findings"], 1);
  EXPECT_EQ(j["leases"][0]["writesPerSecond"], 0.25);
}

}  // namespace
}  // namespace leasesim
