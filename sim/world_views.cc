// world_views.cc: read-only views of a World's pending work, for the explorer's steady-regime
// lemma (explore/steady_regime.h): the requests in flight with the instants their pending
// events land, the instant a live timer fires, and whether any fault can still happen.
// Nothing here changes the World or reaches a trace; the views are in slot order (requests) or
// computed as minima (instants), so no container order leaks out.
#include "sim/world.h"

namespace leasesim {

std::vector<FlightView> WorldCore::flights() const {
  std::vector<FlightView> out;
  std::vector<uint64_t> ids;
  for (uint32_t index = 0; index < slots_.size(); ++index) {
    const Slot& slot = slots_[index];
    if (!slot.flight) continue;
    const InFlight& f = *slot.flight;
    FlightView v;
    v.proc = f.proc;
    v.incarnation = f.incarnation;
    v.request = &f.request;
    v.sent = f.sent;
    v.client_done = f.client_done;
    v.applied = f.applied;
    v.lost = f.lost;
    v.response = &f.response;
    out.push_back(v);
    ids.push_back((static_cast<uint64_t>(slot.generation) << 32) | index);
  }
  if (out.empty()) return out;
  // A request has at most one pending event of each kind; the earliest is kept in case a
  // future change schedules more.
  auto keep_min = [](std::optional<TrueInstant>& slot, TrueInstant at) {
    if (!slot || at < *slot) slot = at;
  };
  for_each_pending([&](const Event& e) {
    if (e.kind != EventKind::RequestArrive && e.kind != EventKind::ResponseArrive && e.kind != EventKind::ClientTimeout)
      return;
    for (size_t i = 0; i < ids.size(); ++i) {
      if (ids[i] != e.a) continue;
      if (e.kind == EventKind::RequestArrive) keep_min(out[i].arrives_at, e.at);
      else if (e.kind == EventKind::ResponseArrive) keep_min(out[i].answered_at, e.at);
      else keep_min(out[i].times_out_at, e.at);
    }
  });
  return out;
}

std::optional<TrueInstant> WorldCore::timer_at(uint32_t p, uint32_t timer) const {
  std::optional<TrueInstant> at;
  for_each_pending([&](const Event& e) {
    if (e.kind != EventKind::Timer || e.proc != p || e.a != timer || inert(e)) return;
    if (!at || e.at < *at) at = e.at;
  });
  return at;
}

bool WorldCore::faults_settled() const {
  if (!active_slow_.empty() || refuse_depth_ > 0 || blackhole_depth_ > 0) return false;
  for (const ProcessRuntime& pr : procs_)
    if (pr.pause_depth > 0 || pr.watch_stall > 0 || pr.status == ProcStatus::Stopping) return false;
  bool settled = true;
  for_each_pending([&](const Event& e) {
    switch (e.kind) {
      case EventKind::ProcessStart:
      case EventKind::FaultStart:
      case EventKind::FaultEnd:
      case EventKind::QuiesceEnd:
      case EventKind::StopRequest:
      case EventKind::FaultPoint:
        settled = false;
        break;
      default:
        break;
    }
  });
  return settled;
}

}  // namespace leasesim
