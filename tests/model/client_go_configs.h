// client_go_configs.h: ClientGoConfig values for the model tests.
#pragma once

#include "model/client_go_config.h"
#include "core/time.h"

namespace leasesim {

// A config with the three timings of the elector (spec 0: LeaseDuration, RenewDeadline,
// RetryPeriod) and defaults otherwise.
inline ClientGoConfig timing(Duration ld, Duration rd, Duration rp) {
  ClientGoConfig c;
  c.lease_duration = ld;
  c.renew_deadline = rd;
  c.retry_period = rp;
  return c;
}

}  // namespace leasesim
