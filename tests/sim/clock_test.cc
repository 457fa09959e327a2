// Tests of a process's local clocks (sim/clock.h): the monotonic reading ignores offset and
// jumps, the wall reading includes both, local delays convert to true time by ceiling division,
// and true_of_mono is the exact minimal inverse of mono.
#include "sim/clock.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/check.h"

namespace leasesim {
namespace {

const WallInstant kStart(1767225600LL * kNanosPerSecond);  // 2026-01-01T00:00:00Z

ProcessClock make_clock(Duration offset, int64_t rate_ppb) { return ProcessClock(ClockSpec{offset, rate_ppb}, kStart); }

TEST(ProcessClock, MonoIsRateTimesTrueTimeIgnoringOffsetAndJumps) {
  ProcessClock clock = make_clock(seconds(25), 2 * kRateOne);
  EXPECT_EQ(clock.mono(TrueInstant(0)), LocalInstant(0));
  EXPECT_EQ(clock.mono(TrueInstant(seconds(3).ns)), LocalInstant(seconds(6).ns));
  clock.jump(seconds(-100));
  EXPECT_EQ(clock.mono(TrueInstant(seconds(3).ns)), LocalInstant(seconds(6).ns));
}

TEST(ProcessClock, MonoRoundsTowardNegativeInfinity) {
  // +100 ppm: 1 ns of true time is 1.0001 local ns, which reads as 1; 10000 ns reads as 10001.
  ProcessClock fast = make_clock(Duration(0), 1000100000);
  EXPECT_EQ(fast.mono(TrueInstant(1)).ns, 1);
  EXPECT_EQ(fast.mono(TrueInstant(10000)).ns, 10001);
  EXPECT_EQ(fast.mono(TrueInstant(9999)).ns, 9999);  // 9999.9999 floors
  // Half speed: 3 ns read as 1.5, floored to 1.
  ProcessClock slow = make_clock(Duration(0), kRateOne / 2);
  EXPECT_EQ(slow.mono(TrueInstant(3)).ns, 1);
}

TEST(ProcessClock, WallIsStartPlusOffsetPlusRateTimesTPlusJumps) {
  ProcessClock clock = make_clock(seconds(-5), kRateOne + kRateOne / 10);  // 1.1
  EXPECT_EQ(clock.wall(TrueInstant(0)), kStart - seconds(5));
  EXPECT_EQ(clock.wall(TrueInstant(seconds(10).ns)), kStart - seconds(5) + seconds(11));
  clock.jump(seconds(30));
  clock.jump(seconds(-10));
  EXPECT_EQ(clock.jumps(), seconds(20));
  EXPECT_EQ(clock.wall(TrueInstant(seconds(10).ns)), kStart - seconds(5) + seconds(11) + seconds(20));
}

TEST(ProcessClock, DefaultClockReadsTrueTime) {
  ProcessClock clock = make_clock(Duration(0), kRateOne);
  const TrueInstant t(123456789);
  EXPECT_EQ(clock.mono(t).ns, t.ns);
  EXPECT_EQ(clock.wall(t), kStart + Duration(t.ns));
  EXPECT_EQ(clock.local_to_true(seconds(10)), seconds(10));
}

TEST(ProcessClock, LocalToTrueIsCeilingOfDelayOverRate) {
  // A fast clock (rate 2) reaches a 10 s local delay in 5 s of true time: timers fire early.
  EXPECT_EQ(make_clock(Duration(0), 2 * kRateOne).local_to_true(seconds(10)), seconds(5));
  // A slow clock (rate 0.5) needs twice as long.
  EXPECT_EQ(make_clock(Duration(0), kRateOne / 2).local_to_true(seconds(10)), seconds(20));
  // Rate 3: 10 ns / 3 = 3.33 ns, rounded up to 4 so the local delay has fully elapsed.
  EXPECT_EQ(make_clock(Duration(0), 3 * kRateOne).local_to_true(Duration(10)), Duration(4));
  // +100 ppm: 10 s local is 9.999000099990001 s true, ceil to the ns.
  EXPECT_EQ(make_clock(Duration(0), 1000100000).local_to_true(seconds(10)), Duration(9999000100));
  // Offset and jumps do not matter for durations.
  ProcessClock jumped = make_clock(seconds(100), kRateOne);
  jumped.jump(hours(1));
  EXPECT_EQ(jumped.local_to_true(seconds(7)), seconds(7));
}

TEST(ProcessClock, LocalToTrueOfNonPositiveDelayIsZero) {
  ProcessClock clock = make_clock(Duration(0), kRateOne / 3);
  EXPECT_EQ(clock.local_to_true(Duration(0)), Duration(0));
  EXPECT_EQ(clock.local_to_true(Duration(-5)), Duration(0));
}

TEST(ProcessClock, RejectsNonPositiveRate) {
  EXPECT_THROW(make_clock(Duration(0), 0), InvariantViolation);
  EXPECT_THROW(make_clock(Duration(0), -kRateOne), InvariantViolation);
}

TEST(ProcessClock, TrueOfMonoExamples) {
  ProcessClock fast = make_clock(seconds(9), 2 * kRateOne);
  EXPECT_EQ(fast.true_of_mono(LocalInstant(seconds(10).ns)), TrueInstant(seconds(5).ns));
  EXPECT_EQ(fast.true_of_mono(LocalInstant(3)), TrueInstant(2));  // mono(1) = 2 < 3, mono(2) = 4
  EXPECT_EQ(fast.true_of_mono(LocalInstant(0)), TrueInstant(0));
  EXPECT_EQ(fast.true_of_mono(LocalInstant(-7)), TrueInstant(0));  // before start: clamps to 0
}

TEST(ProcessClock, CopiesAreIndependentValues) {
  ProcessClock a = make_clock(seconds(1), kRateOne);
  ProcessClock b = a;
  EXPECT_EQ(a, b);
  b.jump(seconds(1));
  EXPECT_NE(a, b);
  EXPECT_EQ(a.jumps(), Duration(0));
  Hasher ha, hb;
  a.hash_into(ha);
  b.hash_into(hb);
  EXPECT_NE(ha.digest(), hb.digest());
}

// Rates between 0.5 and 2 (well beyond any real drift) and instants up to ~3 h keep the 128-bit
// intermediate far from overflow, so the property is about rounding, not range.
int64_t gen_rate() { return *rc::gen::inRange<int64_t>(kRateOne / 2, 2 * kRateOne + 1); }

RC_GTEST_PROP(ProcessClockProperty, TrueOfMonoIsTheMinimalInverseOfMono, ()) {
  const int64_t rate = gen_rate();
  const int64_t m = *rc::gen::inRange<int64_t>(1, hours(3).ns);
  const ProcessClock clock = make_clock(Duration(*rc::gen::inRange<int64_t>(-seconds(5).ns, seconds(5).ns)), rate);
  const TrueInstant t = clock.true_of_mono(LocalInstant(m));
  RC_ASSERT(clock.mono(t).ns >= m);                        // reached
  RC_ASSERT(t.ns == 0 || clock.mono(TrueInstant(t.ns - 1)).ns < m);  // and not one ns earlier
}

RC_GTEST_PROP(ProcessClockProperty, LocalToTrueIsTheMinimalTrueTimeCoveringTheLocalDelay, ()) {
  const int64_t rate = gen_rate();
  const int64_t d = *rc::gen::inRange<int64_t>(1, hours(3).ns);
  const ProcessClock clock = make_clock(Duration(0), rate);
  const Duration t = clock.local_to_true(Duration(d));
  // Starting from true time 0, the monotonic clock has advanced by at least d after t, and
  // by less than d one nanosecond earlier.
  RC_ASSERT(clock.mono(TrueInstant(t.ns)).ns >= d);
  RC_ASSERT(clock.mono(TrueInstant(t.ns - 1)).ns < d);
  // The two conversions agree from the origin.
  RC_ASSERT(clock.true_of_mono(LocalInstant(d)).ns == t.ns);
}

RC_GTEST_PROP(ProcessClockProperty, MonoIsMonotoneAndJumpsOnlyMoveWall, ()) {
  const int64_t rate = gen_rate();
  ProcessClock clock = make_clock(Duration(*rc::gen::inRange<int64_t>(-seconds(5).ns, seconds(5).ns)), rate);
  const int64_t t1 = *rc::gen::inRange<int64_t>(0, hours(1).ns);
  const int64_t t2 = *rc::gen::inRange<int64_t>(t1, hours(1).ns + 1);
  RC_ASSERT(clock.mono(TrueInstant(t1)) <= clock.mono(TrueInstant(t2)));
  const LocalInstant mono_before = clock.mono(TrueInstant(t2));
  const WallInstant wall_before = clock.wall(TrueInstant(t2));
  const Duration by(*rc::gen::inRange<int64_t>(-hours(1).ns, hours(1).ns));
  clock.jump(by);
  RC_ASSERT(clock.mono(TrueInstant(t2)) == mono_before);
  RC_ASSERT(clock.wall(TrueInstant(t2)) == wall_before + by);
}

}  // namespace
}  // namespace leasesim
