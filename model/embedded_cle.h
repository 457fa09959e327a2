// embedded_cle.h: the coordinated-leader-election controller as kube-apiserver runs it, inside
// the kube-apiserver model (config `coordinatedLeaderElection: true`).
//
// Contract (docs/models/coordinated-election.md section 5):
// - Upstream pkg/controlplane/apiserver/server.go adds the post-start hook
//   "start-kube-apiserver-coordinated-leader-election-controller" when the
//   CoordinatedLeaderElection gate is on; it calls RunWithLeaderElection
//   (pkg/controlplane/controller/leaderelection/run_with_leaderelection.go), which elects on
//   the Lease kube-system/leader-election-controller with identity "<hostname>_<new UUID>",
//   15 s / 10 s / 2 s, and runs the election controller and the LeaseCandidate collector
//   while leading. EmbeddedCle wraps the same CleController that `model: cle-controller` runs
//   (model/cle_controller.h) with that lock: identity hostname + "_" + a UUID drawn from this
//   start's nonce (a different one from the identity lease's holder), and a request timeout of
//   1 s: RunWithLeaderElection passes the bare integer 10 (nanoseconds) as renewDeadline to
//   resourcelock.NewFromKubeconfig, whose max(1s, renewDeadline/2) then gives one second.
// - Routing: the controller's timers (its elector's 1-5 and its poll timer 8) are shifted by
//   kTimerBase (to 6-10 and 13; a World keeps timer ids below 15), and every request tag it sends gets kTagBit (bit 30) set; the
//   kube-apiserver's own timers (1-3) and tags (1, 2) are untouched, so identity runs without
//   the controller keep their traces. Responses with bit 30 go to the controller with the bit
//   cleared. The controller's own tags stay below bit 30 (its elector counts up from 1, its
//   poll tags use bit 31), which on_response checks.
// - Leadership notes (StartedLeading / StoppedLeading) pass through: the process's lease is the
//   controller's lock. The controller's Exited note at a stop is dropped (the kube-apiserver
//   exits once, after its heartbeat stops); the lock always runs Run again after a loss, as the
//   fix of kubernetes/kubernetes#127783 does, so it never notes Crashed.
// Leaves out: the nil-cancel panic of kubernetes/kubernetes#127665 (fixed upstream).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/hash.h"
#include "model/cle_controller.h"
#include "model/effects.h"

namespace leasesim {

inline constexpr const char* kCleLockLeaseKey = "kube-system/leader-election-controller";

class EmbeddedCle {
 public:
  static constexpr TimerId kTimerBase = 5;  // kube-apiserver's own timers are 1-3
  static constexpr uint32_t kTagBit = 0x40000000u;

  // `hostname`: the instance's hostname; `lock_lease`: kube-system/leader-election-controller;
  // `nonce`: this start's UUID source for the lock identity.
  EmbeddedCle(const std::string& hostname, LeaseId lock_lease, uint64_t nonce);

  // The lock's configuration as RunWithLeaderElection builds it.
  static CleControllerConfig lock_config();

  bool owns_timer(TimerId timer) const { return timer > kTimerBase; }
  bool owns_tag(uint32_t tag) const { return (tag & kTagBit) != 0; }

  void on_start(const Now& now, Effects& out);
  void on_timer(TimerId timer, const Now& now, Effects& out);
  void on_response(const ApiResponse& response, const Now& now, Effects& out);
  void on_stop(const Now& now, Effects& out);

  bool is_leader() const { return controller_.is_leader(); }
  uint64_t tag_origin() const { return controller_.tag_origin() | kTagBit; }
  std::optional<LocalInstant> backdate_floor() const { return controller_.backdate_floor(); }
  const CleController& controller() const { return controller_; }
  const std::string& identity() const;

  template <class H>
  void hash_into(H& h, const HashFrame& frame = HashFrame{}) const {
    controller_.hash_into(h, frame);
  }
  bool operator==(const EmbeddedCle&) const = default;

 private:
  // Renumbers the effects the controller appended from index `from` on; drops its Exited note
  // when `stopping`.
  static void remap(Effects& out, size_t from, bool stopping);

  CleController controller_;
};

}  // namespace leasesim
