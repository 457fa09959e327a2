// client_go_real.h: `model: client-go-real`, a process whose elector is the real
// k8s.io/client-go/tools/leaderelection, run in a Go helper program under virtual time
// (docs/models/client-go-real.md).
//
// Contract:
// - ClientGoRealConfig holds the same timings as client-go-elector (preset, leaseDuration,
//   renewDeadline, retryPeriod, releaseOnCancel, requestTimeout, afterLeadershipLoss, quiesce)
//   plus `helper`, the path of a program built on go/client-go-real/harness ("" = the built-in
//   client-go-real helper). The command line injects the factory that starts helpers; a config
//   without one cannot start (make_model checks).
// - ClientGoReal is the process's handle on its helper. The World keeps it as a model: on_start
//   starts the helper, on_response and on_stop forward to it, and advance_to (called by the World
//   before it fires each event, world_external.cc) lets the helper's clock run up to that event.
//   What the helper does at an instant later than the World's is queued and applied when a wake
//   timer (id 1) fires at that instant, so every request is sent, and every note taken, at the
//   helper's own instant.
// - Requests carry no World timeout: the helper's own contexts and per-request timeout decide
//   when its client gives up, and a give-up becomes CancelCall at that instant.
// - Copies of a World share the helper (it is one program): only the copy that steps on is
//   meaningful, which is why `check` refuses this model.
// - is_leader() is the last OnNewLeader holder the helper reported being this process;
//   acting_leader() is OnStartedLeading until the leader context ended.
// Leaves out: clock offsets, rates and jumps, pauses (external_elector.h), coordinated election.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "core/config_reader.h"
#include "core/hash.h"
#include "core/time.h"
#include "model/client_go_config.h"
#include "model/effects.h"
#include "model/external_elector.h"

namespace leasesim {

struct ClientGoRealConfig {
  ClientGoConfig timings;
  std::string helper;  // "" = the built-in helper
  // Set by the command line before a run (cli/client_go_real_setup.h); not part of the value.
  std::shared_ptr<const ExternalElectorFactory> factory;

  bool operator==(const ClientGoRealConfig& o) const { return timings == o.timings && helper == o.helper; }
};

// The checks read_client_go_real_config makes on values (client-go's, on the timings).
inline std::optional<ConfigError> validate(const ClientGoRealConfig& config) { return validate(config.timings); }

// Reads `config:`: the client-go-elector keys (minus the coordinated ones) and `helper`.
std::optional<ClientGoRealConfig> read_client_go_real_config(ConfigReader& reader, Duration* quiesce);

class ClientGoReal {
 public:
  static constexpr TimerId kWakeTimer = 1;

  ClientGoReal(std::string identity, LeaseId lease, ClientGoRealConfig config, uint64_t seed);

  void on_start(const Now& now, Effects& out);
  void on_timer(TimerId timer, const Now& now, Effects& out);
  void on_response(const ApiResponse& response, const Now& now, Effects& out);
  void on_stop(const Now& now, Effects& out);
  // Lets the helper run up to local instant `target` (see the contract).
  void advance_to(LocalInstant target, const Now& now, Effects& out);

  bool is_leader() const { return state_->leader; }
  bool acting_leader() const { return state_->acting; }
  const ClientGoConfig& config() const { return state_->config.timings; }

  // The helper's state is not ours to read: its clock and the count of events it reported stand
  // for it (fingerprints only matter to `check`, which refuses this model).
  template <class H>
  void hash_into(H& h, const HashFrame& = HashFrame{}) const {
    h.u64(static_cast<uint64_t>(state_->helper_at.ns));
    h.u64(state_->events);
  }
  uint64_t tag_origin() const { return 0; }
  std::optional<LocalInstant> backdate_floor() const { return std::nullopt; }
  bool operator==(const ClientGoReal& o) const { return state_ == o.state_; }

 private:
  struct State {
    std::string identity;
    LeaseId lease = 0;
    ClientGoRealConfig config;
    uint64_t seed = 0;
    std::unique_ptr<ExternalSession> session;
    LocalInstant helper_at{};
    std::deque<ExternalEvent> queued;  // reported for a later instant than the World's
    std::set<uint32_t> outstanding;    // requests whose answer the helper still waits for
    bool leader = false;
    bool acting = false;
    bool finished = false;             // the helper said its last word (exit or crash)
    // A request the helper gave up: the World answers CancelCall with a Timeout event at this
    // instant, and the helper's later events wait for it, so the trace reads as it does when the
    // World times a request out itself (the `timeout` line before what the client did next).
    uint32_t awaiting_timeout = 0;
    uint64_t events = 0;               // events applied, for the fingerprint
  };
  void apply(ExternalReply reply, const Now& now, Effects& out);
  void emit(const ExternalEvent& e, Effects& out);
  void arm_wake(const Now& now, Effects& out);
  void catch_up(const Now& now, Effects& out, bool force = false);

  std::shared_ptr<State> state_;
};

}  // namespace leasesim
