// elects_preferred.cc: see elects_preferred.h.
#include "properties/elects_preferred.h"

#include <algorithm>
#include <optional>

#include "model/client_go_elector.h"
#include "model/lease_candidate.h"

namespace leasesim {
namespace {

const ClientGoConfig* coordinated_config(const ProcessSpec& p) {
  const auto* c = std::get_if<ClientGoConfig>(&p.model);
  return c && c->coordinated ? c : nullptr;
}

struct Change {
  TrueInstant t;
  uint32_t proc = 0;
  bool alive = false;
};

}  // namespace

std::vector<LeaseId> coordinated_leases(const Scenario& scenario) {
  std::vector<LeaseId> out;
  for (const ProcessSpec& p : scenario.processes)
    if (coordinated_config(p)) out.push_back(p.lease);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Duration cle_round_bound(const Scenario& scenario, LeaseId lease) {
  Duration longest_lease{}, longest_gap{};
  for (const ProcessSpec& p : scenario.processes) {
    const ClientGoConfig* c = coordinated_config(p);
    if (!c || p.lease != lease) continue;
    longest_lease = std::max(longest_lease, c->lease_duration);
    longest_gap = std::max(longest_gap, acquire_gap_max(c->retry_period));
  }
  return longest_lease + seconds(15) + longest_gap + seconds(2);
}

std::vector<Violation> check_elects_preferred(const Scenario& scenario, const History& history, LeaseId lease,
                                              TrueInstant end, std::string* detail) {
  // The candidate set's changes, in time order (ties: file order of the facts).
  std::vector<Change> changes;
  std::vector<std::optional<TrueInstant>> first_start(scenario.processes.size());
  for (uint32_t p = 0; p < scenario.processes.size(); ++p) {
    const ProcessSpec& spec = scenario.processes[p];
    if (!coordinated_config(spec) || spec.lease != lease) continue;
    const TrueInstant at(spec.start.ns);
    if (at <= end) changes.push_back({at, p, true});
  }
  auto member = [&](std::optional<uint32_t> p) {
    return p && coordinated_config(scenario.processes[*p]) && scenario.processes[*p].lease == lease;
  };
  for (const FaultRecord& f : history.faults) {
    if (f.is_end || !f.skipped.empty() || !member(f.target)) continue;
    if (f.spec.type == FaultType::Crash || f.spec.type == FaultType::Stop) changes.push_back({f.t, *f.target, false});
    if (f.spec.type == FaultType::Restart) changes.push_back({f.t, *f.target, true});
  }
  std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) { return a.t < b.t; });
  std::vector<bool> alive(scenario.processes.size(), false);
  TrueInstant last{};
  for (const Change& c : changes) {
    if (alive[c.proc] != c.alive) last = c.t;
    alive[c.proc] = c.alive;
    if (c.alive && !first_start[c.proc]) first_start[c.proc] = c.t;
  }
  const Duration round = cle_round_bound(scenario, lease);
  if (end - last < round) {
    *detail = "not judged: the candidate set last changed at " + format_seconds(last.ns) + "s, less than one round (" +
              format_duration(round) + ") before the end";
    return {};
  }
  // The preferred live candidate (LeaseCandidate order; creation = first start, then file order).
  std::optional<uint32_t> best;
  auto as_candidate = [&](uint32_t p) {
    const ClientGoConfig& c = *coordinated_config(scenario.processes[p]);
    LeaseCandidate lc;
    lc.binary_version = Name(c.binary_version);
    lc.emulation_version = Name(c.emulation_version);
    lc.creation_rv = static_cast<uint64_t>(first_start[p]->ns) * 1024 + p;
    return lc;
  };
  for (uint32_t p = 0; p < scenario.processes.size(); ++p) {
    if (!alive[p]) continue;
    if (!best || compare_oldest_emulation(as_candidate(p), as_candidate(*best)) < 0) best = p;
  }
  if (!best) {
    *detail = "not judged: no coordinated candidate runs at the end";
    return {};
  }
  const ClientGoConfig& bc = *coordinated_config(scenario.processes[*best]);
  *detail = "preferred " + scenario.processes[*best].name + " (emulationVersion " + bc.emulation_version +
            ", binaryVersion " + bc.binary_version + ")";
  std::optional<uint32_t> leader;
  for (const Leadership& l : history.leaderships)
    if (l.lease == lease && !l.end) leader = l.proc;
  if (leader && scenario.processes[*leader].identity == scenario.processes[*best].identity) return {};
  Violation v;
  v.at = end;
  v.procs = {*best};
  if (leader) v.procs.push_back(*leader);
  v.message = "the candidate set was stable since " + format_seconds(last.ns) + "s, yet at the end " +
              (leader ? scenario.processes[*leader].name + " leads" : std::string("nobody leads")) + " instead of " +
              scenario.processes[*best].name + " (emulationVersion " + bc.emulation_version + ", binaryVersion " +
              bc.binary_version + ")";
  return {v};
}

}  // namespace leasesim
