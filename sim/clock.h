// clock.h: a process's local clocks as functions of true time.
//
// Contract (docs/cli.md section 1 `clock`, docs/architecture.md "Clocks"):
//   monotonic reading  mono(t) = rate * t                       (offset and jumps do not apply)
//   wall reading       wall(t) = startTime + offset + rate * t + sum(jumps so far)
// The rate is an exact integer in parts per billion; products use 128-bit integers and round
// toward negative infinity, so readings are exact and identical everywhere. A local delay d
// (a timer, a request timeout) lasts ceil(d / rate) of true time: a fast clock (rate > 1)
// makes local timers fire early in true time.
// Assumes: rate > 0 (the loader rejects anything else). Leaves out: rate changes mid-run and
// NTP slewing (a clockJump fault models a step).
#pragma once

#include <cstdint>

#include "core/check.h"
#include "core/hash.h"
#include "core/time.h"
#include "sim/scenario.h"

namespace leasesim {

class ProcessClock {
 public:
  ProcessClock(ClockSpec spec, WallInstant start_wall) : spec_(spec), start_wall_(start_wall) {
    LS_CHECK(spec.rate_ppb > 0, "clock rate must be positive");
  }

  LocalInstant mono(TrueInstant t) const { return LocalInstant(scale(t.ns)); }
  WallInstant wall(TrueInstant t) const { return start_wall_ + spec_.offset + jumps_ + Duration(scale(t.ns)); }

  // True-time length of a local delay: ceil(local * 1e9 / rate).
  Duration local_to_true(Duration local) const {
    if (local.ns <= 0) return Duration(0);
    if (spec_.rate_ppb == kRateOne) return local;
    const __int128 num = static_cast<__int128>(local.ns) * kRateOne;
    return Duration(static_cast<int64_t>((num + spec_.rate_ppb - 1) / spec_.rate_ppb));
  }

  // The earliest true instant whose monotonic reading is >= m (inverse of mono).
  TrueInstant true_of_mono(LocalInstant m) const {
    if (m.ns <= 0) return TrueInstant(0);
    if (spec_.rate_ppb == kRateOne) return TrueInstant(m.ns);
    const __int128 num = static_cast<__int128>(m.ns) * kRateOne;
    return TrueInstant(static_cast<int64_t>((num + spec_.rate_ppb - 1) / spec_.rate_ppb));
  }

  void jump(Duration by) { jumps_ += by; }
  Duration jumps() const { return jumps_; }
  const ClockSpec& spec() const { return spec_; }

  template <class H>
  void hash_into(H& h) const { h.i64(spec_.offset.ns).i64(spec_.rate_ppb).i64(jumps_.ns); }
  // The fractional nanosecond of the scaled reading at t, in 1e-9 ns: with it, the reading
  // after any delay d is a function of d alone (mono(t + d) - mono(t) depends on d and this),
  // which is what a time-relative fingerprint needs. Always 0 at rate 1.
  int64_t rate_phase(TrueInstant t) const {
    const __int128 p = static_cast<__int128>(t.ns) * spec_.rate_ppb;
    __int128 r = p % kRateOne;
    if (r < 0) r += kRateOne;
    return static_cast<int64_t>(r);
  }
  bool operator==(const ProcessClock&) const = default;

 private:
  int64_t scale(int64_t t_ns) const {
    if (spec_.rate_ppb == kRateOne) return t_ns;  // the common exact clock: no 128-bit division
    const __int128 p = static_cast<__int128>(t_ns) * spec_.rate_ppb;
    __int128 q = p / kRateOne;
    if (p % kRateOne != 0 && p < 0) --q;
    return static_cast<int64_t>(q);
  }

  ClockSpec spec_;
  WallInstant start_wall_;
  Duration jumps_{};
};

}  // namespace leasesim
