// steady_regime.cc: the conditions of the steady-regime lemma (steady_regime.h); the proof that
// they suffice is in docs/check-verdicts.md, "The steady-regime lemma". Every bound below is an
// upper bound on a true instant; local and true durations agree because the lemma requires
// rate-1 clocks. Comparisons that decide a tie are strict, so that no order of events due at
// one instant can break them.
#include "explore/steady_regime.h"

#include <algorithm>
#include <variant>

#include "model/client_go_elector.h"

namespace leasesim {
namespace {


// The lemma's inequality for one elector as leader (`l`): its lease outlasts the longest time
// between two of its commits (a renew period and a round trip).
std::optional<std::string> leader_problem(const ClientGoConfig& l, Duration lmax) {
  const Duration lease = seconds(lease_duration_seconds_of(l.lease_duration));
  const Duration commit_gap = l.retry_period + lmax * 2;  // Δc
  if (!(lease > commit_gap))
    return "the lease duration is not longer than retryPeriod plus a round trip (" + format_duration(commit_gap) + ")";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> steady_regime_unsupported(const Scenario& s) {
  if (s.processes.empty()) return "no processes";
  for (const FaultSpec& f : s.faults)
    if (f.type == FaultType::ClockJump) return "a clockJump fault (wall readings may repeat a second)";
  for (const FaultSpec& f : s.explore.faults.candidates)
    if (f.type == FaultType::ClockJump) return "an injectable clockJump fault";
  const Duration lmax = std::max(s.api_server.latency.max, s.api_server.latency.min);
  const LeaseId lease = s.processes.front().lease;
  for (const ProcessSpec& p : s.processes) {
    const auto* c = std::get_if<ClientGoConfig>(&p.model);
    if (!c) return "process " + p.name + " is not a model client-go elector";
    if (c->coordinated) return "process " + p.name + " is a coordinated elector";
    if (p.lease != lease) return "the processes use more than one lease";
    if (p.clock.rate_ppb != kRateOne) return "process " + p.name + "'s clock does not run at rate 1";
    if (c->retry_period < seconds(1)) return "process " + p.name + "'s retryPeriod is under one second";
    const Duration round_trip = lmax * 2;
    if (!(c->effective_request_timeout() > round_trip) || !(c->renew_deadline > round_trip))
      return "process " + p.name + "'s request timeout or renew deadline is not above a round trip";
  }
  for (const ProcessSpec& a : s.processes)
    if (auto why = leader_problem(std::get<ClientGoConfig>(a.model), lmax)) return "process " + a.name + ": " + *why;
  return std::nullopt;
}

namespace {

// Records why a condition failed, only when the caller asked (the explorer asks for a yes or
// no at every state after the last fault, and building the words would cost an allocation).
template <class Words>
bool fail(std::string* why, Words&& words) {
  if (why) *why = words();
  return false;
}
bool fail(std::string* why, const char* text) {
  if (why) *why = text;
  return false;
}
bool fail_process(std::string* why, const std::string& name, const char* rest) {
  if (why) *why = "process " + name + rest;
  return false;
}

}  // namespace

bool steady_conditions_hold(const World& w, uint32_t* leader_out, std::string* why) {
  const Scenario& s = w.scenario();
  const Duration lmax = w.current_latency().max;
  const TrueInstant now = w.now();
  const LeaseId lease_id = s.processes.front().lease;
  const std::optional<Lease>& stored = w.api_server().lease(lease_id);
  if (!stored) return fail(why, "the lease does not exist");
  const ElectionRecord current = record_from_spec(stored->spec);
  const ElectionRecord current_raw = raw_record_of(current);

  // The electors, and the one acting leader.
  const size_t n = w.process_count();
  std::vector<const ClientGoElector*> electors(n, nullptr);
  std::optional<uint32_t> leader;
  for (uint32_t p = 0; p < n; ++p) {
    const ProcessRuntime& pr = w.process(p);
    if (pr.status != ProcStatus::Running) {
      if (pr.acting) return fail_process(why, s.processes[p].name, " acts but is not running");
      continue;
    }
    if (!w.connected_to_server(p)) return fail_process(why, s.processes[p].name, " is cut off from the API server");
    const auto* e = pr.model ? std::get_if<ClientGoElector>(&*pr.model) : nullptr;
    if (!e) return fail_process(why, s.processes[p].name, " has no client-go model");
    if (e->user_cancelled()) return fail_process(why, s.processes[p].name, " is stopping");
    electors[p] = e;
    if (pr.acting || e->acting_leader() || e->is_leader()) {
      if (!(pr.acting && e->acting_leader() && e->is_leader() && e->phase() == ClientGoElector::Phase::Renewing))
        return fail_process(why, s.processes[p].name, " is between leading and not leading");
      if (leader) return fail(why, "two processes lead");
      leader = p;
    } else if (e->phase() != ClientGoElector::Phase::Acquiring) {
      return fail_process(why, s.processes[p].name, " is neither leading nor acquiring");
    }
  }
  if (!leader) return fail(why, "no process leads");
  const ClientGoElector& L = *electors[*leader];
  if (current.holder_identity.str() != L.identity()) return fail(why, "the stored record names another holder");

  // No earlier leadership of the lease may still overlap L's: every other one ended by L's start.
  const History& history = w.history();
  const Leadership& own = history.leaderships.at(w.process(*leader).leadership_index);
  if (own.end) return fail(why, "the leader's leadership is recorded as ended");
  for (const Leadership& l : history.leaderships) {
    if (&l == &own || l.lease != lease_id) continue;
    if (!l.end || *l.end > own.start) return fail(why, "an earlier leadership overlaps the leader's");
  }

  // Requests in flight: no write but the leader's current fast Update may still reach the server.
  const std::vector<FlightView> flights = w.flights();
  const FlightView* leader_call = nullptr;
  std::vector<const FlightView*> call_of(n, nullptr);
  for (const FlightView& f : flights) {
    const bool current_call = f.proc < n && electors[f.proc] && !f.client_done &&
                              f.incarnation == w.process(f.proc).incarnation &&
                              f.request->tag == electors[f.proc]->inflight_tag();
    if (current_call) call_of[f.proc] = &f;
    // A write that has not reached the server yet (a handled one has no RequestArrive left).
    if (f.arrives_at && is_write(f.request->verb)) {
      if (!(current_call && f.proc == *leader)) return fail(why, "another write is in flight");
      leader_call = &f;
    }
  }
  for (uint32_t p = 0; p < n; ++p)
    if (electors[p] && electors[p]->inflight_tag() != 0 && !call_of[p])
      return fail_process(why, s.processes[p].name, "'s call is not in flight");

  // The leader: when its next byte-changing commit happens at the latest (C1).
  const ClientGoConfig& lc = L.config();
  const Duration rp = lc.retry_period;
  const Duration lease = seconds(lease_duration_seconds_of(lc.lease_duration));
  TrueInstant c1;
  const ProcessRuntime& lpr = w.process(*leader);
  switch (L.call_in_flight()) {
    case ClientGoElector::CallInFlight::None: {
      if (L.in_round()) return fail(why, "the leader is in a renew round with no call");
      const auto at = w.timer_at(*leader, ClientGoElector::kRenewRoundTimer);
      if (!at) return fail(why, "the leader has no renew round pending");
      if (L.lock_cache().state != LockCache::State::Object ||
          L.lock_cache().lease.resource_version != stored->resource_version)
        return fail(why, "the leader's cached resourceVersion is not the server's");
      // The fast path needs isLeaseValid at the round's start (lpr's clock runs at rate 1).
      if (!L.observed_time() ||
          !(*L.observed_time() + seconds(L.observed_record().lease_duration_seconds) > lpr.clock.mono(*at)))
        return fail(why, "the leader's fast path would not be taken");
      ElectionRecord next = L.observed_record();
      next.renew_time = lpr.clock.wall(*at);
      const TrueInstant commit = *at + lmax;
      c1 = raw_record_of(next) != current_raw ? commit : commit + lmax + rp + lmax;
      break;
    }
    case ClientGoElector::CallInFlight::FastUpdate: {
      const FlightView* f = call_of[*leader];
      if (!f) return fail(why, "the leader's Update is not in flight");
      const auto deadline = w.timer_at(*leader, ClientGoElector::kRenewDeadlineTimer);
      TrueInstant answered;
      if (f->arrives_at) {
        if (f != leader_call) return fail(why, "the leader's Update is not the write in flight");
        if (f->request->body->resource_version != stored->resource_version)
          return fail(why, "the leader's Update carries another resourceVersion");
        answered = *f->arrives_at + lmax;
        const ElectionRecord next = raw_record_of(record_from_spec(f->request->body->spec));
        c1 = next != current_raw ? *f->arrives_at : *f->arrives_at + lmax + rp + lmax;
      } else {
        if (!f->answered_at || f->response->result != ApiResult::Ok)
          return fail(why, "the leader's Update failed or was lost");
        answered = *f->answered_at;
        c1 = answered + rp + lmax;  // the round after it writes a later whole second
      }
      if (!f->times_out_at || !(*f->times_out_at > answered)) return fail(why, "the leader's Update may time out");
      if (!deadline || !(*deadline > answered)) return fail(why, "the leader's round deadline may pass first");
      break;
    }
    default:
      return fail(why, "the leader is not between rounds or in its fast Update");
  }
  // A reader that sees a change from now on must see the next one within the lease.
  if (!(c1 < now + lease)) return fail(why, "the leader's next changing commit is too far off");

  // Each reader. An attempt whose read comes after the leader's next changing commit (by C1)
  // sees a changed record and resets observedTime, whenever it started; so only attempts that
  // read before it, which start before C1, or the current one if its Get was answered
  // unchanged, which started before now, must find the lease valid: C1 < observedTime + LDS.
  for (uint32_t p = 0; p < n; ++p) {
    if (!electors[p] || p == *leader) continue;
    const ClientGoElector& S = *electors[p];
    const auto& observed_raw = S.observed_raw_record();
    // Whether every later read sees a record other than the one S observed: the stored record
    // already differs (later ones differ from it too, see the docs).
    const bool stored_differs = !observed_raw || *observed_raw != current_raw;
    bool answered_unchanged = false;  // the current attempt's Get was answered with S's record
    switch (S.call_in_flight()) {
      case ClientGoElector::CallInFlight::None:
        if (!w.timer_at(p, ClientGoElector::kAcquireRetryTimer))
          return fail_process(why, s.processes[p].name, " has no acquire attempt pending");
        break;
      case ClientGoElector::CallInFlight::Get: {
        const FlightView* f = call_of[p];
        TrueInstant answered;
        if (!f->arrives_at) {
          // The server answered it (or the network lost it).
          if (!f->answered_at || f->response->result != ApiResult::Ok || !f->response->object)
            return fail_process(why, s.processes[p].name, "'s Get failed or was lost");
          const ElectionRecord read = record_from_spec(f->response->object->spec);
          // A reader that read a record naming itself (its own, from before a restart) takes
          // itself for the leader and writes; one naming nobody is taken at once (client-go R4).
          if (read.holder_identity.str() != L.identity())
            return fail_process(why, s.processes[p].name, "'s Get read a record that does not name the leader");
          answered_unchanged = observed_raw && *observed_raw == raw_record_of(read);
          answered = *f->answered_at;
        } else {
          answered = *f->arrives_at + lmax;
        }
        if (!f->times_out_at || !(*f->times_out_at > answered))
          return fail_process(why, s.processes[p].name, "'s Get may time out");
        break;
      }
      default:
        return fail_process(why, s.processes[p].name, " is writing");
    }
    if (!answered_unchanged && stored_differs) continue;  // its next evaluation sees a changed record
    if (!S.observed_time()) return fail_process(why, s.processes[p].name, " has no observed time");
    const Duration held = seconds(S.observed_record().lease_duration_seconds);
    // Local monotonic and true instants agree at rate 1 (mono(t) = t). The current attempt,
    // answered unchanged, started before now; later ones read a changed record unless they
    // read before C1 (and then start before it).
    const TrueInstant last_unchanged_start = stored_differs ? now : std::max(now, c1);
    if (!(last_unchanged_start.ns < (*S.observed_time() + held).ns))
      return fail(why, [&] {
        return "process " + s.processes[p].name +
               " may see the lease expire before the leader's next changing commit (by " +
               format_seconds(c1.ns) + "s, observed at " + format_seconds(S.observed_time()->ns) + "s, lease " +
               format_duration(held) + ")";
      });
  }
  if (leader_out) *leader_out = *leader;
  return true;
}

namespace {

bool regime_holds(const World& w, bool scenario_supported, std::string* why) {
  if (!scenario_supported)
    if (auto problem = steady_regime_unsupported(w.scenario())) return fail(why, [&] { return *problem; });
  if (!w.faults_settled()) return fail(why, "a fault, a process start or a stop is pending or in effect");
  return steady_conditions_hold(w, nullptr, why);
}

}  // namespace

std::optional<std::string> steady_regime_gap(const World& w, bool scenario_supported) {
  std::string why;
  if (regime_holds(w, scenario_supported, &why)) return std::nullopt;
  return why;
}

bool in_steady_regime(const World& w, bool scenario_supported) { return regime_holds(w, scenario_supported, nullptr); }

}  // namespace leasesim
