// explorer.h: exhaustive exploration of a scenario's choices (`leasesim check`).
//
// Contract (docs/architecture.md "The one idea"):
// - Search over Worlds, depth-first first and breadth-first when needed. The depth-first search
//   keeps a stack of the Worlds on the current path (they stay in the caches, unlike a
//   breadth-first frontier of thousands) and visits every reachable state once and every
//   transition of it, as the breadth-first search does: when it finds no violation its counts
//   are the breadth-first ones, and the depth reached (the longest shortest path) is computed
//   from the stored transitions. When it meets a violation, the states bound or a path longer
//   than 4,096 steps (a search that does not close, whose Worlds' histories would grow with the
//   path), or when a depth
//   bound is set (a depth-first search with a visited set would cut states that a shorter path
//   reaches), the breadth-first search runs from the start and gives the report, so a
//   counterexample is a shortest one. The successors of a world are found by stepping copies of
//   it with an enumerating Chooser that walks every combination of the choices that one step
//   asks for (an odometer over the sequence of choice points: arity recorded at each point,
//   the last point that can advance advances, everything after it is asked again). Draws from a
//   range are enumerated only at declared points (min and max by default; mid optional), so
//   the space is finite. One step = one live event (inert ones fold into it, see "Steps"
//   below), so the depth of a state is the number of live events fired to reach it, and the
//   breadth-first search's first violation is a shortest counterexample in live events.
// - Deduplication by a 64-bit key: World::fingerprint() combined with the part of the History
//   that can still change a verdict: per lease, the open leaderships' starts and the closed
//   leaderships that end after the earliest open one starts, while two of them may still
//   overlap; the order of the acting leaders' starts (a fault aimed at `leader` hits the
//   first). Only the key, the parent's index, the choice script of the last step and the
//   transitions are stored per state (compact arrays); full Worlds are kept for the current
//   path or frontier only. Collisions of the 64-bit key would merge two states (an accepted
//   risk, stated in the report: at 10^7 states the chance is about 3e-6).
// - Properties: singleLeader and transitionsMatch, the safety properties. A violation counts
//   when it can no longer be undone: a write that breaks transitionsMatch at once; an overlap
//   of two leaderships once both have ended (an acting leader's end may still be backdated by
//   its model, which can erase an apparent overlap). At a state where the run ends (the
//   scenario's horizon, an empty queue, the event bound) both are judged exactly as `run`
//   judges them, with open leaderships ending at the horizon. eventuallyLeader, when set, is a
//   deadline (some leader within the window after the last fault ends) and is judged there too;
//   the key then also records whether an ended leadership already met it, so merging states
//   cannot hide a miss. failoverWithin is not judged (its episodes depend on the whole history).
// - Bounds, each reported when it stopped the search: depth (steps), distinct states, the
//   explorer's own horizon (events after it are not explored: states that would fire one are
//   cut, and judged only for settled violations), the scenario's horizon and event bound.
// - Deterministic: the same scenario and options give the same counts and counterexample.
// - Converge mode (`converge`, `leasesim check --converge`): states are keyed by the canonical,
//   time-relative fingerprint (World::fingerprint(true), HashFrame in core/hash.h), the
//   scenario's horizon and event bound are lifted, and a state whose key was seen before closes
//   a cycle instead of being explored again, so a steady renew loop converges and the search
//   can end "exhausted": verified for every path, for all time, not only up to the horizon.
//   The History part of the key is kept relative too, and only where a verdict can still
//   depend on it (two leaderships of one lease that may still overlap; the eventuallyLeader
//   window while it is open). Liveness: with eventuallyLeader set, the explored state graph
//   (every transition, Boost.Graph) is searched for strongly connected components made only of
//   states after the last fault with no acting leader of a lease: such a component that has a
//   cycle is a path on which the lease stays leaderless forever, reported as an
//   eventuallyLeader violation with its lasso (the path to the cycle, then the cycle repeated
//   past the end of the window). The window form (some leader within the window) is judged
//   when the first step crosses the window's end. Converge mode assumes what makes the
//   canonical key exact (converge_problem() checks it): no clockJump faults (a backward jump
//   could put two writes in one second), every client-go process's retryPeriod at least one
//   second of its clock (so distinct writes of a record differ in whole-second bytes, and
//   client-go's change detection on truncated bytes is decided by the exact record), unique
//   identities. Overlaps whose end may still be backdated are judged only once settled, as
//   above; two leaders that act together forever make the key drift (their starts are part of
//   it), so such a search ends by the states or depth bound.
// - Injected faults (spec.explore.faults): the World's fault points ask a Fault choice (none or
//   one candidate, while fewer than `max` struck on the path), which the enumerating chooser
//   walks like any other, so every schedule of up to `max` faults over the points is explored.
// - Steps are live events: an inert event (World::inert: a timer replaced or cancelled, a
//   timeout of an answered request) changes nothing but the clock and the event count when it
//   fires, so a step fires the inert events due before the next live one and then that live
//   one (ExploreOptions::fold_inert); no state between them is stored. A run that ends after
//   inert events only is judged on the world after them, as `run` would judge it. Depths and a
//   counterexample's `steps` count live events.
// - Reductions (on by default, off with `check --unreduced`): the key leaves out model state no
//   future step reads before writing it (ExploreOptions::reduce_dead, HashFrame::drop_dead),
//   and inert pending events and the event count (ExploreOptions::reduce_inert); converge
//   mode's key then measures time from the next live event, since nothing changes before it.
//   Both merge only states with the same futures, live step for live step, so verdicts and
//   shortest counterexample lengths are kept (tests/explore/reduction_twin_test.cc,
//   tests/cli/reduction_gallery_twin_test.cc). The event count is left out only while no path
//   of a merged world can reach the scenario's event bound (checked after the search; else it
//   runs again without the inert reduction), and the inert reduction is off with critical
//   points, which read inert events.
// - A cut search (states or depth bound) reports from what it stored: the depth reached, and
//   how far every path got (ExploreStats::complete_steps, complete_to); it is never run again.
//   A depth-first counterexample is replaced by a breadth-first (shortest) one when that search
//   reaches one within the bounds; otherwise it stands, marked not shortest.
// - Critical points (kPointCritical, explore/critical_points.h): extra values of a draw where its
//   instant meets a pending event, the drawer's lease expiry or a whole second of its wall clock.
// Leaves out: partial-order reduction, symmetry reduction, parallel search; failoverWithin.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario.h"

namespace leasesim {

struct ExploreOptions {
  uint64_t max_depth = UINT64_MAX;
  // About 1.2 GB stored at the measured 50 to 80 bytes per state: enough for the realistic
  // two-candidate minute (13.4 million states, docs/check-verdicts.md) on a developer machine.
  uint64_t max_states = 20000000;
  // The most full Worlds the breadth-first search holds at once (its frontier). A World costs
  // kilobytes, not bytes (about 13 KB in the quickstart), so the frontier, not the store, is
  // what exhausts memory first when a breadth-first search is wide: 100,000 Worlds are about
  // 1.3 GB there. The depth-first search holds one World per step of its path and ignores it.
  uint64_t max_worlds = 100000;
  // And at most as many Worlds, in both searches, as fit in this many bytes by a deterministic
  // estimate of one World (explore() lowers max_worlds to it): a World grows with the
  // scenario's processes (about 400 bytes each), so a 5,000-node scenario's Worlds are
  // megabytes and 4,096 of them on a depth-first path would exhaust a machine. The estimate,
  // not the machine's free memory, sets the bound, so a search stops at the same place
  // everywhere.
  uint64_t max_world_bytes = uint64_t{1536} << 20;
  std::optional<Duration> horizon;  // explore events at or before this instant only
  uint8_t latency_points = kPointMin | kPointMax;
  uint8_t jitter_points = kPointMin | kPointMax;
  bool converge = false;  // time-relative keys, horizon lifted, SCC liveness (see the contract)
  // Reduction (on by default; `check --unreduced` turns it off): the key leaves out model state
  // that no future step reads before writing it again (HashFrame::drop_dead), so it merges only
  // states whose futures are the same step for step: verdicts and shortest counterexample
  // lengths are kept (tests/explore/reduction_twin_test.cc).
  bool reduce_dead = true;
  // Inert events (on by default; `check --unreduced` turns it off): the key leaves out inert
  // pending events (World::inert) and the event count, and converge mode's key measures time
  // from the next live event (World::next_live_at). Exact because inert events are folded into
  // the next live step (fold_inert), so merged worlds fire the same live events step for step.
  // Not applied with critical points (they read inert events too), and undone when the event
  // bound came within reach (the search then runs again without it; see explore()).
  bool reduce_inert = true;
  // History (on by default; `check --unreduced` turns it off): the key keeps an open
  // leadership's start only while another leadership of its lease may still overlap it (two
  // act at once, or one ended after it started), as converge mode's key always has; a lone
  // leader's start cannot change a verdict, since every later leadership starts at or after
  // now (hash_history_key in explorer.cc says why in full).
  bool reduce_history = true;
  // The steady-regime lemma (converge mode only; on by default, off with `check --unreduced`):
  // a state after the last fault where one client-go elector renews and every reader is sure
  // to see its renewals in time (explore/steady_regime.h) is a leaf: the lemma proves every
  // path from it safe for all time, so the search does not step it. Stated in the result.
  bool steady_regime = true;
  // The leader-crash lemma (explore/crash_lemma.h; with steady_regime, off with `check
  // --unreduced` too): a state in that regime whose only pending faults are a crash of its
  // leader and restarts is a leaf too, in converge mode and in a search up to the run's end
  // (then judged where `run` ends). Off alone in the tests of the steady lemma.
  bool crash_lemma = true;
  // A step fires one live event and the inert events before it (see the contract). Off only
  // in the twin test that compares verdicts with one event per step; forced on by reduce_inert.
  bool fold_inert = true;
};

// The bounds a scenario's spec.explore declares, over the defaults (the command line's
// overrides go on top).
ExploreOptions explore_options(const ExploreSpec& spec);

// Why converge mode cannot key `scenario` exactly, or nullopt when it can.
std::optional<std::string> converge_problem(const Scenario& scenario);

// Which bound ended the search. Exhausted: every path ended with an empty event queue.
// Horizon: every path was explored up to the scenario's horizon (or --horizon). Events: some
// path hit spec.bounds.maxEvents. Depth, States, Worlds: the search itself was cut short.
// Worlds: the breadth-first search's frontier outgrew ExploreOptions::max_worlds.
enum class ExploreStop : uint8_t { Exhausted, Horizon, Events, Depth, States, Violation, Worlds };
// "exhausted", "horizon", "events", "depth", "states", "violation", "worlds"
const char* explore_stop_name(ExploreStop stop);

struct Counterexample {
  std::vector<ReplayChoice> choices;  // every choice from the initial state, in order
  uint64_t steps = 0;                 // live events fired (inert ones weigh zero, see above)
  TrueInstant at;                     // simulated time of the state where the violation settled
  bool at_end = false;                // judged where the run ends (rather than when it settled)
  bool liveness = false;              // a lease stays leaderless forever (lasso or dead end)
  uint64_t cycle_steps = 0;           // liveness lasso: steps of the cycle (0 for a dead end)
  TrueInstant cycle_from;             // liveness lasso: where the leaderless cycle starts
  std::vector<std::string> violated;  // property names, sorted, unique
  std::vector<std::string> messages;  // one line per violation
  bool shortest = true;  // false: found depth-first, the breadth-first search was cut before it
  // When !shortest: the breadth-first search explored every path of up to this many steps
  // (and found no violation on them) before a bound cut it, so no counterexample is shorter.
  uint64_t none_within_steps = 0;
  ExploreStop shorter_search_stop = ExploreStop::States;  // the bound that cut that search
};

struct ExploreStats {
  uint64_t transitions = 0;     // successor states generated ("states explored")
  uint64_t distinct = 0;        // distinct states stored, the initial one included
  uint64_t depth_reached = 0;   // the deepest stored state, in steps
  uint64_t end_states = 0;      // distinct states where the run ends
  uint64_t peak_frontier = 0;   // the most full Worlds held at once (path or frontier)
  uint64_t stored_bytes = 0;    // the compact store: per-state records, scripts and the index
  uint64_t cycles = 0;          // converge mode: transitions back to a state already stored
  uint64_t liveness_components = 0;  // converge mode: leaderless components examined
  uint64_t steady_states = 0;   // converge mode: states closed by the steady-regime lemma
  uint64_t crash_states = 0;    // converge mode: states closed by the leader-crash lemma
  // When a bound cut the search (stopped by states or depth): every path was explored for at
  // least complete_steps steps and up to at least complete_to (simulated time); the latest
  // simulated time of any stored state is `reached`.
  uint64_t complete_steps = 0;
  TrueInstant complete_to{};
  TrueInstant reached{};
  // The worlds bound the search ran with (ExploreOptions::max_worlds, lowered to what
  // max_world_bytes allows), and the estimate of one World's bytes behind it.
  uint64_t worlds_bound = 0;
  uint64_t world_bytes_estimate = 0;
};

struct ExploreResult {
  ExploreStop stopped_by = ExploreStop::Exhausted;
  ExploreStats stats;
  std::optional<Counterexample> counterexample;
  bool reduced_inert = false;  // the inert reduction was applied (see ExploreOptions::reduce_inert)
};

ExploreResult explore(std::shared_ptr<const Scenario> scenario, const ExploreOptions& options);

// The values a draw over [lo, hi] takes at the points in `mask` (kPointMin|kPointMid|kPointMax),
// ascending and without repeats.
std::vector<int64_t> range_points(uint8_t mask, int64_t lo, int64_t hi);

}  // namespace leasesim
