#include "core/time.h"

#include <gtest/gtest.h>

namespace leasesim {
namespace {

TEST(ParseDuration, AcceptsUnitsAndDecimals) {
  std::string err;
  EXPECT_EQ(parse_duration("1.5s", false, &err), milliseconds(1500));
  EXPECT_EQ(parse_duration("150ms", false, &err), milliseconds(150));
  EXPECT_EQ(parse_duration("2m", false, &err), minutes(2));
  EXPECT_EQ(parse_duration("1h", false, &err), hours(1));
  EXPECT_EQ(parse_duration("250us", false, &err), microseconds(250));
  EXPECT_EQ(parse_duration("10ns", false, &err), nanoseconds(10));
  EXPECT_EQ(parse_duration("-30s", true, &err), seconds(-30));
  EXPECT_EQ(parse_duration("0.1s", false, &err), milliseconds(100));
}

TEST(ParseDuration, RejectsBareNumbersNegativesAndUnknownUnits) {
  std::string err;
  EXPECT_FALSE(parse_duration("15", false, &err));
  EXPECT_EQ(err, "duration \"15\" has no unit; write e.g. 15s (units: ns us ms s m h)");
  EXPECT_FALSE(parse_duration("-1s", false, &err));
  EXPECT_EQ(err, "negative duration \"-1s\" is not allowed here");
  EXPECT_FALSE(parse_duration("3d", false, &err));
  EXPECT_EQ(err, "duration \"3d\" has unknown unit \"d\" (units: ns us ms s m h)");
  EXPECT_FALSE(parse_duration("", false, &err));
  EXPECT_FALSE(parse_duration("s", false, &err));
}

TEST(FormatDuration, RoundTripsCommonValues) {
  EXPECT_EQ(format_duration(seconds(15)), "15s");
  EXPECT_EQ(format_duration(milliseconds(1500)), "1.5s");
  EXPECT_EQ(format_duration(milliseconds(250)), "250ms");
  EXPECT_EQ(format_duration(minutes(2)), "2m");
  EXPECT_EQ(format_duration(seconds(-30)), "-30s");
  EXPECT_EQ(format_duration(Duration{}), "0s");
  EXPECT_EQ(format_duration(microseconds(1500)), "1.5ms");
  for (int64_t ns : {1LL, 999LL, 1000LL, 123456789LL, 1000000001LL, 3600000000000LL, 5400000000000LL}) {
    std::string err;
    EXPECT_EQ(parse_duration(format_duration(Duration(ns)), false, &err), Duration(ns)) << ns;
  }
}

TEST(FormatSeconds, IsExactDecimal) {
  EXPECT_EQ(format_seconds(0), "0");
  EXPECT_EQ(format_seconds(12500000000), "12.5");
  EXPECT_EQ(format_seconds(1000), "0.000001");
  EXPECT_EQ(format_seconds(-1500000000), "-1.5");
}

TEST(Rfc3339, ParsesAndFormats) {
  auto t = parse_rfc3339("2026-01-01T00:00:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->ns, 1767225600LL * kNanosPerSecond);
  EXPECT_EQ(format_rfc3339_micro(*t + Duration(12345678901)), "2026-01-01T00:00:12.345678Z");
  EXPECT_EQ(format_rfc3339_seconds(*t + Duration(12999999999)), "2026-01-01T00:00:12Z");
  auto with_offset = parse_rfc3339("2026-01-01T02:00:00.5+02:00");
  ASSERT_TRUE(with_offset);
  EXPECT_EQ(with_offset->ns, t->ns + 500000000);
  EXPECT_FALSE(parse_rfc3339("2026-01-01 00:00:00"));
  EXPECT_FALSE(parse_rfc3339("2026-13-01T00:00:00Z"));
}

TEST(Truncation, MicrosAndSeconds) {
  EXPECT_EQ(truncate_to_micros(WallInstant(1999)).ns, 1000);
  EXPECT_EQ(truncate_to_seconds(WallInstant(-1)).ns, -kNanosPerSecond);
}

}  // namespace
}  // namespace leasesim

namespace leasesim {
namespace {
TEST(Rfc3339, RefusesYearsOutsideTheInt64NanosecondRange) {
  EXPECT_FALSE(parse_rfc3339("1600-01-01T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("9999-12-31T23:59:59Z"));
  EXPECT_TRUE(parse_rfc3339("2261-01-01T00:00:00Z"));
}
}  // namespace
}  // namespace leasesim
