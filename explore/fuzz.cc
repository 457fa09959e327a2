// fuzz.cc: scenario generators, the permitted-violation rules and the shrinker (see fuzz.h).
#include "explore/fuzz.h"

#include "explore/fuzz_coordinated.h"
#include "explore/fuzz_parts.h"

#include <algorithm>
#include <map>
#include <set>

#include "explore/fuzz_nodes.h"
#include "model/client_go_bounds.h"
#include "properties/analytic.h"
#include "properties/run.h"
#include "core/check.h"
#include "core/rng.h"

namespace leasesim {

std::string fuzz_case_name(const Scenario* tmpl, const std::string& family, uint64_t index) {
  return (tmpl ? tmpl->name + "-fuzz-" : "fuzz-" + family + "-") + std::to_string(index);
}

// The generators' and judges' building blocks (explore/fuzz_parts.h declares those that the
// coordinated family shares); the rest of this namespace is used here only.
namespace fuzz_parts {

Duration ms(int64_t n) { return milliseconds(n); }

// Uniform in [lo, hi] in steps of `step` (round values make shrunk files readable).
Duration pick_duration(Rng& r, Duration lo, Duration hi, Duration step) {
  return Duration(lo.ns + r.between(0, (hi.ns - lo.ns) / step.ns) * step.ns);
}

FaultTarget process_target(uint32_t p) { return FaultTarget{FaultTarget::Kind::Process, p}; }
FaultTarget leader_target() { return FaultTarget{FaultTarget::Kind::Leader, 0}; }

// A fault schedule. One case in three gets a single partition of the acting leader (both
// directions or requests only, for 5-40s or to the end) at a time in [focus_lo, focus_hi], the
// fault that exposes every timing bug (a leader that cannot renew keeps acting; a lost request
// hangs the tutorial loop); the others get 0-4 faults of every generated type at random.
void add_faults(Rng& r, Scenario& s, Duration focus_lo, Duration focus_hi) {
  if (r.below(3) == 0) {
    FaultSpec f;
    f.type = FaultType::Partition;
    f.target = leader_target();
    f.direction = r.below(2) ? Direction::Both : Direction::Requests;
    f.at = pick_duration(r, focus_lo, focus_hi, ms(100));
    if (r.below(3)) f.for_ = pick_duration(r, seconds(5), seconds(40), ms(500));
    s.faults.push_back(f);
    return;
  }
  const uint32_t n = static_cast<uint32_t>(s.processes.size());
  const uint64_t count = r.below(5);
  // Weighted: crash 3, restart 2, stop 1, partition 3, outage 2, clockJump 1, pause 1.
  static constexpr FaultType kTypes[] = {FaultType::Crash,     FaultType::Crash,     FaultType::Crash,
                                         FaultType::Restart,   FaultType::Restart,   FaultType::Stop,
                                         FaultType::Partition, FaultType::Partition, FaultType::Partition,
                                         FaultType::ApiServerOutage, FaultType::ApiServerOutage,
                                         FaultType::ClockJump, FaultType::Pause};
  for (uint64_t i = 0; i < count; ++i) {
    FaultSpec f;
    f.type = kTypes[r.below(std::size(kTypes))];
    f.at = pick_duration(r, seconds(1), s.duration - seconds(1), ms(100));
    const FaultTarget any = process_target(static_cast<uint32_t>(r.below(n)));
    switch (f.type) {
      case FaultType::Crash:
      case FaultType::Stop:
        f.target = r.below(2) ? leader_target() : any;
        break;
      case FaultType::Restart:
        f.target = any;
        break;
      case FaultType::Partition:
        f.target = r.below(2) ? leader_target() : any;
        f.direction = static_cast<Direction>(r.below(3));
        if (r.below(5)) f.for_ = pick_duration(r, seconds(1), seconds(40), ms(500));
        break;
      case FaultType::Pause:
        f.target = r.below(2) ? leader_target() : any;
        f.for_ = pick_duration(r, seconds(1), seconds(30), ms(500));
        break;
      case FaultType::ApiServerOutage:
        f.mode = r.below(2) ? OutageMode::Blackhole : OutageMode::Refuse;
        f.for_ = pick_duration(r, seconds(1), seconds(30), ms(500));
        break;
      case FaultType::ClockJump:
        f.target = any;
        f.by = seconds(r.between(-3600, 3600));
        break;
      case FaultType::ApiServerSlow:
      case FaultType::WatchStall:
        break;  // not generated
    }
    s.faults.push_back(f);
  }
  std::stable_sort(s.faults.begin(), s.faults.end(), [](const FaultSpec& a, const FaultSpec& b) { return a.at < b.at; });
}

void add_latency(Rng& r, Scenario& s) {
  s.api_server.latency.min = pick_duration(r, Duration(0), ms(20), ms(1));
  s.api_server.latency.max = s.api_server.latency.min + pick_duration(r, Duration(0), ms(200), ms(1));
}

ClientGoConfig random_client_go(Rng& r) {
  ClientGoConfig c;
  c.retry_period = pick_duration(r, ms(500), ms(3000), ms(100));
  // client-go check 2: RD > 1.2 * RP; whole seconds above that.
  const int64_t floor_s = (c.retry_period.ns * 12 / 10) / seconds(1).ns + 1;
  c.renew_deadline = seconds(floor_s + static_cast<int64_t>(r.below(8)));
  c.lease_duration = c.renew_deadline + seconds(1 + static_cast<int64_t>(r.below(10)));
  return c;
}

// The conflictCheck-off variant: the API server ignores resourceVersion, an existing Lease has
// no holder, and every process starts at the same instant, so candidates that read the same
// record race their writes (scenarios/gallery/client-go-no-conflict-check.yaml).
void make_conflict_race(Rng& r, Scenario& s, LeaseId lease) {
  s.api_server.conflict_check = false;
  if (s.leases.empty()) {
    InitialLease l;
    l.id = lease;
    l.spec.holder_identity = "";
    l.spec.lease_duration_seconds = static_cast<int32_t>(r.between(1, 15));
    s.leases.push_back(l);
  }
  const Duration start = r.below(2) ? Duration(0) : pick_duration(r, Duration(0), seconds(5), ms(10));
  for (ProcessSpec& p : s.processes) p.start = start;
}

std::shared_ptr<Scenario> generate_client_go(Rng& r, uint64_t index) {
  auto s = std::make_shared<Scenario>();
  s->name = fuzz_case_name(nullptr, "client-go", index);
  s->seed = r.next() >> 1;
  s->duration = seconds(60 + static_cast<int64_t>(r.below(121)));
  add_latency(r, *s);
  const LeaseId lease = s->lease_id("kube-system/fuzz");
  const uint32_t n = 2 + static_cast<uint32_t>(r.below(4));
  ClientGoConfig base = random_client_go(r);
  base.release_on_cancel = r.below(4) == 0;
  const bool varied = r.below(4) == 0;
  // Clock rates: equal, +-100ppm, +-1%, +-30%, or fast standbys (the first process at 0.9-1.0,
  // the others at 1.0-1.6: the dangerous direction when the first one leads).
  const uint64_t rate_mode = r.below(5);
  static constexpr int64_t kRateSpread[] = {0, 100000, 10000000, 300000000};  // 0, 100ppm, 1%, 30%
  const bool offsets = r.below(3) == 0;
  for (uint32_t p = 0; p < n; ++p) {
    ProcessSpec ps;
    ps.name = ps.identity = "p" + std::to_string(p);
    ClientGoConfig c = varied ? random_client_go(r) : base;
    c.release_on_cancel = base.release_on_cancel;
    ps.model = c;
    ps.lease = lease;
    if (rate_mode < 4) ps.clock.rate_ppb = kRateOne + r.between(-kRateSpread[rate_mode], kRateSpread[rate_mode]);
    else if (p == 0) ps.clock.rate_ppb = kRateOne - r.between(0, kRateOne / 10);
    else ps.clock.rate_ppb = kRateOne + r.between(0, kRateOne * 6 / 10);
    if (offsets) ps.clock.offset = pick_duration(r, seconds(-3600), seconds(3600), ms(1));
    if (r.below(3)) ps.start = pick_duration(r, Duration(0), seconds(5), ms(10));
    s->processes.push_back(ps);
  }
  // client-go leaders renew all the time: any instant of the first half finds one acting.
  add_faults(r, *s, seconds(5), s->duration / 2);
  if (r.below(8) == 0) make_conflict_race(r, *s, lease);
  return s;
}

std::shared_ptr<Scenario> generate_tutorial(Rng& r, uint64_t index) {
  auto s = std::make_shared<Scenario>();
  s->name = fuzz_case_name(nullptr, "tutorial", index);
  s->seed = r.next() >> 1;
  s->duration = seconds(60 + static_cast<int64_t>(r.below(121)));
  add_latency(r, *s);
  InitialLease lease;
  lease.id = s->lease_id("default/fuzz");
  lease.spec.holder_identity = "";
  const int32_t lds = static_cast<int32_t>(r.between(10, 60));
  lease.spec.lease_duration_seconds = lds;
  s->leases.push_back(lease);
  TutorialConfig base;
  base.loop_period = seconds(r.between(2, std::min<int64_t>(15, lds - 1)));
  base.crash_on_error = r.below(2) == 0;
  base.request_timeout = r.below(2) ? Duration(0) : seconds(r.between(1, 5));
  const uint64_t offset_mode = r.below(3);  // none, small, up to the lease duration
  const uint32_t n = 2 + static_cast<uint32_t>(r.below(4));
  for (uint32_t p = 0; p < n; ++p) {
    ProcessSpec ps;
    ps.name = ps.identity = "p" + std::to_string(p);
    ps.model = base;
    ps.lease = lease.id;
    if (offset_mode == 1) ps.clock.offset = pick_duration(r, seconds(-5), seconds(5), ms(1));
    if (offset_mode == 2) ps.clock.offset = pick_duration(r, seconds(-lds), seconds(lds), ms(1));
    if (r.below(3)) ps.start = pick_duration(r, Duration(0), seconds(5), ms(10));
    s->processes.push_back(ps);
  }
  // The loop acts only from an acquisition to its next iteration (it never renews early), so
  // the focused partition lands inside the first leadership: after the first process started
  // and before its second iteration.
  Duration first = s->processes[0].start;
  for (const ProcessSpec& p : s->processes) first = std::min(first, p.start);
  add_faults(r, *s, first + ms(300), first + base.loop_period - ms(100));
  // The loop never counts transitions, by design: judged in one case in eight only, so that the
  // permitted violation (scenarios/gallery/tutorial-transitions-never-move.yaml) is reached
  // without every tutorial case showing it.
  s->properties.transitions_match = r.below(8) == 0;
  if (r.below(8) == 0) make_conflict_race(r, *s, lease.id);
  return s;
}

Duration last_fault_end(const Scenario& s) {
  Duration end{};
  for (const FaultSpec& f : s.faults) end = std::max(end, f.at + f.for_.value_or(Duration{}));
  return end;
}

std::shared_ptr<Scenario> vary_template(const Scenario& t, Rng& r, uint64_t index) {
  auto s = std::make_shared<Scenario>(t);
  s->name = fuzz_case_name(&t, "template", index);
  s->source_path.clear();
  s->explore.replay.clear();
  s->seed = r.next() >> 1;
  auto scale = [&](Duration d, int64_t lo_permille, int64_t hi_permille) {
    return Duration(d.ns / 1000 * r.between(lo_permille, hi_permille) + d.ns % 1000);
  };
  LatencyRange& l = s->api_server.latency;
  l.min = scale(l.min, 500, 2000);
  l.max = std::max(l.min, scale(l.max, 500, 2000));
  for (ProcessSpec& p : s->processes) {
    // A client-go-real helper's clock is its synctest bubble's, which has no offset or drift
    // (model/external_elector.h): vary only what it can run.
    if (std::holds_alternative<ClientGoRealConfig>(p.model)) continue;
    p.clock.offset += pick_duration(r, seconds(-1), seconds(1), ms(1));
    p.clock.rate_ppb = std::max<int64_t>(1, p.clock.rate_ppb + r.between(-100000, 100000));
  }
  const std::vector<FaultSpec> original = s->faults;
  for (FaultSpec& f : s->faults) {
    f.at = std::clamp(f.at + pick_duration(r, seconds(-2), seconds(2), ms(10)), Duration(0), s->duration - Duration(1));
    if (f.for_) f.for_ = std::max(Duration(1), scale(*f.for_, 500, 1500));
  }
  // eventuallyLeader must still fit after the last fault: keep the template's schedule if not.
  if (s->properties.eventually_leader && last_fault_end(*s) + *s->properties.eventually_leader > s->duration)
    s->faults = original;
  return s;
}

bool all_models(const Scenario& s, bool client_go) {
  for (const ProcessSpec& p : s.processes)
    if (std::holds_alternative<ClientGoConfig>(p.model) != client_go) return false;
  return !s.processes.empty();
}

bool has_fault(const Scenario& s, FaultType t) {
  return std::any_of(s.faults.begin(), s.faults.end(), [&](const FaultSpec& f) { return f.type == t; });
}

std::string secs(Duration d) { return format_duration(d); }

// A ppb value as an exact decimal with at least one fractional digit: 1249500000 -> "1.2495".
std::string ppb_text(int64_t ppb) {
  const bool negative = ppb < 0;
  const uint64_t v = negative ? 0 - static_cast<uint64_t>(ppb) : static_cast<uint64_t>(ppb);
  std::string frac = std::to_string(v % 1000000000 + 1000000000).substr(1);
  while (frac.size() > 1 && frac.back() == '0') frac.pop_back();
  return (negative ? "-" : "") + std::to_string(v / 1000000000) + "." + frac;
}

void permit_client_go_pair(const Scenario& s, const std::string& l_name, const ClientGoConfig& lc, int64_t l_rate,
                           const std::string& c_name, const ClientGoConfig& cc, int64_t c_rate, Duration latency_max,
                           const PermitFn& permit) {
  BoundsEnvironment env;
  env.leader_rate_ppb = l_rate;
  env.candidate_rate_ppb = c_rate;
  env.latency_min = s.api_server.latency.min;
  env.latency_max = latency_max;
  const ClientGoBounds b = client_go_bounds(lc, cc, env);
  if (b.no_overlap) {
    // spec 4 (precision): change detection compares records with whole-second times, so
    // writes whose attempts start in one second of the leader's wall clock look alike and
    // a candidate may count the lease down from the first of them. The bound's
    // no_overlap covers that lag for one incarnation of the leader whose requests do not
    // time out (model/client_go_bounds.h); a restart within the second, a renewal whose
    // fast-path Update timed out, or a backward jump of the leader's wall clock stretch
    // it further, so those schedules are permitted when the bound says they can overlap.
    const auto timeouts = [&] {
      return std::any_of(s.faults.begin(), s.faults.end(), [](const FaultSpec& f) {
        return f.type == FaultType::Partition || f.type == FaultType::ApiServerSlow ||
               (f.type == FaultType::ApiServerOutage && f.mode == OutageMode::Blackhole);
      });
    };
    const bool back_jump = std::any_of(s.faults.begin(), s.faults.end(), [](const FaultSpec& f) {
      return f.type == FaultType::ClockJump && f.by.ns < 0;
    });
    std::string why;
    if (!b.no_overlap_despite_timeouts && timeouts())
      why = "a request of leader " + l_name + " may time out, and a renewal that then succeeds carries an older "
            "second (lag " + secs(b.invisible_renewal_lag_timeout_true) + ")";
    else if (!b.no_overlap_despite_restarts && has_fault(s, FaultType::Restart))
      why = "leader " + l_name + " may restart within one second of its last write (lag " +
            secs(b.invisible_renewal_lag_restart_true) + ")";
    else if (back_jump)
      why = "a wall clock jumps back, so later writes may repeat an earlier second";
    if (!why.empty())
      permit("singleLeader", "invisible-renewals",
             why + "; candidate " + c_name + " may miss renewals in that second (margin " + secs(b.safety_margin) + ")");
    return;
  }
  const std::string pair = "leader " + l_name + " / candidate " + c_name + " outside the analytic tolerance";
  ClientGoConfig no_release = lc;
  no_release.release_on_cancel = false;
  const ClientGoBounds timing = client_go_bounds(no_release, cc, env);
  if (!timing.no_overlap) {
    BoundsEnvironment equal = env;
    equal.leader_rate_ppb = equal.candidate_rate_ppb = kRateOne;
    if (client_go_bounds(no_release, cc, equal).no_overlap) {
      permit("singleLeader", "rate-outside-tolerance",
             pair + " (clock rate ratio " + ppb_text(timing.rate_ratio_ppb) + " >= limit " +
                 ppb_text(timing.rate_ratio_limit_ppb) + ")");
    } else {
      permit("singleLeader", "timing-outside-tolerance",
             pair + " at equal clock rates (margin " + secs(timing.safety_margin) + " against latency " +
                 secs(latency_max) + ")");
    }
  }
  if (b.release_voids_safety)
    permit("singleLeader", "release-on-cancel",
           "leader " + l_name + " has releaseOnCancel: its release can hand the lease over while it still acts "
           "(spec 2.4a), outside the analytic tolerance");
}

}  // namespace fuzz_parts

using namespace fuzz_parts;

const std::vector<std::string>& permit_kinds() {
  // The most specific cause first: a tutorial transitionsMatch violation is always its missing
  // count; resourceVersion checks off break both properties on their own; rates, timing and the
  // release hazard are the client-go configuration; clocks, jumps and lost requests the
  // tutorial's; pauses break every lease, so they come last and never hide another cause.
  // Coordinated election's hazards (explore/fuzz_coordinated.h) come before the pauses too.
  static const std::vector<std::string> kinds = {
      "no-transitions",         "cle-handover-uncounted",   "conflictCheck-off",  "duplicate-identity",
      "quiesce",                "rate-outside-tolerance",   "timing-outside-tolerance", "release-on-cancel",
      "invisible-renewals",     "cle-clock-ahead",          "cle-ack-clock-skew", "cle-no-controller",
      "cle-stale-preferred-holder",
      "clock-offset",           "clock-rates",              "clock-jump",         "lost-requests",
      "mixed-models",           "pause",                    "expect",
      // Node scenarios (explore/fuzz_nodes.h): a controller manager's failover with no replica
      // left to take over first (the only cause of a failoverWithin failure in a node case);
      // then the clock step and the stalled watch, the specific causes; outages, slow servers
      // and failovers cover many nodes at once; a kubelet's heartbeats resuming at the grace
      // period's end is a near miss of one latency, named only when nothing else explains it.
      "no-candidate-left",
      "kubelet-clock-step-back", "watch-stall", "controller-failover", "slow-api-server", "api-server-outage",
      "heartbeats-resume-at-grace"};
  return kinds;
}

std::vector<std::string> Permitted::kinds(const std::string& property) const {
  std::vector<std::string> out;
  for (const std::string& k : permit_kinds())
    for (const Permit& p : permits)
      if (p.property == property && p.kind == k) {
        out.push_back(k);
        break;
      }
  return out;
}

std::vector<std::string> Permitted::reasons_for(const std::string& property, const std::string& kind) const {
  std::vector<std::string> out;
  for (const Permit& p : permits)
    if (p.property == property && p.kind == kind) out.push_back(p.reason);
  return out;
}

Permitted permitted_violations(const Scenario& s, bool from_template) {
  Permitted out;
  auto permit = [&](const std::string& name, const std::string& kind, const std::string& reason) {
    Permit p{name, kind, reason};
    if (std::find(out.permits.begin(), out.permits.end(), p) != out.permits.end()) return;
    if (std::find(out.names.begin(), out.names.end(), name) == out.names.end()) out.names.push_back(name);
    out.reasons.push_back(name + ": " + reason);
    out.permits.push_back(std::move(p));
  };
  if (from_template) {
    for (const std::string& name : s.expect.violated) permit(name, "expect", "named in expect");
    std::sort(out.names.begin(), out.names.end());
    return out;
  }
  if (!s.api_server.conflict_check) {
    permit("singleLeader", "conflictCheck-off", "conflictCheck is off");
    permit("transitionsMatch", "conflictCheck-off", "conflictCheck is off");
  }
  std::set<std::string> identities;
  for (const ProcessSpec& p : s.processes) {
    if (!identities.insert(p.identity).second)
      permit("singleLeader", "duplicate-identity", "duplicate identity " + p.identity);
    if (p.quiesce.ns > 0) permit("singleLeader", "quiesce", p.name + " quiesces after losing the lease");
  }
  if (has_fault(s, FaultType::Pause))
    permit("singleLeader", "pause", "a process is paused (pauses break leases by design)");
  Duration latency_max = s.api_server.latency.max;
  for (const FaultSpec& f : s.faults)
    if (f.type == FaultType::ApiServerSlow) latency_max = std::max(latency_max, f.latency.max);
  if (coordinated_scenario(s)) {
    permit_coordinated(s, latency_max, permit);
  } else if (all_models(s, true)) {
    // docs/models/client-go-elector.md section 5: every leader/candidate pair must satisfy d + (RP+RD)/r_L < LDS/r_C. The
    // kind says what breaks it: the rates (equal rates would be inside), the timing itself
    // (leaseDuration against retryPeriod + renewDeadline and the latency, at any rates), or
    // only the release hazard of spec 2.4a.
    for (const ProcessSpec& l : s.processes) {
      for (const ProcessSpec& c : s.processes) {
        if (&l == &c || l.lease != c.lease) continue;
        permit_client_go_pair(s, l.name, std::get<ClientGoConfig>(l.model), l.clock.rate_ppb, c.name,
                              std::get<ClientGoConfig>(c.model), c.clock.rate_ppb, latency_max, permit);
      }
    }
  } else if (is_node_scenario(s)) {
    add_node_permits(s, permit);
  } else if (all_models(s, false)) {
    // docs/models/tutorial-elector.md: the loop trusts other machines' wall clocks and hangs on a
    // lost request, so these are its known ways to two leaders.
    permit("transitionsMatch", "no-transitions", "the tutorial loop never counts transitions");
    for (FaultType t : {FaultType::Partition, FaultType::ApiServerSlow})
      if (has_fault(s, t)) permit("singleLeader", "lost-requests", std::string("a ") + fault_type_name(t) + " fault");
    if (has_fault(s, FaultType::ClockJump)) permit("singleLeader", "clock-jump", "a clockJump fault");
    for (const FaultSpec& f : s.faults)
      if (f.type == FaultType::ApiServerOutage && f.mode == OutageMode::Blackhole)
        permit("singleLeader", "lost-requests", "a blackhole outage hangs the loop");
    Duration lo = s.processes[0].clock.offset, hi = lo, loop{};
    bool rates = false;
    for (const ProcessSpec& p : s.processes) {
      lo = std::min(lo, p.clock.offset);
      hi = std::max(hi, p.clock.offset);
      loop = std::max(loop, std::get<TutorialConfig>(p.model).loop_period);
      rates |= p.clock.rate_ppb != kRateOne;
    }
    if (rates) permit("singleLeader", "clock-rates", "clock rates differ from 1");
    int32_t lds = 0;
    for (const InitialLease& l : s.leases)
      if (l.spec.lease_duration_seconds) lds = std::max(lds, *l.spec.lease_duration_seconds);
    if (hi - lo >= seconds(lds) - loop - seconds(1))
      permit("singleLeader", "clock-offset",
             "wall clocks " + secs(hi - lo) + " apart, >= leaseDurationSeconds - loopPeriod - 1s");
  } else {
    permit("singleLeader", "mixed-models", "mixed models");
    permit("transitionsMatch", "mixed-models", "mixed models");
  }
  std::sort(out.names.begin(), out.names.end());
  return out;
}

// Which built-in cases are coordinated: one in eight, from this stream.
constexpr uint64_t kCoordinatedStream = 0x636c652d66757a7aull;

FuzzCase generate_case(const Scenario* tmpl, uint64_t fuzz_seed, uint64_t index, FuzzGenerators generators) {
  Rng r = Rng(fuzz_seed).fork(index);
  FuzzCase c;
  c.index = index;
  if (!tmpl && generators == FuzzGenerators::Nodes) {
    c.family = "nodes";
    c.scenario = generate_nodes(r, index);
  } else if (tmpl) {
    c.family = "template";
    c.scenario = vary_template(*tmpl, r, index);
  } else if (Rng(fuzz_seed ^ kCoordinatedStream).fork(index).below(8) == 0) {
    // Drawn from a stream of its own, so that the other cases stay what they were.
    c.family = "coordinated";
    c.scenario = generate_coordinated(r, index);
  } else if (r.below(4) == 0) {
    c.family = "tutorial";
    c.scenario = generate_tutorial(r, index);
  } else {
    c.family = "client-go";
    c.scenario = generate_client_go(r, index);
  }
  return c;
}

bool shrink_candidate_valid(const Scenario& s) {
  for (const FaultSpec& f : s.faults) {
    if (f.at >= s.duration) return false;
    if (f.target.kind == FaultTarget::Kind::Process && f.target.process >= s.processes.size()) return false;
  }
  if (s.properties.eventually_leader && last_fault_end(s) + *s.properties.eventually_leader > s.duration) return false;
  // nodeNotReadyWithin: auto has no bound without a node lifecycle controller, and the run then
  // reports that as a violation: a shrinker that dropped the controller would keep a scenario
  // that shows a configuration error instead of the bug.
  if (s.properties.node_not_ready_within_auto &&
      std::none_of(s.processes.begin(), s.processes.end(),
                   [](const ProcessSpec& p) { return std::holds_alternative<NodeLifecycleConfig>(p.model); }))
    return false;
  // failoverWithin: auto likewise needs an analytic bound: two processes of each elected lease
  // whose election is client-go's (the loader refuses the scenario file otherwise).
  if (s.properties.failover_within_auto && !analytic_bounds(s)) return false;
  for (const ProcessSpec& p : s.processes) {
    const bool ok = std::visit([](const auto& c) { return !validate(c).has_value(); }, p.model);
    if (!ok) return false;
  }
  return !s.processes.empty();
}

std::shared_ptr<const Scenario> shrink_scenario(std::shared_ptr<const Scenario> scenario,
                                                const std::function<bool(const Scenario&)>& still_fails, uint32_t* runs) {
  Scenario cur = *scenario;
  uint32_t count = 0;
  // A smaller scenario draws its random choices in another order, so the same seed may no longer
  // show the bug where another one would: each candidate is tried with its own seed and then
  // with seeds 1, 2 and 3 (which also makes the saved file's seed short).
  auto attempt = [&](Scenario candidate) {
    if (candidate == cur || !shrink_candidate_valid(candidate)) return false;
    std::vector<uint64_t> seeds{candidate.seed};
    for (uint64_t seed = 1; seed <= 3; ++seed)
      if (seed != seeds.front()) seeds.push_back(seed);
    for (uint64_t seed : seeds) {
      candidate.seed = seed;
      ++count;
      if (still_fails(candidate)) {
        cur = std::move(candidate);
        return true;
      }
    }
    return false;
  };
  for (bool changed = true; changed;) {
    changed = false;
    // Drop faults, last first (later faults tend to be the incidental ones).
    for (size_t i = cur.faults.size(); i-- > 0;) {
      Scenario c = cur;
      c.faults.erase(c.faults.begin() + static_cast<ptrdiff_t>(i));
      changed |= attempt(c);
    }
    // Drop processes; faults aimed at a dropped process go with it.
    for (size_t p = cur.processes.size(); p-- > 0 && cur.processes.size() > 1;) {
      Scenario c = cur;
      c.processes.erase(c.processes.begin() + static_cast<ptrdiff_t>(p));
      std::vector<FaultSpec> kept;
      for (FaultSpec f : c.faults) {
        if (f.target.kind == FaultTarget::Kind::Process) {
          if (f.target.process == p) continue;
          if (f.target.process > p) --f.target.process;
        }
        kept.push_back(f);
      }
      c.faults = kept;
      renumber_nodes(c);  // a dropped kubelet takes its Node with it
      changed |= attempt(c);
    }
    // Move faults earlier (halve their start, in whole 100ms), so that the run can end sooner.
    for (size_t i = 0; i < cur.faults.size(); ++i) {
      const Duration at = Duration(cur.faults[i].at.ns / 2 / milliseconds(100).ns * milliseconds(100).ns);
      if (at == cur.faults[i].at || (i > 0 && at < cur.faults[i - 1].at)) continue;
      Scenario c = cur;
      c.faults[i].at = at;
      changed |= attempt(c);
    }
    // Shorten the run: cut half of it, then a quarter, an eighth, ... down to whole seconds,
    // keeping each cut that still fails (faults past the new end go).
    for (Duration cut = cur.duration / 2; cut >= seconds(1); cut = cut / 2) {
      while (cur.duration - cut >= seconds(1)) {
        Scenario c = cur;
        c.duration = Duration((cur.duration - cut).ns / seconds(1).ns * seconds(1).ns);
        std::erase_if(c.faults, [&](const FaultSpec& f) { return f.at >= c.duration; });
        if (!attempt(c)) break;
        changed = true;
      }
    }
    // A short seed.
    if (cur.seed > 3) {
      Scenario c = cur;
      c.seed = 1;
      changed |= attempt(c);
    }
    // Simplify values, one at a time.
    {
      Scenario c = cur;
      c.api_server.latency = LatencyRange{};
      changed |= attempt(c);
    }
    for (size_t p = 0; p < cur.processes.size(); ++p) {
      for (int what = 0; what < 4; ++what) {
        Scenario c = cur;
        ProcessSpec& ps = c.processes[p];
        if (what == 0) ps.clock.offset = Duration(0);
        if (what == 1) ps.clock.rate_ppb = kRateOne;
        if (what == 2) ps.start = Duration(0);
        if (what == 3) {
          if (auto* g = std::get_if<ClientGoConfig>(&ps.model)) {
            // A coordinated candidate keeps its role and versions (and its rejoin after a loss).
            ClientGoConfig d;
            if (g->coordinated) {
              d.coordinated = true;
              d.binary_version = g->binary_version;
              d.emulation_version = g->emulation_version;
              d.rejoin_after_loss = g->rejoin_after_loss;
            }
            *g = d;
          }
          if (auto* t = std::get_if<TutorialConfig>(&ps.model)) *t = TutorialConfig{};
        }
        changed |= attempt(c);
      }
    }
    for (size_t i = 0; i < cur.faults.size(); ++i) {
      if (!cur.faults[i].for_ || *cur.faults[i].for_ < seconds(2)) continue;
      Scenario c = cur;
      c.faults[i].for_ = Duration(*c.faults[i].for_ / 2);
      changed |= attempt(c);
    }
  }
  if (runs) *runs = count;
  return std::make_shared<const Scenario>(std::move(cur));
}

std::vector<std::string> FuzzOutcome::failing() const {
  std::vector<std::string> out;
  for (const FuzzFailure& f : failures) out.push_back(f.bug.property);
  return out;
}

namespace {

// The properties a `Known` judge counts whenever they are violated.
bool judged_safety(const std::string& property) {
  return property == "singleLeader" || property == "transitionsMatch" || property == "noFalseNotReady";
}

std::string first_message(const RunResult& run, const std::string& property) {
  for (const PropertyResult& p : run.evaluation.results)
    if (p.name == property && !p.violations.empty()) return p.violations.front().message;
  return "";
}

}  // namespace

std::vector<FuzzFailure> judge_violations(const Scenario& s, const std::string& family, bool from_template,
                                          FuzzJudge judge, const std::vector<std::string>& violated,
                                          const std::vector<std::string>& first_messages) {
  const Permitted permitted = permitted_violations(s, from_template);
  std::vector<FuzzFailure> out;
  for (size_t i = 0; i < violated.size(); ++i) {
    const std::string& name = violated[i];
    const std::vector<std::string> kinds = permitted.kinds(name);
    if (!kinds.empty() && !(judge == FuzzJudge::Known && judged_safety(name))) continue;
    FuzzFailure f;
    f.bug = BugClass{family, name, kinds.empty() ? std::string(kUnexpectedKind) : kinds.front()};
    f.pure = kinds.size() <= 1;
    if (!kinds.empty()) f.reasons = permitted.reasons_for(name, kinds.front());
    f.message = i < first_messages.size() ? first_messages[i] : std::string();
    out.push_back(std::move(f));
  }
  return out;
}

bool shows_bug(const Scenario& s, const BugClass& bug, bool from_template, const std::vector<std::string>* allowed_kinds) {
  const Permitted permitted = permitted_violations(s, from_template);
  const std::vector<std::string> kinds = permitted.kinds(bug.property);
  // Cheap checks first: the configuration must still point at the same cause.
  if ((kinds.empty() ? std::string(kUnexpectedKind) : kinds.front()) != bug.kind) return false;
  if (allowed_kinds)
    for (const std::string& k : kinds)
      if (std::find(allowed_kinds->begin(), allowed_kinds->end(), k) == allowed_kinds->end()) return false;
  const RunResult run = run_scenario(std::make_shared<const Scenario>(s), s.seed);
  const std::vector<std::string>& v = run.evaluation.violated;
  return std::find(v.begin(), v.end(), bug.property) != v.end();
}

std::shared_ptr<const Scenario> shrink_failure(std::shared_ptr<const Scenario> scenario, const FuzzFailure& f,
                                               bool from_template, uint32_t* runs) {
  const std::vector<std::string> allowed = permitted_violations(*scenario, from_template).kinds(f.bug.property);
  return shrink_scenario(
      scenario, [&](const Scenario& c) { return shows_bug(c, f.bug, from_template, &allowed); }, runs);
}

FuzzOutcome fuzz_case(const Scenario* tmpl, uint64_t fuzz_seed, uint64_t index, FuzzJudge judge, bool shrink,
                      FuzzGenerators generators) {
  FuzzCase c = generate_case(tmpl, fuzz_seed, index, generators);
  FuzzOutcome o;
  o.index = index;
  o.family = c.family;
  o.name = c.scenario->name;
  o.processes = static_cast<uint32_t>(c.scenario->processes.size());
  o.faults = static_cast<uint32_t>(c.scenario->faults.size());
  o.scenario = c.scenario;
  o.seed = c.scenario->seed;
  const bool from_template = tmpl != nullptr;
  const RunResult run = run_scenario(c.scenario, o.seed);
  o.violated = run.evaluation.violated;
  o.trace_hash = run.trace_hash;
  std::vector<std::string> messages;
  for (const std::string& name : o.violated) messages.push_back(first_message(run, name));
  for (const FuzzFailure& f : judge_violations(*c.scenario, c.family, from_template, FuzzJudge::Unexpected, o.violated, messages))
    o.unexpected.push_back(f.bug.property);
  o.failures = judge_violations(*c.scenario, c.family, from_template, judge, o.violated, messages);
  for (const FuzzFailure& f : o.failures) o.messages.push_back(f.bug.property + ": " + f.message);
  if (o.failed() && shrink) o.shrunk = shrink_failure(c.scenario, o.failures.front(), from_template, &o.shrink_runs);
  return o;
}

std::vector<ClassSummary> group_failures(const std::vector<const FuzzOutcome*>& outcomes, size_t examples) {
  std::vector<ClassSummary> classes;
  std::map<BugClass, size_t> where;
  for (const FuzzOutcome* o : outcomes) {
    for (const FuzzFailure& f : o->failures) {
      auto [it, fresh] = where.emplace(f.bug, classes.size());
      if (fresh) {
        ClassSummary c;
        c.bug = f.bug;
        c.first_index = c.shrink_index = o->index;
        classes.push_back(c);
      }
      ClassSummary& c = classes[it->second];
      LS_CHECK(o->index >= c.first_index, "fuzz outcomes are grouped in ascending index order");
      ++c.cases;
      if (f.pure) {
        if (c.pure_cases++ == 0) c.shrink_index = o->index;
      }
      if (c.examples.size() < examples) c.examples.push_back(o->index);
    }
  }
  return classes;
}

}  // namespace leasesim
