// elector_specs.h: ProcessSpec values of model client-go electors for the explorer's tests
// (the reduction twins and the steady-regime tests build their scenarios from them).
#pragma once

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

}  // namespace leasesim
