// explore_bench.cc: the model checker's speed and memory (sim/explore/explorer.h).
//
// Targets (issue 4): >= 1,000,000 distinct states per second, <= 100 bytes per stored state.
// BM_Explore* run `check`'s search on real scenario files and report distinct states/s and
// bytes/state of the compact store (key, parent, script, index). The baseline,
// BM_CopyStepFingerprint, measures the World's share of one successor in isolation: one copy of
// a warm mid-run World, one step and one fingerprint, with nothing stored. Copies share what a
// step does not change and fingerprints reuse the digests cached for unchanged parts, so the
// baseline runs far above the search; the gap is the search's own work on cold memory (copying
// parent Worlds out of the frontier, deduplication, verdicts, freeing a finished level). The
// ratios printed at the end compare the measured rates with the targets, and also report peak
// RSS per distinct state, which includes the frontier's full Worlds (kept for the current and
// next BFS level only).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/scenario_loader.h"
#include "sim/explore/explorer.h"
#include "sim/world.h"

namespace leasesim {
namespace {

std::shared_ptr<Scenario> load(const char* rel) {
  LoadResult r = load_scenario_file(std::string(LEASESIM_SOURCE_DIR) + "/" + rel);
  if (!r.ok()) {
    for (const Diagnostic& d : r.errors) std::fprintf(stderr, "%s\n", d.format().c_str());
    std::abort();
  }
  return std::make_shared<Scenario>(std::move(*r.scenario));
}

constexpr const char* kVerified = "scenarios/check/client-go-two-candidates-crash-partition.yaml";
constexpr const char* kTutorial = "scenarios/gallery/tutorial-hung-leader-two-leaders.yaml";

ExploreOptions options_of(const Scenario& s) {
  ExploreOptions o;
  if (s.explore.latency_points) o.latency_points = s.explore.latency_points;
  if (s.explore.jitter_points) o.jitter_points = s.explore.jitter_points;
  return o;
}

void explore_file(benchmark::State& state, const char* rel) {
  auto scenario = load(rel);
  const ExploreOptions o = options_of(*scenario);
  uint64_t distinct = 0, bytes = 0;
  for (auto _ : state) {
    const ExploreResult r = explore(scenario, o);
    distinct += r.stats.distinct;
    bytes = r.stats.stored_bytes / r.stats.distinct;
  }
  state.counters["distinct_states_per_s"] = benchmark::Counter(static_cast<double>(distinct), benchmark::Counter::kIsRate);
  state.counters["bytes_per_state"] = static_cast<double>(bytes);
}

void BM_ExploreClientGoVerified(benchmark::State& state) { explore_file(state, kVerified); }
void BM_ExploreTutorialHungLeader(benchmark::State& state) { explore_file(state, kTutorial); }
BENCHMARK(BM_ExploreClientGoVerified)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ExploreTutorialHungLeader)->Unit(benchmark::kMillisecond);

// Baseline: copy a mid-run World, step the copy once and fingerprint it.
void BM_CopyStepFingerprint(benchmark::State& state) {
  auto scenario = load(kVerified);
  World w(scenario);
  RandomChooser warm(1);
  for (int i = 0; i < 30; ++i) w.step(warm, nullptr);
  RandomChooser chooser(2);
  for (auto _ : state) {
    World copy = w;
    copy.step(chooser, nullptr);
    benchmark::DoNotOptimize(copy.fingerprint());
  }
  state.counters["successors_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CopyStepFingerprint);

void report_ratio() {
  auto scenario = load(kVerified);
  const auto start = std::chrono::steady_clock::now();  // wall clock: benchmarks only
  const ExploreResult r = explore(scenario, options_of(*scenario));
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double rate = static_cast<double>(r.stats.distinct) / secs;
  const double bytes = static_cast<double>(r.stats.stored_bytes) / static_cast<double>(r.stats.distinct);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double rss_per_state = static_cast<double>(usage.ru_maxrss) * 1024.0 / static_cast<double>(r.stats.distinct);
  std::printf("explore %s: %llu distinct states in %.2fs, peak frontier %llu worlds\n", kVerified,
              static_cast<unsigned long long>(r.stats.distinct), secs,
              static_cast<unsigned long long>(r.stats.peak_frontier));
  std::printf("  distinct states/s: %.0f; ratio to the 1,000,000 target: %.3f %s\n", rate, rate / 1e6,
              rate >= 1e6 ? "(meets target)" : "(BELOW TARGET)");
  std::printf("  stored bytes/state: %.1f; ratio to the 100 target: %.2f %s\n", bytes, bytes / 100.0,
              bytes <= 100.0 ? "(meets target)" : "(ABOVE TARGET)");
  std::printf("  peak RSS per distinct state, frontier Worlds included: %.0f bytes\n", rss_per_state);
}

}  // namespace
}  // namespace leasesim

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  leasesim::report_ratio();
  return 0;
}
