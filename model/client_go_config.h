// client_go_config.h: the parameters of client-go's LeaderElectionConfig that the
// client-go-elector model takes (docs/models/client-go-elector.md section 1).
//
// Contract: durations are Go durations (nanosecond integers). `request_timeout` is the per-HTTP
// request timeout H; when left at 0 it defaults to max(1s, RD/2) as NewFromKubeconfig does
// (spec section 0). `preset` records which named defaults were applied (section 1.3):
// "kube-controller-manager" (15s/10s/2s, releaseOnCancel false) or "kube-scheduler"
// (15s/10s/2s, releaseOnCancel true); explicit fields override the preset.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/tutorial_elector.h"  // ConfigError
#include "core/config_reader.h"
#include "core/time.h"

namespace leasesim {

struct ClientGoConfig {
  Duration lease_duration = seconds(15);
  Duration renew_deadline = seconds(10);
  Duration retry_period = seconds(2);
  bool release_on_cancel = false;
  Duration request_timeout{};  // 0 = max(1s, renew_deadline / 2)
  std::string preset;          // "" when none was named
  // What the process does when Run returns after leadership was lost (spec 1.3: KCM and the
  // scheduler exit in OnStoppedLeading). false = exit (Note Crashed, "exit(1)"); true = call
  // Run again with fresh elector state, as operators that loop around Run do.
  bool rejoin_after_loss = false;
  // Coordinated leader election (docs/models/coordinated-election.md sections 3 and 4): the
  // elector publishes a LeaseCandidate with these versions and follows tryCoordinatedRenew.
  bool coordinated = false;
  std::string binary_version;
  std::string emulation_version;

  bool operator==(const ClientGoConfig&) const = default;
  Duration effective_request_timeout() const {
    if (request_timeout.ns > 0) return request_timeout;
    const Duration half = renew_deadline / 2;
    return half > seconds(1) ? half : seconds(1);
  }
};

// Applies a named preset (spec 1.3); returns false for an unknown name.
bool apply_client_go_preset(const std::string& name, ClientGoConfig* config);

// NewLeaderElector's checks in the library's order and with its messages (spec 1.2):
// config_problems() lists every failing check (the scenario loader reports each), validate()
// gives the first, which is the error the library itself returns.
std::vector<ConfigError> config_problems(const ClientGoConfig& config);
std::optional<ConfigError> validate(const ClientGoConfig& config);

// Reads a `config:` mapping (preset first, so explicit fields override it; then the timings,
// releaseOnCancel, requestTimeout, afterLeadershipLoss exit|rejoin, quiesce) and validates it
// with validate() above; std::nullopt when a problem was reported through the reader.
std::optional<ClientGoConfig> read_client_go_config(ConfigReader& reader, Duration* quiesce);

}  // namespace leasesim
