// RapidCheck: every scenario the fuzzer generates (all fault types, both models, clocks,
// latencies), with a random spec.explore block, survives scenario_writer -> scenario_loader
// unchanged, as YAML and as JSON. A twin checks the sample covers every generated fault type.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <set>

#include "cli/scenario_loader.h"
#include "cli/scenario_writer.h"
#include "explore/fuzz.h"

namespace leasesim {
namespace {

ExploreSpec random_explore() {
  ExploreSpec e;
  if (*rc::gen::arbitrary<bool>()) e.depth = *rc::gen::inRange<uint64_t>(1, 1000000);
  if (*rc::gen::arbitrary<bool>()) e.max_states = *rc::gen::inRange<uint64_t>(1, 1000000);
  if (*rc::gen::arbitrary<bool>()) e.horizon = Duration(*rc::gen::inRange<int64_t>(1, 3600000000000));
  e.latency_points = static_cast<uint8_t>(*rc::gen::inRange(0, 8));
  e.jitter_points = static_cast<uint8_t>(*rc::gen::inRange(0, 8));
  const int n = *rc::gen::inRange(0, 20);
  for (int i = 0; i < n; ++i) {
    ReplayChoice c;
    c.kind = static_cast<ChoiceKind>(*rc::gen::inRange(0, 3));
    if (c.kind == ChoiceKind::Tie) {
      c.arity = *rc::gen::inRange<uint32_t>(2, 10000);
      c.value = *rc::gen::inRange<int64_t>(0, c.arity);
    } else {
      c.value = *rc::gen::inRange<int64_t>(0, 100000000000);
    }
    e.replay.push_back(c);
  }
  return e;
}

RC_GTEST_PROP(ScenarioRoundTrip, FuzzScenariosSurviveWriterAndLoader, ()) {
  const uint64_t index = *rc::gen::inRange<uint64_t>(0, 1000000);
  Scenario s = *generate_case(nullptr, 11, index).scenario;
  s.explore = random_explore();
  for (const char* file : {"r.yaml", "r.json"}) {
    const std::string text = std::string(file) == "r.yaml" ? scenario_to_yaml(s) : scenario_to_json(s);
    LoadResult back = load_scenario_text(text, file);
    RC_ASSERT(back.ok());
    back.scenario->source_path.clear();
    RC_ASSERT(*back.scenario == s);
  }
}

TEST(ScenarioRoundTripTwin, SampleCoversEveryGeneratedFaultType) {
  std::set<FaultType> seen;
  for (uint64_t i = 0; i < 200; ++i) {
    // Kept in a variable: a range-for over a member of a temporary would outlive the temporary.
    const FuzzCase c = generate_case(nullptr, 11, i);
    for (const FaultSpec& f : c.scenario->faults) seen.insert(f.type);
  }
  EXPECT_EQ(seen.size(), 7u);  // all but apiServerSlow, which the built-in generators leave out
}

}  // namespace
}  // namespace leasesim
