// explorer.h: exhaustive exploration of a scenario's choices (`leasesim check`).
//
// Contract (shared/DESIGN.md "The one idea"):
// - Breadth-first search over Worlds. The successors of a world are found by stepping copies of
//   it with an enumerating Chooser that walks every combination of the choices that one step
//   asks for (an odometer over the sequence of choice points: arity recorded at each point,
//   the last point that can advance advances, everything after it is asked again). Draws from a
//   range are enumerated only at declared points (min and max by default; mid optional), so
//   the space is finite. One step = one event, so the depth of a state is the number of events
//   fired to reach it, and the first violation found is a shortest counterexample in events.
// - Deduplication by a 64-bit key: World::fingerprint() combined with the part of the History
//   that can still change a verdict (the open leaderships' starts, and closed leaderships that
//   end after the earliest open one starts). Only the key, the parent's index and the choice
//   script of the last step are stored per state (compact arrays); full Worlds are kept for the
//   frontier only. Collisions of the 64-bit key would merge two states (an accepted risk,
//   stated in the report: at 10^7 states the chance is about 3e-6).
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
// Leaves out: partial-order reduction, symmetry reduction, time-relative fingerprints (a steady
// renew loop never repeats a state because absolute time is part of it, so runs end at the
// horizon), parallel search.
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
  uint64_t max_states = 1000000;
  std::optional<Duration> horizon;  // explore events at or before this instant only
  uint8_t latency_points = kPointMin | kPointMax;
  uint8_t jitter_points = kPointMin | kPointMax;
};

// Which bound ended the search. Exhausted: every path ended with an empty event queue.
// Horizon: every path was explored up to the scenario's horizon (or --horizon). Events: some
// path hit spec.bounds.maxEvents. Depth, States: the search itself was cut short.
enum class ExploreStop : uint8_t { Exhausted, Horizon, Events, Depth, States, Violation };
const char* explore_stop_name(ExploreStop stop);  // "exhausted", "horizon", "events", "depth", "states", "violation"

struct Counterexample {
  std::vector<ReplayChoice> choices;  // every choice from the initial state, in order
  uint64_t steps = 0;                 // events fired
  TrueInstant at;                     // simulated time of the state where the violation settled
  bool at_end = false;                // judged where the run ends (rather than when it settled)
  std::vector<std::string> violated;  // property names, sorted, unique
  std::vector<std::string> messages;  // one line per violation
};

struct ExploreStats {
  uint64_t transitions = 0;     // successor states generated ("states explored")
  uint64_t distinct = 0;        // distinct states stored, the initial one included
  uint64_t depth_reached = 0;   // the deepest stored state, in steps
  uint64_t end_states = 0;      // distinct states where the run ends
  uint64_t peak_frontier = 0;   // the most full Worlds held at once
  uint64_t stored_bytes = 0;    // the compact store: per-state records, scripts and the index
};

struct ExploreResult {
  ExploreStop stopped_by = ExploreStop::Exhausted;
  ExploreStats stats;
  std::optional<Counterexample> counterexample;
};

ExploreResult explore(std::shared_ptr<const Scenario> scenario, const ExploreOptions& options);

// The values a draw over [lo, hi] takes at the points in `mask` (kPointMin|kPointMid|kPointMax),
// ascending and without repeats.
std::vector<int64_t> range_points(uint8_t mask, int64_t lo, int64_t hi);

}  // namespace leasesim
