// go_helper.h: starts client-go-real helpers (go/client-go-real) and speaks their line protocol
// (docs/models/client-go-real.md section 3).
//
// Contract:
// - GoHelperFactory::start spawns one helper program per process incarnation with the LEASESIM_*
//   environment of the protocol (identity, lease, seed, start readings, timings), GOMAXPROCS=1,
//   stdin and stdout on one socket pair (so a write to a dead helper is an error, not SIGPIPE),
//   and stderr to /dev/null (or inherited when LEASESIM_GO_HELPER_STDERR=1).
// - Every command is answered by event lines and "at T"; a helper that exits, answers "error",
//   or writes a line the protocol does not know is a std::runtime_error naming the helper and the
//   line. The session's destructor kills the helper (SIGKILL) and reaps it.
// - Request bodies and answers carry the Lease as a flat JSON object (rv, uid, labels, holder, lds,
//   acquire and renew in wall nanoseconds, transitions, strategy, preferred); absent fields are
//   absent, so Go's nil pointers survive the round trip.
// Leaves out: helpers that address a Lease outside the scenario (an error), Lease verbs other
// than get, create and update.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/external_elector.h"

namespace leasesim {

class GoHelperFactory : public ExternalElectorFactory {
 public:
  // `default_helper`: the built-in client-go-real helper; `lease_keys`: "namespace/name" by LeaseId.
  GoHelperFactory(std::string default_helper, std::vector<std::string> lease_keys)
      : default_helper_(std::move(default_helper)), lease_keys_(std::move(lease_keys)) {}

  std::pair<std::unique_ptr<ExternalSession>, ExternalReply> start(const ExternalStart& start) const override;

 private:
  std::string default_helper_;
  std::vector<std::string> lease_keys_;
};

// The protocol's Lease object, both ways (exposed for tests).
std::string lease_to_wire(const Lease& lease, const std::string& key);
Lease lease_from_wire(const std::string& json, LeaseId id);

}  // namespace leasesim
