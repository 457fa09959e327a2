// advise_terms.h: the SRE's terms for `leasesim advise`, parsed, and the scenarios they imply.
//
// Contract: parse_advise_terms checks every flag and returns one message per problem, naming the
// flag (`--clock-drift 5%: expected parts per million, e.g. 500ppm`); the client-go config is
// checked by the model's own validation, so its messages are client-go's. advise_scenarios
// writes the scenario files advise runs, as YAML a user can rerun with `leasesim run`:
//   crash      the acting leader crashes (SIGKILL) at 30s;
//   stop       the acting leader is stopped (SIGTERM) at 30s, releasing if --release-on-cancel;
//   partition  the acting leader is cut off from the API server (both directions) for twice
//              the lease duration;
//   drift      the partition, with every standby's clock running fast by the drift: a
//              candidate's clock running fast relative to the leader's is the dangerous
//              direction (it counts the lease down early); the leader's clock stays exact. Ten
//              independent leases, each with its own leader and standbys, each leader cut at its
//              own instant, so one run offers ten chances of the rare overlap;
//   check      the drift case cut down for `check`: one leader and one standby, the partition
//              early (5s), a horizon just past the takeover, so a bounded search reaches it.
// The leader is the process "first", which starts at 0s and so acquires first; standbys start
// at 1s. Latency is one-way, per request and per response, as the scenario format defines it.
// Leaves out: models other than client-go-elector (advise answers for client-go's timings).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/time.h"
#include "sim/scenario.h"

namespace leasesim {

struct AdviseTermsInput {
  std::string lease_duration, renew_deadline, retry_period;
  uint32_t replicas = 0;
  std::string clock_drift = "0ppm";
  std::string latency = "1ms-5ms";
  bool release_on_cancel = false;
};

struct AdviseTerms {
  Duration lease_duration{}, renew_deadline{}, retry_period{};
  uint32_t replicas = 0;
  int64_t drift_ppm = 0;
  LatencyRange latency;
  bool release_on_cancel = false;
};

// nullopt with `problems` filled (one line each) when any flag is wrong.
std::optional<AdviseTerms> parse_advise_terms(const AdviseTermsInput& in, std::vector<std::string>* problems);

// (name, YAML text), in the order above.
std::vector<std::pair<std::string, std::string>> advise_scenarios(const AdviseTerms& terms);

// "1.0005" for 500 ppm: the clock rate of a standby.
std::string drift_rate_text(int64_t ppm);

}  // namespace leasesim
