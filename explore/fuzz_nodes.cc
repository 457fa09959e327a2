// fuzz_nodes.cc: the node-heartbeat fuzz family and its permits (see fuzz_nodes.h).
#include "explore/fuzz_nodes.h"

#include <algorithm>
#include <iterator>
#include <optional>

#include "model/lease_heartbeat_controller.h"
#include "model/process_model.h"

namespace leasesim {
namespace {

Duration ms(int64_t n) { return milliseconds(n); }

Duration pick(Rng& r, Duration lo, Duration hi, Duration step) {
  return Duration(lo.ns + r.between(0, (hi.ns - lo.ns) / step.ns) * step.ns);
}

bool is_kubelet(const ProcessSpec& p) { return std::holds_alternative<KubeletConfig>(p.model); }
bool is_controller(const ProcessSpec& p) { return std::holds_alternative<NodeLifecycleConfig>(p.model); }

std::string proc_name(const Scenario& s, const FaultTarget& t) {
  if (t.kind == FaultTarget::Kind::Leader) return "the leader";
  if (t.kind == FaultTarget::Kind::Process && t.process < s.processes.size()) return s.processes[t.process].name;
  return "every process";
}

bool targets_controller(const Scenario& s, const FaultTarget& t) {
  if (t.kind == FaultTarget::Kind::Leader) return true;  // only controller managers lead here
  return t.kind == FaultTarget::Kind::Process && t.process < s.processes.size() && is_controller(s.processes[t.process]);
}

// One fault. Kubelet faults (crash, pause, partition, clock step) are the most common: they are
// what the controller exists to detect; control-plane faults (outage, slow server, stalled
// watch, controller-manager crash) test the guards.
FaultSpec random_fault(Rng& r, const Scenario& s, uint32_t controllers, uint32_t kubelets) {
  FaultSpec f;
  // The first half of the run leaves time for the grace period and the startup grace period to
  // play out before the end.
  f.at = pick(r, seconds(70), std::max(seconds(71), s.duration / 2), ms(100));
  const FaultTarget kubelet{FaultTarget::Kind::Process, controllers + static_cast<uint32_t>(r.below(kubelets))};
  switch (r.below(10)) {
    case 0:
    case 1:
      f.type = FaultType::Crash;
      f.target = kubelet;
      break;
    case 2:
      f.type = FaultType::Pause;
      f.target = kubelet;
      f.for_ = pick(r, seconds(5), seconds(120), ms(500));
      break;
    case 3:
      f.type = FaultType::Partition;
      f.target = kubelet;
      f.direction = static_cast<Direction>(r.below(3));
      if (r.below(4)) f.for_ = pick(r, seconds(5), seconds(150), ms(500));
      break;
    case 4:
      f.type = FaultType::ClockJump;
      f.target = kubelet;
      f.by = pick(r, seconds(1), minutes(5), seconds(1));
      if (r.below(2)) f.by = Duration(0) - f.by;
      break;
    case 5:
      f.type = FaultType::WatchStall;
      f.target = FaultTarget{FaultTarget::Kind::Process, static_cast<uint32_t>(r.below(controllers))};
      f.for_ = pick(r, seconds(5), seconds(90), ms(500));
      break;
    case 6:
    case 7:
      f.type = FaultType::ApiServerOutage;
      f.mode = r.below(2) ? OutageMode::Blackhole : OutageMode::Refuse;
      f.for_ = pick(r, seconds(2), seconds(150), ms(500));
      break;
    case 8:
      f.type = FaultType::ApiServerSlow;
      f.latency.min = pick(r, ms(0), seconds(2), ms(100));
      f.latency.max = f.latency.min + pick(r, ms(0), seconds(8), ms(100));
      f.for_ = pick(r, seconds(5), seconds(90), ms(500));
      break;
    default:
      f.type = FaultType::Crash;
      f.target = FaultTarget{FaultTarget::Kind::Leader, 0};
      break;
  }
  return f;
}

}  // namespace

bool is_node_scenario(const Scenario& s) {
  bool any = false;
  for (const ProcessSpec& p : s.processes) {
    if (!is_kubelet(p) && !is_controller(p)) return false;
    any = true;
  }
  return any;
}

void renumber_nodes(Scenario& s) {
  s.node_names.clear();
  for (ProcessSpec& p : s.processes) {
    if (!model_entry(p.model).runs_node) continue;
    assign_node(p.model, static_cast<NodeId>(s.node_names.size()));
    s.node_names.push_back(p.name);
  }
}

std::shared_ptr<Scenario> generate_nodes(Rng& r, uint64_t index) {
  auto s = std::make_shared<Scenario>();
  s->name = "fuzz-nodes-" + std::to_string(index);
  s->seed = r.next() >> 1;
  s->duration = seconds(180 + 10 * static_cast<int64_t>(r.below(25)));
  s->api_server.latency.min = pick(r, Duration(0), ms(20), ms(1));
  s->api_server.latency.max = s->api_server.latency.min + pick(r, Duration(0), ms(200), ms(1));
  const bool varied = r.below(4) == 0;
  const uint32_t controllers = 1 + static_cast<uint32_t>(r.below(3));
  NodeLifecycleConfig nlc;
  apply_client_go_preset("kube-controller-manager", &nlc.elector);
  if (varied) {
    nlc.node_monitor_period = pick(r, seconds(1), seconds(10), seconds(1));
    nlc.node_monitor_grace_period = pick(r, seconds(20), seconds(60), seconds(5));
    nlc.node_startup_grace_period = pick(r, seconds(30), seconds(90), seconds(5));
  }
  for (uint32_t i = 0; i < controllers; ++i) {
    ProcessSpec p;
    p.name = p.identity = "kcm-" + std::to_string(i);
    p.model = nlc;
    p.lease = s->lease_id(model_entry(p.model).implied_lease ? model_entry(p.model).implied_lease(p.model, p.name)
                                                             : std::string("kube-system/kube-controller-manager"));
    s->processes.push_back(p);
  }
  static const char* kZones[] = {"zone-a", "zone-b", "zone-c"};
  const uint64_t zones = 1 + r.below(3);
  const uint32_t kubelets = 2 + static_cast<uint32_t>(r.below(8));
  const bool offsets = r.below(3) == 0;
  KubeletConfig base;
  if (varied) {
    base.node_lease_duration_seconds = static_cast<int32_t>(r.between(20, 60));
    base.node_status_update_frequency = pick(r, seconds(5), seconds(20), seconds(1));
  }
  for (uint32_t i = 0; i < kubelets; ++i) {
    ProcessSpec p;
    p.name = p.identity = "node-" + std::to_string(i);
    KubeletConfig k = base;
    k.zone = kZones[i % zones];
    k.pods = static_cast<int64_t>(r.below(11));
    p.model = k;
    p.lease = s->lease_id(model_entry(p.model).implied_lease(p.model, p.name));
    if (offsets) p.clock.offset = pick(r, seconds(-3600), seconds(3600), ms(1));
    if (r.below(3)) p.start = pick(r, Duration(0), seconds(5), ms(10));
    s->processes.push_back(p);
  }
  renumber_nodes(*s);
  const uint64_t faults = 1 + r.below(3);
  for (uint64_t i = 0; i < faults; ++i) s->faults.push_back(random_fault(r, *s, controllers, kubelets));
  std::stable_sort(s->faults.begin(), s->faults.end(), [](const FaultSpec& a, const FaultSpec& b) { return a.at < b.at; });
  s->properties.node_not_ready_within_auto = true;
  s->properties.no_false_not_ready = true;
  // The controller managers elect through client-go's elector, so their failovers have client-go's
  // analytic bound (model/client_go_timings.h) once two replicas share the lease. No draw: the
  // cases stay what they were.
  s->properties.failover_within_auto = controllers >= 2;
  return s;
}

void add_node_permits(const Scenario& s, const PermitFn& permit) {
  Duration renew_deadline = seconds(10);
  Duration request_timeout = seconds(10);  // the elector's per-request timeout (at most its renew deadline)
  Duration retry_period = seconds(2);      // the longest retry period of the controllers' electors
  Duration lease_duration = seconds(15);   // the longest lease duration of the controllers' electors
  // The controllers' shortest grace period and longest monitor period, for the near-miss permit
  // (upstream's defaults when the case has no controller).
  std::optional<Duration> grace, monitor;
  for (const ProcessSpec& p : s.processes)
    if (const auto* c = std::get_if<NodeLifecycleConfig>(&p.model)) {
      renew_deadline = std::min(renew_deadline, c->elector.renew_deadline);
      retry_period = std::max(retry_period, c->elector.retry_period);
      lease_duration = std::max(lease_duration, c->elector.lease_duration);
      request_timeout = std::min({request_timeout, c->elector.renew_deadline, c->elector.effective_request_timeout()});
      grace = std::min(grace.value_or(c->node_monitor_grace_period), c->node_monitor_grace_period);
      monitor = std::max(monitor.value_or(c->node_monitor_period), c->node_monitor_period);
    }
  // Faults that can take controller managers away for good: a crash of one (node cases never
  // restart it), and an outage or a slowdown that can cost the leader its lease (with the
  // default afterLeadershipLoss: exit the replica then exits, as kube-controller-manager does).
  // A window can do that to one leader after another: the first loses the lease, a replica
  // takes over and loses it too; each further loss needs at least a renew deadline inside the
  // window (`fuzz --nodes --seed 2 --case 7875`: one slow window of 74.5s removed two leaders).
  // Once as many can have gone as there are replicas, a leader's crash can leave nobody to take
  // over, and failoverWithin (whose bound assumes a live candidate) fails by design.
  uint32_t controllers = 0;
  uint64_t removals = 0;
  for (const ProcessSpec& p : s.processes) controllers += is_controller(p);
  const auto window_removals = [&](const FaultSpec& f) -> uint64_t {
    if (!f.for_) return controllers;
    return 1 + static_cast<uint64_t>(f.for_->ns / std::max<int64_t>(renew_deadline.ns, 1));
  };
  for (const FaultSpec& f : s.faults) {
    if ((f.type == FaultType::Crash || f.type == FaultType::Stop) && targets_controller(s, f.target)) ++removals;
    // An outage shorter than the renew deadline can still cost the lease: the deadline counts
    // from the last successful renewal (up to a retry period and a round trip before the
    // outage), and an attempt blackholed near its end waits out its request timeout
    // (`fuzz --nodes --seed 2 --case 9708`: a 6.5s blackhole, the leader lost the lease 11.2s
    // after it began).
    if (f.type == FaultType::ApiServerOutage && (!f.for_ || *f.for_ + retry_period + request_timeout >= renew_deadline))
      removals += window_removals(f);
    if (f.type == FaultType::ApiServerSlow && f.latency.max * 2 >= request_timeout) removals += window_removals(f);
  }
  if (controllers > 0 && removals >= controllers)
    permit("failoverWithin", "no-candidate-left",
           "the faults can take away up to " + std::to_string(removals) + " of the " + std::to_string(controllers) +
               " controller managers for good (a crash, or a lost lease and afterLeadershipLoss: exit): "
               "the last leader's crash may leave nobody to take over");
  for (const FaultSpec& f : s.faults) {
    const std::string at = " at " + format_duration(f.at);
    const std::string window = f.for_ ? " for " + format_duration(*f.for_) : std::string(" to the end");
    switch (f.type) {
      case FaultType::ClockJump:
        if (!targets_controller(s, f.target) && f.by.ns < 0)
          permit("noFalseNotReady", "kubelet-clock-step-back",
                 proc_name(s, f.target) + "'s wall clock steps back " + format_duration(Duration(0) - f.by) + at +
                     ": its renewTime stays below the value last seen, so its renewals look unchanged");
        break;
      case FaultType::WatchStall:
        permit("noFalseNotReady", "watch-stall",
               "the watch of " + proc_name(s, f.target) + " stalls" + at + window + ": it judges stale heartbeats");
        permit("nodeNotReadyWithin", "watch-stall",
               "the watch of " + proc_name(s, f.target) + " stalls" + at + window + ": the controller's view lags");
        break;
      case FaultType::ApiServerOutage:
        permit("noFalseNotReady", "api-server-outage",
               "API server outage" + at + window + ": a pass after it may run before the informer sees a fresh renewal");
        permit("nodeNotReadyWithin", "api-server-outage",
               "API server outage" + at + window + ": no write can set a node Unknown while it lasts");
        if (!f.for_ || *f.for_ > renew_deadline)
          permit("nodeNotReadyWithin", "controller-failover",
                 "API server outage" + at + window + " exceeds the renew deadline: the controller manager loses its lease");
        break;
      case FaultType::ApiServerSlow:
        permit("noFalseNotReady", "slow-api-server",
               "API server slow (" + format_duration(f.latency.max) + ")" + at + window + ": renewals reach the cache late");
        // A renew attempt of the controller manager's elector is one round trip; when a round
        // trip can outlast its request timeout (the preset's: renewDeadline / 2 = 5 s), one
        // attempt times out and the GET that follows can run into the renew deadline: the
        // leader may lose its lease (and, with the default afterLeadershipLoss: exit, nodes go
        // unjudged until another replica leads and a fresh grace period runs).
        if (f.latency.max * 2 >= request_timeout)
          permit("nodeNotReadyWithin", "controller-failover",
                 "API server slow (round trip up to " + format_duration(f.latency.max * 2) + ")" + at + window +
                     ": a renewal of the controller manager can time out (" + format_duration(request_timeout) +
                     ") and it may lose its lease");
        break;
      case FaultType::Crash:
      case FaultType::Stop:
      case FaultType::Restart:
      case FaultType::Pause:
      case FaultType::Partition:
        // A kubelet whose heartbeats stop for about the grace period: its first renewal after
        // the window can commit while the controller's Unknown write is on its way (the pass
        // decided before its cache had the renewal, one watch latency behind). Upstream does
        // the same; the property counts it, as its definition says. The last renewal before
        // the window is at most one jittered renew interval before it; the first after it comes
        // when the window ends, or later by a request lost in the window timing out and the
        // GET loop's backoff (at most 7 s). The permit holds when that first renewal can land
        // between grace and grace plus three monitor periods after the last one (the passes
        // slide: each starts a period after the previous one ended; and a last heartbeat that is
        // a status post refreshes the probe timestamp twice, one pass apart, as the
        // nodeNotReadyWithin bound counts: docs/nodes.md), a second of latencies either side.
        // A partition of responses only counts too: the kubelet's first renewal in it commits,
        // but its answer is lost, so its cached Lease goes stale, every later Update conflicts
        // and the GETs that would refresh it get no answer; its heartbeats stop as in a full
        // partition (`fuzz --nodes --seed 3 --case 6695`, and `--seed 2 --case 4032` for the
        // second monitor period).
        if (!targets_controller(s, f.target) && f.for_ && (f.type == FaultType::Pause || f.type == FaultType::Partition) &&
            f.target.kind == FaultTarget::Kind::Process && f.target.process < s.processes.size())
          if (const auto* k = std::get_if<KubeletConfig>(&s.processes[f.target.process].model)) {
            const Duration renew = heartbeat_jitter_max(k->renew_interval());
            const Duration late = k->request_timeout() + kHeartbeatMaxBackoff;
            const Duration g = grace.value_or(seconds(50)), m = monitor.value_or(seconds(5));
            // A controller manager's failover inside the silence moves the grace period's
            // start: the new leader's first sight of the node gives it a fresh one, some time
            // between the crash and the crash plus a failover (at most a lease duration, 2.2
            // retry periods of jittered polls and a list; 5 s of slack for the round trips).
            // The near miss then comes when the silence ends about a grace period after that
            // (`fuzz --nodes --seed 4 --case 13421`: a 77.5s partition of answers, the leader
            // crashed 13.5s into it).
            const Duration failover = lease_duration + retry_period * 22 / 10 + seconds(5);
            bool restarts_grace = false;
            for (const FaultSpec& c : s.faults)
              if ((c.type == FaultType::Crash || c.type == FaultType::Stop) && targets_controller(s, c.target) &&
                  c.at >= f.at && c.at <= f.at + *f.for_ &&
                  f.at + *f.for_ + late >= c.at + g - seconds(1) &&
                  f.at + *f.for_ <= c.at + failover + g + m * 3 + seconds(1))
                restarts_grace = true;
            if (restarts_grace || (*f.for_ + late >= g - renew - seconds(1) && *f.for_ <= g + m * 3 + seconds(1)))
              permit("noFalseNotReady", "heartbeats-resume-at-grace",
                     std::string(fault_type_name(f.type)) + " of " + proc_name(s, f.target) + at + window +
                         " ends about when the grace period (" + format_duration(g) +
                         ") runs out: a renewal can commit while the controller's Unknown write is on its way");
          }
        if (targets_controller(s, f.target))
          permit("nodeNotReadyWithin", "controller-failover",
                 std::string(fault_type_name(f.type)) + " of " + proc_name(s, f.target) + at +
                     ": a new leader starts a fresh grace period (the auto bound adds it; a single controller that exits leaves nobody to judge)");
        break;
    }
  }
}

}  // namespace leasesim
