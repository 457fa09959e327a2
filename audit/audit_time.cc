// audit_time.cc: see audit_time.h.
#include "audit/audit_time.h"

namespace leasesim {
namespace {

bool digits(std::string_view s, size_t pos, size_t n, int64_t* out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int64_t days_in_month(int64_t y, int64_t m) {
  static constexpr int64_t kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

AuditTime fail(std::string_view text, const std::string& why) {
  AuditTime r;
  r.error.append(1, '"').append(text.substr(0, 64)).append("\" is not an RFC 3339 time: ").append(why);
  return r;
}

}  // namespace

AuditTime parse_audit_time(std::string_view s) {
  int64_t y, mo, d, h, mi, sec;
  if (!digits(s, 0, 4, &y) || s.size() < 5 || s[4] != '-' || !digits(s, 5, 2, &mo) || s.size() < 8 || s[7] != '-' ||
      !digits(s, 8, 2, &d))
    return fail(s, "expected a date YYYY-MM-DD");
  // Nanoseconds since the epoch in an int64 cover the years 1678 to 2261; up to 2250 leaves room
  // to add a lease duration (at most 10 years, audit/auditor.cc) without overflow.
  if (y < 1678 || y > 2250) return fail(s, "year " + std::to_string(y) + " is outside 1678..2250");
  if (mo < 1 || mo > 12) return fail(s, "month " + std::to_string(mo) + " is out of range");
  if (d < 1 || d > days_in_month(y, mo))
    return fail(s, "day " + std::to_string(d) + " does not exist in " + std::to_string(y) + "-" + std::string(s.substr(5, 2)));
  if (s.size() < 11 || s[10] != 'T') return fail(s, "expected 'T' between date and time");
  if (!digits(s, 11, 2, &h) || s.size() < 14 || s[13] != ':' || !digits(s, 14, 2, &mi) || s.size() < 17 ||
      s[16] != ':' || !digits(s, 17, 2, &sec))
    return fail(s, "expected a time hh:mm:ss");
  if (h > 23) return fail(s, "hour " + std::to_string(h) + " is out of range");
  if (mi > 59) return fail(s, "minute " + std::to_string(mi) + " is out of range");
  if (sec > 59) return fail(s, "second " + std::to_string(sec) + " is out of range (leap seconds are not accepted)");
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (n == 9) return fail(s, "more than 9 fractional digits");
      ++n;
      ++i;
    }
    if (n == 0) return fail(s, "a '.' with no fractional digits");
  }
  if (i < s.size() && s[i] == 'Z') {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int64_t oh, om;
    if (!digits(s, i + 1, 2, &oh) || s.size() < i + 4 || s[i + 3] != ':' || !digits(s, i + 4, 2, &om))
      return fail(s, "expected a zone offset +hh:mm");
    if (oh > 23 || om > 59) return fail(s, "zone offset out of range");
    i += 6;
  } else {
    return fail(s, "expected a zone: 'Z' or +hh:mm");
  }
  if (i != s.size()) return fail(s, "unexpected text after the zone");
  // The text is now known to be a valid RFC 3339 time of the shapes above; core's parser does
  // the calendar arithmetic (it accepts a superset: 't', 'z', ":60" and impossible days).
  AuditTime r;
  r.at = parse_rfc3339(s);
  if (!r.at) return fail(s, "outside the times leasesim can represent");
  return r;
}

}  // namespace leasesim
