// client_go_timings.h: the client-go timings of a process whose election is client-go's: our
// model (client-go-elector), the real library (client-go-real), or the elector inside a
// node-lifecycle-controller replica.
//
// Contract: the analytic bounds (properties/analytic.h) apply to all three. The library runs the
// algorithm the model re-implements, with the same timings, and `leasesim diff-real` holds the
// two to identical traces (docs/models/client-go-real.md section 6). A node-lifecycle-controller
// elects its leader with the same client-go elector (model/node_lifecycle_controller.h): what the
// controller does while it leads never writes the election Lease, and it stops acting when the
// elector stops leading, so the election's timing is the elector's alone. nullptr for other
// models.
#pragma once

#include <variant>

#include "model/process_model.h"

namespace leasesim {

inline const ClientGoConfig* client_go_timings(const ModelConfig& config) {
  if (const auto* model = std::get_if<ClientGoConfig>(&config)) return model;
  if (const auto* real = std::get_if<ClientGoRealConfig>(&config)) return &real->timings;
  if (const auto* controller = std::get_if<NodeLifecycleConfig>(&config)) return &controller->elector;
  return nullptr;
}

}  // namespace leasesim
