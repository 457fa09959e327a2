// kube_apiserver_config.h: the `config:` of `model: kube-apiserver` (docs/models/kube-apiserver.md).
//
// Contract:
// - hostname: the OS hostname the instance derives its identity lease name from (default: the
//   process name; several instances may share one). identityLeaseDurationSeconds (3600),
//   identityLeaseRenewInterval (10s), gcPeriod (1h): upstream's IdentityLeaseDurationSeconds,
//   IdentityLeaseRenewIntervalPeriod and IdentityLeaseGCPeriod (pkg/controlplane/apiserver/
//   server.go; package variables that upstream tunes only in tests). gc (true): whether this
//   instance runs the identity-lease garbage collector (every kube-apiserver does; false
//   stands for an instance whose collector is switched off, e.g. an older version).
//   requestTimeout (60s): the bound on each of its own requests, standing for the server-side
//   `--request-timeout` (default 1m) that ends a loopback request; 0 = none.
//   coordinatedLeaderElection (false): the instance also runs the coordinated-leader-election
//   controller, itself leader-elected on kube-system/leader-election-controller
//   (model/kube_apiserver_cle.h, docs/models/coordinated-election.md section 5).
// - The process's lease is implied (kube_apiserver_implied_lease; a `lease:` field is refused
//   by the loader): kube-system/<identity_lease_name(hostname)>, or, with
//   coordinatedLeaderElection, kube-system/leader-election-controller, the lease the process
//   elects on. The identity lease then goes in `identity_lease`, which the loader fills in
//   (kube_apiserver_bind_leases); unset, the identity lease is the process's lease.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/config_reader.h"
#include "core/time.h"
#include "model/lease.h"
#include "model/tutorial_elector.h"  // ConfigError

namespace leasesim {

struct KubeApiserverConfig {
  std::string hostname;  // filled with the process name by the loader when absent
  int32_t identity_lease_duration_seconds = 3600;
  Duration identity_lease_renew_interval = seconds(10);
  Duration gc_period = hours(1);
  bool gc = true;
  Duration request_timeout = seconds(60);
  bool coordinated_leader_election = false;
  // Not a scenario key: the identity lease's LeaseId when it is not the process's lease (set by
  // the loader when coordinatedLeaderElection is true).
  std::optional<LeaseId> identity_lease;

  bool operator==(const KubeApiserverConfig&) const = default;
};

std::vector<ConfigError> config_problems(const KubeApiserverConfig& config);  // every problem
std::optional<ConfigError> validate(const KubeApiserverConfig& config);       // the first of them

// Reads keys hostname, identityLeaseDurationSeconds, identityLeaseRenewInterval, gcPeriod, gc,
// requestTimeout, coordinatedLeaderElection; std::nullopt when a problem was reported.
std::optional<KubeApiserverConfig> read_kube_apiserver_config(ConfigReader& reader);

}  // namespace leasesim
