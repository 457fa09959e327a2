// Tests of the leader-crash lemma (explore/crash_lemma.h) and of its use by the explorer.
// - The predicate on the quickstart's shape: true once the first leader renews steadily and
//   before its crash, false once the crash has struck; and each premise it refuses, in words.
// - The conclusion on random runs with continuous latency and jitter draws over generated
//   client-go scenarios (RapidCheck): from the first state where the lemma's conditions hold,
//   the leader leads alone until its crash, exactly one process takes over after it, within
//   the bound, and leads for ever, nobody else acts, singleLeader and transitionsMatch hold,
//   and the run reaches the steady regime of the other lemma. Its twin: the same check catches
//   a weakened predicate (one acting leader, only a crash and restarts pending) on a
//   configuration whose readers see the lease expire while the leader lives.
// - The explorer twin: converge searches with and without the lemma give the same verdict and
//   the same shortest counterexample length on generated scenarios (eventuallyLeader windows
//   too short for the takeover among them), and the lemma closes states there.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "explore/crash_lemma.h"
#include "explore/explorer.h"
#include "explore/steady_regime.h"
#include "model/client_go_bounds.h"
#include "properties/single_leader.h"
#include "properties/transitions_match.h"
#include "sim/chooser.h"
#include "sim/world.h"
#include "tests/explore/lemma_support.h"

namespace leasesim {
namespace {

TrueInstant crash_instant(const Scenario& s) {
  for (const FaultSpec& f : s.faults)
    if (f.type == FaultType::Crash) return TrueInstant(f.at.ns);
  return TrueInstant(0);
}

// The least analytic crash bound over the processes other than `leader` (all run at the entry
// state in these scenarios: every process but the first starts at 1s, before any entry).
Duration takeover_bound(const Scenario& s, uint32_t leader) {
  BoundsEnvironment env;
  env.latency_min = s.api_server.latency.min;
  env.latency_max = s.api_server.latency.max;
  std::optional<Duration> best;
  for (uint32_t p = 0; p < s.processes.size(); ++p) {
    if (p == leader) continue;
    const Duration b = client_go_bounds(std::get<ClientGoConfig>(s.processes[leader].model),
                                        std::get<ClientGoConfig>(s.processes[p].model), env)
                           .crash_to_leader_max;
    if (!best || b < *best) best = b;
  }
  return *best;
}

// Steps a random run of `s` and, from the first state where `premise` holds, checks the lemma's
// conclusion: the leader L leads alone and is the only writer until the crash; after it at most
// one leadership starts, by the crash plus the bound, and never ends; nobody else acts; at the
// end singleLeader and transitionsMatch hold, the takeover happened if the run lasted past the
// bound, and (when `expect_steady`) the steady regime was reached after it. Returns the first
// failure in words (nullopt: none, or the premise never held; `entered` says which).
std::optional<std::string> conclusion_failure(const std::shared_ptr<Scenario>& s, uint64_t seed,
                                              const std::function<bool(const World&)>& premise, bool expect_steady,
                                              bool* entered, std::optional<std::pair<uint32_t, uint32_t>>* handover = nullptr) {
  World w(s);
  RandomChooser chooser(seed);
  std::optional<uint32_t> leader;
  size_t leaderships = 0, writes = 0;
  const TrueInstant crash_at = crash_instant(*s);
  Duration bound{};
  std::optional<uint32_t> taker;
  bool steady_after = false;
  uint64_t entry_events = 0;  // events fired and pending at the entry (crash_lemma.h RunEnd)
  TrueInstant entry_at;
  *entered = false;
  auto at = [&] { return " at " + format_seconds(w.now().ns) + "s (seed " + std::to_string(seed) + ")"; };
  while (w.step(chooser, nullptr) == StepStatus::Stepped) {
    if (!*entered) {
      if (!premise(w)) continue;
      *entered = true;
      leader = acting(w);
      if (!leader) return "the premise held with no acting leader" + at();
      bound = takeover_bound(*s, *leader);
      entry_events = w.events_processed() + w.pending_count();
      entry_at = w.now();
      leaderships = w.history().leaderships.size();
      writes = w.history().writes.size();
      continue;
    }
    const History& h = w.history();
    if (w.now() < crash_at) {
      if (acting(w) != leader) return "the acting leader changed before the crash" + at();
      if (h.leaderships.size() != leaderships) return "a leadership started before the crash" + at();
      for (size_t i = writes; i < h.writes.size(); ++i)
        if (h.writes[i].proc != *leader) return "another process wrote before the crash" + at();
      writes = h.writes.size();
      continue;
    }
    if (h.leaderships.size() > leaderships + 1) return "two leaderships started after the crash" + at();
    if (h.leaderships.size() == leaderships + 1) {
      const Leadership& l = h.leaderships.back();
      if (l.start > crash_at + bound)
        return "the takeover at " + format_seconds(l.start.ns) + "s came after the bound " +
               format_seconds((crash_at + bound).ns) + "s" + at();
      if (l.end) return "the new leader stopped leading" + at();
      if (!taker) taker = l.proc;
      if (acting(w) != taker) return "the acting leader is not the new leader" + at();
      if (!steady_after && in_steady_regime(w)) steady_after = true;
    } else if (w.now() > crash_at + bound) {
      return "nobody took over by the bound " + format_seconds((crash_at + bound).ns) + "s" + at();
    }
  }
  if (!*entered) return std::nullopt;
  // RunEnd's event budget: at most kCrashLemmaEventsPerSecond (32) a second per process after the entry.
  const uint64_t budget = entry_events + static_cast<uint64_t>((w.now() - entry_at).ns / kNanosPerSecond + 1) *
                                             kCrashLemmaEventsPerSecond * static_cast<uint64_t>(w.process_count());
  if (w.events_processed() > budget)
    return std::to_string(w.events_processed()) + " events, above the lemma's budget of " + std::to_string(budget) +
           " (seed " + std::to_string(seed) + ")";
  if (handover && taker) *handover = std::make_pair(*leader, *taker);
  const LeaseId lease = s->processes.front().lease;
  if (!check_single_leader(*s, w.history(), lease, w.now()).empty()) return "two leaders overlapped (seed " + std::to_string(seed) + ")";
  if (!check_transitions_match(*s, w.history(), lease).empty()) return "transitionsMatch failed (seed " + std::to_string(seed) + ")";
  if (expect_steady && taker && !steady_after)
    return "the run never reached the steady regime after the takeover (seed " + std::to_string(seed) + ")";
  return std::nullopt;
}

TEST(CrashLemma, QuickstartShapeHoldsBeforeTheCrashOnly) {
  const auto s = quickstart_like(seconds(60));
  ASSERT_FALSE(crash_lemma_unsupported(*s).has_value()) << *crash_lemma_unsupported(*s);
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    SCOPED_TRACE(seed);
    World w(s);
    RandomChooser chooser(seed);
    std::optional<TrueInstant> entered;
    while (w.step(chooser, nullptr) == StepStatus::Stepped) {
      const auto gap = crash_lemma_gap(w);
      if (w.now() > TrueInstant(seconds(30).ns)) {
        ASSERT_TRUE(gap.has_value());  // the crash has struck
        continue;
      }
      if (!gap && !entered) entered = w.now();
    }
    ASSERT_TRUE(entered.has_value());
    // The standbys start at 1s; the first leader is steady within a few seconds.
    EXPECT_LT(entered->ns, seconds(5).ns);
  }
}

// Steps a random run of `s` until `stop`, then returns the lemma's gap there.
std::optional<std::string> gap_at(const std::shared_ptr<Scenario>& s, Duration stop) {
  World w(s);
  RandomChooser chooser(7);
  while (w.now() < TrueInstant(stop.ns) && w.step(chooser, nullptr) == StepStatus::Stepped) {
  }
  return crash_lemma_gap(w);
}

TEST(CrashLemma, PremisesItRefuses) {
  EXPECT_FALSE(gap_at(quickstart_like(), seconds(20)).has_value());
  // A crash of a reader (by name) rather than of the leader.
  auto s = quickstart_like();
  s->faults[0].target = FaultTarget{FaultTarget::Kind::Process, 1};
  EXPECT_NE(gap_at(s, seconds(20)).value_or("").find("not the leader's"), std::string::npos);
  // Two crashes.
  s = quickstart_like();
  s->faults.push_back(s->faults[0]);
  s->faults.back().at = seconds(40);
  EXPECT_NE(gap_at(s, seconds(20)).value_or("").find("two crashes"), std::string::npos);
  // The leader restarting within a second of its crash: its new record may repeat the old one's
  // second, and readers would not see the change.
  s = quickstart_like();
  s->faults[1].at = milliseconds(30500);
  EXPECT_NE(gap_at(s, seconds(20)).value_or("").find("within a second"), std::string::npos);
  // A restart of a process that is down when no lemma premise says it comes back as a reader.
  s = quickstart_like();
  s->processes[2].start = seconds(200);
  EXPECT_NE(gap_at(s, seconds(20)).value_or("").find("pending"), std::string::npos);
  // An eventuallyLeader window that ends before the takeover's bound (30s + 23.9s).
  s = quickstart_like();
  s->properties.eventually_leader = seconds(3);
  EXPECT_NE(gap_at(s, seconds(20)).value_or("").find("eventuallyLeader"), std::string::npos);
  s->properties.eventually_leader = seconds(4);
  EXPECT_FALSE(gap_at(s, seconds(20)).has_value());
  // Faults the lemma does not cover at all.
  s = quickstart_like();
  FaultSpec pause;
  pause.at = seconds(40);
  pause.type = FaultType::Pause;
  pause.for_ = seconds(1);
  pause.target = FaultTarget{FaultTarget::Kind::Process, 1};
  s->faults.push_back(pause);
  EXPECT_NE(crash_lemma_unsupported(*s).value_or("").find("pause"), std::string::npos);
  // C3: LD 4s against RP 2s plus four latencies of 550 ms (the steady lemma's C2 still holds:
  // 2s plus a round trip is 3.1s).
  s = electors(2, seconds(4), milliseconds(2500), seconds(2), milliseconds(1), milliseconds(550), seconds(10),
               std::nullopt, seconds(30));
  EXPECT_FALSE(steady_regime_unsupported(*s).has_value());
  EXPECT_NE(crash_lemma_unsupported(*s).value_or("").find("four latencies"), std::string::npos);
}

TEST(CrashLemma, ConclusionHoldsOnTheQuickstartShapesRandomRuns) {
  const auto s = quickstart_like(seconds(150));
  expect_every_seed_passes(30, [&](uint64_t seed, bool* entered) {
    return conclusion_failure(s, seed, [](const World& w) { return in_crash_lemma(w); }, true, entered);
  });
}

// The twin: a predicate without the lemma's conditions (one acting leader, nothing pending but
// a crash and restarts) where renewals can fail (LD 4s, RD 3s, RP 2s, latencies up to 900 ms: a
// round trip can outlast the 1.5s request timeout, so readers take over while the leader lives).
// The same check reports it, so the conclusion check above can fail.
TEST(CrashLemma, TwinConclusionCheckCatchesAWeakPredicate) {
  const auto s = electors(3, seconds(4), seconds(3), seconds(2), milliseconds(1), milliseconds(900), seconds(60),
                          std::nullopt, seconds(120));
  auto weak = [](const World& w) {
    bool other = false;
    w.for_each_pending([&](const Event& e) {
      other = other || e.kind == EventKind::ProcessStart || e.kind == EventKind::FaultEnd;
    });
    return !other && acting_count(w) == 1;
  };
  EXPECT_GT(
      seeds_caught(20, [&](uint64_t seed, bool* entered) { return conclusion_failure(s, seed, weak, false, entered); }),
      0);
  // The lemma itself never applies to this configuration.
  EXPECT_TRUE(crash_lemma_unsupported(*s).has_value());
}

// The premise's scenario condition on resourceVersion checks is needed: with an API server that
// commits every Update (apiServer.conflictCheck: false), the conclusion check finds runs where
// two readers take over after the crash, although every state condition held.
TEST(CrashLemma, TwinWithoutConflictChecksTwoReadersTakeOver) {
  // Eight electors and answers up to 400 ms, so that two readers' expiring reads often fall
  // inside one round trip of each other.
  auto s = electors(8, seconds(15), seconds(10), seconds(2), milliseconds(1), milliseconds(400), seconds(30), std::nullopt,
                    seconds(90));
  s->api_server.conflict_check = false;
  EXPECT_NE(crash_lemma_unsupported(*s).value_or("").find("conflictCheck"), std::string::npos);
  const int caught = seeds_caught(100, [&](uint64_t seed, bool* entered) {
    return conclusion_failure(s, seed, [](const World& w) { return in_crash_lemma(w, /*scenario_supported=*/true); },
                              false, entered);
  });
  EXPECT_GT(caught, 0);
}

RC_GTEST_PROP(CrashLemmaProperty, ConclusionHoldsOnGeneratedRuns, ()) {
  const int count = *rc::gen::inRange(2, 5);
  const int rp_ms = *rc::gen::element(1000, 1500, 2000);
  const int ld_s = *rc::gen::inRange(3, 21);
  const int rd_s = *rc::gen::inRange(2, ld_s);
  RC_PRE(rd_s * 1000 > rp_ms * 1.2);
  const int lmax_ms = *rc::gen::element(1, 10, 100, 300);
  const int crash_ms = *rc::gen::inRange(3000, 15000);
  // No restart, one well after the crash, one soon after it (the lemma then waits for the
  // restart to pass), or one racing the takeover.
  const int restart_kind = *rc::gen::inRange(0, 4);
  std::optional<Duration> restart;
  if (restart_kind == 1) restart = milliseconds(crash_ms + *rc::gen::inRange(1000, 3000));
  if (restart_kind == 2) restart = milliseconds(crash_ms + *rc::gen::inRange(1, 1000));
  if (restart_kind == 3) restart = milliseconds(crash_ms + ld_s * 1000 + *rc::gen::inRange(-2000, 4000));
  const uint64_t seed = *rc::gen::inRange<uint64_t>(1, 1000000);
  auto s = electors(count, seconds(ld_s), seconds(rd_s), milliseconds(rp_ms), milliseconds(1), milliseconds(lmax_ms),
                    milliseconds(crash_ms), restart, milliseconds(crash_ms + 90000));
  // Sometimes the readers have timings of their own, and the clocks offsets (whole seconds
  // then fall at other true instants for each process).
  if (*rc::gen::arbitrary<bool>()) {
    for (size_t p = 1; p < s->processes.size(); ++p) {
      auto& c = std::get<ClientGoConfig>(s->processes[p].model);
      c.retry_period = milliseconds(*rc::gen::element(1000, 1500, 2000));
      c.lease_duration = seconds(*rc::gen::inRange(3, 21));
      c.renew_deadline = seconds(*rc::gen::inRange(2, static_cast<int>(c.lease_duration.ns / 1000000000)));
      RC_PRE(c.renew_deadline.ns > c.retry_period.ns * 6 / 5);
    }
  }
  if (*rc::gen::arbitrary<bool>())
    for (ProcessSpec& p : s->processes) p.clock.offset = milliseconds(*rc::gen::inRange(-5000, 5000));
  if (*rc::gen::arbitrary<bool>()) s->properties.eventually_leader = seconds(*rc::gen::element(5, 30, 60));
  RC_PRE(!crash_lemma_unsupported(*s).has_value());
  bool entered = false;
  std::optional<std::pair<uint32_t, uint32_t>> handover;
  const auto failure =
      conclusion_failure(s, seed, [](const World& w) { return in_crash_lemma(w); }, true, &entered, &handover);
  RC_TAG(!entered ? "never entered" : !handover ? "entered, no takeover before the end"
                    : handover->first == handover->second ? "entered, the restarted leader took over"
                                                          : "entered, a reader took over");
  if (failure) RC_FAIL(*failure);
}

// --- the explorer twin ---------------------------------------------------------------------

// `with`: both lemmas; `without`: the steady-regime lemma alone (so the comparison isolates
// this lemma), or no lemma at all when `steady_without` is false.
Twin converge_twin(const std::shared_ptr<Scenario>& s, uint8_t latency, uint8_t jitter, uint64_t max_states,
                   uint64_t max_states_without, bool steady_without) {
  return converge_twin(s, latency, jitter, max_states, max_states_without, Lemmas{true, true},
                       Lemmas{steady_without, false});
}

TEST(CrashLemmaTwin, SameVerdictForAllTimeWithFewerStates) {
  // One latency value and both jitter values: verified for all time with the steady lemma alone
  // (about 450,000 states, docs/check-verdicts.md) and with both.
  const Twin t = converge_twin(quickstart_like(), kPointMax, kPointMin | kPointMax, 2000000, 2000000, true);
  ASSERT_FALSE(cut(t.without));
  ASSERT_FALSE(cut(t.with));
  EXPECT_EQ(t.with.stopped_by, ExploreStop::Exhausted);
  EXPECT_EQ(t.without.stopped_by, ExploreStop::Exhausted);
  EXPECT_FALSE(t.with.counterexample.has_value());
  EXPECT_FALSE(t.without.counterexample.has_value());
  EXPECT_GT(t.with.stats.crash_states, 0u);
  EXPECT_EQ(t.without.stats.crash_states, 0u);
  EXPECT_LT(t.with.stats.distinct, t.without.stats.distinct);
}

TEST(CrashLemmaTwin, TheLemmaClosesTheQuickstartAtTheDefaultPoints) {
  // Latency and jitter at min and max: without this lemma the phases before the crash multiply
  // (INCONCLUSIVE at 20,000,000 states); with it, verified for all time.
  const Twin t = converge_twin(quickstart_like(), kPointMin | kPointMax, kPointMin | kPointMax, 1000000, 100000, true);
  EXPECT_EQ(t.with.stopped_by, ExploreStop::Exhausted);
  EXPECT_FALSE(t.with.counterexample.has_value());
  EXPECT_GT(t.with.stats.crash_states, 0u);
  EXPECT_TRUE(cut(t.without));
  EXPECT_FALSE(t.without.counterexample.has_value());
}

// A small generated scenario for the explorer twins: 2 or 3 electors (LD 4 to ld_max_s), the
// leader crashing at 2 to 4 s, a restart of it never, 2 s after or 400 ms after (the lemma then
// stays out), the run lasting `duration_after_crash(ld_s)` past the crash, and sometimes an
// eventuallyLeader window from too short for any takeover to ample.
std::shared_ptr<Scenario> small_crash_scenario(int ld_max_s, const std::function<Duration(int)>& duration_after_crash) {
  const int count = *rc::gen::inRange(2, 4);
  const int ld_s = *rc::gen::inRange(4, ld_max_s);
  const int rd_s = *rc::gen::inRange(2, ld_s);
  const int rp_ms = *rc::gen::element(1000, 2000);
  RC_PRE(rd_s * 1000 > rp_ms * 1.2);
  const int crash_s = *rc::gen::inRange(2, 5);
  const int restart_kind = *rc::gen::inRange(0, 3);
  std::optional<Duration> restart;
  if (restart_kind == 1) restart = seconds(crash_s + 2);
  if (restart_kind == 2) restart = milliseconds(crash_s * 1000 + 400);
  auto s = electors(count, seconds(ld_s), seconds(rd_s), milliseconds(rp_ms), milliseconds(1), milliseconds(10),
                    seconds(crash_s), restart, seconds(crash_s) + duration_after_crash(ld_s));
  if (*rc::gen::arbitrary<bool>()) s->properties.eventually_leader = seconds(*rc::gen::element(1, 5, 10, 30));
  return s;
}

RC_GTEST_PROP(CrashLemmaTwinProperty, WithAndWithoutTheLemmaAgreeOnGeneratedScenarios, ()) {
  const auto s = small_crash_scenario(16, [](int) { return seconds(56); });
  const uint8_t latency = static_cast<uint8_t>(*rc::gen::element(1, 4));  // min, max
  const uint8_t jitter = static_cast<uint8_t>(*rc::gen::element(1, 4));   // min, max
  const Twin t = converge_twin(s, latency, jitter, 60000, 60000, false);
  RC_PRE(!cut(t.with) && !cut(t.without));
  RC_TAG(t.with.stats.crash_states > 0 ? "crash lemma closed states" : "crash lemma unused");
  RC_ASSERT(t.with.counterexample.has_value() == t.without.counterexample.has_value());
  if (t.with.counterexample) {
    RC_TAG("counterexample");
    RC_ASSERT(t.with.counterexample->violated == t.without.counterexample->violated);
    RC_ASSERT(t.with.counterexample->steps == t.without.counterexample->steps);
  } else {
    RC_ASSERT(t.with.stopped_by == t.without.stopped_by);
    RC_ASSERT(t.with.stats.distinct <= t.without.stats.distinct);
  }
}

// The lemma in a search up to the run's end (no converge mode): with and without it, the same
// verdict and the same shortest counterexample, on generated scenarios whose end falls before,
// during or after the takeover, with eventuallyLeader windows from too short to ample and,
// sometimes, an event bound small enough to stop paths (the lemma must then stay out of the way).
RC_GTEST_PROP(CrashLemmaTwinProperty, UpToTheRunsEndWithAndWithoutTheLemmaAgree, ()) {
  auto s = small_crash_scenario(12, [](int ld_s) { return seconds(*rc::gen::inRange(1, ld_s + 12)); });
  if (*rc::gen::inRange(0, 4) == 0) s->max_events = static_cast<uint64_t>(*rc::gen::inRange(50, 400));
  ExploreOptions o;
  o.latency_points = static_cast<uint8_t>(*rc::gen::element(1, 4));
  o.jitter_points = static_cast<uint8_t>(*rc::gen::element(1, 4));
  o.max_states = 60000;
  const ExploreResult with = explore(s, o);
  o.crash_lemma = false;
  const ExploreResult without = explore(s, o);
  RC_PRE(!cut(with) && !cut(without));
  RC_TAG(with.stats.crash_states > 0 ? "crash lemma closed states" : "crash lemma unused");
  RC_ASSERT(with.counterexample.has_value() == without.counterexample.has_value());
  if (with.counterexample) {
    RC_TAG("counterexample");
    RC_ASSERT(with.counterexample->violated == without.counterexample->violated);
    RC_ASSERT(with.counterexample->steps == without.counterexample->steps);
  } else {
    RC_ASSERT(with.stats.distinct <= without.stats.distinct);
  }
}

}  // namespace
}  // namespace leasesim
