// process_model.cc: model construction by config type (see process_model.h).
#include "model/process_model.h"

#include "core/check.h"

namespace leasesim {

const char* model_name(const ModelConfig& config) {
  struct Visitor {
    const char* operator()(const TutorialConfig&) const { return "tutorial-elector"; }
    const char* operator()(const ClientGoConfig&) const { return "client-go-elector"; }
  };
  return std::visit(Visitor{}, config);
}

bool model_implemented(const ModelConfig& config) {
  // Both alternatives have a model: tutorial-elector and client-go-elector.
  return std::holds_alternative<TutorialConfig>(config) || std::holds_alternative<ClientGoConfig>(config);
}

ModelState make_model(const ModelConfig& config, const std::string& identity, LeaseId lease) {
  if (const auto* tutorial = std::get_if<TutorialConfig>(&config)) return TutorialElector(identity, lease, *tutorial);
  if (const auto* client_go = std::get_if<ClientGoConfig>(&config)) return ClientGoElector(identity, lease, *client_go);
  LS_CHECK(false, std::string("model not implemented: ") + model_name(config));
  __builtin_unreachable();
}

}  // namespace leasesim
