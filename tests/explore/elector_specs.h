// elector_specs.h: ProcessSpec values of model client-go electors for the explorer's tests
// (the reduction twins and the tests of the two lemmas build their scenarios from them).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "model/client_go_config.h"
#include "sim/scenario.h"

namespace leasesim {

// A client-go elector named `name` (its identity too) on `lease`, starting at `start`, with the
// three timings (LeaseDuration, RenewDeadline, RetryPeriod) and defaults otherwise.
inline ProcessSpec elector(const std::string& name, LeaseId lease, Duration start, Duration ld, Duration rd,
                           Duration rp) {
  ProcessSpec p;
  p.name = name;
  p.identity = name;
  ClientGoConfig c;
  c.lease_duration = ld;
  c.renew_deadline = rd;
  c.retry_period = rp;
  p.model = c;
  p.lease = lease;
  p.start = start;
  return p;
}

// `count` electors (the first starts at 0, the others at 1s), the leader crashing at
// `crash_at` and, when `restart_at` is set, the first elector restarting then.
inline std::shared_ptr<Scenario> electors(int count, Duration ld, Duration rd, Duration rp, Duration lmin, Duration lmax,
                                   Duration crash_at, std::optional<Duration> restart_at, Duration duration) {
  auto s = std::make_shared<Scenario>();
  s->name = "steady";
  s->duration = duration;
  s->api_server.latency = LatencyRange{lmin, lmax};
  const LeaseId lease = s->lease_id("kube-system/demo");
  for (int i = 0; i < count; ++i)
    s->processes.push_back(elector("e" + std::to_string(i), lease, i == 0 ? Duration(0) : seconds(1), ld, rd, rp));
  FaultSpec crash;
  crash.at = crash_at;
  crash.type = FaultType::Crash;
  crash.target = FaultTarget{FaultTarget::Kind::Leader, 0};
  s->faults.push_back(crash);
  if (restart_at) {
    FaultSpec restart;
    restart.at = *restart_at;
    restart.type = FaultType::Restart;
    restart.target = FaultTarget{FaultTarget::Kind::Process, 0};
    s->faults.push_back(restart);
  }
  return s;
}

}  // namespace leasesim
