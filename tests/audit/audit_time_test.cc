// Strict RFC 3339 parsing of audit and Lease timestamps (audit/audit_time.h).
#include <gtest/gtest.h>

#include "audit/audit_time.h"

namespace leasesim {
namespace {

int64_t ns(const char* text) {
  AuditTime t = parse_audit_time(text);
  EXPECT_TRUE(t.at.has_value()) << text << ": " << t.error;
  return t.at ? t.at->ns : 0;
}

std::string error(const char* text) {
  AuditTime t = parse_audit_time(text);
  EXPECT_FALSE(t.at.has_value()) << text;
  return t.error;
}

TEST(AuditTime, AcceptsTheShapesTheApiServerWrites) {
  EXPECT_EQ(ns("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ns("2026-01-01T00:00:00Z"), 1767225600LL * kNanosPerSecond);
  EXPECT_EQ(ns("2026-01-01T00:00:05.123456Z"), 1767225605LL * kNanosPerSecond + 123456000);
  EXPECT_EQ(ns("2026-01-01T00:00:05.123456789Z"), 1767225605LL * kNanosPerSecond + 123456789);
  EXPECT_EQ(ns("2026-01-01T02:00:00+02:00"), 1767225600LL * kNanosPerSecond);
  EXPECT_EQ(ns("2025-12-31T16:30:00-07:30"), 1767225600LL * kNanosPerSecond);
  EXPECT_EQ(ns("2024-02-29T00:00:00Z"), 1709164800LL * kNanosPerSecond);
  EXPECT_EQ(ns("2000-02-29T12:00:00.5Z"), 951825600LL * kNanosPerSecond + 500000000);
}

TEST(AuditTime, RejectsImpossibleDatesAndTimes) {
  EXPECT_NE(error("2026-02-30T00:00:00Z").find("day 30 does not exist"), std::string::npos);
  EXPECT_NE(error("2025-02-29T00:00:00Z").find("day 29"), std::string::npos);
  error("1900-02-29T00:00:00Z");
  error("2026-04-31T00:00:00Z");
  error("2026-13-01T00:00:00Z");
  error("2026-00-10T00:00:00Z");
  error("2026-01-01T24:00:00Z");
  error("2026-01-01T23:60:00Z");
  EXPECT_NE(error("2016-12-31T23:59:60Z").find("leap"), std::string::npos);
  // int64 nanoseconds since 1970 end in 2262: a far year is refused, not overflowed.
  EXPECT_NE(error("9999-12-31T23:59:59Z").find("year 9999"), std::string::npos);
  error("2251-01-01T00:00:00Z");
  EXPECT_EQ(ns("2250-12-31T23:59:59Z"), 8867491199LL * kNanosPerSecond);
  error("0001-01-01T00:00:00Z");
}

TEST(AuditTime, RejectsOtherLayouts) {
  error("");
  error("2026-01-01");
  error("2026-01-01 00:00:00Z");
  error("2026-01-01t00:00:00Z");
  error("2026-01-01T00:00:00");
  error("2026-01-01T00:00:00.Z");
  error("2026-01-01T00:00:00.1234567890Z");
  error("2026-01-01T00:00:00Zjunk");
  error("2026-01-01T00:00:00+0200");
  error("Thu, 01 Jan 2026 00:00:00 GMT");
  error("1767225600");
  error("2026-1-01T00:00:00Z");
}

}  // namespace
}  // namespace leasesim
