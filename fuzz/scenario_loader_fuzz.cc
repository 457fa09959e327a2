// scenario_loader_fuzz.cc: libFuzzer target for the scenario loader and the canonical writer.
//
// For each input, read as a .yaml and as a .json file: loading never throws or crashes; a loaded
// scenario written back (YAML and JSON) loads to the same Scenario, load(write(load(x))) ==
// load(x) (scenarios of at most kFuzzProcesses processes); and a bounded prefix of its run (at most kFuzzEvents events) has a summary and a
// results line that serialise as JSON. Any violation aborts, which libFuzzer reports with the
// input. Built with ASan and UBSan (fuzz/CMakeLists.txt), so overflowing time arithmetic in the
// simulator is a finding too. docs/hostile-input.md says how to run it.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "cli/scenario_loader.h"
#include "cli/scenario_writer.h"
#include "properties/run.h"
#include "reports/seed_record.h"
#include "reports/summary.h"

namespace {

constexpr uint64_t kFuzzEvents = 2000;
constexpr size_t kFuzzProcesses = 64;

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "scenario_loader_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

void round_trip(const leasesim::Scenario& s, const std::string& text, const char* name) {
  leasesim::LoadResult again = leasesim::load_scenario_text(text, name);
  if (!again.ok()) fail("the written scenario does not load", again.errors.front().format() + "\n" + text);
  leasesim::Scenario back = std::move(*again.scenario);
  back.source_path = s.source_path;
  if (!(back == s)) fail("load(write(load(x))) != load(x)", text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const char* name : {"fuzz.yaml", "fuzz.json"}) {
    leasesim::LoadResult loaded = leasesim::load_scenario_text(text, name);
    for (const leasesim::Diagnostic& d : loaded.errors) (void)d.format();
    if (!loaded.ok()) continue;
    const leasesim::Scenario& s = *loaded.scenario;
    // Thousands of processes (scenarios/scale) take seconds per step under ASan; the loader has
    // read them, which is what the fuzzer is for. The round trip of large scenarios is covered by
    // tests/cli/scenario_roundtrip_property_test.cc and the scale scenario's own ctest.
    if (s.processes.size() > kFuzzProcesses) continue;
    round_trip(s, leasesim::scenario_to_yaml(s), "written.yaml");
    round_trip(s, leasesim::scenario_to_json(s), "written.json");
    auto bounded = std::make_shared<leasesim::Scenario>(s);
    bounded->max_events = std::min<uint64_t>(bounded->max_events, kFuzzEvents);
    const leasesim::RunResult run = leasesim::run_scenario(bounded, s.seed);
    (void)leasesim::summary_json(run).dump();  // throws (a finding) on text that is not UTF-8
    (void)leasesim::seed_record_line(leasesim::seed_record(run, 0, "fuzz"));
    (void)leasesim::reproduce_command(run);
  }
  return 0;
}
