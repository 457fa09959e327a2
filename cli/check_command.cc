// check_command.cc: `leasesim check` (see commands.h; explorer contract in explore/explorer.h).
//
// The counterexample is written as the scenario itself plus `spec.explore.replay`, the choices
// the explorer made, which `leasesim run` resolves first (sim/replay.h) before falling back to
// the seeded PRNG; its `expect` names what the replayed run violates, so the file is a
// regression scenario on its own. Before writing, the replay is run once to confirm it takes
// every recorded choice and ends with the same violation.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>

#include "cli/atomic_file.h"
#include "cli/commands.h"
#include "cli/live_only.h"
#include "cli/scenario_loader.h"
#include "cli/scenario_writer.h"
#include "core/shell_quote.h"
#include "properties/analytic.h"
#include "properties/identity.h"
#include "properties/run.h"
#include "explore/explorer.h"
#include "sim/replay.h"
#include "sim/world.h"

namespace leasesim {
namespace {

std::optional<uint8_t> points_option(const std::string& text, const char* flag, std::ostream& err) {
  std::vector<std::string> names;
  std::stringstream in(text);
  for (std::string name; std::getline(in, name, ',');) names.push_back(name);
  std::string problem;
  const auto mask = parse_point_names(names, &problem);
  if (!mask) err << "leasesim check: " << flag << ": " << problem << "\n";
  return mask;
}

std::string join(const std::vector<std::string>& names, const char* sep) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : sep) + n;
  return out;
}

std::string bound_text(uint64_t v) { return v == UINT64_MAX ? "unbounded" : std::to_string(v); }

bool subset(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (const std::string& x : a)
    if (std::find(b.begin(), b.end(), x) == b.end()) return false;
  return true;
}

std::string points_text(uint8_t mask) { return "{" + join(point_names(mask), ",") + "}"; }

bool complete(ExploreStop stop) {
  return stop == ExploreStop::Exhausted || stop == ExploreStop::Horizon || stop == ExploreStop::Events;
}

// What a complete search covered, as the result line states it (spec: "verified at latency
// points {min,max}, jitter points {max}, up to 1m" or "for all time").
std::string coverage(const ExploreOptions& eo, const ExploreResult& r, Duration horizon, const Scenario& s) {
  std::string text = "latency points " + points_text(eo.latency_points) + ", jitter points " +
                     points_text(eo.jitter_points);
  if (eo.converge && r.stopped_by == ExploreStop::Exhausted) return text + ", for all time";
  text += ", up to " + format_duration(horizon);
  if (r.stopped_by == ExploreStop::Events)
    text += " or " + std::to_string(s.max_events) + " events (the event bound ended some paths)";
  return text;
}

// The command that runs this check again: the file and every option given (the output folder
// only where it matters, for a counterexample; a cut search writes nothing).
std::string check_command_line(const CheckOptions& o) {
  std::string line = "leasesim check " + shell_quote(o.file);
  if (o.depth) line += " --depth " + std::to_string(*o.depth);
  if (o.max_states) line += " --max-states " + std::to_string(*o.max_states);
  if (!o.horizon.empty()) line += " --horizon " + shell_quote(o.horizon);
  if (!o.latency_points.empty()) line += " --latency-points " + shell_quote(o.latency_points);
  if (!o.jitter_points.empty()) line += " --jitter-points " + shell_quote(o.jitter_points);
  if (o.max_faults) line += " --max-faults " + std::to_string(*o.max_faults);
  if (o.converge) line += " --converge";
  if (o.unreduced) line += " --unreduced";
  return line;
}

// The INCONCLUSIVE lines: which bound cut, how far every path got, what would help.
void print_inconclusive(std::ostream& out, const ExploreOptions& eo, const ExploreResult& r, const Scenario& s,
                        Duration horizon) {
  const ExploreStats& st = r.stats;
  const bool by_states = r.stopped_by == ExploreStop::States;
  const bool by_worlds = r.stopped_by == ExploreStop::Worlds;
  out << "result     INCONCLUSIVE: the "
      << (by_states   ? "states bound (" + std::to_string(eo.max_states) + ")"
          : by_worlds ? "worlds bound (" + std::to_string(st.worlds_bound) + " full Worlds of about " +
                            std::to_string((st.world_bytes_estimate + 512) / 1024) +
                            " KB held at once by the breadth-first search)"
                      : "depth bound (" + bound_text(eo.max_depth) + ")")
      << " cut the search; no violation in what was explored at latency points " << points_text(eo.latency_points)
      << ", jitter points " << points_text(eo.jitter_points) << "\n";
  if (st.complete_steps == 0)
    // A depth-first search goes deep along its first choices and leaves alternatives near the
    // root for later: cut early, it covers no depth on every path, and says so rather than
    // "at least 0 steps".
    out << "reached    no step is covered on every path (the depth-first search left choices of the first step "
           "unexplored; --depth N searches breadth-first, every path to N steps)";
  else
    out << "reached    every path explored for at least " << st.complete_steps << " steps and up to at least "
        << format_seconds(st.complete_to.ns) << "s of simulated time";
  out << "; the deepest state: " << st.depth_reached
      << " steps, " << format_seconds(st.reached.ns) << "s (of "
      << (eo.converge && !eo.horizon ? std::string("no horizon") : format_duration(horizon)) << ")\n";
  const uint64_t per_state = std::max<uint64_t>(1, st.stored_bytes / std::max<uint64_t>(1, st.distinct));
  const uint64_t more_mb = per_state * eo.max_states * 10 / 1000000;
  std::vector<std::string> helps;
  // More states do not help a search whose breadth-first frontier outgrew its Worlds.
  if (!by_worlds)
    helps.push_back("--max-states " + std::to_string(eo.max_states * 10) + " (about " +
                    (more_mb >= 10000 ? std::to_string(more_mb / 1000) + " GB" : std::to_string(more_mb) + " MB") +
                    " stored)");
  if (st.complete_to.ns > 0) helps.push_back("--horizon " + format_seconds(st.complete_to.ns) + "s (complete up to there)");
  const uint8_t lat = eo.latency_points & (kPointMin | kPointMid | kPointMax);
  const uint8_t jit = eo.jitter_points & (kPointMin | kPointMid | kPointMax);
  if (lat != kPointMin && lat != kPointMax) helps.push_back("--latency-points max (one latency value)");
  if (jit != kPointMin && jit != kPointMax) helps.push_back("--jitter-points max (one jitter value)");
  if (!eo.converge && !converge_problem(s)) helps.push_back("--converge (states relative to now: a steady state closes)");
  out << "tractable  any of: " << join(helps, "; ");
  out << "\n";
}

// The critical-point passes (docs/check-verdicts.md): first the lowest declared latency with
// the jitter's critical values, then every declared and critical value of both. The first
// counterexample ends them.
std::optional<std::pair<ExploreResult, ExploreOptions>> critical_passes(std::shared_ptr<const Scenario> scenario,
                                                                        const ExploreOptions& base, std::ostream& out) {
  const uint8_t declared = base.latency_points & (kPointMin | kPointMid | kPointMax);
  const uint8_t lowest = (declared & kPointMin) ? kPointMin : (declared & kPointMid) ? kPointMid : kPointMax;
  std::vector<ExploreOptions> passes;
  ExploreOptions narrow = base;
  narrow.latency_points = lowest;
  narrow.jitter_points = base.jitter_points | kPointCritical;
  passes.push_back(narrow);
  ExploreOptions wide = base;
  wide.latency_points = base.latency_points | kPointCritical;
  wide.jitter_points = base.jitter_points | kPointCritical;
  if (wide.latency_points != narrow.latency_points || wide.jitter_points != narrow.jitter_points) passes.push_back(wide);
  for (const ExploreOptions& eo : passes) {
    if (eo.latency_points == base.latency_points && eo.jitter_points == base.jitter_points) continue;
    const auto started = std::chrono::steady_clock::now();
    ExploreResult r = explore(scenario, eo);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    char time[32];
    std::snprintf(time, sizeof time, "%.2fs", secs);
    out << "critical   latency points " << points_text(eo.latency_points) << ", jitter points "
        << points_text(eo.jitter_points) << ": " << r.stats.distinct << " distinct states, " << time << ", "
        << (r.counterexample ? std::string("counterexample")
            : complete(r.stopped_by) ? std::string("no violation (complete)")
                                     : "no violation before the " + std::string(explore_stop_name(r.stopped_by)) +
                                           " bound cut it (inconclusive)")
        << "\n";
    if (r.counterexample) return std::make_pair(std::move(r), eo);
  }
  return std::nullopt;
}

}  // namespace

int check_command(const CheckOptions& options, std::ostream& out, std::ostream& err) {
  LoadResult loaded = load_scenario_file(options.file);
  if (!loaded.ok()) {
    for (const Diagnostic& d : loaded.errors) err << d.format() << "\n";
    err << options.file << ": " << loaded.errors.size() << (loaded.errors.size() == 1 ? " error" : " errors") << "\n";
    return 2;
  }
  if (auto refusal = live_only_refusal(*loaded.scenario, options.file, "check")) {
    err << *refusal << "\n";
    return 2;
  }
  auto scenario = std::make_shared<Scenario>(std::move(*loaded.scenario));
  const ExploreSpec declared = scenario->explore;
  // The search starts from the scenario as written: a replay list in the input (a counterexample
  // checked again) would only steer `run`, so the explorer ignores it.
  scenario->explore.replay.clear();

  ExploreOptions eo = explore_options(declared);
  if (options.depth) eo.max_depth = *options.depth;
  if (options.max_states) eo.max_states = *options.max_states;
  if (!options.horizon.empty()) {
    std::string problem;
    const auto d = parse_duration(options.horizon, false, &problem);
    if (!d || d->ns <= 0) {
      err << "leasesim check: --horizon: " << (d ? "must be greater than zero" : problem) << "\n";
      return 2;
    }
    eo.horizon = d;
  }
  if (!options.latency_points.empty()) {
    const auto mask = points_option(options.latency_points, "--latency-points", err);
    if (!mask) return 2;
    eo.latency_points = *mask;
  }
  if (!options.jitter_points.empty()) {
    const auto mask = points_option(options.jitter_points, "--jitter-points", err);
    if (!mask) return 2;
    eo.jitter_points = *mask;
  }
  if (options.max_faults) {
    ExploreFaults& injectable = scenario->explore.faults;
    if (*options.max_faults > 0 && (injectable.at.empty() || injectable.candidates.empty())) {
      err << "leasesim check: --max-faults: the scenario declares no injectable faults (spec.explore.faults with "
             "\"at\" and \"candidates\")\n";
      return 2;
    }
    if (*options.max_faults > 16) {
      err << "leasesim check: --max-faults: at most 16\n";
      return 2;
    }
    // The written counterexample carries the bound used, so that `run` replays the same points.
    injectable.max = *options.max_faults;
  }
  eo.converge = options.converge;
  eo.reduce_dead = !options.unreduced;
  eo.reduce_inert = !options.unreduced;  // the default (explore/explorer.h); --reduce-inert is a no-op
  eo.reduce_history = !options.unreduced;
  eo.steady_regime = !options.unreduced;
  if (eo.converge) {
    if (const auto problem = converge_problem(*scenario)) {
      err << "leasesim check: --converge cannot key this scenario exactly: " << *problem << "\n";
      return 2;
    }
  }
  if (eo.max_states == 0 || eo.max_states > UINT32_MAX - 1) {
    err << "leasesim check: --max-states must be between 1 and " << (UINT32_MAX - 1) << "\n";
    return 2;
  }

  const Duration horizon = eo.horizon && *eo.horizon < scenario->duration ? *eo.horizon : scenario->duration;
  const bool lifted = eo.converge && !eo.horizon;
  out << "scenario   " << scenario->name << " (" << options.file << ")\n"
      << "bounds     depth " << bound_text(eo.max_depth) << ", states " << eo.max_states << ", horizon "
      << (lifted ? std::string("none (--converge: states relative to now, cycles closed)")
                 : format_duration(horizon) +
                       (horizon < scenario->duration ? " (of " + format_duration(scenario->duration) + ")" : ""))
      << ", latency points " << join(point_names(eo.latency_points), ",") << ", jitter points "
      << join(point_names(eo.jitter_points), ",") << "\n";
  if (const ExploreFaults& injectable = scenario->explore.faults; injectable.max > 0) {
    std::vector<std::string> at, kinds;
    for (Duration d : injectable.at) at.push_back(format_duration(d));
    for (const FaultSpec& f : injectable.candidates) kinds.push_back(fault_type_name(f.type));
    out << "faults     up to " << injectable.max << " injected on a path, at " << join(at, ", ") << ", each one of "
        << injectable.candidates.size() << " candidates (" << join(kinds, ", ") << ") or none\n";
  }
  std::vector<std::string> judged;
  const bool elected = !elected_leases(*scenario).empty();
  if (elected && scenario->properties.single_leader) judged.push_back("singleLeader");
  if (elected && scenario->properties.transitions_match) judged.push_back("transitionsMatch");
  if (!identity_leases(*scenario).empty()) {
    if (scenario->properties.no_live_identity_deleted) judged.push_back("noLiveIdentityDeleted");
    if (scenario->properties.stale_identity_collected_within || scenario->properties.stale_identity_collected_within_auto)
      judged.push_back("staleIdentityCollectedWithin (where the run ends)");
  }
  if (!scenario->node_names.empty()) {
    if (scenario->properties.node_not_ready_within || scenario->properties.node_not_ready_within_auto)
      judged.push_back("nodeNotReadyWithin (where the run ends)");
    if (scenario->properties.no_false_not_ready) judged.push_back("noFalseNotReady (where the run ends)");
    if (scenario->properties.max_pod_evictions) judged.push_back("maxPodEvictions (where the run ends)");
  }
  if (scenario->properties.eventually_leader)
    judged.push_back(eo.converge ? "eventuallyLeader (its window, and no leaderless cycle after the last fault)"
                                 : "eventuallyLeader (where the run ends)");
  const bool failover = scenario->properties.failover_within || scenario->properties.failover_within_auto;
  out << "judged     " << (judged.empty() ? "nothing (singleLeader and transitionsMatch are off)" : join(judged, ", "))
      << (failover ? "; not failoverWithin (run and fuzz judge it)" : "") << "\n";

  const auto started = std::chrono::steady_clock::now();  // for the rate shown only
  ExploreResult result = explore(scenario, eo);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const ExploreStats& st = result.stats;
  out << "explored   " << st.transitions << " states (" << st.distinct << " distinct, " << st.end_states
      << " where the run ends), depth " << st.depth_reached;
  if (eo.converge) out << ", " << st.cycles << " transitions back to a known state";
  out << "\n";
  if (st.steady_states > 0)
    out << "steady     " << st.steady_states
        << " states entered the steady renew regime, where a lemma proves every path safe for all time and every "
           "value in the ranges; they were not stepped further (docs/check-verdicts.md#the-steady-regime-lemma)\n";
  if (st.crash_states > 0)
    out << "crash      " << st.crash_states
        << " states were steady with only a crash of their leader (and restarts) to come, where a lemma proves that "
           "one process takes over within the analytic crash bound and leads alone for all time, for every value in "
           "the ranges; they were not stepped further (docs/check-verdicts.md#the-leader-crash-lemma)\n";
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.2fs, %.0f distinct states/s", secs, secs > 0 ? st.distinct / secs : 0.0);
  out << "time       " << rate << ", " << st.stored_bytes / std::max<uint64_t>(1, st.distinct)
      << " bytes/state stored, at most " << st.peak_frontier << " worlds held at once\n";
  out << "stopped by " << explore_stop_name(result.stopped_by) << "\n";

  const ExpectSpec& expect = scenario->expect;
  const bool expects_violation = expect.present && !expect.violated.empty();
  // Honest verdicts (docs/check-verdicts.md): when the analytic bounds allow an overlap that
  // the declared points did not show, say so and try the critical points.
  const bool main_complete = complete(result.stopped_by);
  ExploreOptions found_with = eo;
  bool warned = false;
  if (!result.counterexample && scenario->properties.single_leader) {
    if (const auto bounds = analytic_bounds(*scenario); bounds && !bounds->no_overlap) {
      warned = true;
      out << "warning    the analytic bounds allow an overlap (safety margin " << format_seconds(bounds->safety_margin.ns)
          << "s: " << overlap_verdict(*bounds) << ") that the declared points did not show; trying the critical points\n";
      if (auto found = critical_passes(scenario, eo, out)) {
        result = std::move(found->first);
        found_with = found->second;
      }
    }
  }
  if (!result.counterexample) {
    if (!main_complete) {
      print_inconclusive(out, eo, result, *scenario, horizon);
      err << "leasesim check: INCONCLUSIVE (exit 4): a bound cut the search before it covered every path; "
          << "reproduce with: " << check_command_line(options) << "\n";
      return 4;
    }
    out << "result     verified at " << coverage(eo, result, horizon, *scenario)
        << (eo.converge && result.stopped_by == ExploreStop::Exhausted
                ? (st.crash_states > 0   ? " (every path converged or was closed by a lemma)"
                   : st.steady_states > 0 ? " (every path converged or entered the steady regime)"
                                          : " (every path converged)")
                : "")
        << "\n";
    if (warned)
      out << "warning    verified at these points only: the analytic bounds still allow an overlap at values between "
             "them (docs/check-verdicts.md)\n";
    if (expects_violation) {
      err << "leasesim check: expected a violation of " << join(expect.violated, ", ")
          << " but none was found at these points\n";
      return 1;
    }
    return 0;
  }

  const Counterexample& cx = *result.counterexample;
  out << "result     counterexample: " << join(cx.violated, ", ") << " after " << cx.steps << " steps, at "
      << format_seconds(cx.at.ns) << "s" << (cx.at_end ? " (judged at the end of the run)" : "") << ", "
      << cx.choices.size() << " choices"
      << (found_with.latency_points != eo.latency_points || found_with.jitter_points != eo.jitter_points
              ? ", at latency points " + points_text(found_with.latency_points) + ", jitter points " +
                    points_text(found_with.jitter_points)
              : std::string())
      << (cx.shortest ? std::string()
                      : " (found depth-first; the " + std::string(explore_stop_name(cx.shorter_search_stop)) +
                            " bound cut the breadth-first search for a shorter one" +
                            (cx.none_within_steps ? ", which found none of " + std::to_string(cx.none_within_steps) +
                                                        " steps or fewer"
                                                  : std::string()) +
                            ")")
      << "\n";
  for (const std::string& m : cx.messages) out << "  " << m << "\n";

  // The counterexample file: the scenario with its choices, checked by replaying it.
  Scenario written = *scenario;
  written.name = scenario->name + "-counterexample";
  written.description = "leasesim check counterexample of " + scenario->name + ": " + join(cx.violated, ", ") +
                        " after " + std::to_string(cx.steps) + " steps";
  written.explore = declared;
  written.explore.replay = cx.choices;
  // Converge mode explores past the scenario's duration: the file runs long enough to replay.
  if (cx.at.ns >= written.duration.ns) written.duration = Duration((cx.at.ns / seconds(1).ns + 2) * seconds(1).ns);
  written.source_path.clear();
  auto replay_scenario = std::make_shared<Scenario>(written);
  {
    World w(replay_scenario);
    ReplayChooser chooser(replay_scenario->explore.replay, replay_scenario->seed);
    w.run(chooser, nullptr);
    if (chooser.diverged_at() || !chooser.finished()) {
      err << "leasesim check: internal error: the counterexample's replay diverged at choice "
          << chooser.diverged_at().value_or(chooser.consumed())
          << (chooser.diverged_reason().empty() ? std::string() : ": " + chooser.diverged_reason())
          << "\nThis is a bug in leasesim.\n";
      return 3;
    }
  }
  const RunResult replayed = run_scenario(replay_scenario, replay_scenario->seed);
  if (cx.cycle_steps > 0) {
    out << "lasso      leaderless from " << format_seconds(cx.cycle_from.ns) << "s, a cycle of " << cx.cycle_steps
        << " steps repeated to " << format_seconds(cx.at.ns) << "s\n";
  } else if (cx.liveness) {
    out << "dead end   leaderless from " << format_seconds(cx.cycle_from.ns) << "s with nothing left to happen\n";
  }
  if (!subset(cx.violated, replayed.evaluation.violated) && cx.liveness) {
    // A leaderless cycle that starts after a leader already met the window: `run` judges the
    // window only, so the replay shows the cycle but not a window violation.
    out << "note       the replay shows the lease leaderless from " << format_seconds(cx.cycle_from.ns)
        << "s on; `run` judges eventuallyLeader's window only, which "
        << (replayed.evaluation.violated.empty() ? "it meets" : "gives [" + join(replayed.evaluation.violated, ", ") + "]")
        << "\n";
  } else if (!subset(cx.violated, replayed.evaluation.violated)) {
    err << "leasesim check: internal error: replaying the counterexample violates [" << join(replayed.evaluation.violated, ", ")
        << "], not " << join(cx.violated, ", ") << "\nThis is a bug in leasesim.\n";
    return 3;
  }
  written.expect.present = true;
  written.expect.violated = replayed.evaluation.violated;

  std::string stem = options.file;
  stem = std::filesystem::path(stem).stem().string();
  const std::string path = (std::filesystem::path(options.out_dir) / (stem + ".counterexample.yaml")).string();
  if (auto problem = write_file_atomically(path, scenario_to_yaml(written))) {
    err << "leasesim check: " << *problem << "\n";
    return 2;
  }
  out << "written    " << path << "\n"
      << "replay     leasesim run " << shell_quote(path) << "   (violates "
      << (replayed.evaluation.violated.empty() ? std::string("nothing") : join(replayed.evaluation.violated, ", "))
      << "; traceHash " << replayed.trace_hash_hex() << ")\n";
  if (expects_violation && subset(cx.violated, expect.violated)) {
    out << "expected   yes: the scenario's expect names " << join(expect.violated, ", ") << "\n";
    return 0;
  }
  err << "leasesim check: counterexample found (" << join(cx.violated, ", ") << "); replay with: leasesim run " << shell_quote(path)
      << "\n";
  return 1;
}

}  // namespace leasesim
