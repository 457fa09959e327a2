// diff_real_choosers.h: the two choosers of the differential test (docs/models/client-go-real.md
// section 6): one records what a client-go-real run chose, the other answers the same questions
// for a client-go-elector run of the same scenario.
//
// Contract:
// - RecordingChooser answers exactly as RandomChooser(seed) (so a recorded run is the run `leasesim
//   run --seed` makes, same traceHash) and records every latency by its label ("response to
//   kcm-a's get #3") and every tie by the instant and the words of the event that went first.
// - DerivedChooser answers a latency with the recorded value of the same label, a tie with the
//   alternative whose words match the real run's pick at that instant, and a jittered timer (the
//   acquire loop's RetryPeriod + jitter, the one timer client-go draws) with the delay to the
//   process's next request in the real run: the jitter the real library drew, inferred from when
//   it sent (a request the real run would have sent after its horizon is put after it here too).
//   A question it cannot answer from the record (no such label, an inferred delay outside
//   the model's range) is answered with the range's low end and listed in misses(): the two runs
//   diverged there, and the trace comparison shows how.
// Leaves out: fault points (refused with client-go-real).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "sim/chooser.h"
#include "sim/world.h"

namespace leasesim {

struct RecordedChoices {
  std::map<std::string, int64_t> latencies;                  // by label
  std::map<int64_t, std::deque<std::string>> ties;           // by true instant (ns): first events' words
  std::vector<std::vector<int64_t>> sends;                   // by process: true instants (ns) of its requests
};

class RecordingChooser final : public Chooser {
 public:
  RecordingChooser(uint64_t seed, RecordedChoices* record) : random_(seed), record_(record) {}
  void attach(const World* world) { world_ = world; }

  using Chooser::draw;
  using Chooser::pick;
  uint32_t pick(ChoiceKind kind, uint32_t n, const ChoiceSubject& what) override;
  int64_t draw(ChoiceKind kind, int64_t lo, int64_t hi, const ChoiceSubject& what) override;

 private:
  RandomChooser random_;
  RecordedChoices* record_;
  const World* world_ = nullptr;
};

class DerivedChooser final : public Chooser {
 public:
  explicit DerivedChooser(RecordedChoices record) : record_(std::move(record)) {}
  void attach(const World* world) { world_ = world; }

  using Chooser::draw;
  using Chooser::pick;
  uint32_t pick(ChoiceKind kind, uint32_t n, const ChoiceSubject& what) override;
  int64_t draw(ChoiceKind kind, int64_t lo, int64_t hi, const ChoiceSubject& what) override;
  int64_t draw_for(uint32_t proc, ChoiceKind kind, int64_t lo, int64_t hi, const ChoiceSubject& what) override;

  // Questions the record could not answer, in the order they were asked.
  const std::vector<std::string>& misses() const { return misses_; }

 private:
  RecordedChoices record_;
  const World* world_ = nullptr;
  std::vector<std::string> misses_;
};

}  // namespace leasesim
