// time.cc: parsing and formatting of integer time. See time.h for the contract.
#include "core/time.h"

#include <charconv>
#include <cstdio>

namespace leasesim {
namespace {

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

// Writes v as exactly n digits at p (v >= 0, v < 10^n); returns the end.
char* put_digits(char* p, int64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return p + n;
}

}  // namespace

char* write_rfc3339(char* out, WallInstant t, int fraction_digits) {
  const int64_t secs = floor_div(t.ns, kNanosPerSecond);
  const int64_t sub_ns = t.ns - secs * kNanosPerSecond;
  const int64_t days = floor_div(secs, 86400);
  const int64_t sod = secs - days * 86400;
  int64_t y;
  unsigned m, d;
  civil_from_days(days, &y, &m, &d);
  // int64 nanoseconds span the years 1677-2262, always four digits: written by hand rather
  // than with snprintf, since every trace line carries a wall reading.
  char* p = put_digits(out, y, 4);
  *p++ = '-';
  p = put_digits(p, m, 2);
  *p++ = '-';
  p = put_digits(p, d, 2);
  *p++ = 'T';
  p = put_digits(p, sod / 3600, 2);
  *p++ = ':';
  p = put_digits(p, sod / 60 % 60, 2);
  *p++ = ':';
  p = put_digits(p, sod % 60, 2);
  if (fraction_digits == 6) {
    *p++ = '.';
    p = put_digits(p, sub_ns / 1000, 6);
  } else if (fraction_digits == 9) {
    *p++ = '.';
    p = put_digits(p, sub_ns, 9);
  }
  *p++ = 'Z';
  return p;
}

namespace {

std::string format_rfc3339(WallInstant t, int fraction_digits) {
  char buf[kRfc3339MaxChars];
  return std::string(buf, write_rfc3339(buf, t, fraction_digits));
}

bool parse_digits(std::string_view s, size_t pos, size_t n, int64_t* out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::optional<Duration> parse_duration(std::string_view text, bool allow_negative, std::string* error) {
  auto fail = [&](const std::string& why) -> std::optional<Duration> {
    if (error) *error = why;
    return std::nullopt;
  };
  const std::string quoted = "\"" + std::string(text) + "\"";
  std::string_view s = text;
  if (s.empty()) return fail("empty duration; write a number with a unit such as 15s or 250ms");
  bool negative = false;
  if (s.front() == '-') {
    if (!allow_negative) return fail("negative duration " + quoted + " is not allowed here");
    negative = true;
    s.remove_prefix(1);
  } else if (s.front() == '+') {
    s.remove_prefix(1);
  }
  // A sequence of decimal numbers, each with a unit, as Go's time.ParseDuration reads them
  // (go/src/time/format.go, ParseDuration): "1h30m", "1.5s", "2m3.5s". The total is exact:
  // 128-bit sums, refused past int64.
  __int128 total = 0;
  size_t i = 0;
  if (s.empty()) return fail(quoted + " is not a duration; write a number with a unit such as 15s or 250ms");
  while (i < s.size()) {
    int64_t whole = 0;
    bool any_digit = false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (whole > (INT64_MAX / 10) - 10) return fail("duration " + quoted + " is too large");
      whole = whole * 10 + (s[i] - '0');
      ++i;
      any_digit = true;
    }
    // Fraction kept as an exact decimal: up to 9 digits are meaningful for every unit we accept
    // (the finest unit is ns, the coarsest h = 3.6e12 ns, so 9 fractional digits of an hour
    // still resolve below 4 ns; extra digits are truncated, as Go drops them).
    int64_t frac = 0;
    int frac_digits = 0;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (frac_digits < 9) {
          frac = frac * 10 + (s[i] - '0');
          ++frac_digits;
        }
        ++i;
        any_digit = true;
      }
    }
    if (!any_digit) return fail(quoted + " is not a duration; write a number with a unit such as 15s or 250ms");
    size_t unit_end = i;
    while (unit_end < s.size() && !(s[unit_end] >= '0' && s[unit_end] <= '9') && s[unit_end] != '.') ++unit_end;
    const std::string_view unit = s.substr(i, unit_end - i);
    i = unit_end;
    int64_t unit_ns;
    if (unit == "ns") unit_ns = 1;
    else if (unit == "us" || unit == "\u00b5s" || unit == "\u03bcs") unit_ns = 1000;
    else if (unit == "ms") unit_ns = 1000000;
    else if (unit == "s") unit_ns = kNanosPerSecond;
    else if (unit == "m") unit_ns = 60 * kNanosPerSecond;
    else if (unit == "h") unit_ns = 3600 * kNanosPerSecond;
    else if (unit.empty())
      return fail("duration " + quoted + " has no unit; write e.g. " + std::string(text) + "s (units: ns us ms s m h)");
    else
      return fail("duration " + quoted + " has unknown unit \"" + std::string(unit) + "\" (units: ns us ms s m h)");
    int64_t pow10 = 1;
    for (int k = 0; k < frac_digits; ++k) pow10 *= 10;
    total += static_cast<__int128>(whole) * unit_ns + static_cast<__int128>(frac) * unit_ns / pow10;
    if (total > INT64_MAX) return fail("duration " + quoted + " is too large");
  }
  const int64_t ns = static_cast<int64_t>(total);
  return Duration(negative ? -ns : ns);
}

namespace {
// "whole.frac" of a in units of unit_ns, fraction trimmed of trailing zeros.
std::string decimal_in_unit(int64_t a, int64_t unit_ns, int frac_width) {
  std::string out = std::to_string(a / unit_ns);
  const int64_t rem = a % unit_ns;
  if (rem != 0) {
    std::string f = std::to_string(rem);
    f = std::string(static_cast<size_t>(frac_width) - f.size(), '0') + f;
    while (!f.empty() && f.back() == '0') f.pop_back();
    out += "." + f;
  }
  return out;
}
}  // namespace

std::string format_duration(Duration d) {
  if (d.ns == 0) return "0s";
  const std::string sign = d.ns < 0 ? "-" : "";
  const int64_t a = d.ns < 0 ? -d.ns : d.ns;
  if (a % hours(1).ns == 0) return sign + std::to_string(a / hours(1).ns) + "h";
  if (a % minutes(1).ns == 0) return sign + std::to_string(a / minutes(1).ns) + "m";
  if (a >= kNanosPerSecond) return sign + decimal_in_unit(a, kNanosPerSecond, 9) + "s";
  if (a >= 1000000) return sign + decimal_in_unit(a, 1000000, 6) + "ms";
  if (a >= 1000) return sign + decimal_in_unit(a, 1000, 3) + "us";
  return sign + std::to_string(a) + "ns";
}

char* write_seconds(char* out, int64_t ns) {
  if (ns < 0) *out++ = '-';
  const uint64_t a = ns < 0 ? static_cast<uint64_t>(-(ns + 1)) + 1 : static_cast<uint64_t>(ns);
  char* end = std::to_chars(out, out + 20, a / static_cast<uint64_t>(kNanosPerSecond)).ptr;
  uint64_t frac = a % static_cast<uint64_t>(kNanosPerSecond);
  if (frac != 0) {
    // Nine digits, then the trailing zeros dropped: 1.5 s is "1.5", 1 ns "0.000000001".
    *end++ = '.';
    char* digits = end;
    for (int i = 8; i >= 0; --i) {
      digits[i] = static_cast<char>('0' + frac % 10);
      frac /= 10;
    }
    end = digits + 9;
    while (end[-1] == '0') --end;
  }
  return end;
}

void append_seconds(std::string& out, int64_t ns) {
  char buf[kSecondsMaxChars];
  out.append(buf, write_seconds(buf, ns));
}

std::string format_seconds(int64_t ns) {
  std::string out;
  append_seconds(out, ns);
  return out;
}

std::string format_rfc3339_micro(WallInstant t) { return format_rfc3339(t, 6); }
std::string format_rfc3339_seconds(WallInstant t) { return format_rfc3339(t, 0); }

std::optional<WallInstant> parse_rfc3339(std::string_view s, std::string* why) {
  auto fail = [&](const char* reason) -> std::optional<WallInstant> {
    if (why) *why = reason;
    return std::nullopt;
  };
  int64_t y, mo, d, h, mi, se;
  if (s.size() < 20 || !parse_digits(s, 0, 4, &y) || s[4] != '-' || !parse_digits(s, 5, 2, &mo) || s[7] != '-' ||
      !parse_digits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != 't') || !parse_digits(s, 11, 2, &h) || s[13] != ':' ||
      !parse_digits(s, 14, 2, &mi) || s[16] != ':' || !parse_digits(s, 17, 2, &se))
    return fail("not of the form YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm)");
  if (mo < 1 || mo > 12) return fail("month out of range");
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int64_t month_days = kDays[mo - 1] + (mo == 2 && leap ? 1 : 0);
  if (d < 1 || d > month_days) return fail("day out of range (that month has fewer days)");
  if (h > 23) return fail("hour out of range");
  if (mi > 59) return fail("minute out of range");
  if (se > 59) return fail("second out of range (leap seconds are not accepted, as in Go's time.Parse)");
  // int64 nanoseconds since the epoch cover 1678-2261; refuse what would overflow.
  if (y < 1678 || y > 2261) return fail("year out of range");
  size_t i = 19;
  int64_t frac_ns = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int digits = 0;
    int64_t scale = 100000000;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (++digits > 9) return fail("more than 9 fractional digits (a nanosecond is the finest unit)");
      frac_ns += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (digits == 0) return fail("a '.' must be followed by fractional digits");
  }
  int64_t offset_s = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int64_t oh, om;
    if (!parse_digits(s, i + 1, 2, &oh) || i + 3 >= s.size() || s[i + 3] != ':' || !parse_digits(s, i + 4, 2, &om))
      return fail("the zone offset must be Z or +hh:mm / -hh:mm");
    if (oh > 23 || om > 59) return fail("zone offset out of range");
    offset_s = (oh * 3600 + om * 60) * (s[i] == '+' ? 1 : -1);
    i += 6;
  } else {
    return fail("missing the zone: end with Z or an offset such as +02:00");
  }
  if (i != s.size()) return fail("unexpected text after the zone");
  const int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const int64_t secs = days * 86400 + h * 3600 + mi * 60 + se - offset_s;
  return WallInstant(secs * kNanosPerSecond + frac_ns);
}

}  // namespace leasesim
