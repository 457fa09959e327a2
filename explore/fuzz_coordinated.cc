// fuzz_coordinated.cc: see fuzz_coordinated.h.
#include "explore/fuzz_coordinated.h"

#include <algorithm>
#include <string>
#include <vector>

#include "model/apiserver_identity.h"
#include "model/embedded_cle.h"
#include "model/process_model.h"

namespace leasesim {
namespace {

using fuzz_parts::pick_duration;
using fuzz_parts::secs;

Duration ms(int64_t n) { return milliseconds(n); }

// The election controller's lock config of a process, or nullptr.
const ClientGoConfig* controller_lock(const ProcessSpec& p) {
  static const CleControllerConfig kEmbedded = EmbeddedCle::lock_config();
  if (const auto* k = std::get_if<KubeApiserverConfig>(&p.model))
    return k->coordinated_leader_election ? &kEmbedded.lock : nullptr;
  if (const auto* c = std::get_if<CleControllerConfig>(&p.model)) return &c->lock;
  return nullptr;
}

const ClientGoConfig* candidate_config(const ProcessSpec& p) {
  const auto* c = std::get_if<ClientGoConfig>(&p.model);
  return c && c->coordinated ? c : nullptr;
}

// The most process a's wall clock can run ahead of process b's during the run: the offset
// difference, the rate difference over the whole run, and every clockJump of either process.
Duration max_ahead(const Scenario& s, uint32_t a, uint32_t b) {
  const ProcessSpec& pa = s.processes[a];
  const ProcessSpec& pb = s.processes[b];
  int64_t ns = pa.clock.offset.ns - pb.clock.offset.ns;
  const int64_t rate_diff = pa.clock.rate_ppb - pb.clock.rate_ppb;
  if (rate_diff > 0) ns += static_cast<int64_t>(static_cast<__int128>(rate_diff) * s.duration.ns / kRateOne);
  for (const FaultSpec& f : s.faults)
    if (f.type == FaultType::ClockJump && f.target.kind == FaultTarget::Kind::Process &&
        (f.target.process == a || f.target.process == b))
      ns += f.by.ns < 0 ? -f.by.ns : f.by.ns;
  return Duration(ns);
}

// Whether process p is down at the end: a crash or stop hit it after its last restart.
bool down_at_end(const Scenario& s, uint32_t p) {
  bool down = false;
  std::vector<FaultSpec> faults = s.faults;
  std::stable_sort(faults.begin(), faults.end(), [](const FaultSpec& x, const FaultSpec& y) { return x.at < y.at; });
  for (const FaultSpec& f : faults) {
    if (f.target.kind != FaultTarget::Kind::Process || f.target.process != p) continue;
    if (f.type == FaultType::Crash || f.type == FaultType::Stop) down = true;
    if (f.type == FaultType::Restart) down = false;
  }
  return down;
}

void add_coordinated_faults(Rng& r, Scenario& s) {
  const uint32_t n = static_cast<uint32_t>(s.processes.size());
  const Duration last = s.duration - seconds(75);  // every fault is over by then
  const uint64_t count = r.below(4);
  // Weighted: crash 2, stop 1, partition 2, pause 1, clockJump 1, outage 1.
  static constexpr FaultType kTypes[] = {FaultType::Crash,     FaultType::Crash, FaultType::Stop,
                                         FaultType::Partition, FaultType::Partition, FaultType::Pause,
                                         FaultType::ClockJump, FaultType::ApiServerOutage};
  for (uint64_t i = 0; i < count; ++i) {
    FaultSpec f;
    f.type = kTypes[r.below(std::size(kTypes))];
    f.at = pick_duration(r, seconds(5), last - seconds(1), ms(100));
    f.target = FaultTarget{FaultTarget::Kind::Process, static_cast<uint32_t>(r.below(n))};
    const Duration room = last - f.at;
    switch (f.type) {
      case FaultType::Crash:
        if (r.below(2)) {
          FaultSpec restart;
          restart.type = FaultType::Restart;
          restart.target = f.target;
          restart.at = f.at + pick_duration(r, seconds(1), std::min(seconds(20), room), ms(100));
          s.faults.push_back(restart);
        }
        break;
      case FaultType::Partition:
        f.direction = static_cast<Direction>(r.below(3));
        f.for_ = pick_duration(r, seconds(1), std::min(seconds(30), room), ms(500));
        break;
      case FaultType::Pause:
        f.for_ = pick_duration(r, seconds(1), std::min(seconds(20), room), ms(500));
        break;
      case FaultType::ApiServerOutage:
        f.target = FaultTarget{};
        f.mode = r.below(2) ? OutageMode::Blackhole : OutageMode::Refuse;
        f.for_ = pick_duration(r, seconds(1), std::min(seconds(20), room), ms(500));
        break;
      case FaultType::ClockJump:
        f.by = seconds(r.between(1, 30)) * (r.below(2) ? 1 : -1);
        break;
      default:
        break;
    }
    s.faults.push_back(f);
  }
  std::stable_sort(s.faults.begin(), s.faults.end(), [](const FaultSpec& a, const FaultSpec& b) { return a.at < b.at; });
}

std::string version(int64_t minor) { return "1." + std::to_string(minor) + ".0"; }

}  // namespace

bool coordinated_scenario(const Scenario& s) {
  return std::any_of(s.processes.begin(), s.processes.end(),
                     [](const ProcessSpec& p) { return controller_lock(p) || candidate_config(p); });
}

std::shared_ptr<Scenario> generate_coordinated(Rng& r, uint64_t index) {
  auto s = std::make_shared<Scenario>();
  s->name = "fuzz-coordinated-" + std::to_string(index);
  s->seed = r.next() >> 1;
  s->duration = seconds(150 + static_cast<int64_t>(r.below(91)));
  fuzz_parts::add_latency(r, *s);
  // Leases interned in the order the loader meets them, so a written case reads back equal.
  const LeaseId lock = s->lease_id(kCleLockLeaseKey);
  const uint64_t clock_mode = r.below(4);  // exact, offsets 300ms, offsets 10s, rates 100ppm
  auto set_clock = [&](ProcessSpec& p) {
    if (clock_mode == 1) p.clock.offset = pick_duration(r, ms(-300), ms(300), ms(1));
    if (clock_mode == 2) p.clock.offset = pick_duration(r, seconds(-10), seconds(10), ms(1));
    if (clock_mode == 3) {
      p.clock.offset = pick_duration(r, seconds(-2), seconds(2), ms(1));
      p.clock.rate_ppb = kRateOne + r.between(-100000, 100000);
    }
  };
  const uint32_t apiservers = 1 + static_cast<uint32_t>(r.below(2));
  for (uint32_t i = 0; i < apiservers; ++i) {
    ProcessSpec p;
    p.name = p.identity = "api-" + std::to_string(i);
    KubeApiserverConfig k;
    k.hostname = p.name;
    k.coordinated_leader_election = true;
    k.identity_lease = s->lease_id(identity_lease_key(k.hostname));
    p.model = k;
    p.lease = lock;
    p.start = pick_duration(r, Duration(0), seconds(2), ms(10));
    set_clock(p);
    s->processes.push_back(p);
  }
  const LeaseId target = s->lease_id("kube-system/kube-controller-manager");
  // Distinct emulation versions, so that the preferred candidate never depends on which
  // LeaseCandidate was created first.
  std::vector<int64_t> minors{31, 32, 33, 34};
  for (size_t i = minors.size(); i > 1; --i) std::swap(minors[i - 1], minors[r.below(i)]);
  const uint32_t candidates = 2 + static_cast<uint32_t>(r.below(2));
  const bool random_timings = r.below(4) == 0;
  for (uint32_t i = 0; i < candidates; ++i) {
    ProcessSpec p;
    p.name = p.identity = "kcm-" + std::to_string(i);
    ClientGoConfig c;  // 15s / 10s / 2s
    if (random_timings) {
      c = fuzz_parts::random_client_go(r);
      const Duration floor = c.retry_period + c.renew_deadline + seconds(3);
      if (c.lease_duration < floor) c.lease_duration = Duration((floor.ns + seconds(1).ns - 1) / seconds(1).ns * seconds(1).ns);
    }
    c.coordinated = true;
    c.rejoin_after_loss = true;
    c.emulation_version = version(minors[i]);
    c.binary_version = version(std::min<int64_t>(34, minors[i] + static_cast<int64_t>(r.below(2))));
    p.model = c;
    p.lease = target;
    p.start = pick_duration(r, ms(500), seconds(30), ms(10));
    set_clock(p);
    s->processes.push_back(p);
  }
  add_coordinated_faults(r, *s);
  s->properties.elects_preferred = true;
  s->properties.transitions_match = r.below(8) == 0;
  return s;
}

void permit_coordinated(const Scenario& s, Duration latency_max, const fuzz_parts::PermitFn& permit) {
  const uint32_t n = static_cast<uint32_t>(s.processes.size());
  std::vector<uint32_t> controllers, candidates;
  for (uint32_t p = 0; p < n; ++p) {
    if (controller_lock(s.processes[p])) controllers.push_back(p);
    if (candidate_config(s.processes[p])) candidates.push_back(p);
  }
  if (!controllers.empty() && !candidates.empty())
    permit("transitionsMatch", "cle-handover-uncounted",
           "the election controller moves holderIdentity without counting a transition (upstream "
           "reconcileElectionStep)");
  // The controllers' own lock is ordinary client-go between instances.
  for (uint32_t l : controllers)
    for (uint32_t c : controllers)
      if (l != c && s.processes[l].lease == s.processes[c].lease)
        fuzz_parts::permit_client_go_pair(s, s.processes[l].name, *controller_lock(s.processes[l]),
                                          s.processes[l].clock.rate_ppb, s.processes[c].name,
                                          *controller_lock(s.processes[c]), s.processes[c].clock.rate_ppb, latency_max,
                                          permit);
  for (uint32_t c : controllers) {
    for (uint32_t h : candidates) {
      const ProcessSpec& ctrl = s.processes[c];
      const ProcessSpec& holder = s.processes[h];
      const ClientGoConfig& hc = *candidate_config(holder);
      // Section 6.1: the holder acts until about RP + RD (its clock) after its last renewal;
      // the controller hands the lease over once renewTime + leaseDuration is behind its wall
      // clock.
      const Duration hold(static_cast<int64_t>(static_cast<__int128>((hc.retry_period + hc.renew_deadline).ns) *
                                               kRateOne / holder.clock.rate_ppb));
      const Duration margin = hc.lease_duration - hold;
      const Duration ahead = max_ahead(s, c, h);
      if (ahead + latency_max * 2 >= margin)
        permit("singleLeader", "cle-clock-ahead",
               "controller " + ctrl.name + "'s wall clock runs up to " + secs(ahead) + " ahead of candidate " +
                   holder.name + "'s, against a margin of " + secs(margin) +
                   " (leaseDuration - retryPeriod - renewDeadline) less two latencies: expiry by absolute "
                   "renewTime + leaseDurationSeconds hands over a lease its holder still acts on");
      const Duration skew = std::max(ahead, max_ahead(s, h, c));
      if (skew >= s.api_server.latency.min * 2 && skew > Duration(0))
        permit("electsPreferred", "cle-ack-clock-skew",
               "the wall clocks of controller " + ctrl.name + " and candidate " + holder.name + " differ by up to " +
                   secs(skew) + ": an ack compares the candidate's renewTime with the controller's pingTime, so it "
                   "can be missed, or a dead candidate look fresh");
    }
  }
  if (!candidates.empty() &&
      std::all_of(controllers.begin(), controllers.end(), [&](uint32_t p) { return down_at_end(s, p); }))
    permit("electsPreferred", "cle-no-controller", "no election controller runs at the end of the run");
  // Section 9, finding 3: a preferred candidate that dies during a graceful preemption leaves
  // preferredHolder naming it; the controller re-elects the holder and writes nothing, and the
  // holder never renews again.
  for (uint32_t h : candidates)
    for (const FaultSpec& f : s.faults)
      if ((f.type == FaultType::Crash || f.type == FaultType::Stop) && f.target.kind == FaultTarget::Kind::Process &&
          f.target.process == h) {
        permit("electsPreferred", "cle-stale-preferred-holder",
               "candidate " + s.processes[h].name + " goes down; if the controller had named it preferredHolder, "
               "the holder never renews again and nobody is elected in its place");
        break;
      }
  if (fuzz_parts::has_fault(s, FaultType::Pause))
    permit("electsPreferred", "pause", "a process is paused (pauses break leases by design)");
}

}  // namespace leasesim
