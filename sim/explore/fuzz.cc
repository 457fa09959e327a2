// fuzz.cc: scenario generators, the permitted-violation rules and the shrinker (see fuzz.h).
#include "sim/explore/fuzz.h"

#include <algorithm>
#include <set>

#include "model/client_go_bounds.h"
#include "properties/run.h"
#include "sim/core/rng.h"

namespace leasesim {
namespace {

Duration ms(int64_t n) { return milliseconds(n); }

// Uniform in [lo, hi] in steps of `step` (round values make shrunk files readable).
Duration pick_duration(Rng& r, Duration lo, Duration hi, Duration step) {
  return Duration(lo.ns + r.between(0, (hi.ns - lo.ns) / step.ns) * step.ns);
}

FaultTarget process_target(uint32_t p) { return FaultTarget{FaultTarget::Kind::Process, p}; }
FaultTarget leader_target() { return FaultTarget{FaultTarget::Kind::Leader, 0}; }

// A fault schedule over `n` processes; `allow_release` is unused by the faults themselves.
void add_faults(Rng& r, Scenario& s) {
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

std::shared_ptr<Scenario> generate_client_go(Rng& r, uint64_t index) {
  auto s = std::make_shared<Scenario>();
  s->name = "fuzz-client-go-" + std::to_string(index);
  s->seed = r.next() >> 1;
  s->duration = seconds(60 + static_cast<int64_t>(r.below(121)));
  add_latency(r, *s);
  const LeaseId lease = s->lease_id("kube-system/fuzz");
  const uint32_t n = 2 + static_cast<uint32_t>(r.below(4));
  ClientGoConfig base = random_client_go(r);
  base.release_on_cancel = r.below(4) == 0;
  const bool varied = r.below(4) == 0;
  const uint64_t rate_mode = r.below(4);
  static constexpr int64_t kRateSpread[] = {0, 100000, 10000000, 300000000};  // 0, 100ppm, 1%, 30%
  const bool offsets = r.below(3) == 0;
  for (uint32_t p = 0; p < n; ++p) {
    ProcessSpec ps;
    ps.name = ps.identity = "p" + std::to_string(p);
    ClientGoConfig c = varied ? random_client_go(r) : base;
    c.release_on_cancel = base.release_on_cancel;
    ps.model = c;
    ps.lease = lease;
    ps.clock.rate_ppb = kRateOne + r.between(-kRateSpread[rate_mode], kRateSpread[rate_mode]);
    if (offsets) ps.clock.offset = pick_duration(r, seconds(-3600), seconds(3600), ms(1));
    if (r.below(3)) ps.start = pick_duration(r, Duration(0), seconds(5), ms(10));
    s->processes.push_back(ps);
  }
  add_faults(r, *s);
  return s;
}

std::shared_ptr<Scenario> generate_tutorial(Rng& r, uint64_t index) {
  auto s = std::make_shared<Scenario>();
  s->name = "fuzz-tutorial-" + std::to_string(index);
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
  s->properties.transitions_match = false;  // the loop never counts transitions, by design
  add_faults(r, *s);
  return s;
}

Duration last_fault_end(const Scenario& s) {
  Duration end{};
  for (const FaultSpec& f : s.faults) end = std::max(end, f.at + f.for_.value_or(Duration{}));
  return end;
}

std::shared_ptr<Scenario> vary_template(const Scenario& t, Rng& r, uint64_t index) {
  auto s = std::make_shared<Scenario>(t);
  s->name = t.name + "-fuzz-" + std::to_string(index);
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

}  // namespace

Permitted permitted_violations(const Scenario& s, bool from_template) {
  Permitted out;
  auto permit = [&](const std::string& name, const std::string& reason) {
    if (std::find(out.names.begin(), out.names.end(), name) == out.names.end()) out.names.push_back(name);
    out.reasons.push_back(name + ": " + reason);
  };
  if (from_template) {
    for (const std::string& name : s.expect.violated) permit(name, "named in expect");
    std::sort(out.names.begin(), out.names.end());
    return out;
  }
  if (!s.api_server.conflict_check) {
    permit("singleLeader", "conflictCheck is off");
    permit("transitionsMatch", "conflictCheck is off");
  }
  std::set<std::string> identities;
  for (const ProcessSpec& p : s.processes) {
    if (!identities.insert(p.identity).second) permit("singleLeader", "duplicate identity " + p.identity);
    if (p.quiesce.ns > 0) permit("singleLeader", p.name + " quiesces after losing the lease");
  }
  if (has_fault(s, FaultType::Pause)) permit("singleLeader", "a process is paused (pauses break leases by design)");
  Duration latency_max = s.api_server.latency.max;
  for (const FaultSpec& f : s.faults)
    if (f.type == FaultType::ApiServerSlow) latency_max = std::max(latency_max, f.latency.max);
  if (all_models(s, true)) {
    // client-go spec 5: every leader/candidate pair must satisfy d + (RP+RD)/r_L < LDS/r_C.
    for (const ProcessSpec& l : s.processes) {
      for (const ProcessSpec& c : s.processes) {
        if (&l == &c || l.lease != c.lease) continue;
        BoundsEnvironment env;
        env.leader_rate_ppb = l.clock.rate_ppb;
        env.candidate_rate_ppb = c.clock.rate_ppb;
        env.latency_min = s.api_server.latency.min;
        env.latency_max = latency_max;
        const ClientGoBounds b =
            client_go_bounds(std::get<ClientGoConfig>(l.model), std::get<ClientGoConfig>(c.model), env);
        if (!b.no_overlap) {
          permit("singleLeader", "leader " + l.name + " / candidate " + c.name + " outside the analytic tolerance (margin " +
                                     secs(b.safety_margin) + (b.release_voids_safety ? ", releaseOnCancel" : "") + ")");
        }
      }
    }
  } else if (all_models(s, false)) {
    // shared/spec/tutorial-elector.md: the loop trusts other machines' wall clocks and hangs on a
    // lost request, so these are its known ways to two leaders.
    permit("transitionsMatch", "the tutorial loop never counts transitions");
    for (FaultType t : {FaultType::Partition, FaultType::ClockJump, FaultType::ApiServerSlow})
      if (has_fault(s, t)) permit("singleLeader", std::string("a ") + fault_type_name(t) + " fault");
    for (const FaultSpec& f : s.faults)
      if (f.type == FaultType::ApiServerOutage && f.mode == OutageMode::Blackhole)
        permit("singleLeader", "a blackhole outage hangs the loop");
    Duration lo = s.processes[0].clock.offset, hi = lo, loop{};
    bool rates = false;
    for (const ProcessSpec& p : s.processes) {
      lo = std::min(lo, p.clock.offset);
      hi = std::max(hi, p.clock.offset);
      loop = std::max(loop, std::get<TutorialConfig>(p.model).loop_period);
      rates |= p.clock.rate_ppb != kRateOne;
    }
    if (rates) permit("singleLeader", "clock rates differ from 1");
    int32_t lds = 0;
    for (const InitialLease& l : s.leases)
      if (l.spec.lease_duration_seconds) lds = std::max(lds, *l.spec.lease_duration_seconds);
    if (hi - lo >= seconds(lds) - loop - seconds(1))
      permit("singleLeader", "wall clocks " + secs(hi - lo) + " apart, >= leaseDurationSeconds - loopPeriod - 1s");
  } else {
    permit("singleLeader", "mixed models");
    permit("transitionsMatch", "mixed models");
  }
  std::sort(out.names.begin(), out.names.end());
  return out;
}

FuzzCase generate_case(const Scenario* tmpl, uint64_t fuzz_seed, uint64_t index) {
  Rng r = Rng(fuzz_seed).fork(index);
  FuzzCase c;
  c.index = index;
  if (tmpl) {
    c.family = "template";
    c.scenario = vary_template(*tmpl, r, index);
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
  auto attempt = [&](const Scenario& candidate) {
    if (candidate == cur || !shrink_candidate_valid(candidate)) return false;
    ++count;
    if (!still_fails(candidate)) return false;
    cur = candidate;
    return true;
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
      changed |= attempt(c);
    }
    // Shorten the run: halve it while it still fails (faults past the new end go).
    for (Duration d = cur.duration / 2; d >= seconds(1); d = cur.duration / 2) {
      Scenario c = cur;
      c.duration = Duration(d.ns / seconds(1).ns * seconds(1).ns);
      std::erase_if(c.faults, [&](const FaultSpec& f) { return f.at >= c.duration; });
      if (!attempt(c)) break;
      changed = true;
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
          if (auto* g = std::get_if<ClientGoConfig>(&ps.model)) *g = ClientGoConfig{};
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

FuzzOutcome fuzz_case(const Scenario* tmpl, uint64_t fuzz_seed, uint64_t index) {
  FuzzCase c = generate_case(tmpl, fuzz_seed, index);
  FuzzOutcome o;
  o.index = index;
  o.family = c.family;
  o.scenario = c.scenario;
  o.seed = c.scenario->seed;
  const bool from_template = tmpl != nullptr;
  // The unexpected violations of a scenario, with the first message of each.
  auto judge = [&](const Scenario& s, std::vector<std::string>* messages, RunResult* keep) {
    auto shared = std::make_shared<const Scenario>(s);
    RunResult run = run_scenario(shared, s.seed);
    const Permitted permitted = permitted_violations(s, from_template);
    std::vector<std::string> unexpected;
    for (const std::string& name : run.evaluation.violated) {
      if (std::find(permitted.names.begin(), permitted.names.end(), name) != permitted.names.end()) continue;
      unexpected.push_back(name);
      if (!messages) continue;
      for (const PropertyResult& p : run.evaluation.results) {
        if (p.name == name && !p.violations.empty()) {
          messages->push_back(name + ": " + p.violations.front().message);
          break;
        }
      }
    }
    if (keep) *keep = std::move(run);
    return unexpected;
  };
  RunResult first{c.scenario, o.seed, StepStatus::Horizon, World(c.scenario), {}, 0, 0};
  o.unexpected = judge(*c.scenario, &o.messages, &first);
  o.violated = first.evaluation.violated;
  o.trace_hash = first.trace_hash;
  if (!o.failed()) return o;
  const std::string target = o.unexpected.front();
  o.shrunk = shrink_scenario(
      c.scenario,
      [&](const Scenario& s) {
        const auto unexpected = judge(s, nullptr, nullptr);
        return std::find(unexpected.begin(), unexpected.end(), target) != unexpected.end();
      },
      &o.shrink_runs);
  return o;
}

}  // namespace leasesim
