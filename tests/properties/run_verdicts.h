// run_verdicts.h: reading a run's verdict in property tests.
//
// Contract: violated(r, name) says whether the run's evaluation lists property `name` as
// violated. Test-only; no state.
#pragma once

#include <algorithm>
#include <string>

#include "properties/run.h"

namespace leasesim::testing {

inline bool violated(const RunResult& r, const std::string& name) {
  return std::find(r.evaluation.violated.begin(), r.evaluation.violated.end(), name) != r.evaluation.violated.end();
}

}  // namespace leasesim::testing
