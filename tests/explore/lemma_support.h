// lemma_support.h: what the tests of the explorer's two lemmas share (steady_regime_test.cc,
// crash_lemma_test.cc): the quickstart's shape, the acting leader and count, and the converge
// twin that runs one search with a set of lemmas and one with another.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "explore/explorer.h"
#include "sim/world.h"
#include "tests/explore/elector_specs.h"

namespace leasesim {

// The quickstart's shape: three kube-controller-manager replicas (15s/10s/2s), 1-10 ms, the
// leader crashing at 30s and the first replica restarting at 50s.
inline std::shared_ptr<Scenario> quickstart_like(Duration duration = seconds(120)) {
  return electors(3, seconds(15), seconds(10), seconds(2), milliseconds(1), milliseconds(10), seconds(30), seconds(50),
                  duration);
}

inline std::optional<uint32_t> acting(const World& w) { return w.acting_leader(w.scenario().processes.front().lease); }

inline int acting_count(const World& w) {
  int leaders = 0;
  for (uint32_t p = 0; p < w.process_count(); ++p) leaders += w.process(p).acting ? 1 : 0;
  return leaders;
}

// One random run's check of a lemma: the first failure in words (nullopt: none), and whether the
// run met the lemma's premise at all.
using SeedCheck = std::function<std::optional<std::string>(uint64_t seed, bool* entered)>;

// Seeds 1..n: each run meets the premise and passes.
inline void expect_every_seed_passes(uint64_t n, const SeedCheck& check) {
  for (uint64_t seed = 1; seed <= n; ++seed) {
    bool entered = false;
    const auto failure = check(seed, &entered);
    EXPECT_TRUE(entered) << "seed " << seed;
    EXPECT_FALSE(failure.has_value()) << *failure;
  }
}

// Seeds 1..n: how many runs the check fails (a twin expects some).
inline int seeds_caught(uint64_t n, const SeedCheck& check) {
  int caught = 0;
  for (uint64_t seed = 1; seed <= n; ++seed) {
    bool entered = false;
    if (check(seed, &entered)) ++caught;
  }
  return caught;
}

struct Lemmas {
  bool steady = false;
  bool crash = false;
};

struct Twin {
  ExploreResult with, without;
};

// Two converge searches of `s` at the given points: `with` under one set of lemmas (at most
// max_states states), `without` under another (at most max_states_without).
inline Twin converge_twin(const std::shared_ptr<Scenario>& s, uint8_t latency, uint8_t jitter, uint64_t max_states,
                          uint64_t max_states_without, Lemmas with, Lemmas without) {
  ExploreOptions o;
  o.latency_points = latency;
  o.jitter_points = jitter;
  o.converge = true;
  Twin t;
  o.max_states = max_states;
  o.steady_regime = with.steady;
  o.crash_lemma = with.crash;
  t.with = explore(s, o);
  o.max_states = max_states_without;
  o.steady_regime = without.steady;
  o.crash_lemma = without.crash;
  t.without = explore(s, o);
  return t;
}

inline bool cut(const ExploreResult& r) {
  return r.stopped_by == ExploreStop::States || r.stopped_by == ExploreStop::Depth || r.stopped_by == ExploreStop::Worlds;
}

}  // namespace leasesim
