// chooser.h: who resolves the World's nondeterminism.
//
// Contract (docs/architecture.md "The one idea"): every nondeterministic point of a step is a call on a
// Chooser: which of several events due at the same instant fires first (pick), and where in a
// range a latency or a jittered timer delay falls (draw). RandomChooser resolves them with our
// seeded PRNG for `run`; the explorer resolves them by enumeration. A Chooser is never asked
// about a range of one value or a pick among one.
// - Every call says what it decides (a ChoiceSubject): which request's latency, which timer's
//   delay, which events tie. The words are built only when a Chooser asks for them (a replay
//   being written or checked), so the explorer's hot path pays nothing for them.
#pragma once

#include <cstdint>
#include <string>

#include "core/rng.h"

namespace leasesim {

// Fault: whether an injectable fault strikes at a fault point of spec.explore.faults (index 0:
// none; i: candidate i-1). RandomChooser always answers 0 (and draws nothing): `run` injects a
// fault only where a replayed counterexample names one.
enum class ChoiceKind : uint8_t { Tie, Latency, TimerDelay, Fault };

// What a choice decides. `describe(alternative)` gives the words of a replay entry's label:
// for a pick, what the alternative with that index means ("first: response to b's update #7"),
// for a draw, what the value is for ("response to b's update #7"). The owner (the World) keeps
// the state the words come from; a subject is valid only during the call it is passed to.
class ChoiceSubject {
 public:
  using DescribeFn = std::string (*)(const void* owner, uint64_t what, int64_t alternative);
  ChoiceSubject() = default;
  ChoiceSubject(DescribeFn fn, const void* owner, uint64_t what) : fn_(fn), owner_(owner), what_(what) {}
  // "" when nobody said what the choice decides (tests that call a Chooser directly).
  std::string describe(int64_t alternative) const { return fn_ ? fn_(owner_, what_, alternative) : std::string(); }

 private:
  DescribeFn fn_ = nullptr;
  const void* owner_ = nullptr;
  uint64_t what_ = 0;
};

class Chooser {
 public:
  virtual ~Chooser() = default;
  // One of n >= 2 alternatives, as an index in [0, n).
  virtual uint32_t pick(ChoiceKind kind, uint32_t n, const ChoiceSubject& what) = 0;
  // A value in [lo, hi] with lo < hi.
  virtual int64_t draw(ChoiceKind kind, int64_t lo, int64_t hi, const ChoiceSubject& what) = 0;
  // The same with nothing said about what the choice decides.
  uint32_t pick(ChoiceKind kind, uint32_t n) { return pick(kind, n, ChoiceSubject()); }
  int64_t draw(ChoiceKind kind, int64_t lo, int64_t hi) { return draw(kind, lo, hi, ChoiceSubject()); }
  // The same draw, made for process `proc` (the one whose timer is set or whose request
  // travels). Only the explorer's critical points need to know who draws (they depend on that
  // process's clock and timers); every other chooser answers as draw() does.
  virtual int64_t draw_for(uint32_t proc, ChoiceKind kind, int64_t lo, int64_t hi, const ChoiceSubject& what) {
    (void)proc;
    return draw(kind, lo, hi, what);
  }
};

class RandomChooser final : public Chooser {
 public:
  explicit RandomChooser(uint64_t seed) : rng_(seed) {}
  using Chooser::draw;
  using Chooser::pick;
  uint32_t pick(ChoiceKind kind, uint32_t n, const ChoiceSubject&) override {
    return kind == ChoiceKind::Fault ? 0 : static_cast<uint32_t>(rng_.below(n));
  }
  int64_t draw(ChoiceKind, int64_t lo, int64_t hi, const ChoiceSubject&) override { return rng_.between(lo, hi); }

 private:
  Rng rng_;
};

}  // namespace leasesim
