// world.cc: the event loop of the simulator. See world.h for the contract.
#include "sim/world.h"

#include "sim/candidate_trace.h"

#include <algorithm>

#include "core/check.h"
#include "core/pool.h"

namespace leasesim {

const char* proc_status_name(ProcStatus s) {
  switch (s) {
    case ProcStatus::NotStarted: return "notStarted";
    case ProcStatus::Running: return "running";
    case ProcStatus::Stopping: return "stopping";
    case ProcStatus::Stopped: return "stopped";
    case ProcStatus::Crashed: return "crashed";
  }
  return "?";
}

const char* step_status_name(StepStatus s) {
  switch (s) {
    case StepStatus::Stepped: return "stepped";
    case StepStatus::Horizon: return "horizon";
    case StepStatus::Idle: return "idle";
    case StepStatus::EventLimit: return "events";
  }
  return "?";
}

namespace {

bool is_process_fault(FaultType t) {
  return t != FaultType::ApiServerOutage && t != FaultType::ApiServerSlow;
}

bool alive(ProcStatus s) { return s == ProcStatus::Running || s == ProcStatus::Stopping; }

}  // namespace

void* WorldCore::operator new(size_t size) {
  if (size == sizeof(WorldCore)) return BlockPool<sizeof(WorldCore)>::allocate();
  return ::operator new(size);
}

void WorldCore::operator delete(void* p, size_t size) noexcept {
  if (size == sizeof(WorldCore)) BlockPool<sizeof(WorldCore)>::release(p);
  else ::operator delete(p);
}

WorldCore::ScenarioRef::ScenarioRef(std::shared_ptr<const Scenario> s) : ref_(cow_detail::Ref<ScenarioData>::make()) {
  ScenarioData& d = *ref_;
  d.scenario = std::move(s);
  const Scenario& sc = *d.scenario;
  d.proc_names.reserve(sc.processes.size());
  for (const ProcessSpec& spec : sc.processes) d.proc_names.emplace_back(spec.name);
  d.lease_keys.assign(sc.lease_keys.begin(), sc.lease_keys.end());
  d.node_names.assign(sc.node_names.begin(), sc.node_names.end());
  d.kubelet_leases.reserve(sc.processes.size());
  for (const ProcessSpec& spec : sc.processes)
    d.kubelet_leases.push_back(std::holds_alternative<KubeletConfig>(spec.model) ? spec.lease : kNoLease);
}

WorldCore::WorldCore(std::shared_ptr<const Scenario> scenario)
    : scenario_(std::move(scenario)), api_(*scenario_),
      network_(static_cast<uint32_t>(scenario_->processes.size())) {
  const Scenario& s = *scenario_;
  horizon_ = TrueInstant(s.duration.ns);
  max_events_ = s.max_events;
  // Every record's leaseDurationSeconds comes from an initial Lease or a client-go config (the
  // tutorial loop copies what it read).
  int64_t longest_s = 0;
  for (const InitialLease& l : s.leases) longest_s = std::max<int64_t>(longest_s, l.spec.lease_duration_seconds.value_or(0));
  for (const ProcessSpec& spec : s.processes)
    if (const auto* c = std::get_if<ClientGoConfig>(&spec.model)) longest_s = std::max(longest_s, c->lease_duration.ns / seconds(1).ns);
    else if (const auto* n = std::get_if<NodeLifecycleConfig>(&spec.model)) longest_s = std::max(longest_s, n->elector.lease_duration.ns / seconds(1).ns);
    else if (const auto* k = std::get_if<KubeletConfig>(&spec.model)) longest_s = std::max<int64_t>(longest_s, k->node_lease_duration_seconds);
    else if (const auto* k = std::get_if<KubeApiserverConfig>(&spec.model)) longest_s = std::max<int64_t>(longest_s, k->identity_lease_duration_seconds);
  max_record_lease_ = seconds(longest_s + 2);
  for (const ProcessSpec& spec : s.processes) has_external_ |= std::holds_alternative<ClientGoRealConfig>(spec.model);
  procs_.reserve(s.processes.size());
  for (const ProcessSpec& spec : s.processes) {
    procs_.emplace_back(ProcessClock(spec.clock, s.start_time));
  }
  queue_.reserve(s.processes.size() * 4 + s.faults.size() * 2 + 16);
  for (uint32_t p = 0; p < procs_.size(); ++p) push(TrueInstant(s.processes[p].start.ns), EventKind::ProcessStart, p);
  fault_targets_.resize(s.faults.size());
  for (uint32_t i = 0; i < s.faults.size(); ++i) {
    const FaultSpec& f = s.faults[i];
    push(TrueInstant(f.at.ns), EventKind::FaultStart, 0, i);
    if (f.for_) push(TrueInstant((f.at + *f.for_).ns), EventKind::FaultEnd, 0, i);
  }
  // Injectable faults (spec.explore.faults): a point per instant, while any may still strike.
  const ExploreFaults& injectable = s.explore.faults;
  has_fault_points_ = injectable.max > 0 && !injectable.candidates.empty() && !injectable.at.empty();
  if (has_fault_points_)
    for (uint32_t i = 0; i < injectable.at.size(); ++i) push(TrueInstant(injectable.at[i].ns), EventKind::FaultPoint, 0, i);
}

void WorldCore::push(TrueInstant at, EventKind kind, uint32_t proc, uint64_t a, uint32_t b) {
  Event e;
  e.at = at;
  e.seq = next_seq_++;
  e.kind = kind;
  e.proc = proc;
  e.a = a;
  e.b = b;
  e.incarnation = proc < procs_.size() ? procs_[proc].incarnation : 0;
  digest_add(e);
  queue_.push(e);
}

namespace {

// A strong 64-bit hash of four words: pairs meet in independent multiplies (each word xored
// with its own constant first), then a full avalanche. Cheap enough to keep a sum of one per
// pending event up to date at every push and pop.
uint64_t mix4(uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3) {
  return avalanche(mum(w0 ^ 0x9E3779B97F4A7C15ull, w1 ^ 0xC2B2AE3D27D4EB4Full) ^
                   mum(w2 ^ 0x165667B19E3779F9ull, w3 ^ 0xD6E8FEB86659FD93ull));
}

}  // namespace

uint64_t WorldCore::event_digest(const Event& e) {
  // The sequence number is left out (see fingerprint).
  return mix4(static_cast<uint64_t>(e.at.ns), static_cast<uint64_t>(e.kind) | (static_cast<uint64_t>(e.proc) << 8),
              e.incarnation | (static_cast<uint64_t>(e.b) << 32), e.a);
}

uint64_t WorldCore::sum_pending_digests() const {
  uint64_t sum = 0;
  for_each_pending([&](const Event& e) { sum += event_digest(e); });
  return sum;
}

void WorldCore::push_deadline(Duration wait, uint32_t p, uint64_t id) {
  if (lazy_deadlines_) {
    Event e;
    e.at = now_ + wait;
    e.seq = next_seq_;  // taken only if the DeadlineQueue takes the event
    e.kind = EventKind::ClientTimeout;
    e.proc = p;
    e.a = id;
    e.incarnation = procs_[p].incarnation;
    if (const uint64_t ticket = deadlines_.push(wait, e)) {
      ++next_seq_;
      digest_add(e);
      // The record was built in this step and no copy of the World shares it yet.
      slots_[static_cast<uint32_t>(id)].flight.mut().deadline_ticket = ticket;
      return;
    }
  }
  push(now_ + wait, EventKind::ClientTimeout, p, id);
}

TrueInstant WorldCore::next_queued_at() const {
  const int lane = deadlines_.least();
  if (lane < 0) return queue_.top().at;
  if (queue_.empty()) return deadlines_.front(lane).at;
  return std::min(queue_.top().at, deadlines_.front(lane).at);
}

namespace {
// Whether the event queue or a deadline lane holds an event due at `at` (lanes' fronts are
// their least events, and `least` is the lane with the least front, or -1).
bool due_at(const EventQueue& queue, const DeadlineQueue& deadlines, TrueInstant at) {
  const int lane = deadlines.least();
  return (!queue.empty() && queue.top().at == at) || (lane >= 0 && deadlines.front(lane).at == at);
}
}  // namespace

bool WorldCore::pop_due_at(TrueInstant at, Event& out) {
  const int lane = deadlines_.least();
  const bool queued = !queue_.empty() && queue_.top().at == at;
  const bool waiting = lane >= 0 && deadlines_.front(lane).at == at;
  if (waiting && (!queued || deadlines_.front(lane).before(queue_.top()))) {
    out = deadlines_.pop(lane);
    return true;
  }
  if (!queued) return false;
  out = queue_.pop();
  return true;
}

Event WorldCore::pop_next(Chooser& chooser, bool& dead) {
  dead = false;
  // Gather every event due at the earliest instant (including ones pushed for the current
  // instant since the last step); which of them fires first is a choice. Lazy deadlines take
  // part exactly as if they were in the queue: both are merged by (time, seq), so ready_ holds
  // the same events in the same order as on the eager path.
  if (ready_.empty()) {
    const int lane = deadlines_.least();
    const bool from_lane = lane >= 0 && (queue_.empty() || deadlines_.front(lane).before(queue_.top()));
    const bool first_dead = from_lane && deadlines_.front_dead(lane);
    const Event first = from_lane ? deadlines_.pop(lane) : queue_.pop();
    if (!due_at(queue_, deadlines_, first.at)) {
      // Alone at its instant (most steps): it fires with no choice to make, as below.
      digest_remove(first);
      dead = first_dead;
      return first;
    }
    ready_.push_back(first);
  }
  const TrueInstant at = ready_.front().at;
  Event more;
  while (pop_due_at(at, more)) ready_.push_back(more);
  uint32_t k = 0;
  // A fault point goes first among the events of its instant, with no tie choice: whether a
  // fault strikes there is its own choice, and before or after another event at the same
  // instant is the same as at the points before and after (so `run`, which injects none, draws
  // exactly what it draws without the points).
  const auto point = has_fault_points_ ? std::find_if(ready_.begin(), ready_.end(),
                                                      [](const Event& x) { return x.kind == EventKind::FaultPoint; })
                                      : ready_.end();
  if (point != ready_.end()) {
    k = static_cast<uint32_t>(point - ready_.begin());
  } else if (ready_.size() > 1) {
    k = chooser.pick(ChoiceKind::Tie, static_cast<uint32_t>(ready_.size()), subject(Subject::Tie));
    LS_CHECK(k < ready_.size(), "tie choice out of range");
  }
  const Event e = ready_[k];
  ready_[k] = ready_.back();  // O(1) removal; the order of the rest stays deterministic
  ready_.pop_back();
  digest_remove(e);
  return e;
}

namespace {
void prefetch_lines(const void* p, size_t bytes) {
  const char* first = static_cast<const char*>(p);
  for (size_t offset = 0; offset < bytes; offset += 64) __builtin_prefetch(first + offset);
}
}  // namespace

const WorldCore::Slot* WorldCore::live_slot(uint64_t id) const {
  const uint32_t index = static_cast<uint32_t>(id);
  if (index >= slots_.size()) return nullptr;
  const Slot& slot = slots_[index];
  if (!slot.flight || slot.generation != static_cast<uint32_t>(id >> 32)) return nullptr;
  return &slot;
}

void WorldCore::prefetch_ahead() const {
  // A cluster of thousands of kubelets keeps its processes, models and Leases in tens of
  // megabytes, far more than the cache holds, and nearly every event reads a different one: an
  // event would wait for each of those loads in turn (bench/nodes_bench.cc; docs/nodes.md,
  // phase 8). So while one event runs, the memory of the next two is on its way: the
  // runtime of the event after next (its model's address is in the cache by the next step) and,
  // for a request's arrival or response, its slot (the record's address and the object it names,
  // so the next step waits for neither: docs/nodes.md, phase 12); and the model, the stored
  // object or the request's record of the next one. The events are those the queue names now; a
  // push before them only makes a hint useless. Nothing here changes the World or its order.
  // (Fetching the names a trace line copies the same way, the strings two events ahead and
  // their characters one ahead, was tried: no gain out of the noise, and the CPU has only so
  // many loads in flight, so it was left out: docs/nodes.md, phase 8.)
  // A World whose queue has not grown to the calendar (the explorer's, and every scenario of a
  // few processes) stays in the cache: no hints there, so its steps pay nothing for them.
  if (!ready_.empty() || queue_.size() <= EventQueue::kCalendarFrom) return;
  if (const Event* after = queue_.after_top(); after != nullptr) {
    if (after->proc < procs_.size()) prefetch_lines(&procs_[after->proc], sizeof(ProcessRuntime));
    // The request's slot, so that when it is next its record's address and target are at hand.
    if (after->kind == EventKind::RequestArrive || after->kind == EventKind::ResponseArrive) {
      if (const uint32_t index = static_cast<uint32_t>(after->a); index < slots_.size()) __builtin_prefetch(&slots_[index]);
    }
  }
  // The stored object a request or a watch delivery reads.
  const auto prefetch_object = [&](ObjectKind kind, uint32_t id) {
    if (kind == ObjectKind::Lease && id < api_.lease_count()) prefetch_lines(&api_.lease(id), sizeof(std::optional<Lease>));
    else if (kind == ObjectKind::Node && id < api_.nodes().size()) prefetch_lines(&api_.nodes().node(id), sizeof(std::optional<Node>));
  };
  const Event& next = queue_.top();
  switch (next.kind) {
    case EventKind::RequestArrive: {
      // From the slot (fetched a step ago), without waiting for the record: the stored object,
      // and the record's lines the server's handler reads first.
      const Slot* slot = live_slot(next.a);
      if (slot == nullptr) return;
      if (slot->target != kNoTarget)
        prefetch_object(static_cast<ObjectKind>(slot->target >> 28), slot->target & ((uint32_t{1} << 28) - 1));
      const InFlight* f = &*slot->flight;
      __builtin_prefetch(f);
      __builtin_prefetch(&f->request.kind);
      return;
    }
    case EventKind::ResponseArrive: {
      // The record's first line (its process and incarnation) and the line of client_done and
      // the response, which the client's handler reads first; then the model, as below.
      if (const Slot* slot = live_slot(next.a)) {
        const InFlight* f = &*slot->flight;
        __builtin_prefetch(f);
        __builtin_prefetch(&f->client_done);
      }
      break;
    }
    case EventKind::ClientTimeout: {
      // Most deadlines find their answer already in (inert); only a live one reads the model.
      const InFlight* f = find_in_flight(next.a);
      if (f == nullptr || f->client_done) return;
      break;
    }
    case EventKind::WatchDeliver:
      prefetch_object(static_cast<ObjectKind>(next.a >> 32), static_cast<uint32_t>(next.a));
      return;  // the watcher is one of a few controllers, whose models stay in the cache
    default:
      break;
  }
  if (next.proc < procs_.size()) procs_[next.proc].model.prefetch();
}

StepStatus WorldCore::step(Chooser& chooser, Trace* trace) {
  if (has_external_) sync_external(chooser, trace);
  // Helpers that did nothing more ran to the horizon (sync_external): the run covered all of it.
  if (ready_.empty() && queue_.empty() && deadlines_.empty()) return has_external_ ? StepStatus::Horizon : StepStatus::Idle;
  const TrueInstant next = ready_.empty() ? next_queued_at() : ready_.front().at;
  if (next > horizon_) return StepStatus::Horizon;
  if (events_ >= max_events_) return StepStatus::EventLimit;
  bool dead = false;
  const Event e = pop_next(chooser, dead);
  prefetch_ahead();
  LS_CHECK(e.at >= now_, "time must not go backwards");
  last_inert_ = dead || inert(e);  // read before dispatch changes what it refers to
  now_ = e.at;
  ++events_;
  if (dead) {
    // A lazy deadline whose request was erased: on_client_timeout would find nothing and
    // return, so only time and the event count move, as on the eager path.
    ++elided_;
    return StepStatus::Stepped;
  }
  dispatch(e, chooser, trace);
  return StepStatus::Stepped;
}

StepStatus WorldCore::run(Chooser& chooser, Trace* trace) {
  for (;;) {
    const StepStatus status = step(chooser, trace);
    if (status == StepStatus::Stepped) continue;
    if (status != StepStatus::EventLimit) now_ = horizon_;
    return status;
  }
}

void WorldCore::sync_external(Chooser& chooser, Trace* trace) {
  // Conservative synchronisation: a helper runs ahead of the World only up to the next event (or
  // the horizon), and what it does before then becomes events of its own instants (a wake timer),
  // so no event fires before the helpers have reported everything they did until it.
  TrueInstant next = horizon_;
  if (!ready_.empty()) next = ready_.front().at;
  else if (!queue_.empty() || !deadlines_.empty()) next = std::min(next_queued_at(), horizon_);
  for (uint32_t p = 0; p < procs_.size(); ++p) {
    const ProcessRuntime& pr = procs_[p];
    if (!alive(pr.status) || pr.pause_depth > 0 || !pr.model || !std::holds_alternative<ClientGoReal>(*pr.model)) continue;
    LS_CHECK(scenario_->processes[p].clock == ClockSpec{}, "a client-go-real process with a clock offset or rate");
    const LocalInstant target = pr.clock.mono(next);
    react(p, chooser, trace, [&](auto& model, const Now& now, Effects& out) {
      if constexpr (std::is_same_v<std::decay_t<decltype(model)>, ClientGoReal>) model.advance_to(target, now, out);
    });
  }
}

Now WorldCore::now_for(uint32_t p) const {
  const ProcessClock& clock = procs_[p].clock;
  return Now{clock.mono(now_), clock.wall(now_)};
}

LatencyRange WorldCore::current_latency() const {
  if (!active_slow_.empty()) return fault_spec(active_slow_.back()).latency;
  return scenario_->api_server.latency;
}

Duration WorldCore::draw_latency(Chooser& chooser, uint32_t proc, const ChoiceSubject& what) const {
  const LatencyRange range = current_latency();
  if (range.min == range.max) return range.min;
  return Duration(chooser.draw_for(proc, ChoiceKind::Latency, range.min.ns, range.max.ns, what));
}

bool WorldCore::defer_if_paused(const Event& e) {
  ProcessRuntime& pr = procs_[e.proc];
  if (pr.pause_depth == 0) return false;
  pr.deferred.push_back(e);
  return true;
}

void WorldCore::resume(uint32_t p) {
  ProcessRuntime& pr = procs_[p];
  std::vector<Event> held = pr.deferred.take();
  // Held events fire at resume in the order they were due, each 1ns after the previous one, so
  // no tie choice reorders them, with one exception: a request's response and its client
  // deadline (or cancel) both held fire at the same instant, a tie. Both are ready when the
  // process runs again, and which one the client sees first is not fixed (Go's select picks
  // among ready cases at random), so `check` explores both orders.
  TrueInstant at = now_;
  for (size_t i = 0; i < held.size(); ++i) {
    Event& e = held[i];
    e.at = at;
    bool partner_earlier = false;
    if (e.kind == EventKind::ResponseArrive || e.kind == EventKind::ClientTimeout) {
      for (size_t j = 0; j < i && !partner_earlier; ++j) {
        const Event& x = held[j];
        if (x.a == e.a && x.kind != e.kind && (x.kind == EventKind::ResponseArrive || x.kind == EventKind::ClientTimeout)) {
          e.at = x.at;
          partner_earlier = true;
        }
      }
    }
    e.seq = next_seq_++;
    digest_add(e);
    queue_.push(e);
    if (!partner_earlier) at += Duration(1);
  }
}

void WorldCore::dispatch(const Event& e, Chooser& chooser, Trace* trace) {
  switch (e.kind) {
    case EventKind::ProcessStart:
      if (defer_if_paused(e)) return;
      start_process(e.proc, chooser, trace);
      return;
    case EventKind::Timer: {
      ProcessRuntime& pr = procs_[e.proc];
      if (pr.incarnation != e.incarnation || !alive(pr.status)) return;
      if (e.a >= pr.timer_generation.size() || pr.timer_generation[e.a] != e.b) return;  // replaced or cancelled
      if (defer_if_paused(e)) return;
      react(e.proc, chooser, trace, [&](auto& model, const Now& now, Effects& out) {
        model.on_timer(static_cast<TimerId>(e.a), now, out);
      });
      return;
    }
    case EventKind::RequestArrive:
      on_request_arrive(e.a, chooser, trace);
      return;
    case EventKind::ResponseArrive:
      on_response_arrive(e, chooser, trace);
      return;
    case EventKind::ClientTimeout:
      on_client_timeout(e, chooser, trace);
      return;
    case EventKind::FaultStart:
      fault_start(static_cast<uint32_t>(e.a), chooser, trace);
      return;
    case EventKind::FaultEnd:
      fault_end(static_cast<uint32_t>(e.a), trace);
      return;
    case EventKind::FaultPoint:
      fault_point(chooser, trace);
      return;
    case EventKind::WatchDeliver:
      on_watch_deliver(e, chooser, trace);
      return;
    case EventKind::StopRequest: {
      const ProcessRuntime& pr = procs_[e.proc];
      if (pr.incarnation != e.incarnation || pr.status != ProcStatus::Stopping) return;
      if (defer_if_paused(e)) return;
      react(e.proc, chooser, trace, [](auto& model, const Now& now, Effects& out) { model.on_stop(now, out); });
      return;
    }
    case EventKind::QuiesceEnd: {
      ProcessRuntime& pr = procs_[e.proc];
      // No incarnation check: the work winding down belongs to the old incarnation and goes on
      // even if the process is restarted meanwhile (a new pod starting beside a terminating one).
      if (!pr.quiescing || pr.quiesce_generation != e.b) return;
      if (defer_if_paused(e)) return;
      end_leadership(e.proc, now_, pr.quiesce_cause ? *pr.quiesce_cause : std::string(), trace);
      if (pr.exit_after_quiesce && pr.incarnation == e.incarnation) crash_process(e.proc, *pr.exit_after_quiesce, trace);
      pr.exit_after_quiesce.reset();
      return;
    }
  }
}

namespace {

// The effects of the reaction in progress. A buffer per thread rather than per World, so that
// its capacity survives the explorer's copies of Worlds (a copy of an empty vector has none);
// empty between reactions.
thread_local Effects reaction_effects;

}  // namespace

template <class F>
void WorldCore::react(uint32_t p, Chooser& chooser, Trace* trace, F&& call) {
  ProcessRuntime& pr = procs_[p];
  LS_CHECK(pr.model.has_value(), "reaction of a process without a model");
  reaction_effects.clear();
  const Now now = now_for(p);
  std::visit([&](auto& model) { call(model, now, reaction_effects); }, pr.model.mut());
  apply_effects(p, chooser, trace);
}

void WorldCore::react_watch(uint32_t p, const WatchDelivery& event, Chooser& chooser, Trace* trace) {
  react(p, chooser, trace, [&](auto& model, const Now& now, Effects& out) {
    if constexpr (requires { model.on_watch(event, now, out); }) model.on_watch(event, now, out);
  });
}

void WorldCore::apply_effects(uint32_t p, Chooser& chooser, Trace* trace) {
  std::vector<Effect> list;
  list.swap(reaction_effects.list());
  const uint32_t incarnation = procs_[p].incarnation;
  for (Effect& effect : list) {
    ProcessRuntime& pr = procs_[p];
    if (pr.incarnation != incarnation) break;  // the process died while applying its effects
    if (auto* t = std::get_if<SetTimer>(&effect)) {
      if (pr.timer_generation.size() <= t->id) pr.timer_generation.resize(t->id + 1, 0);
      const uint32_t generation = ++pr.timer_generation[t->id];
      LS_CHECK(t->delay_min <= t->delay_max && t->delay_min.ns >= 0, "timer delay range must be ordered and >= 0");
      const Duration local =
          t->delay_min == t->delay_max
              ? t->delay_min
              : Duration(chooser.draw_for(p, ChoiceKind::TimerDelay, t->delay_min.ns, t->delay_max.ns,
                                      subject(Subject::Timer, p | (static_cast<uint64_t>(t->id) << 32))));
      push(now_ + pr.clock.local_to_true(local), EventKind::Timer, p, t->id, generation);
    } else if (auto* c = std::get_if<CancelTimer>(&effect)) {
      if (pr.timer_generation.size() <= c->id) pr.timer_generation.resize(c->id + 1, 0);
      ++pr.timer_generation[c->id];
    } else if (auto* call = std::get_if<Call>(&effect)) {
      const Duration timeout = call->request.timeout;
      const uint64_t id = add_in_flight(p, std::move(call->request));
      push(now_ + draw_latency(chooser, p, subject(Subject::RequestLeg, static_cast<uint32_t>(id))), EventKind::RequestArrive, p, id);
      if (timeout.ns > 0) push_deadline(procs_[p].clock.local_to_true(timeout), p, id);
    } else if (auto* cancel = std::get_if<CancelCall>(&effect)) {
      // The client stops waiting now; the model hears about it as a Timeout at this instant.
      for (uint32_t index = 0; index < slots_.size(); ++index) {
        const Slot& slot = slots_[index];
        if (!slot.flight) continue;
        const InFlight& f = *slot.flight;
        if (f.proc == p && f.incarnation == pr.incarnation && f.request.tag == cancel->tag && !f.client_done)
          push(now_, EventKind::ClientTimeout, p, (static_cast<uint64_t>(slot.generation) << 32) | index);
      }
    } else if (auto* note = std::get_if<Note>(&effect)) {
      apply_note(p, *note, trace);
    }
  }
  list.clear();
  if (reaction_effects.list().empty()) reaction_effects.list().swap(list);  // keep the capacity
}

void WorldCore::apply_note(uint32_t p, const Note& note, Trace* trace) {
  ProcessRuntime& pr = procs_[p];
  const ProcessSpec& spec = scenario_->processes[p];
  switch (note.kind) {
    case NoteKind::StartedLeading:
      if (pr.acting) {
        // Leading again while winding down: the leadership simply continues.
        if (pr.quiescing) {
          pr.quiescing = false;
          ++pr.quiesce_generation;
        }
        return;
      }
      begin_leadership(p, trace);
      return;
    case NoteKind::StoppedLeading: {
      if (!pr.acting || pr.quiescing) return;
      TrueInstant end = now_;
      if (note.since) {
        const TrueInstant since = pr.clock.true_of_mono(*note.since);
        const TrueInstant start = history_->leaderships[pr.leadership_index].start;
        end = std::clamp(since, start, now_);
      }
      if (spec.quiesce.ns > 0) {
        // docs/cli.md section 2: quiesce extends acting leadership after the stop.
        pr.quiescing = true;
        pr.quiesce_cause.emplace_from([&] { return note.detail.empty() ? std::string("stopped") : note.detail; });
        pr.quiesce_from = end;
        const TrueInstant until = std::max(end + pr.clock.local_to_true(spec.quiesce), now_);
        push(until, EventKind::QuiesceEnd, p, spec.lease, ++pr.quiesce_generation);
        return;
      }
      end_leadership(p, end, note.detail.empty() ? "stopped" : note.detail, trace);
      return;
    }
    case NoteKind::ObservedLeader:
      if (trace) {
        trace->line(now_, "observed")
            .str("proc", spec.name)
            .str("lease", scenario_->lease_keys[note.lease])
            .str("holder", note.detail)
            .end();
      }
      return;
    case NoteKind::Exited:
      if (pr.acting && !pr.quiescing) end_leadership(p, now_, "stopped", trace);
      cancel_outstanding_calls(p, trace);
      pr.status = ProcStatus::Stopped;
      pr.model.reset();
      if (trace) trace->line(now_, "process").str("proc", spec.name).str("state", "exited").end();
      return;
    case NoteKind::Crashed:
      // A process that exits on its own (exit(1) in OnStoppedLeading) while its work still winds
      // down exits only when that work has stopped: shutdown hooks that block the exit are what
      // `quiesce` models (cilium #42920).
      if (pr.quiescing) {
        pr.exit_after_quiesce.emplace_from([&] { return note.detail.empty() ? std::string("exited") : note.detail; });
        return;
      }
      crash_process(p, note.detail.empty() ? "exited" : note.detail, trace);
      return;
  }
}

void WorldCore::begin_leadership(uint32_t p, Trace* trace) {
  ProcessRuntime& pr = procs_[p];
  const ProcessSpec& spec = scenario_->processes[p];
  pr.acting = true;
  pr.quiescing = false;
  pr.leadership_index = history_->leaderships.size();
  Leadership l;
  l.proc = p;
  l.lease = spec.lease;
  l.start = now_;
  const auto& stored = api_.lease(spec.lease);
  l.start_rv = stored ? stored->resource_version : 0;
  history_.mut().leaderships.push_back(l);
  if (trace) {
    TraceLine line = trace->line(now_, "leader");
    line.str("proc", spec.name).str("lease", scenario_->lease_keys[spec.lease]).str("state", "started").unum("rv", l.start_rv);
    add_local_readings(line, p);
    line.end();
  }
}

void WorldCore::end_leadership(uint32_t p, TrueInstant at, const std::string& cause, Trace* trace) {
  ProcessRuntime& pr = procs_[p];
  LS_CHECK(pr.acting, "ending a leadership that is not open");
  Leadership& l = history_.mut().leaderships.mut(pr.leadership_index);
  l.end = at;
  l.end_cause = cause;
  pr.acting = false;
  pr.quiescing = false;
  ++pr.quiesce_generation;
  if (trace) {
    TraceLine line = trace->line(now_, "leader");
    line.str("proc", scenario_->processes[p].name)
        .str("lease", scenario_->lease_keys[l.lease])
        .str("state", "stopped")
        .str("cause", cause);
    if (at != now_) line.secs("since", at.ns);
    add_local_readings(line, p);
    line.end();
  }
}

void WorldCore::start_process(uint32_t p, Chooser& chooser, Trace* trace) {
  ProcessRuntime& pr = procs_[p];
  const ProcessSpec& spec = scenario_->processes[p];
  ++pr.incarnation;
  ++pr.starts;
  pr.exit_after_quiesce.reset();
  pr.status = ProcStatus::Running;
  pr.timer_generation.clear();
  pr.watches = 0;
  // A per-start value from the run's seed, the process and its start count (holder UUIDs).
  const uint64_t nonce = mix4(scenario_->seed, p, pr.starts, 0x1d3e7a5c0b9f2468ull);
  pr.model.emplace_from([&] { return make_model(spec.model, spec.identity, spec.lease, nonce); });
  if (trace) {
    trace->line(now_, "process").str("proc", spec.name).str("state", "started").unum("incarnation", pr.incarnation).end();
  }
  react(p, chooser, trace, [](auto& model, const Now& now, Effects& out) { model.on_start(now, out); });
}

void WorldCore::crash_process(uint32_t p, const std::string& cause, Trace* trace, bool by_fault) {
  ProcessRuntime& pr = procs_[p];
  if (!by_fault) history_.mut().exits.push_back(ProcessExit{now_, p, cause});
  // A dead process does no more work: no quiesce after a crash.
  if (pr.acting) end_leadership(p, now_, cause, trace);
  cancel_outstanding_calls(p, trace);
  pr.status = ProcStatus::Crashed;
  pr.model.reset();
  pr.deferred.clear();
  pr.timer_generation.clear();
  pr.watches = 0;
  ++pr.incarnation;  // everything addressed to the old incarnation is now stale
  if (trace) trace->line(now_, "process").str("proc", scenario_->processes[p].name).str("state", "crashed").str("cause", cause).end();
}

std::vector<PendingRequest> WorldCore::pending_requests() const {
  std::vector<PendingRequest> out;
  for (const Slot& slot : slots_) {
    if (!slot.flight) continue;
    const InFlight& f = *slot.flight;
    const ProcessRuntime& pr = procs_[f.proc];
    if (f.client_done || f.incarnation != pr.incarnation || !alive(pr.status)) continue;
    out.push_back(PendingRequest{f.proc, f.request.verb, f.request.lease, f.sent, f.lost, f.request.timeout.ns > 0});
  }
  return out;
}

uint64_t WorldCore::add_in_flight(uint32_t p, ApiRequest&& request) {
  uint32_t index;
  if (!free_slots_.empty()) {
    index = free_slots_.back();
    free_slots_.pop_back();
  } else {
    index = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& slot = slots_[index];
  ++slot.generation;
  const uint32_t id = request.kind == ObjectKind::Node ? request.node : request.lease;
  slot.target = id < (uint32_t{1} << 28) ? (static_cast<uint32_t>(request.kind) << 28 | id) : kNoTarget;
  ProcessRuntime& pr = procs_[p];
  slot.flight.emplace_from([&] {
    InFlight f;  // returned by name: built in the record's block
    f.proc = p;
    f.incarnation = pr.incarnation;
    f.request = std::move(request);
    f.sent = now_;
    f.call = ++pr.calls;
    return f;
  });
  return (static_cast<uint64_t>(slot.generation) << 32) | index;
}

const WorldCore::InFlight* WorldCore::find_in_flight(uint64_t id) const {
  const Slot* slot = live_slot(id);
  return slot != nullptr ? &*slot->flight : nullptr;
}

WorldCore::InFlight& WorldCore::own_in_flight(uint64_t id) {
  LS_CHECK(find_in_flight(id) != nullptr, "write access to an unknown request");
  return slots_[static_cast<uint32_t>(id)].flight.mut();
}

void WorldCore::erase_in_flight(uint64_t id) {
  const uint32_t index = static_cast<uint32_t>(id);
  Slot& slot = slots_.at(index);
  LS_CHECK(slot.flight && slot.generation == static_cast<uint32_t>(id >> 32), "erasing an unknown request");
  // Its deadline, if it still waits, will find nothing: it need not be dispatched.
  if (slot.flight->deadline_ticket != 0) deadlines_.mark_dead(slot.flight->deadline_ticket);
  slot.flight.reset();
  free_slots_.push_back(index);
}

void WorldCore::on_request_arrive(uint64_t id, Chooser& chooser, Trace* trace) {
  LS_CHECK(find_in_flight(id) != nullptr, "request arrival for an unknown request");
  InFlight& f = own_in_flight(id);
  if (!network_.requests_reach_server(f.proc) || blackhole_depth_ > 0) {
    // Lost on the way: the server never sees it; the client waits for its timeout, if any.
    trace_lost(f, "request", network_.requests_reach_server(f.proc) ? "blackhole" : "partition", trace);
    f.response.result = ApiResult::Timeout;
    f.response.tag = f.request.tag;
    f.response.verb = f.request.verb;
    f.lost = true;
    if (f.client_done) erase_in_flight(id);
    else {
      f.request.body.reset();  // keep only what the timeout needs
      f.request.node_body.reset();
    }
    return;
  }
  // Built where it lives (an outcome is over a kilobyte): no default one to assign over.
  ApiOutcome outcome = [&] {
    if (refuse_depth_ == 0) return api_.handle(f.request);
    ApiOutcome refused;
    refused.response.tag = f.request.tag;
    refused.response.verb = f.request.verb;
    refused.response.result = ApiResult::Unavailable;
    refused.response.message = "connection refused";
    return refused;
  }();
  if (outcome.committed) {
    f.applied = true;
    if (f.request.kind == ObjectKind::Node) record_node_write(f, outcome, trace);
    else if (f.request.kind == ObjectKind::Pod) record_pod_write(f, outcome, trace);
    else record_write(f, outcome, trace);
    if (!watchers_.empty() && f.request.kind != ObjectKind::Pod) {
      notify_watchers(f.request.kind, f.request.kind == ObjectKind::Node ? f.request.node : f.request.lease, chooser);
    }
  }
  if (f.request.watch && outcome.response.result == ApiResult::Ok) open_watch(f);
  f.response = std::move(outcome.response);
  push(now_ + draw_latency(chooser, f.proc, subject(Subject::ResponseLeg, static_cast<uint32_t>(id))), EventKind::ResponseArrive,
       f.proc, id);
}

void WorldCore::record_write(const InFlight& f, const ApiOutcome& outcome, Trace* trace) {
  if (outcome.candidate_write) {
    trace_candidate_write(*scenario_, now_, scenario_->processes[f.proc].name, f.request, outcome, api_.resource_version(),
                          f.client_done, trace);
    return;
  }
  const LeaseId lease = f.request.lease;
  if (scenario_.kubelet_owns(f.proc, lease)) {
    record_node_lease_write(f, outcome, trace);
    return;
  }
  LeaseWrite w;
  w.t = now_;
  w.lease = lease;
  w.proc = f.proc;
  w.verb = f.request.verb;
  w.rv = api_.resource_version();
  if (outcome.before) w.before = outcome.before->spec;
  if (outcome.after) w.after = outcome.after->spec;
  w.late = f.client_done;
  if (trace) lease_line(lease, w.proc, w.verb, w.rv, w.after ? &*w.after : nullptr, w.late, trace);
  history_.mut().writes.push_back(std::move(w));
}

void WorldCore::record_node_lease_write(const InFlight& f, const ApiOutcome& outcome, Trace* trace) {
  NodeLeaseWrite w;
  w.t = now_;
  w.lease = f.request.lease;
  w.proc = f.proc;
  w.verb = f.request.verb;
  w.rv = api_.resource_version();
  w.late = f.client_done;
  w.deleted = !outcome.after;
  if (outcome.after) {
    const LeaseSpec& s = outcome.after->spec;
    w.set_renew_time(s.renew_time);
    if (s.holder_identity) w.holder = *s.holder_identity;
    w.lease_duration_seconds = s.lease_duration_seconds.value_or(0);
    if (outcome.before) w.holder_changed = holder_changed(outcome.before->spec, s);
  }
  // The same `lease` line as every other Lease write (the trace does not tell the two lists apart).
  if (trace) lease_line(w.lease, w.proc, w.verb, w.rv, outcome.after ? &outcome.after->spec : nullptr, w.late, trace);
  history_.mut().node_lease_writes.push_back(w);
}

void WorldCore::lease_line(LeaseId lease, uint32_t proc, Verb verb, uint64_t rv, const LeaseSpec* after, bool late,
                           Trace* trace) const {
  // One record of every field (TraceLeaseFields): a kubelet's renewal is one of these lines.
  TraceLeaseFields l;
  l.object = &scenario_.lease_key(lease).str();
  l.proc = &scenario_.proc_name(proc).str();
  l.verb = StaticText::of(verb_text(verb));
  l.rv = rv;
  l.deleted = after == nullptr;
  if (after) {
    const LeaseSpec& s = *after;
    if (s.holder_identity) l.holder = &s.holder_identity->str();
    l.has_transitions = s.lease_transitions.has_value();
    l.transitions = s.lease_transitions.value_or(0);
    l.has_renew_time = s.renew_time.has_value();
    l.renew_time_ns = s.renew_time ? s.renew_time->ns : 0;
    l.has_lease_duration = s.lease_duration_seconds.has_value();
    l.lease_duration_seconds = s.lease_duration_seconds.value_or(0);
  }
  l.late = late;
  trace->line(now_, "lease").lease_fields(l).end();
}

void WorldCore::trace_api(const InFlight& f, ApiResult result, Trace* trace) {
  ++api_counts_[static_cast<size_t>(f.request.verb)][static_cast<size_t>(result)];
  if (trace) api_line(f, result_text(result), result != ApiResult::Timeout && result != ApiResult::Cancelled, nullptr, nullptr, trace);
}

void WorldCore::trace_lost(const InFlight& f, const char* leg, const char* why, Trace* trace) {
  // Not counted: api_count is what clients learned, and the client of a lost request learns
  // its timeout (or nothing) later.
  if (trace) api_line(f, "lost", true, leg, why, trace);
}

void WorldCore::api_line(const InFlight& f, std::string_view result, bool with_rv, const char* leg, const char* why,
                         Trace* trace) const {
  // One record of every field (TraceApiFields): a busy cluster writes one of these lines per
  // request. The object is a prefix (a literal) and a name (an interned Name's text, "" for a
  // list): "nodes/" and a node, a Lease's key, "nodes" or "leases" for a list.
  TraceApiFields a;
  a.proc = &scenario_.proc_name(f.proc).str();
  a.call = f.call;
  a.verb = StaticText::of(verb_text(f.request.verb));
  a.object = &Name().str();
  switch (f.request.kind) {
    case ObjectKind::LeaseCandidate:
      // Coordinated election's few candidates: their object names are interned once each.
      a.object = &Name(candidate_object_name(f.request)).str();
      break;
    case ObjectKind::Node:
      if (f.request.verb == Verb::List) {
        a.object_prefix = StaticText::of("nodes");
      } else {
        a.object_prefix = StaticText::of("nodes/");
        a.object = &scenario_.node_name(f.request.node).str();
      }
      break;
    case ObjectKind::Pod:
      a.object_prefix = StaticText::of("pods/node=");
      a.object = &scenario_.node_name(f.request.node).str();
      break;
    case ObjectKind::Lease:
      if (f.request.verb == Verb::List) a.object_prefix = StaticText::of("leases");
      else a.object = &scenario_.lease_key(f.request.lease).str();
      break;
  }
  a.result = StaticText::of(result);
  a.has_rv = with_rv && (f.response.object || f.response.node);
  if (a.has_rv) a.rv = f.response.object ? f.response.object->resource_version : f.response.node->resource_version;
  a.sent_ns = f.sent.ns;
  a.applied = f.applied;
  a.lost = leg != nullptr;
  if (a.lost) {
    a.leg = StaticText::of(leg);
    a.why = StaticText::of(why);
  }
  const ProcessClock& clock = procs_[f.proc].clock;
  a.mono_ns = clock.mono(now_).ns;
  a.wall_ns = clock.wall(now_).ns;
  trace->line(now_, "api").api_fields(a).end();
}

void WorldCore::add_local_readings(TraceLine& line, uint32_t p) const {
  const ProcessClock& clock = procs_[p].clock;
  line.secs("mono", clock.mono(now_).ns).wall_nanos("wall", clock.wall(now_));
}

void WorldCore::cancel_outstanding_calls(uint32_t p, Trace* trace) {
  // In slot order, which is deterministic. The server may still commit such a request later (a
  // late write), as after a timeout.
  const uint32_t incarnation = procs_[p].incarnation;
  for (uint32_t index = 0; index < slots_.size(); ++index) {
    const Slot& slot = slots_[index];
    if (!slot.flight) continue;
    const InFlight& f = *slot.flight;
    if (f.proc != p || f.incarnation != incarnation || f.client_done) continue;
    const uint64_t id = (static_cast<uint64_t>(slot.generation) << 32) | index;
    trace_api(f, ApiResult::Cancelled, trace);
    // A lost request has no response on its way: only a pending deadline may still name it, and
    // that finds nothing. Any other record is erased when its response arrives.
    if (f.lost) erase_in_flight(id);
    else own_in_flight(id).client_done = true;
  }
}

void WorldCore::on_response_arrive(const Event& e, Chooser& chooser, Trace* trace) {
  const InFlight* found = find_in_flight(e.a);
  LS_CHECK(found != nullptr, "response arrival for an unknown request");
  const InFlight& f = *found;
  const ProcessRuntime& pr = procs_[f.proc];
  if (f.client_done || pr.incarnation != f.incarnation || !alive(pr.status)) {
    erase_in_flight(e.a);  // nobody waits for it any more
    return;
  }
  if (!network_.responses_reach_process(f.proc)) {
    // Lost on the way back: the write (if any) stands, the client waits for its timeout.
    InFlight& lost = own_in_flight(e.a);
    trace_lost(lost, "response", "partition", trace);
    lost.response.object.reset();
    lost.response.items.clear();
    lost.response.node.reset();
    lost.response.node_items.clear();
    lost.lost = true;
    return;
  }
  if (defer_if_paused(e)) return;
  // The client has its answer; the record is erased below, so it need not be marked done.
  trace_api(f, f.response.result, trace);
  const uint32_t p = f.proc;
  // The record leaves the table, but this handle keeps it (shared with any other World that
  // holds it) while the model reads the response: no copy of the response.
  const CowSlot<InFlight> held = slots_[static_cast<uint32_t>(e.a)].flight;
  erase_in_flight(e.a);
  react(p, chooser, trace, [&](auto& model, const Now& now, Effects& out) { model.on_response(held->response, now, out); });
}

void WorldCore::on_client_timeout(const Event& e, Chooser& chooser, Trace* trace) {
  const InFlight* found = find_in_flight(e.a);
  if (found == nullptr || found->client_done) return;
  const ProcessRuntime& pr = procs_[found->proc];
  if (pr.incarnation != found->incarnation || !alive(pr.status)) {
    if (found->lost) erase_in_flight(e.a);  // no event refers to it any more
    else own_in_flight(e.a).client_done = true;
    return;
  }
  if (defer_if_paused(e)) return;
  InFlight& f = own_in_flight(e.a);
  f.client_done = true;
  trace_api(f, ApiResult::Timeout, trace);
  ApiResponse response;
  response.tag = f.request.tag;
  response.verb = f.request.verb;
  response.result = ApiResult::Timeout;
  response.message = "context deadline exceeded";
  const uint32_t p = f.proc;
  // A lost request has no response on its way: nothing refers to its slot after this.
  if (f.lost) erase_in_flight(e.a);
  react(p, chooser, trace, [&](auto& model, const Now& now, Effects& out) { model.on_response(response, now, out); });
}

std::optional<uint32_t> WorldCore::earliest_acting(std::optional<LeaseId> lease) const {
  std::optional<uint32_t> best;
  TrueInstant best_start;
  for (uint32_t p = 0; p < procs_.size(); ++p) {
    const ProcessRuntime& pr = procs_[p];
    if (!pr.acting || (lease && scenario_->processes[p].lease != *lease)) continue;
    const TrueInstant start = history_->leaderships[pr.leadership_index].start;
    if (!best || start < best_start) {
      best = p;
      best_start = start;
    }
  }
  return best;
}

std::optional<uint32_t> WorldCore::acting_leader(LeaseId lease) const { return earliest_acting(lease); }

std::optional<uint32_t> WorldCore::resolve_target(const FaultTarget& target) const {
  switch (target.kind) {
    case FaultTarget::Kind::None: return std::nullopt;
    case FaultTarget::Kind::Process: return target.process;
    case FaultTarget::Kind::Leader:
      // "leader" = the acting leader at this instant; with several leases, the one that has
      // led the longest.
      return earliest_acting(std::nullopt);
  }
  return std::nullopt;
}

void WorldCore::trace_fault(const FaultRecord& record, Trace* trace) {
  if (!trace) return;
  const FaultSpec& f = fault_spec(record.index);
  TraceLine line = trace->line(now_, "fault");
  line.str("fault", fault_type_name(f.type)).str("phase", record.is_end ? "end" : "start").unum("index", record.index);
  if (record.target) line.str("target", scenario_->processes[*record.target].name);
  if (f.type == FaultType::Partition) line.str("direction", direction_name(f.direction));
  if (f.type == FaultType::ClockJump) line.str("by", format_duration(f.by));
  if (f.type == FaultType::ApiServerOutage) line.str("mode", outage_mode_name(f.mode));
  if (f.type == FaultType::ApiServerSlow && !record.is_end)
    line.str("latencyMin", format_duration(f.latency.min)).str("latencyMax", format_duration(f.latency.max));
  if (!record.skipped.empty()) line.str("skipped", record.skipped);
  line.end();
}

const FaultSpec& WorldCore::fault_spec(uint32_t index) const {
  const size_t fixed = scenario_->faults.size();
  return index < fixed ? scenario_->faults[index] : injected_[index - fixed];
}

// A fault point of spec.explore.faults: while fewer than `max` have struck on this path, none
// or one of the candidates strikes now (a Fault choice), as if it were in spec.faults at this
// instant; its window ends `for` later.
void WorldCore::fault_point(Chooser& chooser, Trace* trace) {
  const ExploreFaults& injectable = scenario_->explore.faults;
  if (injected_.size() >= injectable.max) return;
  const uint32_t k =
      chooser.pick(ChoiceKind::Fault, static_cast<uint32_t>(injectable.candidates.size() + 1), subject(Subject::Fault));
  if (k == 0) return;
  FaultSpec f = injectable.candidates.at(k - 1);
  f.at = Duration(now_.ns);
  const uint32_t index = static_cast<uint32_t>(scenario_->faults.size() + injected_.size());
  injected_.push_back(f);
  fault_targets_.push_back(std::nullopt);
  fault_start(index, chooser, trace);
  if (f.for_) push(now_ + *f.for_, EventKind::FaultEnd, 0, index);
}

void WorldCore::fault_start(uint32_t index, Chooser& chooser, Trace* trace) {
  const FaultSpec& f = fault_spec(index);
  FaultRecord record;
  record.t = now_;
  record.index = index;
  record.spec = f;
  const std::optional<uint32_t> target = resolve_target(f.target);
  fault_targets_[index] = target;
  record.target = target;
  if (is_process_fault(f.type) && !target) record.skipped = "no acting leader";

  // Which acting leaders does it hit? (used to open failover episodes)
  if (record.skipped.empty()) {
    if (f.type == FaultType::ApiServerOutage || f.type == FaultType::ApiServerSlow) {
      for (uint32_t p = 0; p < procs_.size(); ++p)
        if (procs_[p].acting) record.acting_leaders_hit.emplace_back(scenario_->processes[p].lease, p);
    } else if (f.type != FaultType::Restart && f.type != FaultType::ClockJump && procs_[*target].acting) {
      record.acting_leaders_hit.emplace_back(scenario_->processes[*target].lease, *target);
    }
  }
  if (record.skipped.empty() && target) {
    const ProcStatus status = procs_[*target].status;
    if ((f.type == FaultType::Crash && !alive(status)) || (f.type == FaultType::Stop && status != ProcStatus::Running))
      record.skipped = std::string("process is ") + proc_status_name(status);
    if (f.type == FaultType::Restart && status != ProcStatus::Crashed && status != ProcStatus::Stopped)
      record.skipped = std::string("process is ") + proc_status_name(status);
    // Only a node lifecycle controller keeps watches: stalling another process changes nothing.
    if (f.type == FaultType::WatchStall && !std::holds_alternative<NodeLifecycleConfig>(scenario_->processes[*target].model))
      record.skipped = "the process keeps no watches (only a node-lifecycle-controller does)";
  }
  if (!record.skipped.empty()) {
    record.acting_leaders_hit.clear();
    fault_targets_[index] = std::nullopt;
  }
  trace_fault(record, trace);
  const bool skipped = !record.skipped.empty();
  history_.mut().faults.push_back(std::move(record));
  if (skipped) return;

  switch (f.type) {
    case FaultType::Crash:
      crash_process(*target, "crash", trace, /*by_fault=*/true);
      break;
    case FaultType::Restart:
      procs_[*target].pause_depth = 0;
      procs_[*target].deferred.clear();
      start_process(*target, chooser, trace);
      break;
    case FaultType::Stop:
      procs_[*target].status = ProcStatus::Stopping;
      // A paused process handles the stop (SIGTERM) only once it runs again.
      if (procs_[*target].pause_depth > 0) {
        Event stop;
        stop.at = now_;
        stop.kind = EventKind::StopRequest;
        stop.proc = *target;
        stop.incarnation = procs_[*target].incarnation;
        procs_[*target].deferred.push_back(stop);
        break;
      }
      react(*target, chooser, trace, [](auto& model, const Now& now, Effects& out) { model.on_stop(now, out); });
      break;
    case FaultType::Pause:
      ++procs_[*target].pause_depth;
      break;
    case FaultType::Partition:
      network_.cut(*target, f.direction);
      break;
    case FaultType::ClockJump:
      procs_[*target].clock.jump(f.by);
      break;
    case FaultType::ApiServerOutage:
      ++(f.mode == OutageMode::Refuse ? refuse_depth_ : blackhole_depth_);
      break;
    case FaultType::ApiServerSlow:
      active_slow_.push_back(index);
      break;
    case FaultType::WatchStall:
      ++procs_[*target].watch_stall;
      break;
  }
}

void WorldCore::fault_end(uint32_t index, Trace* trace) {
  const FaultSpec& f = fault_spec(index);
  FaultRecord record;
  record.t = now_;
  record.index = index;
  record.spec = f;
  record.is_end = true;
  const std::optional<uint32_t> target = fault_targets_[index];
  record.target = target;
  const bool applied = target || !is_process_fault(f.type);
  if (!applied) record.skipped = "fault did not start";
  trace_fault(record, trace);
  history_.mut().faults.push_back(record);
  if (!applied) return;
  switch (f.type) {
    case FaultType::Pause: {
      ProcessRuntime& pr = procs_[*target];
      if (pr.pause_depth > 0 && --pr.pause_depth == 0) resume(*target);
      break;
    }
    case FaultType::Partition:
      network_.heal(*target, f.direction);
      partition_healed(*target, f.direction);
      break;
    case FaultType::ApiServerOutage:
      --(f.mode == OutageMode::Refuse ? refuse_depth_ : blackhole_depth_);
      break;
    case FaultType::ApiServerSlow:
      active_slow_.erase(std::find(active_slow_.begin(), active_slow_.end(), index));
      break;
    case FaultType::WatchStall:
      watch_stall_end(*target);
      break;
    default:
      break;  // instant faults have no end
  }
}

TrueInstant WorldCore::earliest_end(uint32_t p) const {
  const ProcessRuntime& pr = procs_.at(p);
  LS_CHECK(pr.acting, "earliest_end of a process that does not act");
  // A quiescing process ends at its quiesce end (not backdated); a crash ends it now.
  if (pr.quiescing || !pr.model) return now_;
  const std::optional<LocalInstant> floor =
      std::visit([](const auto& m) { return m.backdate_floor(); }, *pr.model);
  if (!floor) return now_;
  const TrueInstant start = history_->leaderships[pr.leadership_index].start;
  return std::clamp(pr.clock.true_of_mono(*floor), start, now_);
}

void WorldCore::set_bounds(TrueInstant horizon, uint64_t max_events) {
  horizon_ = horizon;
  max_events_ = max_events;
}

bool WorldCore::inert(const Event& e) const {
  // Mirrors the early returns of dispatch, on_client_timeout: such an event only moves time
  // and the event count when it fires.
  if (e.kind == EventKind::Timer) {
    const ProcessRuntime& pr = procs_[e.proc];
    return pr.incarnation != e.incarnation || e.a >= pr.timer_generation.size() || pr.timer_generation[e.a] != e.b;
  }
  if (e.kind == EventKind::ClientTimeout) {
    const InFlight* f = find_in_flight(e.a);
    return f == nullptr || f->client_done;
  }
  return false;
}

uint64_t WorldCore::fingerprint(bool canonical, bool live_only, bool drop_dead) const {
  if (!canonical) return fingerprint_exact(live_only, drop_dead);
  // With live_only the origin is the next live event rather than now: until then only inert
  // events fire, which change nothing, so a world and the same world advanced to that instant
  // have the same future and, seen from it, the same key (next_live_at).
  const TrueInstant origin = live_only ? next_live_at() : now_;
  HashFrame frame;
  frame.canonical = true;
  // Old wall instants (HashFrame::old_before): older than the longest lease duration any
  // record can carry, before the earliest clock now. The pass hashes a placeholder for each
  // and collects them in the order they are met; their ranks among themselves, in that order,
  // then complete the key. (The same information as hashing each one's rank in place.)
  frame.min_wall = INT64_MAX;
  for (const ProcessRuntime& pr : procs_) frame.min_wall = std::min(frame.min_wall, pr.clock.wall(origin).ns);
  frame.old_before = frame.min_wall - max_record_lease_.ns;
  thread_local std::vector<int64_t> old;  // keeps its capacity between calls
  thread_local std::vector<int64_t> order;
  old.clear();
  frame.collect = &old;
  const uint64_t pass = fingerprint_canonical(frame, live_only, origin);
  if (old.empty()) return pass;
  order.assign(old.begin(), old.end());
  std::sort(order.begin(), order.end());
  order.erase(std::unique(order.begin(), order.end()), order.end());
  StateHasher h;
  h.u64(pass).u64(old.size());
  for (int64_t t : old) h.u64(static_cast<uint64_t>(std::lower_bound(order.begin(), order.end(), t) - order.begin()));
  return h.digest();
}

TrueInstant WorldCore::next_live_at() const {
  TrueInstant at(INT64_MAX);
  for_each_pending([&](const Event& e) {
    if (e.at < at && !inert(e)) at = e.at;
  });
  return at.ns == INT64_MAX ? now_ : at;
}

uint64_t WorldCore::fingerprint_canonical(HashFrame frame, bool live_only, TrueInstant origin) const {
  StateHasher h;
  // Time-relative (see HashFrame): "now" is the origin of every instant; the event count is
  // left out (the explorer lifts the event bound when it converges). Cached digests are of the
  // absolute frame, so every part is hashed afresh here.
  frame.true_origin = origin.ns;
  frame.wall_origin = procs_.empty() ? 0 : procs_[0].clock.wall(origin).ns;
  frame.rv_origin = api_.resource_version();
  // What an event's generation or request id says is whether it is still current; the
  // canonical frame hashes that rather than the counters, which only grow. One digest per
  // event (mix4 of one-to-one packings of its fields).
  auto event_word = [&](const Event& e) -> uint64_t {
    const uint64_t who = static_cast<uint64_t>(e.kind) | (static_cast<uint64_t>(e.proc) << 8);
    uint64_t a = e.a, b = e.b;
    switch (e.kind) {
      case EventKind::Timer: {
        const ProcessRuntime& pr = procs_.at(e.proc);
        b = e.a < pr.timer_generation.size() && pr.timer_generation[e.a] == e.b;
        break;
      }
      case EventKind::QuiesceEnd:
        b = procs_.at(e.proc).quiesce_generation == e.b;
        break;
      case EventKind::RequestArrive:
      case EventKind::ResponseArrive:
      case EventKind::ClientTimeout: {
        const uint32_t index = static_cast<uint32_t>(e.a & 0xffffffffu);
        a = index;
        b = index < slots_.size() && slots_[index].flight && slots_[index].generation == (e.a >> 32);
        break;
      }
      default:
        break;
    }
    return mix4(static_cast<uint64_t>(frame.at(e.at)), who, e.incarnation | (b << 32), a);
  };
  // The pending events enter as a multiset, as in the absolute fingerprint (fingerprint_exact
  // says why their order at one instant never matters): the sum of their digests.
  uint64_t pending = 0, count = 0;
  for_each_pending([&](const Event& e) {
    if (!live_only || !inert(e)) pending += event_word(e), ++count;
  });
  h.u64(pending).u64(count);
  api_.hash_into(h, frame);
  network_.hash_into(h);
  for (const ProcessRuntime& pr : procs_) {
    h.u64(static_cast<uint64_t>(pr.status)).u64(pr.incarnation).u64(pr.pause_depth).boolean(pr.acting).boolean(pr.quiescing);
    h.u64(pr.watches | (static_cast<uint64_t>(pr.watch_stall) << 8));
    pr.clock.hash_into(h);
    h.i64(pr.clock.wall(origin).ns - frame.wall_origin).i64(pr.clock.rate_phase(origin));
    h.u64(pr.timer_generation.size());
    h.u64(pr.deferred.size());
    for (const Event& e : pr.deferred) h.u64(event_word(e));  // in order: they fire in order
    h.boolean(pr.exit_after_quiesce.has_value());
    h.boolean(pr.model.has_value());
    if (pr.model) {
      HashFrame mine = frame;
      mine.mono_origin = pr.clock.mono(origin).ns;
      mine.tag_origin = std::visit([](const auto& m) { return m.tag_origin(); }, *pr.model);
      const std::optional<Lease>& current = api_.lease(scenario_->processes[&pr - procs_.data()].lease);
      mine.lease_now = current ? &*current : nullptr;
      std::visit([&](const auto& m) { m.hash_into(h, mine); }, *pr.model);
    }
  }
  HashFrame server = frame;
  server.rv_origin = api_.resource_version();
  for (const Slot& slot : slots_) {
    if (!slot.flight) continue;
    const InFlight& f = *slot.flight;
    HashFrame owner = server;
    const ProcessRuntime& pr = procs_.at(f.proc);
    if (pr.model) owner.tag_origin = std::visit([](const auto& m) { return m.tag_origin(); }, *pr.model);
    h.u64(f.proc).u64(f.incarnation).u64(owner.tag(f.request.tag)).u64(static_cast<uint64_t>(f.request.verb)).boolean(f.client_done).boolean(f.applied).boolean(f.lost);
    h.u64(f.request.lease).u64(server.rv(f.request.delete_precondition_rv)).i64(f.request.timeout.ns).boolean(f.request.body.has_value());
    if (f.request.body) f.request.body->hash_into(h, server);
    // What the server already answered decides the future as much as the request does.
    h.u64(static_cast<uint64_t>(f.response.result)).boolean(f.response.object.has_value()).u64(f.response.items.size());
    if (f.response.object) f.response.object->hash_into(h, server);
    for (const Lease& item : f.response.items) item.hash_into(h, server);
    if (f.request.kind == ObjectKind::LeaseCandidate) hash_candidate_flight(h, f.request, f.response, server);
    if (f.request.kind == ObjectKind::Node || f.request.kind == ObjectKind::Pod || f.request.watch) {
      h.u64(static_cast<uint64_t>(f.request.kind) | (static_cast<uint64_t>(f.request.node) << 8) |
            (static_cast<uint64_t>(f.request.watch) << 40));
      hash_name(h, f.request.list_namespace);
      if (f.request.node_body) f.request.node_body->hash_into(h, server);
      if (f.response.node) f.response.node->hash_into(h, server);
      for (const Node& item : f.response.node_items) item.hash_into(h, server);
    }
  }
  hash_faults_into(h);
  return h.digest();
}

// The faults in effect, the same in both frames: outage and slow windows, and the injected
// faults, how many may still strike and what the pending ends and slow windows of those that
// struck refer to (not when they struck, which nothing reads again).
void WorldCore::hash_faults_into(StateHasher& h) const {
  h.u64(refuse_depth_ | (static_cast<uint64_t>(blackhole_depth_) << 32));
  h.u64(active_slow_.size() | (static_cast<uint64_t>(injected_.size()) << 32));
  for (const FaultSpec& f : injected_) {
    h.u64(static_cast<uint64_t>(f.type) | (static_cast<uint64_t>(f.target.kind) << 8) |
          (static_cast<uint64_t>(f.direction) << 16) | (static_cast<uint64_t>(f.mode) << 24) |
          (static_cast<uint64_t>(f.target.process) << 32));
    h.i64(f.for_ ? f.for_->ns : -1).i64(f.by.ns).i64(f.latency.min.ns).i64(f.latency.max.ns);
  }
}

// Flattened: the hasher, the per-event inert test and digest and the cached-digest reads inline into
// one loop body, so the hasher's lanes stay in registers (this runs once per explored transition).
[[gnu::flatten]] uint64_t WorldCore::fingerprint_exact(bool live_only, bool drop_dead) const {
  // Small fields are packed into shared words (each packing is one-to-one), which halves the
  // number of words to mix without leaving any field out.
  StateHasher h;
  // The pending events (in the heap and the ready ties) enter as a multiset: the sum of one
  // hash per event, whatever the order they were pushed in. Their order among events due at
  // one instant never decides what can happen (every event due at the earliest instant is an
  // alternative of the next step, pop_next), so two worlds that differ only in it have the same
  // successors up to the numbering of tie choices, and may share one key. (Sequence numbers
  // are left out for the same reason.) The per-event hashes do not wait for each other, unlike
  // one chain over the events in sorted order, and the sum is kept up to date as events are
  // pushed and fired (pending_digest_), so a fingerprint reads it rather than visiting them
  // (a run, which reads few fingerprints, sums them when asked: set_digest_on_demand).
  uint64_t pending = pending_digest(), count = pending_count();
  int64_t at = now_.ns;
  if (live_only) {
    // Inert events (timers replaced or cancelled, timeouts of answered requests) remember only
    // when earlier requests were sent: leaving them out merges states with the same future.
    // The event count is left out too, and the time is that of the next live event
    // (next_live_at) rather than now, in the same pass: both differ between worlds that fired
    // different numbers of inert events, and neither decides anything but the event bound,
    // which the explorer checks stays out of reach when it uses this key (explore/explorer.h).
    int64_t next_live = INT64_MAX;
    auto visit = [&](const Event& e) {
      if (inert(e)) pending -= event_digest(e), --count;
      else next_live = std::min(next_live, e.at.ns);
    };
    for_each_pending(visit);
    if (next_live != INT64_MAX) at = next_live;
  }
  h.i64(at).u64(live_only ? 0 : events_);
  h.u64(pending).u64(count);
  api_.hash_into(h);
  network_.hash_into(h);
  // The rest goes through a copy of the hasher that no other function sees: the two calls above
  // take h by reference, and after them the compiler would store and reload h around every
  // read of a process, while the copy stays in registers.
  StateHasher hp = h;
  for (const ProcessRuntime& pr : procs_) {
    const uint64_t flags = static_cast<uint64_t>(pr.status) | (static_cast<uint64_t>(pr.acting) << 8) |
                           (static_cast<uint64_t>(pr.quiescing) << 9) |
                           (static_cast<uint64_t>(pr.exit_after_quiesce.has_value()) << 10) |
                           (static_cast<uint64_t>(pr.model.has_value()) << 11);
    hp.u64(flags | (static_cast<uint64_t>(pr.incarnation) << 32));
    hp.u64(pr.pause_depth | (static_cast<uint64_t>(pr.quiesce_generation) << 32));
    hp.u64(pr.watches | (static_cast<uint64_t>(pr.watch_stall) << 8));
    // The clock's offset and rate are the process's, fixed by the scenario: only its jumps change.
    hp.i64(pr.clock.jumps().ns);
    const size_t timers = pr.timer_generation.size();
    hp.u64(timers);
    for (size_t t = 0; t < timers; t += 2) {
      const uint64_t next = t + 1 < timers ? pr.timer_generation[t + 1] : 0;
      hp.u64(pr.timer_generation[t] | (next << 32));
    }
    hp.u64(pr.deferred.size());
    for (const Event& e : pr.deferred) {
      hp.i64(e.at.ns).u64(static_cast<uint64_t>(e.kind) | (static_cast<uint64_t>(e.incarnation) << 8)).u64(e.a).u64(e.b);
    }
    if (pr.model) {
      // The digest is cached in the shared model: one search keys every World one way.
      hp.u64(pr.model.digest([drop_dead](const ModelState& model) {
        StateHasher mh;
        HashFrame frame;
        frame.drop_dead = drop_dead;
        std::visit([&](const auto& m) { m.hash_into(mh, frame); }, model);
        return mh.digest();
      }));
    }
  }
  for (const Slot& slot : slots_) {
    if (slot.flight) hp.u64(slot.flight.digest(&WorldCore::flight_digest));
  }
  hash_faults_into(hp);
  return hp.digest();
}

uint64_t WorldCore::flight_digest(const InFlight& f) {
  StateHasher h;
  // Small fields share words (one-to-one packings), then the objects.
  h.u64(f.proc | (static_cast<uint64_t>(f.incarnation) << 32));
  h.u64(f.request.tag | (static_cast<uint64_t>(f.request.lease) << 32));
  h.u64(static_cast<uint64_t>(f.request.verb) | (static_cast<uint64_t>(f.client_done) << 8) |
        (static_cast<uint64_t>(f.applied) << 9) | (static_cast<uint64_t>(f.lost) << 10) |
        (static_cast<uint64_t>(f.request.body.has_value()) << 11) |
        (static_cast<uint64_t>(f.response.object.has_value()) << 12) |
        (static_cast<uint64_t>(f.response.result) << 16) | (static_cast<uint64_t>(f.response.items.size()) << 24));
  h.u64(f.request.delete_precondition_rv).i64(f.request.timeout.ns);
  if (f.request.body) f.request.body->hash_into(h);
  // What the server already answered decides the future as much as the request does.
  if (f.response.object) f.response.object->hash_into(h);
  for (const Lease& item : f.response.items) item.hash_into(h);
  if (f.request.kind == ObjectKind::LeaseCandidate) hash_candidate_flight(h, f.request, f.response, HashFrame{});
  if (f.request.kind == ObjectKind::Node || f.request.kind == ObjectKind::Pod || f.request.watch) {
    h.u64(static_cast<uint64_t>(f.request.kind) | (static_cast<uint64_t>(f.request.node) << 8) |
          (static_cast<uint64_t>(f.request.watch) << 40));
    hash_name(h, f.request.list_namespace);
    if (f.request.node_body) f.request.node_body->hash_into(h);
    if (f.response.node) f.response.node->hash_into(h);
    for (const Node& item : f.response.node_items) item.hash_into(h);
  }
  return h.digest();
}

}  // namespace leasesim
