// replay.h: replaying the choices of a counterexample, and their text form.
//
// Contract:
// - ReplayChooser resolves a run's first choices from a recorded list (spec.explore.replay,
//   written by `leasesim check`) and every later one exactly as RandomChooser(seed) would, from
//   a fresh generator. With an empty list it is indistinguishable from RandomChooser(seed), so
//   scenarios without a replay keep their trace hashes.
// - A recorded choice must fit the call it answers: the same kind, for a Tie the same number
//   of alternatives, for a draw a value inside [lo, hi]. The first one that does not fit (the
//   scenario was edited after it was written) ends the replay: that call and every later one
//   are resolved randomly, and diverged_at() says where, so a caller can report it. Never
//   throws: a stale replay is a result, not a crash.
// - Text form, one string per choice: "tie 1/3" (index 1 of 3 simultaneous events),
//   "latency 5ms", "timer 2.000000001s" (durations as format_duration writes them, exact to
//   the nanosecond), "fault 2/3" (at a fault point of spec.explore.faults: 0 none, i candidate
//   i-1, of N = 1 + candidates), each followed by its label in parentheses when it has one:
//   "latency 5ms (response to b's update #7)" (docs/trace-format.md lists the labels).
// - A labelled entry must also decide the same thing: the run's ChoiceSubject must describe the
//   recorded alternative with the same words, or the replay diverges there (the scenario changed
//   so that the same kinds of choice now decide other things). An unlabelled entry (a file from
//   before labels) is matched by kind and range only, as before.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/chooser.h"
#include "sim/scenario.h"

namespace leasesim {

const char* choice_kind_name(ChoiceKind kind);  // "tie", "latency", "timer", "fault"

std::string format_replay_choice(const ReplayChoice& choice);
// nullopt and a one-line reason in *error when `text` is not a replay choice.
std::optional<ReplayChoice> parse_replay_choice(std::string_view text, std::string* error);

// Range points (kPointMin | kPointMid | kPointMax) from names "min", "mid", "max"; nullopt and
// a reason in *error for an unknown name or an empty list. point_names lists them in that order.
std::optional<uint8_t> parse_point_names(const std::vector<std::string>& names, std::string* error);
std::vector<std::string> point_names(uint8_t mask);

class ReplayChooser final : public Chooser {
 public:
  ReplayChooser(const std::vector<ReplayChoice>& script, uint64_t seed) : script_(script), random_(seed) {}

  using Chooser::draw;
  using Chooser::pick;
  uint32_t pick(ChoiceKind kind, uint32_t n, const ChoiceSubject& what) override;
  int64_t draw(ChoiceKind kind, int64_t lo, int64_t hi, const ChoiceSubject& what) override;

  // How many recorded choices were used; the index of the first one that did not fit, and why.
  size_t consumed() const { return next_; }
  std::optional<size_t> diverged_at() const { return diverged_at_; }
  const std::string& diverged_reason() const { return diverged_reason_; }
  bool finished() const { return next_ >= script_.size(); }

 private:
  // Whether the next choice may come from the script: it has an entry left and has not diverged.
  bool scripted() const { return !diverged_at_ && next_ < script_.size(); }
  const ReplayChoice* take(ChoiceKind kind);
  // Whether entry c fits a call with `fits` (its value or index in range) and, if labelled,
  // decides what `what` says; records the divergence when not.
  bool accept(const ReplayChoice& c, bool fits, const ChoiceSubject& what);

  const std::vector<ReplayChoice>& script_;
  size_t next_ = 0;
  std::optional<size_t> diverged_at_;
  std::string diverged_reason_;
  RandomChooser random_;
};

}  // namespace leasesim
