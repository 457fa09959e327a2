// kube_apiserver.h: one kube-apiserver instance's Lease work: its identity lease heartbeat and
// the identity-lease garbage collector, as a pure reaction (docs/models/kube-apiserver.md).
//
// Contract:
// - Heartbeat: the shared LeaseHeartbeatController (model/lease_heartbeat_controller.h) on
//   kube-system/<identity_lease_name(hostname)>, holder "<lease name>_<uuid>" with the UUID of
//   this start, identityLeaseDurationSeconds, identityLeaseRenewInterval, no repeated-failure
//   callback, and a post-process hook that sets the labels apiserver.kubernetes.io/identity=
//   kube-apiserver and kubernetes.io/hostname=<hostname> on every write (upstream
//   pkg/controlplane/apiserver/server.go, the start-kube-apiserver-identity-lease-controller
//   hook and labelAPIServerHeartbeatFunc).
// - Garbage collector (upstream pkg/controlplane/controller/apiserverleasegc/gc_controller.go,
//   Run, gc, isLeaseExpired), in every instance with `gc: true`, not leader-elected: a pass at
//   start and then gcPeriod after each pass ends (wait.Until: sliding, no jitter). A pass takes
//   the cached identity leases in namespace/name order; for each, judged with this instance's
//   own *wall* clock at that moment: expired := renewTime absent, or leaseDurationSeconds
//   absent, or renewTime + leaseDurationSeconds strictly before now. An expired cached lease is
//   read again (GET); if the live object is still expired it is deleted with no precondition.
//   NotFound at GET or DELETE means another instance already collected it; any other error
//   skips that lease until the next pass.
// - Without coordinatedLeaderElection the process never leads anything (is_leader() is false)
//   and notes only Exited on a stop. With it, the instance also runs the election controller
//   (model/embedded_cle.h) on the process's lease, kube-system/leader-election-controller; its
//   leadership notes are the process's, and the identity lease is config.identity_lease.
// Simplification: the collector's informer cache (a watch on kube-system filtered by the
//   identity label) is modelled as a LIST with that label selector at the start of each pass;
//   the cache then holds what the store held one response latency earlier, as a watch would,
//   and a failed LIST keeps the previous cache, as an informer whose relist fails does. The
//   lister's order (a Go map's) is replaced by namespace/name order.
// Leaves out: the peer-advertise-address annotation (UnknownVersionInteroperabilityProxy),
//   storage-version GC and other consumers of the identity leases, and deleting the lease at
//   shutdown (upstream does not).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/cow.h"
#include "core/hash.h"
#include "core/name.h"
#include "model/effects.h"
#include "model/embedded_cle.h"
#include "model/kube_apiserver_config.h"
#include "model/lease.h"
#include "model/lease_heartbeat_controller.h"

namespace leasesim {

// The process's lease for a process named `process_name`: "kube-system/<identity lease name>",
// or kube-system/leader-election-controller with coordinatedLeaderElection; fills in
// config.hostname with the process name when the scenario left it out.
std::string kube_apiserver_implied_lease(KubeApiserverConfig& config, const std::string& process_name);
// With coordinatedLeaderElection, sets config.identity_lease to `intern` of the identity lease's
// key (the loader's lease table); otherwise leaves the config alone.
void kube_apiserver_bind_leases(KubeApiserverConfig& config, const std::function<LeaseId(const std::string&)>& intern);

// upstream isLeaseExpired, with the collector's wall clock reading `now`.
bool identity_lease_expired(const Lease& lease, WallInstant now);

class KubeApiserver {
 public:
  static constexpr TimerId kHeartbeatTimerBase = 1;  // 1: the loop, 2: the ensure back-off
  static constexpr TimerId kGcTimer = 3;
  static constexpr uint32_t kHeartbeatTag = 1;
  static constexpr uint32_t kGcTag = 2;

  enum class GcPhase : uint8_t { Off, Idle, Listing, Getting, Deleting, Stopped };

  // `lease`: the process's lease (the identity lease, or the controller's lock with
  // coordinatedLeaderElection); `start_nonce`: this start's UUID source.
  KubeApiserver(LeaseId lease, KubeApiserverConfig config, uint64_t start_nonce);

  void on_start(const Now& now, Effects& out);
  void on_timer(TimerId timer, const Now& now, Effects& out);
  void on_response(const ApiResponse& response, const Now& now, Effects& out);
  void on_stop(const Now& now, Effects& out);

  bool is_leader() const { return cle_ && cle_->is_leader(); }
  const std::string& holder_identity() const { return settings_->holder.str(); }
  const KubeApiserverConfig& config() const { return settings_->config; }
  const LeaseHeartbeatController& heartbeat() const { return heartbeat_; }
  GcPhase gc_phase() const { return gc_phase_; }
  // The election controller this instance runs (coordinatedLeaderElection), or nullptr.
  const EmbeddedCle* election_controller() const { return cle_ ? &*cle_ : nullptr; }

  template <class H>
  void hash_into(H& h, const HashFrame& frame = HashFrame{}) const;
  // Its own calls carry fixed tags (one heartbeat call and one collector call at a time); the
  // election controller's count up, and they are the ones the canonical frame aligns.
  uint64_t tag_origin() const { return cle_ ? cle_->tag_origin() : 0; }
  std::optional<LocalInstant> backdate_floor() const { return cle_ ? cle_->backdate_floor() : std::nullopt; }
  bool operator==(const KubeApiserver&) const = default;

 private:
  class LabelHook;

  void gc_pass_start(Effects& out);
  void gc_next(const Now& now, Effects& out);
  void gc_send(Verb verb, LeaseId lease, Effects& out);

  // Constant for the life of the incarnation, shared by copies.
  struct Settings {
    KubeApiserverConfig config;
    Name holder;
    bool operator==(const Settings&) const = default;
  };
  Cow<Settings> settings_;
  LeaseId lease_;
  LeaseHeartbeatController heartbeat_;
  GcPhase gc_phase_ = GcPhase::Off;
  std::vector<Lease> cache_;      // the informer cache: the last successful LIST
  size_t gc_cursor_ = 0;          // the next cache entry this pass looks at
  LeaseId gc_current_ = 0;        // the lease of the GET or DELETE in flight
  std::optional<EmbeddedCle> cle_;  // coordinatedLeaderElection: the election controller
};

}  // namespace leasesim
