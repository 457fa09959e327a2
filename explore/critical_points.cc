// critical_points.cc: landmarks of a draw (see critical_points.h for the contract).
#include "explore/critical_points.h"

#include <variant>

#include "model/client_go_elector.h"
#include "model/process_model.h"

namespace leasesim {
namespace {

// Whether a pending event can change what process `proc` sees or does next.
bool relevant(const Event& e, uint32_t proc) {
  switch (e.kind) {
    case EventKind::RequestArrive:
    case EventKind::FaultStart:
    case EventKind::FaultEnd:
    case EventKind::FaultPoint:
    case EventKind::ProcessStart:
      return true;
    default:
      return e.proc == proc;
  }
}

// The client-go elector a model runs, if any: its own, or the lock of an election controller
// (model: cle-controller, or a kube-apiserver with coordinatedLeaderElection).
const ClientGoElector* elector_of(const ModelState& m) {
  if (const auto* e = std::get_if<ClientGoElector>(&m)) return e;
  if (const auto* c = std::get_if<CleController>(&m)) return &c->lock();
  if (const auto* k = std::get_if<KubeApiserver>(&m))
    if (const EmbeddedCle* cle = k->election_controller()) return &cle->controller().lock();
  return nullptr;
}

}  // namespace

void critical_values(const World& w, uint32_t proc, ChoiceKind kind, int64_t lo, int64_t hi,
                     std::vector<int64_t>& out) {
  const TrueInstant now = w.now();
  const ProcessRuntime& pr = w.process(proc);
  const ProcessClock& clock = pr.clock;
  // The value of this draw that puts the drawn instant at true instant t (>= now): the delay
  // itself for a latency; for a timer the least local delay whose true length reaches t - now.
  auto add = [&](TrueInstant t) {
    const int64_t delta = (t - now).ns;
    if (delta <= lo) return;
    int64_t v = delta;
    if (kind == ChoiceKind::TimerDelay && clock.spec().rate_ppb != kRateOne) {
      v = static_cast<int64_t>(static_cast<__int128>(delta) * clock.spec().rate_ppb / kRateOne);
      while (v < hi && clock.local_to_true(Duration(v)).ns < delta) ++v;
    }
    if (v > lo && v < hi) out.push_back(v);
  };
  // The latest true instant the draw can reach, for the landmarks that come in series.
  const int64_t reach = kind == ChoiceKind::TimerDelay ? clock.local_to_true(Duration(hi)).ns : hi;
  const TrueInstant last = now + Duration(reach);
  w.for_each_pending([&](const Event& e) {
    // Inert events change nothing when they fire (and the reduced key leaves them out).
    if (e.at > now && e.at < last && relevant(e, proc) && !w.inert(e)) add(e.at);
  });
  // Whole seconds of the wall clock: the true instant at which the wall reading reaches each.
  const LocalInstant mono_now = clock.mono(now);
  const int64_t wall_now = clock.wall(now).ns;
  const int64_t second = seconds(1).ns;
  for (int64_t b = (floor_div(wall_now, second) + 1) * second;; b += second) {
    const TrueInstant t = clock.true_of_mono(mono_now + Duration(b - wall_now));
    if (t >= last) break;
    add(t);
  }
  // client-go's expiry of the observed record, on the monotonic clock.
  if (pr.model.has_value()) {
    if (const ClientGoElector* e = elector_of(*pr.model)) {
      if (e->observed_time()) {
        const LocalInstant expiry = *e->observed_time() + seconds(e->observed_record().lease_duration_seconds);
        if (expiry > mono_now) add(clock.true_of_mono(expiry));
      }
    }
  }
}

}  // namespace leasesim
