// failover.h: failover episodes and the failoverWithin bound.
//
// Contract (docs/cli.md section 2 "Failover episode"): an episode starts
// at a fault that hits the acting leader of a lease (crash, stop, pause or partition of that
// process; an API server outage or slowdown hits every acting leader; a watchStall never opens
// one, since it leaves the election's requests alone) and that makes it lose
// the lease: it stops acting, or another process starts leading, before it writes the lease
// successfully again after the fault's window. The episode ends when any process next starts
// leading the lease. A fault that hits an old leader while another process already acts for
// the lease opens no episode: the lease never lost its leader. Reported: fault-to-new-leader time and the leaderless gap (0 when the new
// leader started before the old one stopped). One episode per lease at a time: a fault that
// strikes during an open episode does not open another. An episode is charged to the fault that
// removed the leader: a crash, stop, pause or partition of the leader that strikes after an
// API-wide fault (apiServerSlow, apiServerOutage) began, and before the leader lost the lease,
// outranks it, and the episode is measured from that later fault.
// failoverWithin(bound) is violated by an episode whose new leader came later than the bound,
// or that has no new leader by the end of the run although the bound has passed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "properties/violation.h"
#include "sim/history.h"
#include "sim/scenario.h"

namespace leasesim {

struct FailoverEpisode {
  LeaseId lease = 0;
  uint32_t from = 0;
  std::optional<uint32_t> to;
  std::string cause;  // the fault type
  uint32_t fault_index = 0;
  TrueInstant fault_at;
  std::optional<TrueInstant> lost_at;        // when `from` stopped acting
  std::optional<TrueInstant> new_leader_at;  // when `to` started
  bool operator==(const FailoverEpisode&) const = default;

  std::optional<Duration> fault_to_leader() const {
    if (!new_leader_at) return std::nullopt;
    return *new_leader_at - fault_at;
  }
  std::optional<Duration> leaderless_gap() const {
    if (!new_leader_at) return std::nullopt;
    if (!lost_at || *lost_at >= *new_leader_at) return Duration(0);
    return *new_leader_at - *lost_at;
  }
};

std::vector<FailoverEpisode> failover_episodes(const Scenario& scenario, const History& history);

std::vector<Violation> check_failover_within(const Scenario& scenario, const std::vector<FailoverEpisode>& episodes,
                                             LeaseId lease, Duration bound, TrueInstant end);

// The same with a bound per episode (`bounds[i]` for `episodes[i]`, with the words `bases[i]`
// that say where it came from); an episode whose bound is nullopt is not judged.
std::vector<Violation> check_failover_within(const Scenario& scenario, const std::vector<FailoverEpisode>& episodes,
                                             LeaseId lease, const std::vector<std::optional<Duration>>& bounds,
                                             const std::vector<std::string>& bases, TrueInstant end);

}  // namespace leasesim
