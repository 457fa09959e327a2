// Twin test of the explorer's reductions on every gallery file (scenarios/gallery/): with the
// file's own explore bounds, the reduced and the unreduced search (ExploreOptions::reduce_dead)
// find the same properties violated with the same shortest counterexample length.
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
    const ExploreResult unreduced = explore(s, o);
    ASSERT_TRUE(reduced.counterexample.has_value());  // every gallery file shows its bug
    ASSERT_TRUE(unreduced.counterexample.has_value());
    EXPECT_EQ(reduced.counterexample->violated, unreduced.counterexample->violated);
    EXPECT_EQ(reduced.counterexample->steps, unreduced.counterexample->steps);
    ++files;
  }
  EXPECT_GE(files, 6);
}

}  // namespace
}  // namespace leasesim
