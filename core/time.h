// time.h: typed integer time for the whole simulator.
//
// Contract:
// - Every duration and instant is an integer count of nanoseconds (int64), never a float, so
//   arithmetic is exact and identical on every machine and compiler.
// - Instants come in three distinct types that do not mix:
//     TrueInstant   simulated true (real) time since the start of the run; only the World
//                   and the properties see it.
//     LocalInstant  a process's monotonic clock reading (rate applies, offset and jumps do not);
//                   what Go's monotonic clock or Python's time.monotonic() would return.
//     WallInstant   nanoseconds since the Unix epoch as read from some wall clock (a process's
//                   local wall clock, or a timestamp stored in a Lease).
//   Instant - Instant gives a Duration; Instant + Duration gives the same instant type.
// - Leaves out: calendars beyond UTC RFC 3339 formatting/parsing; leap seconds.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace leasesim {

struct Duration {
  int64_t ns = 0;

  constexpr Duration() = default;
  constexpr explicit Duration(int64_t n) : ns(n) {}
  constexpr auto operator<=>(const Duration&) const = default;
  constexpr Duration operator+(Duration o) const { return Duration(ns + o.ns); }
  constexpr Duration operator-(Duration o) const { return Duration(ns - o.ns); }
  constexpr Duration operator-() const { return Duration(-ns); }
  constexpr Duration operator*(int64_t k) const { return Duration(ns * k); }
  constexpr Duration operator/(int64_t k) const { return Duration(ns / k); }
  constexpr Duration& operator+=(Duration o) { ns += o.ns; return *this; }
  constexpr Duration& operator-=(Duration o) { ns -= o.ns; return *this; }
  constexpr bool is_zero() const { return ns == 0; }
};

constexpr Duration nanoseconds(int64_t n) { return Duration(n); }
constexpr Duration microseconds(int64_t n) { return Duration(n * 1000); }
constexpr Duration milliseconds(int64_t n) { return Duration(n * 1000000); }
constexpr Duration seconds(int64_t n) { return Duration(n * 1000000000); }
constexpr Duration minutes(int64_t n) { return seconds(n * 60); }
constexpr Duration hours(int64_t n) { return seconds(n * 3600); }

constexpr int64_t kNanosPerSecond = 1000000000;

// Instant<Tag>: an integer nanosecond point on one time axis; the tag keeps axes apart.
template <class Tag>
struct Instant {
  int64_t ns = 0;

  constexpr Instant() = default;
  constexpr explicit Instant(int64_t n) : ns(n) {}
  constexpr auto operator<=>(const Instant&) const = default;
  constexpr Instant operator+(Duration d) const { return Instant(ns + d.ns); }
  constexpr Instant operator-(Duration d) const { return Instant(ns - d.ns); }
  constexpr Duration operator-(Instant o) const { return Duration(ns - o.ns); }
  constexpr Instant& operator+=(Duration d) { ns += d.ns; return *this; }
};

struct TrueTag {};
struct LocalTag {};
struct WallTag {};
using TrueInstant = Instant<TrueTag>;
using LocalInstant = Instant<LocalTag>;
using WallInstant = Instant<WallTag>;

// Whole seconds (truncated toward negative infinity) and sub-second truncation helpers.
constexpr int64_t floor_div(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
constexpr WallInstant truncate_to_micros(WallInstant t) { return WallInstant(floor_div(t.ns, 1000) * 1000); }
constexpr WallInstant truncate_to_seconds(WallInstant t) {
  return WallInstant(floor_div(t.ns, kNanosPerSecond) * kNanosPerSecond);
}

// Parses "1.5s", "150ms", "2m", "1h", "250us", "10ns" (decimals allowed, a unit required).
// A leading '-' is accepted only when allow_negative is true. On failure returns nullopt and
// sets *error to a one-line reason suitable for a diagnostic.
std::optional<Duration> parse_duration(std::string_view text, bool allow_negative, std::string* error);

// Formats a duration the way users write them: "15s", "1.5s", "250ms", "-30s", "0s".
std::string format_duration(Duration d);

// Seconds as a decimal number with up to 9 fractional digits and no trailing zeros ("12.5",
// "0.000001", "3"): exact, locale-free, used for JSON and trace output.
std::string format_seconds(int64_t ns);
// The same digits appended to `out`, with no allocation of its own.
void append_seconds(std::string& out, int64_t ns);
// The same digits written at `out` (room for kSecondsMaxChars needed); returns the end. The
// trace's hot path, which writes into its own buffer.
inline constexpr size_t kSecondsMaxChars = 32;
char* write_seconds(char* out, int64_t ns);

// RFC 3339 in UTC with exactly 6 fractional digits, as Kubernetes renders a MicroTime:
// "2026-01-01T00:00:12.345678Z" (nanoseconds below a microsecond are truncated).
std::string format_rfc3339_micro(WallInstant t);
// RFC 3339 in UTC at whole seconds, as Kubernetes renders a meta Time: "2026-01-01T00:00:12Z".
std::string format_rfc3339_seconds(WallInstant t);
// RFC 3339 in UTC written at `out` with 0, 6 or 9 fractional digits (room for kRfc3339MaxChars
// needed); returns the end. The formats above and the trace's wall readings, without a string.
inline constexpr size_t kRfc3339MaxChars = 32;
char* write_rfc3339(char* out, WallInstant t, int fraction_digits);
// Parses RFC 3339 ("2026-01-01T00:00:00Z", optional fraction, 'Z' or +hh:mm offset).
// As strict as Go's time.Parse with RFC3339 (go/src/time/format.go, Parse: "day out of range",
// "second out of range"): the day must exist in its month, second 60 is refused. Stricter than
// Go: its parseNanoseconds drops fraction digits past the ninth; here more than 9 are refused, so
// a value never changes silently. Years outside 1678-2261 (int64 nanoseconds since 1970) are
// refused. On failure *why (when given) says which rule failed.
std::optional<WallInstant> parse_rfc3339(std::string_view text, std::string* why = nullptr);

}  // namespace leasesim
