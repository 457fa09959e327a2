// diff_real_choosers.cc: see diff_real_choosers.h.
#include "cli/diff_real_choosers.h"

#include <algorithm>

#include "core/time.h"

namespace leasesim {

uint32_t RecordingChooser::pick(ChoiceKind kind, uint32_t n, const ChoiceSubject& what) {
  const uint32_t i = random_.pick(kind, n, what);
  if (kind == ChoiceKind::Tie) record_->ties[world_->now().ns].push_back(what.describe(i));
  return i;
}

int64_t RecordingChooser::draw(ChoiceKind kind, int64_t lo, int64_t hi, const ChoiceSubject& what) {
  const int64_t v = random_.draw(kind, lo, hi, what);
  if (kind == ChoiceKind::Latency) record_->latencies[what.describe(v)] = v;
  return v;
}

uint32_t DerivedChooser::pick(ChoiceKind kind, uint32_t n, const ChoiceSubject& what) {
  if (kind != ChoiceKind::Tie) return 0;
  auto it = record_.ties.find(world_->now().ns);
  if (it != record_.ties.end()) {
    // The real run's first event among these, if this run has it too. The real run has events
    // this one lacks (its helpers' wake timers) and the other way round, so a pick whose words
    // are not here is skipped rather than a divergence.
    for (auto d = it->second.begin(); d != it->second.end(); ++d)
      for (uint32_t i = 0; i < n; ++i)
        if (what.describe(i) == *d) {
          it->second.erase(d);
          return i;
        }
  }
  return 0;
}

int64_t DerivedChooser::draw(ChoiceKind kind, int64_t lo, int64_t hi, const ChoiceSubject& what) {
  return draw_for(UINT32_MAX, kind, lo, hi, what);
}

int64_t DerivedChooser::draw_for(uint32_t proc, ChoiceKind kind, int64_t lo, int64_t hi, const ChoiceSubject& what) {
  const std::string label = what.describe(lo);
  if (kind == ChoiceKind::Latency) {
    auto it = record_.latencies.find(label);
    if (it != record_.latencies.end() && it->second >= lo && it->second <= hi) return it->second;
    misses_.push_back("at " + format_seconds(world_->now().ns) + "s: no latency recorded for " + label);
    return lo;
  }
  if (kind == ChoiceKind::TimerDelay && proc < record_.sends.size()) {
    // The real library's jitter: its next request after the earliest instant the timer may fire.
    const std::vector<int64_t>& sends = record_.sends[proc];
    const int64_t now = world_->now().ns;
    auto next = std::lower_bound(sends.begin(), sends.end(), now + lo);
    if (next != sends.end() && *next - now <= hi) return *next - now;
    // The real run ended before its next request: its jitter is unknown but put that request
    // past the horizon, so the model's must be too.
    const int64_t past_horizon = world_->scenario().duration.ns + 1 - now;
    if (next == sends.end() && past_horizon <= hi) return std::max(lo, past_horizon);
    misses_.push_back("at " + format_seconds(now) + "s: " + label + ": the real run sent no request in [" +
                      format_seconds(now + lo) + "s, " + format_seconds(now + hi) + "s]");
    return lo;
  }
  misses_.push_back("at " + format_seconds(world_->now().ns) + "s: unexpected choice " + label);
  return lo;
}

}  // namespace leasesim
