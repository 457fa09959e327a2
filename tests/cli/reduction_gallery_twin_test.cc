// Twin test of the explorer's reductions on every gallery file (scenarios/gallery/): with the
// file's own explore bounds, the reduced search (ExploreOptions::reduce_dead and reduce_inert,
// the defaults) and the unreduced one find the same properties violated with the same
// shortest counterexample length; and the search with one event per step (inert events not
// folded into the next live step) finds the same properties violated.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "cli/scenario_loader.h"
#include "explore/explorer.h"

namespace leasesim {
namespace {

TEST(ReductionGalleryTwin, EveryGalleryFileSameVerdictAndShortestLength) {
  const auto dir = std::filesystem::path(LEASESIM_SOURCE_DIR) / "scenarios" / "gallery";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    LoadResult loaded = load_scenario_file(entry.path().string());
    ASSERT_TRUE(loaded.ok());
    auto s = std::make_shared<Scenario>(std::move(*loaded.scenario));
    s->explore.replay.clear();
    ExploreOptions o = explore_options(s->explore);
    const ExploreResult reduced = explore(s, o);
    o.reduce_dead = false;
    o.reduce_inert = false;
    o.reduce_history = false;
    const ExploreResult unreduced = explore(s, o);
    ASSERT_TRUE(reduced.counterexample.has_value());  // every gallery file shows its bug
    ASSERT_TRUE(unreduced.counterexample.has_value());
    EXPECT_EQ(reduced.counterexample->violated, unreduced.counterexample->violated);
    EXPECT_EQ(reduced.counterexample->steps, unreduced.counterexample->steps);
    // Folding inert events into the next live step (ExploreOptions::fold_inert) keeps the
    // verdict: one event per step finds the same properties violated, in at least as many
    // steps (its steps count inert events too).
    o.fold_inert = false;
    const ExploreResult per_event = explore(s, o);
    ASSERT_TRUE(per_event.counterexample.has_value());
    EXPECT_EQ(reduced.counterexample->violated, per_event.counterexample->violated);
    EXPECT_LE(unreduced.counterexample->steps, per_event.counterexample->steps);
    ++files;
  }
  EXPECT_GE(files, 6);
}

}  // namespace
}  // namespace leasesim
