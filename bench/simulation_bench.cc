// simulation_bench.cc: simulated seconds per wall-clock second for whole runs.
//
// Target (issue: foundation): the quickstart scenario runs at >= 100,000 simulated seconds per
// wall second. The benchmark loads the real scenario file, runs it end to end (world, models,
// trace hashing, property evaluation) and reports `sim_s_per_wall_s`; a second benchmark runs
// the same scenario with the trace also formatted into memory, the baseline for what writing
// `--trace` costs. Printed ratio: quickstart rate / 100,000 target (>= 1.0 meets it).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <sstream>

#include "cli/scenario_loader.h"
#include "properties/run.h"

namespace leasesim {
namespace {

std::shared_ptr<const Scenario> load(const char* rel) {
  LoadResult r = load_scenario_file(std::string(LEASESIM_SOURCE_DIR) + "/" + rel);
  if (!r.ok()) {
    for (const Diagnostic& d : r.errors) std::fprintf(stderr, "%s\n", d.format().c_str());
    std::abort();
  }
  return std::make_shared<const Scenario>(std::move(*r.scenario));
}

void run_file(benchmark::State& state, const char* rel, bool keep_trace) {
  auto scenario = load(rel);
  uint64_t seed = 1;
  double simulated = 0;
  for (auto _ : state) {
    std::ostringstream trace;
    RunResult r = run_scenario(scenario, seed++, keep_trace ? &trace : nullptr);
    benchmark::DoNotOptimize(r.trace_hash);
    simulated += static_cast<double>(r.world.now().ns) / 1e9;
  }
  state.counters["sim_s_per_wall_s"] = benchmark::Counter(simulated, benchmark::Counter::kIsRate);
}

void BM_Quickstart(benchmark::State& state) { run_file(state, "scenarios/quickstart.yaml", false); }
void BM_QuickstartWithTrace(benchmark::State& state) { run_file(state, "scenarios/quickstart.yaml", true); }
BENCHMARK(BM_Quickstart)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QuickstartWithTrace)->Unit(benchmark::kMillisecond);

// Measures the quickstart rate directly and prints it against the 100,000 target.
void report_ratio() {
  auto scenario = load("scenarios/quickstart.yaml");
  double simulated = 0;
  const auto start = std::chrono::steady_clock::now();  // wall clock: benchmarks only
  double elapsed = 0;
  uint64_t seed = 1;
  while (elapsed < 1.0) {
    RunResult r = run_scenario(scenario, seed++);
    simulated += static_cast<double>(r.world.now().ns) / 1e9;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  const double rate = simulated / elapsed;
  std::printf("quickstart: %.0f simulated seconds per wall second; ratio to the 100,000 target: %.2f %s\n", rate,
              rate / 100000.0, rate >= 100000.0 ? "(meets target)" : "(BELOW TARGET)");
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
