// node_failover_bound.h: how much later a dead node may be declared when a fault also removes
// the controller-manager leader (the KCM part of nodeNotReadyWithin: auto, docs/nodes.md).
//
// Contract:
// - A *node fault* at T stops a kubelet's heartbeats (crash, stop, pause, partition of its
//   requests of a kubelet process; an API server outage). A *controller fault* at K may take
//   the node lifecycle controller's leadership away: crash, restart, stop, pause or partition
//   (any direction) of the acting leader or of a node-lifecycle-controller process; an API
//   server outage (the leader cannot renew); an apiServerSlow window whose round trip
//   (2 x latency max) reaches the controllers' request timeout (one renew attempt can time out).
// - F(K), the controller failover bound, true time: the fault's window (pause, partition,
//   outage, slow; to the end of the run when it has none), plus the client-go crash-to-leader
//   bound of the controllers' election (model/client_go_bounds.h, the worst over every ordered
//   pair of controller processes, itself included, at the scenario's latency envelope;
//   stop-to-leader for a stop), plus one retry period (a partition of responses lets one more
//   renewal commit after K).
// - The new leader starts with empty caches: its first sight of the node starts a fresh grace
//   period, so Unknown follows within the steady bound B of the new leader's start (lists, then
//   the pass arithmetic of docs/nodes.md). A node fault at T, undetected at K (K - T < B), is
//   therefore Unknown within (K - T)+ + F(K) + B of T; a controller fault with K + F(K) <= T is
//   over before the node fault and changes nothing.
// - controller_failover_extra returns the largest (K - T)+ + F(K) over such pairs (0 when
//   none): one figure for the scenario, as the bound is one figure. It is loose for episodes
//   far from any controller fault (they keep B in truth), never too small.
// Assumes: a standby (or the same process, restarted or rejoining) exists to take over; with
// a single controller that exits on leadership loss nobody leads again, the node is never
// declared, and the property says so.
// Leaves out: controller clock faults (the controller's judgement uses its monotonic clock).
#pragma once

#include <optional>

#include "sim/scenario.h"

namespace leasesim {

Duration controller_failover_extra(const Scenario& scenario, Duration steady_bound);

}  // namespace leasesim
