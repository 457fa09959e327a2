// diff_real.h: the differential test of client-go-elector against the real library
// (docs/models/client-go-real.md section 6): `leasesim diff-real`.
//
// Contract:
// - diff_real_run runs a scenario whose electors are client-go-real (helpers injected) with a
//   seed, recording its choices; derives the model scenario (every client-go-real process becomes
//   client-go-elector with the same timings, nothing else changes); runs it with the derived
//   choices (diff_real_choosers.h); and compares the two traces line by line. Both traces hold
//   every request with its verb, object, result, resourceVersion, sent time and local readings,
//   every Lease write with its fields, and every leadership and observed-leader note, so equal
//   traces are equal request by request.
// - A divergence is the first pair of lines that differ (index and both lines); the questions the
//   derived choices could not answer are listed beside it. Identical traces have one traceHash.
// - diff_real_command: FILE... with --seeds N from --first-seed (default: each file's seed);
//   prints one line per run and every divergence with both traces' lines; exit 0 when no run
//   diverged, 1 otherwise, 2 for bad input (a scenario without client-go-real processes, or one
//   with a `helper:` of the user's own, which no model stands for).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario.h"

namespace leasesim {

struct DiffRealResult {
  uint64_t seed = 0;
  std::string real_hash;
  std::string model_hash;
  size_t real_lines = 0;
  size_t model_lines = 0;
  // The first differing line (0-based), with both lines ("" past a trace's end).
  std::optional<size_t> diverged_at;
  std::string real_line;
  std::string model_line;
  std::vector<std::string> misses;  // choices the record could not answer
  bool diverged() const { return diverged_at.has_value(); }
};

// `real` must have its helpers injected (cli/client_go_real_setup.h). `model`: the scenario to
// compare with (default: model_twin(real)); tests pass a mistaken one to see a divergence found.
DiffRealResult diff_real_run(const Scenario& real, uint64_t seed, const Scenario* model = nullptr);

// The model twin: every client-go-real process as client-go-elector with the same timings.
Scenario model_twin(const Scenario& real);

struct DiffRealOptions {
  std::vector<std::string> files;
  uint64_t seeds = 1;
  std::optional<uint64_t> first_seed;
};

int diff_real_command(const DiffRealOptions& options, std::ostream& out, std::ostream& err);

}  // namespace leasesim
