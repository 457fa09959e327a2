// client_go_timings.h: the client-go timings of a process, whether it runs our model
// (client-go-elector) or the real library (client-go-real).
//
// Contract: the analytic bounds (properties/analytic.h) apply to both: the library runs the
// algorithm the model re-implements, with the same timings, and `leasesim diff-real` holds the
// two to identical traces (docs/models/client-go-real.md section 6). nullptr for other models.
#pragma once

#include <variant>

#include "model/process_model.h"

namespace leasesim {

inline const ClientGoConfig* client_go_timings(const ModelConfig& config) {
  if (const auto* model = std::get_if<ClientGoConfig>(&config)) return model;
  if (const auto* real = std::get_if<ClientGoRealConfig>(&config)) return &real->timings;
  return nullptr;
}

}  // namespace leasesim
