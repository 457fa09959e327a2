// scenario_loader.h: reads a scenario file (YAML or JSON) into a validated, typed Scenario.
//
// Contract:
// - Implements the schema of docs/cli.md section 1 strictly: unknown
//   fields, wrong node types and out-of-range values are errors, each reported as one
//   Diagnostic naming the file, the 1-based line and column when known, and the field path
//   (e.g. `spec.processes[1].config.renewDeadline`). All problems are collected; only a YAML
//   syntax error or an empty file stops loading early.
// - JSON is read by the same YAML parser (JSON is YAML flow style), so both formats share one
//   schema, one set of messages and the same positions.
// - The Scenario returned is what a World trusts: `count` is expanded (name-0..name-(N-1)),
//   defaults are filled in, fault targets are resolved to process indexes, lease keys are
//   interned (spec.leases first, then processes, in file order), and each model's own
//   validate() has passed.
// - Never throws: parser exceptions become diagnostics. Deterministic: diagnostics come out
//   sorted by position (unknown positions last), ties in discovery order.
// Schema decisions beyond the spec (documented here because users meet them as errors):
// - Process names are DNS-1123 labels (lowercase letters, digits and '-', starting and ending
//   with a letter or digit, at most 63 characters after `count` expansion), because they
//   appear in file names, traces and fault targets. "leader" is reserved (a fault target).
// - `count` is at most 100000 per entry (a guard against a typo allocating millions).
// - A fault's `at` must be before the end of the run (a fault that can never happen is a
//   mistake); a window fault without `for` lasts until the end of the run.
// - eventuallyLeader's horizon check measures from the end of the last fault: at + for for a
//   closed window, at for instant faults and for windows without `for`.
// - A null value (`key:` with nothing after it) means "empty" for lists and mappings and
//   "absent" inside a Lease's spec (Kubernetes' own reading); elsewhere it is a type error.
// - `expect.violated` may only name properties that are enabled in spec.properties, since a
//   disabled property can never be violated and such a run could never pass.
// Leaves out: reading more than one scenario per file; command-line overrides (--seed).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario.h"

namespace leasesim {

struct Diagnostic {
  std::string file;
  int line = 0;      // 1-based; 0 = unknown
  int column = 0;    // 1-based; 0 = unknown
  std::string path;  // e.g. "spec.processes[1].config.renewDeadline"; "" = the file as a whole
  std::string message;

  // "FILE:LINE:COL: PATH: MESSAGE"; the position is left out when unknown ("FILE: PATH:
  // MESSAGE") and the path when empty ("FILE:LINE:COL: MESSAGE", "FILE: MESSAGE").
  std::string format() const;
  bool operator==(const Diagnostic&) const = default;
};

struct LoadResult {
  std::optional<Scenario> scenario;  // set exactly when errors is empty
  std::vector<Diagnostic> errors;
  bool ok() const { return errors.empty() && scenario.has_value(); }
};

// Reads and loads the file at `path`; an unreadable file gives one diagnostic.
LoadResult load_scenario_file(const std::string& path);

// Loads `text` as if read from `filename`, whose extension (.yaml, .yml, .json) names the
// format; any other extension is an error. Scenario::source_path is set to `filename`.
LoadResult load_scenario_text(std::string_view text, const std::string& filename);

}  // namespace leasesim
