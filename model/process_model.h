// process_model.h: the closed set of models a process can run, as value types.
//
// Contract: a ModelConfig is what a scenario file configures; make_model builds a fresh model
// (the state a process has right after start, or after a restart: volatile state is lost).
// ModelState is a std::variant so a World stays a copyable value with no virtual dispatch
// (kept kubelet-sized: no alternative is larger than a Kubelet, below);
// every alternative offers on_start / on_timer / on_response / on_stop / is_leader /
// hash_into / operator== (see tutorial_elector.h for the shape).
// - model_registry() is the one list of the model names a scenario may use, each with the keys
//   its `config:` mapping accepts and the function that reads that mapping through a
//   ConfigReader (core/config_reader.h). Adding a model adds one entry here; the scenario
//   loader needs no change for the model's own settings.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "core/config_reader.h"

#include "model/cle_controller.h"
#include "model/client_go_config.h"
#include "model/client_go_elector.h"
#include "model/client_go_real.h"
#include "model/exec_config.h"
#include "model/kube_apiserver.h"
#include "model/kubelet.h"
#include "model/node_lifecycle_controller.h"
#include "model/tutorial_elector.h"

namespace leasesim {

// ExecConfig is a real process (`leasesim serve` only): it has no ModelState alternative, and
// it comes last so the simulated models' indexes match between the two variants.
using ModelConfig = std::variant<TutorialConfig, ClientGoConfig, CleControllerConfig, KubeApiserverConfig,
                                 NodeLifecycleConfig, KubeletConfig, ClientGoRealConfig, ExecConfig>;
using ModelState = std::variant<TutorialElector, ClientGoElector, CleController, KubeApiserver,
                                NodeLifecycleController, Kubelet, ClientGoReal>;
// A variant is as large as its largest alternative, and a cluster has one model slot per
// process: kubelets by the ten thousand, the other models a few times. So no model is larger than
// a kubelet: the big ones keep their state in a copy-on-write block (CleController,
// NodeLifecycleController, and through its CleController the KubeApiserver) and a kubelet's slot
// is kubelet-sized (docs/nodes.md "Scale", phase 7).
static_assert(sizeof(ModelState) <= sizeof(Kubelet) + alignof(Kubelet),
              "a model larger than a kubelet makes every kubelet's model slot larger");

// The scenario-file name of a model ("tutorial-elector", "client-go-elector").
const char* model_name(const ModelConfig& config);

// Builds the model for one process incarnation. Throws InvariantViolation for a config whose
// model is not implemented (the loader rejects those before a World exists). `start_nonce`
// is this start's own random value, which the World derives from the run's seed, the process
// and its start count (kube-apiserver draws its holder UUID from it; electors ignore it).
ModelState make_model(const ModelConfig& config, const std::string& identity, LeaseId lease, uint64_t start_nonce = 0);

bool model_implemented(const ModelConfig& config);

// Whether the model is a real process that only `leasesim serve` runs (model: exec).
bool runs_live_only(const ModelConfig& config);

// A process entry's `config:` as read: the model's own settings plus `quiesce` (how long the
// process keeps acting after its model stops leading; 0 for models without the key).
struct ParsedConfig {
  ModelConfig config;
  Duration quiesce{};
};

struct ModelEntry {
  std::string_view name;                  // the scenario-file name, "client-go-elector"
  std::span<const std::string_view> keys;  // the keys its `config:` mapping accepts
  // Reads and validates the mapping; std::nullopt when it reported a problem through the
  // reader. nullptr: a model the documentation plans but leasesim does not implement yet.
  std::optional<ParsedConfig> (*read)(ConfigReader& reader) = nullptr;
  // For a model whose process has no `lease:` field (the lease is implied): completes the
  // config from the process name where it defaults to it, and returns the implied lease as
  // "namespace/name". nullptr: the process names its lease.
  std::string (*implied_lease)(ModelConfig& config, const std::string& process_name) = nullptr;
  // Whether its processes elect a leader on their lease, so that the election properties
  // (singleLeader, transitionsMatch, ...) apply to that lease (model_elects() has the answer
  // for one config).
  bool elects = true;
  // The lease a process uses when its entry has no `lease:` field ("namespace/name", the
  // kube-controller-manager's kube-system/kube-controller-manager); empty: `lease:` is required
  // (unless the lease is implied).
  std::string_view default_lease{};
  // The process runs a node: the scenario gets one Node per such process (Scenario::node_names),
  // and assign_node gives the process its NodeId.
  bool runs_node = false;
  // For a model that uses a Lease besides its process's own: interns that lease's
  // "namespace/name" through `intern` and records its LeaseId in the config. nullptr: none.
  void (*bind_leases)(ModelConfig& config, const std::function<LeaseId(const std::string&)>& intern) = nullptr;
};

// Gives a process that runs a node (ModelEntry::runs_node) its NodeId; no effect on others.
void assign_node(ModelConfig& config, NodeId node);

// Every model, implemented ones first, in the order help texts list them.
std::span<const ModelEntry> model_registry();
// The entry named `name`, or nullptr.
const ModelEntry* find_model(std::string_view name);
// The entry of a config's model (always present for a config that was read).
const ModelEntry& model_entry(const ModelConfig& config);
// Whether a process with this config elects a leader on its lease: the entry's `elects`, and a
// kube-apiserver with coordinatedLeaderElection (it elects on the controller's lock).
bool model_elects(const ModelConfig& config);

}  // namespace leasesim
