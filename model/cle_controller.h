// cle_controller.h: the coordinated-leader-election controller of kube-apiserver
// (pkg/controlplane/controller/leaderelection/), as the process model `cle-controller`.
//
// Contract (docs/models/coordinated-election.md section 5):
// - The process is leader-elected with ordinary client-go on its `lease:` (upstream
//   kube-system/leader-election-controller, 15 s / 10 s / 2 s): an embedded ClientGoElector
//   (timers 1-5, tags below bit 31) that, once Run returns, runs again (the fix of
//   kubernetes/kubernetes#127783; `afterLeadershipLoss: exit` models the bug).
// - While its elector acts as leader, every second it LISTs the LeaseCandidates and GETs each
//   target Lease they name (the informers' view, polled); a target is reconciled
//   (cle_reconcile_step, cle_election.h) when its Lease's resourceVersion or one of its
//   candidates changed since the last step (candidates with an unanswered ping are ignored,
//   as upstream's candidate event handler ignores them), or when its requeue time came. The
//   step's writes go out one at a time; a failed write ends the step.
// - LeaseCandidate GC (leasecandidategc_controller.go): every 30 minutes, candidates whose
//   renewTime + 30 min has passed on the controller's clock are deleted (the listed copy is
//   re-checked, then DELETE).
// - Timer 8 and tags with bit 31 are the controller's own.
// - CleControllerCore is the controller; CleController, the process model, holds it in a
//   copy-on-write block so that model slots stay small (below).
// Simplifications: informer events become a 1 s poll; the Create-then-Get on AlreadyExists
//   uses the Lease the poll just read; the controller runs as its own process rather than
//   inside a kube-apiserver model (the identity-lease model was not on main when this was
//   written).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config_reader.h"
#include "core/cow.h"
#include "core/hash.h"
#include "model/cle_election.h"
#include "model/client_go_config.h"
#include "model/client_go_elector.h"
#include "model/effects.h"

namespace leasesim {

struct CleControllerConfig {
  ClientGoConfig lock;  // the controller's own election; rejoin after loss by default
  bool operator==(const CleControllerConfig&) const = default;
};

// The lock's checks (client-go's NewLeaderElector messages).
inline std::optional<ConfigError> validate(const CleControllerConfig& c) { return validate(c.lock); }

std::optional<CleControllerConfig> read_cle_controller_config(ConfigReader& reader, Duration* quiesce);

// The controller's state and code. Process models hold it through CleController (below).
class CleControllerCore {
 public:
  static constexpr TimerId kPollTimer = 8;
  static constexpr uint32_t kTagBit = 0x80000000u;
  static constexpr Duration kPoll = seconds(1);
  static constexpr Duration kGcPeriod = seconds(30 * 60);

  CleControllerCore(std::string identity, LeaseId lock_lease, CleControllerConfig config);

  void on_start(const Now& now, Effects& out);
  void on_timer(TimerId timer, const Now& now, Effects& out);
  void on_response(const ApiResponse& response, const Now& now, Effects& out);
  void on_stop(const Now& now, Effects& out);

  bool is_leader() const { return lock_.is_leader(); }
  bool acting_leader() const { return lock_.acting_leader(); }
  uint64_t tag_origin() const { return lock_.tag_origin(); }
  std::optional<LocalInstant> backdate_floor() const { return lock_.backdate_floor(); }
  const ClientGoElector& lock() const { return lock_; }

  template <class H>
  void hash_into(H& h, const HashFrame& frame = HashFrame{}) const;
  bool operator==(const CleControllerCore&) const = default;

 private:
  // What a target looked like at its last reconcile, and when it is due again.
  struct Target {
    LeaseId lease = 0;
    uint64_t seen_lease_rv = 0;        // 0: absent
    uint64_t seen_candidates = 0;      // digest of its event-worthy candidates
    std::optional<LocalInstant> due;   // nullopt: only on a change
    bool reconciled = false;
    bool operator==(const Target&) const = default;
  };
  enum class Step : uint8_t { Idle, List, GetLease, Write };

  void tick(const Now& now, Effects& out);
  void after_list(const std::vector<LeaseCandidate>& listed, const Now& now, Effects& out);
  void next_target(const Now& now, Effects& out);
  void after_get(const std::optional<Lease>& lease, const Now& now, Effects& out);
  void next_write(const Now& now, Effects& out);
  void finish_cycle(Effects& out);
  void issue(ApiRequest request, Step step, Effects& out);
  Target& target(LeaseId lease);

  ClientGoElector lock_;
  bool stopped_ = false;
  Step step_ = Step::Idle;
  uint32_t inflight_tag_ = 0;
  uint32_t next_tag_ = kTagBit | 1;
  std::vector<LeaseCandidate> listed_;  // this cycle's LIST
  std::vector<LeaseId> cycle_targets_;  // targets left to read this cycle, in LeaseId order
  std::vector<ApiRequest> writes_;      // the current step's writes still to send
  std::vector<Target> targets_;         // by LeaseId
  std::optional<LocalInstant> next_gc_;
};

// The cle-controller model: a CleControllerCore in a copy-on-write block (core/cow.h). A
// process's model slot is a variant as large as its largest alternative (model/process_model.h),
// so keeping this 650-byte state out of line keeps every slot near a kubelet's size (the
// 65,000-node cluster's slots, docs/nodes.md "Scale"). Copies share the core until one of them
// reacts; equality and hashing are the core's, so World fingerprints do not change.
class CleController {
 public:
  using Core = CleControllerCore;
  static constexpr TimerId kPollTimer = Core::kPollTimer;
  static constexpr uint32_t kTagBit = Core::kTagBit;
  static constexpr Duration kPoll = Core::kPoll;
  static constexpr Duration kGcPeriod = Core::kGcPeriod;

  CleController(std::string identity, LeaseId lock_lease, CleControllerConfig config)
      : core_(Core(std::move(identity), lock_lease, std::move(config))) {}

  void on_start(const Now& now, Effects& out) { core_.mut().on_start(now, out); }
  void on_timer(TimerId timer, const Now& now, Effects& out) { core_.mut().on_timer(timer, now, out); }
  void on_response(const ApiResponse& response, const Now& now, Effects& out) {
    core_.mut().on_response(response, now, out);
  }
  void on_stop(const Now& now, Effects& out) { core_.mut().on_stop(now, out); }

  bool is_leader() const { return core_->is_leader(); }
  bool acting_leader() const { return core_->acting_leader(); }
  uint64_t tag_origin() const { return core_->tag_origin(); }
  std::optional<LocalInstant> backdate_floor() const { return core_->backdate_floor(); }
  const ClientGoElector& lock() const { return core_->lock(); }

  template <class H>
  void hash_into(H& h, const HashFrame& frame = HashFrame{}) const {
    core_->hash_into(h, frame);
  }
  bool operator==(const CleController&) const = default;

 private:
  Cow<Core> core_;
};

}  // namespace leasesim
