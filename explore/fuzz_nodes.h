// fuzz_nodes.h: the node-heartbeat family of `leasesim fuzz` (`--nodes`): random clusters of
// kubelets and node-lifecycle-controller replicas, and what their faults permit.
//
// Contract (docs/fuzz.md "Node scenarios"):
// - generate_nodes(r, index) is a pure function of the generator state: 1-3 zones, 2-9
//   kubelets spread over them, 1-3 kube-controller-manager replicas (model
//   node-lifecycle-controller, the kube-controller-manager election preset), API latencies of
//   0-220 ms, kubelet wall-clock offsets (one case in three), mostly default kubelet and
//   controller settings (one case in four varies the lease duration, status frequency and
//   grace periods within upstream's validation), a run of 3-7 minutes, and 1-3 faults drawn
//   from: kubelet crash, pause and partition (any direction), kubelet clockJump (steps of 1s to
//   5m either way), watchStall of a controller, API server outage (refuse or blackhole) and
//   slow API server, and a crash of the acting controller-manager leader. Every case judges
//   nodeNotReadyWithin auto and noFalseNotReady (and, as every case, singleLeader and
//   transitionsMatch on the controller managers' lease); a case with two or more controller
//   managers also judges failoverWithin auto, client-go's analytic bound for their election.
// - add_node_permits names the violations a node case's configuration permits, each with a
//   stable kind and a one-line reason:
//   noFalseNotReady: a backward kubelet clock step (kubelet-clock-step-back: renewTime goes
//   below what the controller last saw, so its renewals look unchanged until the clock passes
//   it; lease-subsystems D.17 note in docs/nodes.md), a stalled watch (watch-stall: the
//   controller judges stale heartbeats, kubernetes/kubernetes #121793), an API server outage
//   (api-server-outage: after it heals, a monitor pass may run before the informer delivers
//   the renewal that just committed, kubernetes/kubernetes #24200), a slow API server
//   (slow-api-server: renewals reach the controller's cache late), a kubelet pause or
//   partition whose window ends about when the grace period runs out
//   (heartbeats-resume-at-grace: its first renewal can commit while the controller's Unknown
//   write, decided one watch latency earlier, is on its way; a partition of answers only counts
//   too, and a controller-manager crash inside the window moves the grace period's start).
//   failoverWithin: once the faults can have removed every controller-manager replica for good
//   (crashes; outages and slowdowns that can cost leaders their lease, which then exit),
//   no-candidate-left: the last leader's crash leaves nobody to take over.
//   nodeNotReadyWithin: a crash of a controller-manager replica, an API server outage longer
//   than its renew deadline or a slow API server whose round trip (2 x latency max) reaches the
//   elector's request timeout (controller-failover: a new
//   leader starts a fresh grace period), an API server outage of any length
//   (api-server-outage: the controller cannot write Unknown while it lasts), a stalled watch
//   (watch-stall).
// - renumber_nodes gives every node-running process its NodeId again in process order and
//   rebuilds Scenario::node_names, as the loader does, after the shrinker dropped a process.
// Leaves out: controller clock faults and pauses, taints and evictions (maxPodEvictions is not
// judged), and coverage guidance.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/rng.h"
#include "sim/scenario.h"

namespace leasesim {

// Whether `scenario` runs nodes: at least one kubelet or node lifecycle controller, and only
// those two models.
bool is_node_scenario(const Scenario& scenario);

std::shared_ptr<Scenario> generate_nodes(Rng& r, uint64_t index);

using PermitFn = std::function<void(const std::string& property, const std::string& kind, const std::string& reason)>;
void add_node_permits(const Scenario& scenario, const PermitFn& permit);

void renumber_nodes(Scenario& scenario);

}  // namespace leasesim
