// chooser.h: who resolves the World's nondeterminism.
//
// Contract (docs/architecture.md "The one idea"): every nondeterministic point of a step is a call on a
// Chooser: which of several events due at the same instant fires first (pick), and where in a
// range a latency or a jittered timer delay falls (draw). RandomChooser resolves them with our
// seeded PRNG for `run`; the explorer resolves them by enumeration. A Chooser is never asked
// about a range of one value or a pick among one.
#pragma once

#include <cstdint>

#include "core/rng.h"

namespace leasesim {

// Fault: whether an injectable fault strikes at a fault point of spec.explore.faults (index 0:
// none; i: candidate i-1). RandomChooser always answers 0 (and draws nothing): `run` injects a
// fault only where a replayed counterexample names one.
enum class ChoiceKind : uint8_t { Tie, Latency, TimerDelay, Fault };

class Chooser {
 public:
  virtual ~Chooser() = default;
  // One of n >= 2 alternatives, as an index in [0, n).
  virtual uint32_t pick(ChoiceKind kind, uint32_t n) = 0;
  // A value in [lo, hi] with lo < hi.
  virtual int64_t draw(ChoiceKind kind, int64_t lo, int64_t hi) = 0;
};

class RandomChooser final : public Chooser {
 public:
  explicit RandomChooser(uint64_t seed) : rng_(seed) {}
  uint32_t pick(ChoiceKind kind, uint32_t n) override {
    return kind == ChoiceKind::Fault ? 0 : static_cast<uint32_t>(rng_.below(n));
  }
  int64_t draw(ChoiceKind, int64_t lo, int64_t hi) override { return rng_.between(lo, hi); }

 private:
  Rng rng_;
};

}  // namespace leasesim
