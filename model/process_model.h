// process_model.h: the closed set of models a process can run, as value types.
//
// Contract: a ModelConfig is what a scenario file configures; make_model builds a fresh model
// (the state a process has right after start, or after a restart: volatile state is lost).
// ModelState is a std::variant so a World stays a copyable value with no virtual dispatch;
// every alternative offers on_start / on_timer / on_response / on_stop / is_leader /
// hash_into / operator== (see tutorial_elector.h for the shape).
#pragma once

#include <string>
#include <variant>

#include "model/client_go_config.h"
#include "model/client_go_elector.h"
#include "model/tutorial_elector.h"

namespace leasesim {

using ModelConfig = std::variant<TutorialConfig, ClientGoConfig>;
using ModelState = std::variant<TutorialElector, ClientGoElector>;

// The scenario-file name of a model ("tutorial-elector", "client-go-elector").
const char* model_name(const ModelConfig& config);

// Builds the model for one process incarnation. Throws InvariantViolation for a config whose
// model is not implemented (the loader rejects those before a World exists).
ModelState make_model(const ModelConfig& config, const std::string& identity, LeaseId lease);

bool model_implemented(const ModelConfig& config);

}  // namespace leasesim
