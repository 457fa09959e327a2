// identity.cc: see identity.h.
#include "properties/identity.h"

#include <algorithm>

#include "core/check.h"

namespace leasesim {
namespace {

const KubeApiserverConfig* apiserver_config(const ProcessSpec& p) { return std::get_if<KubeApiserverConfig>(&p.model); }

// A kube-apiserver's identity lease: its process's lease, or, when it runs the election
// controller (whose lock is then the process's lease), the one bound in its config.
LeaseId identity_lease_of(const ProcessSpec& p) { return apiserver_config(p)->identity_lease.value_or(p.lease); }

// Whether a crash or stop struck `proc` in [from, to] (restarts do not undo it for the holder
// of the earlier start: a restart brings a new holder).
bool went_down(const History& history, uint32_t proc, TrueInstant from, TrueInstant to) {
  for (const FaultRecord& f : history.faults) {
    if (f.is_end || !f.skipped.empty() || !f.target || *f.target != proc) continue;
    if (f.spec.type != FaultType::Crash && f.spec.type != FaultType::Stop) continue;
    if (f.t >= from && f.t <= to) return true;
  }
  return false;
}

bool is_renewal(const LeaseWrite& w) { return w.verb == Verb::Create || w.verb == Verb::Update; }

std::string secs(Duration d) { return format_duration(d); }

}  // namespace

std::vector<LeaseId> identity_leases(const Scenario& scenario) {
  std::vector<LeaseId> out;
  for (const ProcessSpec& p : scenario.processes)
    if (apiserver_config(p)) out.push_back(identity_lease_of(p));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::optional<Violation> identity_delete_violation(const Scenario& scenario, const History& history, size_t index) {
  const auto& writes = history.writes;
  const LeaseWrite& del = writes[index];
  if (del.verb != Verb::Delete || !del.before || !del.before->holder_identity || !del.before->lease_duration_seconds)
    return std::nullopt;
  const LeaseId lease = del.lease;
  const Name holder = *del.before->holder_identity;
  // The holder's process (the first to write that holder) and its last renewal before the delete.
  std::optional<uint32_t> owner;
  std::optional<TrueInstant> renewed;
  for (size_t j = 0; j < index; ++j) {
    const LeaseWrite& w = writes[j];
    if (w.lease != lease || !is_renewal(w) || !w.after || w.after->holder_identity != holder) continue;
    if (!owner) owner = w.proc;
    if (w.proc == *owner) renewed = w.t;
  }
  if (!owner || !renewed || !apiserver_config(scenario.processes[*owner])) return std::nullopt;
  const Duration age = del.t - *renewed;
  const Duration duration = seconds(*del.before->lease_duration_seconds);
  if (age >= duration || went_down(history, *owner, *renewed, del.t)) return std::nullopt;
  Violation v;
  v.at = del.t;
  v.procs = {del.proc, *owner};
  v.message = scenario.processes[del.proc].name + " deleted " + scenario.lease_keys[lease] + " " + secs(age) +
              " after " + scenario.processes[*owner].name + " renewed it (leaseDurationSeconds " +
              std::to_string(*del.before->lease_duration_seconds) + "), while " + scenario.processes[*owner].name +
              " was running";
  return v;
}

std::vector<Violation> check_no_live_identity_deleted(const Scenario& scenario, const History& history, LeaseId lease) {
  std::vector<Violation> out;
  for (size_t i = 0; i < history.writes.size(); ++i)
    if (history.writes[i].lease == lease)
      if (std::optional<Violation> v = identity_delete_violation(scenario, history, i)) out.push_back(std::move(*v));
  return out;
}

std::vector<StaleIdentity> stale_identities(const Scenario& scenario, const History& history) {
  std::vector<StaleIdentity> out;
  for (uint32_t p = 0; p < scenario.processes.size(); ++p) {
    if (!apiserver_config(scenario.processes[p])) continue;
    const LeaseId lease = identity_lease_of(scenario.processes[p]);
    // Down for good: the last fault that struck it is a crash or a stop.
    std::optional<TrueInstant> down;
    for (const FaultRecord& f : history.faults) {
      if (f.is_end || !f.skipped.empty() || !f.target || *f.target != p) continue;
      if (f.spec.type == FaultType::Crash || f.spec.type == FaultType::Stop) down = f.t;
      if (f.spec.type == FaultType::Restart) down.reset();
    }
    if (!down) continue;
    std::optional<TrueInstant> last;
    for (const LeaseWrite& w : history.writes)
      if (w.lease == lease && w.proc == p && is_renewal(w)) last = w.t;
    if (!last) continue;
    StaleIdentity e;
    e.proc = p;
    e.lease = lease;
    e.down_at = *down;
    e.last_renewal = *last;
    bool renewed_by_other = false;
    for (const LeaseWrite& w : history.writes) {
      if (w.lease != lease || w.t <= *last) continue;
      if (is_renewal(w) && w.proc != p) {
        renewed_by_other = true;
        break;
      }
      if (w.verb == Verb::Delete && !e.deleted_at) {
        e.deleted_at = w.t;
        e.deleted_by = w.proc;
      }
    }
    if (!renewed_by_other) out.push_back(e);
  }
  return out;
}

std::optional<Duration> identity_collection_bound(const Scenario& scenario, LeaseId lease) {
  int64_t lds = 0;
  Duration longest_period{};
  bool any_collector = false;
  Duration ahead{};  // how far an owner's wall clock may lead a collector's
  Duration request_timeout{};
  for (const ProcessSpec& p : scenario.processes) {
    const KubeApiserverConfig* c = apiserver_config(p);
    if (!c) continue;
    if (p.clock.rate_ppb != kRateOne) return std::nullopt;
    request_timeout = std::max(request_timeout, c->request_timeout);
    if (identity_lease_of(p) == lease) lds = std::max<int64_t>(lds, c->identity_lease_duration_seconds);
    if (!c->gc) continue;
    any_collector = true;
    longest_period = std::max(longest_period, c->gc_period);
    for (const ProcessSpec& owner : scenario.processes)
      if (apiserver_config(owner) && identity_lease_of(owner) == lease) ahead = std::max(ahead, owner.clock.offset - p.clock.offset);
  }
  if (!any_collector || lds == 0) return std::nullopt;
  // A wall-clock step can hold a collector back (or push an owner ahead) without bound.
  LatencyRange worst = scenario.api_server.latency;
  bool outage = false;
  for (const FaultSpec& f : scenario.faults) {
    if (f.type == FaultType::ClockJump) return std::nullopt;
    if (f.type == FaultType::ApiServerSlow) worst.max = std::max(worst.max, f.latency.max);
    if (f.type == FaultType::ApiServerOutage) outage = true;
  }
  // One call: a round trip, or the client's timeout when an outage can swallow it.
  Duration call = worst.max * 2;
  if (outage) call = std::max(call, request_timeout);
  const int64_t calls_per_pass = 1 + 2 * static_cast<int64_t>(identity_leases(scenario).size());
  const Duration pass = call * calls_per_pass;
  return seconds(lds) + ahead + longest_period + pass * 2;
}

StaleCheck check_stale_identity_collected_within(const Scenario& scenario, const std::vector<StaleIdentity>& episodes,
                                                 LeaseId lease, Duration bound, TrueInstant end) {
  StaleCheck out;
  for (const StaleIdentity& e : episodes) {
    if (e.lease != lease) continue;
    const std::string& name = scenario.processes[e.proc].name;
    if (e.deleted_at) {
      ++out.collected;
      if (*e.linger() <= bound) continue;
      Violation v;
      v.at = e.last_renewal + bound;
      v.until = e.deleted_at;
      v.procs = {e.proc};
      v.message = scenario.lease_keys[lease] + " of " + name + " (down since " + format_duration(e.down_at - TrueInstant(0)) +
                  ") was deleted " + secs(*e.linger()) + " after its last renewal, beyond the bound " + secs(bound);
      out.violations.push_back(std::move(v));
      continue;
    }
    if (end - e.last_renewal < bound || end - e.last_renewal == bound) {
      ++out.undecided;
      continue;
    }
    Violation v;
    v.at = e.last_renewal + bound;
    v.procs = {e.proc};
    v.message = scenario.lease_keys[lease] + " of " + name + " (down since " + format_duration(e.down_at - TrueInstant(0)) +
                ") was still present when the run ended, " + secs(end - e.last_renewal) +
                " after its last renewal, beyond the bound " + secs(bound);
    out.violations.push_back(std::move(v));
  }
  return out;
}

}  // namespace leasesim
