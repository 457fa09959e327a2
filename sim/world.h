// world.h: the whole simulated system as one copyable value, advanced only by choices.
//
// Contract (docs/architecture.md):
// - A World holds true time, the API server's store, every process's model, clock, status and
//   timers, the network, pending events and the History. It changes only in step(), which
//   fires the next pending event and asks a Chooser for every nondeterministic decision (ties
//   at one instant, latency draws, jittered timer delays). The same World code serves random
//   runs and exhaustive exploration.
// - Messages: a request travels to the API server with a one-way latency drawn from the
//   scenario's range (or an apiServerSlow fault's range while one is active), is handled there,
//   and the response travels back with another draw. A client-side timeout (in the process's
//   local time) gives the model a Timeout response; the request may still reach the server and
//   commit afterwards ("late" writes are marked in the trace and history). Partitions are judged
//   when a message would be delivered. An apiServerOutage `refuse` answers Unavailable; a
//   `blackhole` drops requests silently.
// - Processes: crash loses volatile state (the model is rebuilt on restart, same identity;
//   responses to the old incarnation are dropped). stop calls the model's on_stop and the
//   process exits when the model says so. pause holds every event for the process (timers,
//   responses, timeouts) and delivers them, in order, at resume; its clocks keep running.
//   clockJump steps the wall clock only. At resume, a held response and the held client deadline
//   of the same request fire at one instant, so which one the client sees first is a tie choice
//   (as Go's select picks among ready cases); the other held events keep their order.
// - Trace (docs/trace-format.md): every request the client sent ends in one `api` line with
//   the outcome the client learned, or `cancelled` when its process exited or crashed first; a
//   request or response the network drops gets an `api` line `lost` when it is dropped.
//   `api` and `leader` lines carry the process's local `mono` and `wall` readings. Each
//   process numbers its calls (`call`), and every choice says what it decides
//   (ChoiceSubject), which replay entries carry as labels.
// - Injected faults (spec.explore.faults): at each fault point, while fewer than `max` struck,
//   a Fault choice says whether one candidate strikes now, as if spec.faults held it; it goes
//   first among the events of its instant. RandomChooser always says none, so `run` injects a
//   fault only where a replay names one.
// - Acting leadership is tracked from model notes; `config.quiesce` keeps a process acting for
//   that long (local time) after its model stops leading, except after a crash.
// - Bounds: the horizon (`duration`) and `max_events`; step() reports which one stopped a run.
// - Lazy deadlines (run mode; set_lazy_deadlines, off by default and so in the explorer): client
//   deadlines wait in a DeadlineQueue beside the event queue (sim/deadline_queue.h) rather than
//   in it, with the same (time, seq) they would have had there, and a deadline whose request
//   was already erased (its response arrived) fires without being dispatched. Events fire in
//   the same order, ties are the same ties, the event count is the same: the trace is the same
//   byte for byte (tests/sim/lazy_deadlines_twin_test.cc). Only the cost of inert deadlines
//   changes: nearly every deadline of a healthy cluster is one.
// - Pending digest on demand (run mode; set_digest_on_demand, off by default): the explorer
//   reads a fingerprint after every step, so the World keeps the multiset hash of its pending
//   events up to date at every push and pop; a seeded run reads none (or a few), so it may
//   skip that upkeep (two hashes an event, 4% of a kubelet cluster's instructions) and a
//   fingerprint then sums the pending events when asked. The value is the same either way
//   (tests/sim/digest_on_demand_twin_test.cc).
// - Copies are values (a change to one is never seen through another) and are cheap, since the
//   explorer makes one per successor: a World owns one WorldCore block (small vectors inline,
//   recycled through a per-thread free list), and the parts a step rarely changes are shared
//   copy-on-write (core/cow.h): each model, each request in flight, the API server's store,
//   the network and the History (whose lists share chunks, sim/append_log.h). Shared models,
//   requests and the store cache their fingerprint digests. A World and its copies belong to
//   one thread at a time (the shared counts are not atomic, core/cow.h).
// - Watches (sim/world_watch.cc): a successful List with `watch` set registers a watch of that
//   kind for the process (list, then watch from the listed version: an informer). Every later
//   committed write of that kind reaches each watcher one response latency after the commit,
//   as the object's version at that commit. A delivery that finds a newer version already
//   stored is dropped, because the newer version's own delivery follows (coalescing: a watcher
//   may miss an intermediate version, never see one early). A watchStall fault drops every
//   delivery to its target during its window; at its end the process is told to list again
//   (WatchDelivery::Relist). A partition that cuts the watcher's responses drops its
//   deliveries as well (a watch event is streamed as a response is), and when the last such
//   cut heals the process lists again: a simplification of either outcome upstream (the HTTP/2
//   connection dies and the reflector relists, or it survives and delivers what it held), both
//   of which leave the cache fresh. A watchStall of a process that keeps no watches is skipped.
//   A crash or restart ends the process's watches.
// - Node writes are recorded in History::node_writes and traced as `node` (Ready changes)
//   and `taint` lines. A kubelet's writes to its own node Lease go to the compact
//   History::node_lease_writes, every other Lease write to History::writes; both are traced as
//   the same `lease` lines.
// Leaves out: several API servers, client rate limiting, request reordering inside one
// connection beyond what latency draws produce, watch bookmarks and resourceVersion-too-old.
#pragma once

#include <algorithm>
#include <array>
#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/effects.h"
#include "model/process_model.h"
#include "sim/api_server.h"
#include "sim/chooser.h"
#include "sim/clock.h"
#include "core/cow.h"
#include "sim/deadline_queue.h"
#include "sim/event_queue.h"
#include "sim/history.h"
#include "sim/network.h"
#include "sim/scenario.h"
#include "sim/trace.h"

namespace leasesim {

enum class ProcStatus : uint8_t { NotStarted, Running, Stopping, Stopped, Crashed };
const char* proc_status_name(ProcStatus s);

// A request whose client was still waiting for its outcome when the run ended.
struct PendingRequest {
  uint32_t proc = 0;
  Verb verb = Verb::Get;
  LeaseId lease = 0;
  TrueInstant sent;
  bool lost = false;          // it never reached the server
  bool has_timeout = false;   // the client gives up after its timeout (none: it waits forever)
};

enum class StepStatus : uint8_t { Stepped, Horizon, Idle, EventLimit };
const char* step_status_name(StepStatus s);  // "horizon", "idle", "events" for the stopping bounds

// The generation of each timer of a process, by TimerId: a small vector of fixed capacity kept
// inline and trivially copyable, since the explorer copies it with every World. (Models number
// their timers from 1 up; client-go uses five.)
class TimerGenerations {
 public:
  static constexpr size_t kCapacity = 15;
  size_t size() const { return size_; }
  uint32_t operator[](size_t i) const { return gen_[i]; }
  uint32_t& operator[](size_t i) { return gen_[i]; }
  // Grows to n entries, new ones 0 (never shrinks, as std::vector::resize would not here).
  void resize(size_t n, uint32_t /*zero*/) {
    LS_CHECK(n <= kCapacity, "a model's timer ids must be below 15");
    for (size_t i = size_; i < n; ++i) gen_[i] = 0;
    if (n > size_) size_ = static_cast<uint32_t>(n);
  }
  void clear() { size_ = 0; }
  bool operator==(const TimerGenerations& o) const {
    if (size_ != o.size_) return false;
    for (size_t i = 0; i < size_; ++i)
      if (gen_[i] != o.gen_[i]) return false;
    return true;
  }

 private:
  uint32_t size_ = 0;
  std::array<uint32_t, kCapacity> gen_{};
};

// Events held for a paused process, in the order they were due. Shared by copies of the World
// (copy on write) and absent when none are held, as nearly always: a copy then costs one
// pointer.
class HeldEvents {
 public:
  size_t size() const { return list_ ? list_->size() : 0; }
  bool empty() const { return size() == 0; }
  const Event* begin() const { return list_ ? list_->data() : nullptr; }
  const Event* end() const { return list_ ? list_->data() + list_->size() : nullptr; }
  void push_back(const Event& e) {
    if (!list_) list_.emplace_from([] { return std::vector<Event>(); });
    list_.mut().push_back(e);
  }
  void clear() { list_.reset(); }
  // The held events, leaving none.
  std::vector<Event> take() {
    std::vector<Event> out;
    if (list_) out = list_.shared() ? *list_ : std::move(list_.mut());
    list_.reset();
    return out;
  }
  bool operator==(const HeldEvents& o) const {
    return size() == o.size() && std::equal(begin(), end(), o.begin());
  }

 private:
  CowSlot<std::vector<Event>> list_;
};

struct ProcessRuntime {
  explicit ProcessRuntime(ProcessClock c) : clock(c) {}

  // Present while Running or Stopping. Shared by copies of the World until a step changes it (a
  // step reacts in one process at most), with its fingerprint digest cached.
  CowSlot<ModelState> model;
  ProcessClock clock;
  ProcStatus status = ProcStatus::NotStarted;
  uint32_t incarnation = 0;  // bumped at every start and crash, so stale events can be told apart
  uint32_t starts = 0;       // how many times the process started (1 + restarts)
  uint32_t pause_depth = 0;
  // Calls sent so far, over all incarnations: numbers them in traces and replay labels. It
  // decides nothing, so fingerprints leave it out.
  uint32_t calls = 0;
  TimerGenerations timer_generation;  // by TimerId
  HeldEvents deferred;  // held while paused
  // Acting leadership (each process uses one lease).
  bool acting = false;
  bool quiescing = false;
  uint32_t quiesce_generation = 0;
  // Rarely set, so held in shared slots: a World copy copies a pointer (null when unset) rather
  // than two strings.
  CowSlot<std::string> quiesce_cause;
  CowSlot<std::string> exit_after_quiesce;  // the model exited while its work wound down
  TrueInstant quiesce_from;
  size_t leadership_index = 0;  // into History::leaderships while acting
  uint8_t watches = 0;          // bit (1 << ObjectKind): a watch of that kind is open
  uint32_t watch_stall = 0;     // watchStall faults in effect on this process

  bool operator==(const ProcessRuntime&) const = default;
};

// A request in flight as the explorer's steady-regime lemma reads it (explore/steady_regime.h):
// who sent it, what it asks, what the server answered if it committed, and when its pending
// events land. Pointers stay valid while the World is not stepped.
struct FlightView {
  uint32_t proc = 0;
  uint32_t incarnation = 0;
  const ApiRequest* request = nullptr;
  TrueInstant sent;
  bool client_done = false;  // the client got the answer, timed out or cancelled
  bool applied = false;      // the server committed it (or answered it)
  bool lost = false;         // it never reached the server
  const ApiResponse* response = nullptr;  // meaningful once applied
  std::optional<TrueInstant> arrives_at;   // the pending RequestArrive event
  std::optional<TrueInstant> answered_at;  // the pending ResponseArrive event
  std::optional<TrueInstant> times_out_at; // the pending ClientTimeout event
};

// The state and the event loop of a World. Use World (below), which owns one WorldCore on the
// heap: the core keeps a World of a few processes in one contiguous block (small vectors
// inline), and the handle makes moving a World a pointer move.
class WorldCore {
 public:
  explicit WorldCore(std::shared_ptr<const Scenario> scenario);
  WorldCore(const WorldCore&) = default;
  WorldCore& operator=(const WorldCore&) = default;
  // Moves never throw (small_vector does not declare it).
  WorldCore(WorldCore&&) noexcept = default;
  WorldCore& operator=(WorldCore&&) noexcept = default;
  // Cores are recycled through a free list per thread (core/pool.h): the explorer allocates
  // and frees one per successor, and blocks of this size (a few KB) take malloc's slow path.
  static void* operator new(size_t size);
  static void operator delete(void* p, size_t size) noexcept;

  // Fires the next pending event, if it is due within the horizon and the event bound.
  StepStatus step(Chooser& chooser, Trace* trace);
  // Steps until a bound stops the run; returns that bound. When the queue empties early, time
  // advances to the horizon.
  StepStatus run(Chooser& chooser, Trace* trace);

  TrueInstant now() const { return now_; }
  const Scenario& scenario() const { return *scenario_; }
  const History& history() const { return *history_; }
  const ApiServer& api_server() const { return api_; }
  const ProcessRuntime& process(uint32_t p) const { return procs_.at(p); }
  size_t process_count() const { return procs_.size(); }
  uint64_t events_processed() const { return events_; }
  // Requests whose outcome the client learned, by verb and result.
  uint64_t api_count(Verb v, ApiResult r) const { return api_counts_[static_cast<size_t>(v)][static_cast<size_t>(r)]; }
  // The earliest instant the acting leadership of process p can still be recorded to end at:
  // now, or earlier when its model may backdate the end (Note::since); never before its start.
  TrueInstant earliest_end(uint32_t p) const;
  // The acting leader of a lease (the earliest-started if several act at once).
  std::optional<uint32_t> acting_leader(LeaseId lease) const;
  // Requests of live processes whose client still waits for the outcome, in slot order.
  std::vector<PendingRequest> pending_requests() const;
  // Every request in flight, in slot order, with the instants of its pending events
  // (world_views.cc; the explorer's steady-regime lemma).
  std::vector<FlightView> flights() const;
  // When the live timer `timer` of process p fires, if one is pending (world_views.cc).
  std::optional<TrueInstant> timer_at(uint32_t p, uint32_t timer) const;
  // Whether nothing but the processes' own loops can happen from now on: no fault, fault
  // point, process start, stop or quiesce end is pending, and no fault is in effect (an
  // apiServerSlow or outage, a pause, a watch stall; partitions are read per process from the
  // network). world_views.cc.
  bool faults_settled() const;
  // Whether process p's requests reach the API server and its responses come back.
  bool connected_to_server(uint32_t p) const {
    return network_.requests_reach_server(p) && network_.responses_reach_process(p);
  }
  // The latency range requests are drawn from now (an apiServerSlow fault's, or the scenario's).
  LatencyRange current_latency() const;

  // A stable 64-bit fingerprint of the whole state (no addresses, no hash-table order). The
  // pending events enter as a multiset (their order among events due at one instant, and their
  // sequence numbers, never decide what can happen next). `canonical`: the time-relative fingerprint of HashFrame (core/hash.h): equal for two
  // worlds whose futures are the same up to a shift in time. It leaves out the event count and
  // the horizon, so it is for searches that lift both (the explorer's converge mode).
  // `live_only`: leave out inert pending events (inert()) and, in the exact frame, the event count; `drop_dead`: leave out model state no
  // future step reads (HashFrame::drop_dead). The explorer's reduced keys (explore/explorer.h).
  uint64_t fingerprint(bool canonical = false, bool live_only = false, bool drop_dead = false) const;
  // Whether a pending event will do nothing but move time when it fires: a timer since
  // replaced or cancelled, or of an earlier incarnation; a client timeout of an answered request.
  bool inert(const Event& e) const;
  // Whether the last step fired an inert event (it changed nothing but the clock and the event
  // count); the explorer folds such steps into the next live one.
  bool last_step_inert() const { return last_inert_; }
  // How many events are pending (the heap, the ready ties and the lazy deadlines, inert ones
  // included).
  size_t pending_count() const { return queue_.size() + ready_.size() + deadlines_.size(); }
  // The instant of the earliest pending event that is not inert (now when there is none): the
  // next instant at which anything can change.
  TrueInstant next_live_at() const;
  // Moves the horizon and the event bound (the explorer's converge mode lifts both).
  void set_bounds(TrueInstant horizon, uint64_t max_events);
  // Keeps client deadlines out of the event queue (see the contract): for runs by a seeded
  // chooser (properties/run.cc). Call it before the first step. The explorer leaves it off.
  void set_lazy_deadlines(bool on) {
    LS_CHECK(events_ == 0, "lazy deadlines are set before the first step");
    lazy_deadlines_ = on;
  }
  // Skips the upkeep of the pending events' digest (see the contract): for runs by a seeded
  // chooser (properties/run.cc). Call it before the first step. The explorer leaves it off.
  void set_digest_on_demand(bool on) {
    LS_CHECK(events_ == 0, "the digest mode is set before the first step");
    digest_on_demand_ = on;
    pending_digest_ = on ? 0 : sum_pending_digests();
  }
  // How many dead client deadlines fired without being dispatched (lazy deadlines only). They
  // are counted in events_processed() as every fired event is.
  uint64_t deadlines_elided() const { return elided_; }
  // Calls f(const Event&) for every pending event, in no particular order (the explorer's
  // critical points read their instants; nothing here may reach an output in this order).
  template <class F>
  void for_each_pending(F&& f) const {
    queue_.for_each(f);
    for (const Event& e : ready_) f(e);
    deadlines_.for_each(f);
  }

 private:
  struct InFlight {
    uint32_t proc = 0;
    uint32_t incarnation = 0;
    uint32_t call = 0;  // the process's call number (ProcessRuntime::calls), for traces only
    // The DeadlineQueue ticket of its client deadline (lazy deadlines only; 0: none there). Next
    // to the fields every handler reads, so that erasing the record touches no other line.
    uint64_t deadline_ticket = 0;
    ApiRequest request;
    TrueInstant sent;
    bool client_done = false;  // the client got the answer, timed out or cancelled
    bool applied = false;      // the server committed it
    bool lost = false;         // it never reached the server: only the client's timeout is left
    ApiResponse response;
    bool operator==(const InFlight&) const = default;
  };

  void dispatch(const Event& e, Chooser& chooser, Trace* trace);
  // Lets every running client-go-real helper run up to the next event (model/client_go_real.h).
  void sync_external(Chooser& chooser, Trace* trace);
  bool defer_if_paused(const Event& e);
  void push(TrueInstant at, EventKind kind, uint32_t proc, uint64_t a = 0, uint32_t b = 0);
  // The client deadline of request `id` of process p, due `wait` from now: into the
  // DeadlineQueue when lazy deadlines are on and it takes it, otherwise into the event queue.
  void push_deadline(Duration wait, uint32_t p, uint64_t id);
  // The next event to fire. `dead`: it is a lazy deadline of an erased request, alone at its
  // instant, which needs no dispatch.
  Event pop_next(Chooser& chooser, bool& dead);
  // Pops the least pending event (by time, then seq) due at `at` from the event queue or the
  // DeadlineQueue, if there is one.
  bool pop_due_at(TrueInstant at, Event& out);
  // The instant of the earliest pending event outside ready_ (the queue or the DeadlineQueue);
  // there must be one.
  TrueInstant next_queued_at() const;
  // Starts loading what the next events will touch (world.cc): hints to the CPU, no change.
  void prefetch_ahead() const;
  Now now_for(uint32_t p) const;
  Duration draw_latency(Chooser& chooser, uint32_t proc, const ChoiceSubject& what) const;

  // What a choice decides, in words (world_choices.cc): subjects of the choice kinds below,
  // described on demand by describe_choice.
  enum class Subject : uint8_t { Tie = 1, RequestLeg, ResponseLeg, Timer, Fault, WatchLeg };
  ChoiceSubject subject(Subject kind, uint64_t data = 0) const;
  static std::string describe_choice(const void* core, uint64_t what, int64_t alternative);
  std::string describe_event(const Event& e) const;
  std::string describe_call(uint32_t slot) const;

  // Model calls and their effects.
  template <class F>
  void react(uint32_t p, Chooser& chooser, Trace* trace, F&& call);
  void apply_effects(uint32_t p, Chooser& chooser, Trace* trace);
  void apply_note(uint32_t p, const Note& note, Trace* trace);

  void on_request_arrive(uint64_t id, Chooser& chooser, Trace* trace);
  void on_response_arrive(const Event& e, Chooser& chooser, Trace* trace);
  void on_client_timeout(const Event& e, Chooser& chooser, Trace* trace);
  // The client's outcome of a request: counted, and traced as an `api` line.
  void trace_api(const InFlight& f, ApiResult result, Trace* trace);
  // An `api` line `lost`: the network dropped the request or the response (`leg`), `why`.
  void trace_lost(const InFlight& f, const char* leg, const char* why, Trace* trace);
  // `result`, `leg` and `why` are literals (result_text, "lost", "request", "partition", ...):
  // the line's record points at them (TraceApiFields).
  void api_line(const InFlight& f, std::string_view result, bool with_rv, const char* leg, const char* why, Trace* trace) const;
  // Every call of process p still outstanding ends as `cancelled` (the process exits or crashes).
  void cancel_outstanding_calls(uint32_t p, Trace* trace);
  // The process's local clock readings now, appended to a trace line as `mono` and `wall`.
  void add_local_readings(TraceLine& line, uint32_t p) const;
  // Watches and Node writes (sim/world_watch.cc).
  void open_watch(const InFlight& f);
  void notify_watchers(ObjectKind kind, uint32_t id, Chooser& chooser);
  void on_watch_deliver(const Event& e, Chooser& chooser, Trace* trace);
  void record_node_write(const InFlight& f, const ApiOutcome& outcome, Trace* trace);
  void record_pod_write(const InFlight& f, const ApiOutcome& outcome, Trace* trace);
  void watch_stall_end(uint32_t p);
  // A partition of p in `direction` healed: a watcher whose responses flow again lists anew.
  void partition_healed(uint32_t p, Direction direction);
  // Hands a watch event to process p's model (models without on_watch ignore it).
  void react_watch(uint32_t p, const WatchDelivery& event, Chooser& chooser, Trace* trace);
  void record_write(const InFlight& f, const ApiOutcome& outcome, Trace* trace);
  void record_node_lease_write(const InFlight& f, const ApiOutcome& outcome, Trace* trace);
  void lease_line(LeaseId lease, uint32_t proc, Verb verb, uint64_t rv, const LeaseSpec* after, bool late, Trace* trace) const;

  void start_process(uint32_t p, Chooser& chooser, Trace* trace);
  // `by_fault`: a crash fault of the scenario; otherwise the model died on its own (History::exits).
  void crash_process(uint32_t p, const std::string& cause, Trace* trace, bool by_fault = false);
  void begin_leadership(uint32_t p, Trace* trace);
  void end_leadership(uint32_t p, TrueInstant at, const std::string& cause, Trace* trace);
  void resume(uint32_t p);

  void fault_start(uint32_t index, Chooser& chooser, Trace* trace);
  void fault_point(Chooser& chooser, Trace* trace);
  // spec.faults[index], or the injected fault index - spec.faults.size().
  const FaultSpec& fault_spec(uint32_t index) const;
  void fault_end(uint32_t index, Trace* trace);
  void trace_fault(const FaultRecord& record, Trace* trace);
  std::optional<uint32_t> resolve_target(const FaultTarget& target) const;
  // The acting process that started leading first (of one lease, or of any).
  std::optional<uint32_t> earliest_acting(std::optional<LeaseId> lease) const;

  // The scenario, shared by this World and its copies through a single-thread count: a copy
  // makes no locked increment of the shared_ptr (core/cow.h says why that matters). Beside it,
  // the names trace lines carry most, interned once when the World is built (core/name.h), so
  // that a line records a pointer to a name's text rather than a copy of it (TraceLine::name).
  struct ScenarioData {
    std::shared_ptr<const Scenario> scenario;
    std::vector<Name> proc_names;  // by process index: Scenario::processes[p].name
    std::vector<Name> lease_keys;  // by LeaseId: Scenario::lease_keys
    std::vector<Name> node_names;  // by NodeId: Scenario::node_names
    // By process index: the node Lease of a kubelet, kNoLease for any other model. Every node
    // Lease write asks whether its writer is the Lease's own kubelet; a ProcessSpec is five cache
    // lines that nothing else of the step reads, this is four bytes (docs/nodes.md, phase 11).
    std::vector<LeaseId> kubelet_leases;
  };
  class ScenarioRef {
   public:
    explicit ScenarioRef(std::shared_ptr<const Scenario> s);
    const Scenario& operator*() const { return *ref_->scenario; }
    const Scenario* operator->() const { return ref_->scenario.get(); }
    const Name& proc_name(uint32_t p) const { return ref_->proc_names[p]; }
    const Name& lease_key(LeaseId lease) const { return ref_->lease_keys[lease]; }
    const Name& node_name(NodeId node) const { return ref_->node_names[node]; }
    // Whether process p is a kubelet and `lease` its own node Lease.
    bool kubelet_owns(uint32_t p, LeaseId lease) const { return ref_->kubelet_leases[p] == lease; }
    static constexpr LeaseId kNoLease = ~LeaseId{0};

   private:
    cow_detail::Ref<ScenarioData> ref_;
  };
  ScenarioRef scenario_;
  TrueInstant now_{};
  TrueInstant horizon_{};
  uint64_t max_events_ = 0;
  bool has_external_ = false;  // some process runs an external elector (client-go-real)
  // Some instant has a fault point (spec.explore.faults): only then does pop_next look for one
  // among the events of an instant, which at a cluster's start can be tens of thousands.
  bool has_fault_points_ = false;
  // The longest lease a record in this run can carry (plus a second): older record times are
  // expired for everyone (HashFrame::old_before).
  Duration max_record_lease_{};
  uint64_t next_seq_ = 0;
  uint64_t events_ = 0;
  bool last_inert_ = false;  // the last step fired an inert event (last_step_inert)
  bool lazy_deadlines_ = false;  // set_lazy_deadlines
  bool digest_on_demand_ = false;  // set_digest_on_demand: pending_digest_ is not kept
  uint64_t elided_ = 0;          // deadlines_elided
  EventQueue queue_;
  // Client deadlines kept out of queue_ (lazy deadlines only; otherwise empty).
  DeadlineQueue deadlines_;
  // Events due at the current instant that have left the heap, so that choosing among n ties
  // costs O(1) per event rather than popping and re-pushing all of them (10,000 processes that
  // start together are 10,000 ties).
  boost::container::small_vector<Event, 4> ready_;
  // The sum of event_digest over every pending event (the heap and ready_): the fingerprint's
  // multiset of pending events, kept up to date by push() and pop_next().
  uint64_t pending_digest_ = 0;
  static uint64_t event_digest(const Event& e);
  // pending_digest_'s upkeep, skipped when the digest is computed on demand.
  void digest_add(const Event& e) {
    if (!digest_on_demand_) pending_digest_ += event_digest(e);
  }
  void digest_remove(const Event& e) {
    if (!digest_on_demand_) pending_digest_ -= event_digest(e);
  }
  // The sum of event_digest over every pending event: pending_digest_, or computed now.
  uint64_t pending_digest() const { return digest_on_demand_ ? sum_pending_digests() : pending_digest_; }
  uint64_t sum_pending_digests() const;  // a visit of every pending event
  ApiServer api_;
  Network network_;
  // Small vectors keep a World of a few processes and requests in one block, so the explorer's
  // copy of it is one allocation-free pass over contiguous memory.
  boost::container::small_vector<ProcessRuntime, 4> procs_;
  // In-flight requests in a slot table: a request id is (generation << 32 | slot), so a stale
  // event for a finished request never finds a reused slot. Iteration is in slot order, which
  // is deterministic. A request's record is shared by copies of the World until a step changes
  // it, with its fingerprint digest cached.
  static constexpr uint32_t kNoTarget = UINT32_MAX;
  struct Slot {
    uint32_t generation = 0;
    // The stored object the request names (kind << 28 | id; kNoTarget when the id does not fit),
    // kept where the slot had padding so that prefetch_ahead finds it without a load of the
    // record itself, which is cold in a large cluster. A hint only: a function of the record.
    uint32_t target = kNoTarget;
    CowSlot<InFlight> flight;  // absent: the slot is free
    bool operator==(const Slot&) const = default;
  };
  // Adds process p's request, sent now, built in place in its shared record (a record is about
  // a kilobyte: no moves of it).
  uint64_t add_in_flight(uint32_t p, ApiRequest&& request);
  const InFlight* find_in_flight(uint64_t id) const;
  // The slot of request `id` while the request lives (nullptr otherwise): its record's address
  // without a load of the record (find_in_flight's answer, for prefetches).
  const Slot* live_slot(uint64_t id) const;
  // Write access to a request that find_in_flight found (a shared record is copied first).
  InFlight& own_in_flight(uint64_t id);
  void erase_in_flight(uint64_t id);
  static uint64_t flight_digest(const InFlight& f);
  // The absolute fingerprint (from cached digests of the shared parts) and one pass of the
  // canonical one (every part hashed in `frame`).
  uint64_t fingerprint_exact(bool live_only, bool drop_dead) const;
  uint64_t fingerprint_canonical(HashFrame frame, bool live_only, TrueInstant origin) const;
  void hash_faults_into(StateHasher& h) const;
  boost::container::small_vector<Slot, 4> slots_;
  boost::container::small_vector<uint32_t, 4> free_slots_;
  boost::container::small_vector<std::optional<uint32_t>, 4> fault_targets_;  // resolved target per fault
  // Faults injected at fault points (spec.explore.faults), in the order they struck.
  boost::container::small_vector<FaultSpec, 1> injected_;
  boost::container::small_vector<uint32_t, 2> active_slow_;  // apiServerSlow faults in effect, in start order
  uint32_t refuse_depth_ = 0;
  uint32_t blackhole_depth_ = 0;
  std::array<std::array<uint64_t, 7>, 5> api_counts_{};
  boost::container::small_vector<uint32_t, 2> watchers_;  // processes that ever opened a watch, in order
  // Shared between copies until a step appends to it: most steps of a search append nothing.
  Cow<History> history_;
};

class World {
 public:
  explicit World(std::shared_ptr<const Scenario> scenario)
      : core_(std::make_unique<WorldCore>(std::move(scenario))) {}
  World(const World& other) : core_(std::make_unique<WorldCore>(*other.core_)) {}
  // Copies into this World's own core, reusing its storage.
  World& operator=(const World& other) {
    if (this == &other) return *this;
    if (core_) *core_ = *other.core_;
    else core_ = std::make_unique<WorldCore>(*other.core_);
    return *this;
  }
  // A moved-from World holds no core; it may only be assigned to or destroyed.
  World(World&&) noexcept = default;
  World& operator=(World&&) noexcept = default;
  ~World() = default;

  // Fires the next pending event, if it is due within the horizon and the event bound.
  StepStatus step(Chooser& chooser, Trace* trace) { return core_->step(chooser, trace); }
  // Steps until a bound stops the run; returns that bound. When the queue empties early, time
  // advances to the horizon.
  StepStatus run(Chooser& chooser, Trace* trace) { return core_->run(chooser, trace); }

  TrueInstant now() const { return core_->now(); }
  const Scenario& scenario() const { return core_->scenario(); }
  const History& history() const { return core_->history(); }
  const ApiServer& api_server() const { return core_->api_server(); }
  const ProcessRuntime& process(uint32_t p) const { return core_->process(p); }
  size_t process_count() const { return core_->process_count(); }
  uint64_t events_processed() const { return core_->events_processed(); }
  // Requests whose outcome the client learned, by verb and result.
  uint64_t api_count(Verb v, ApiResult r) const { return core_->api_count(v, r); }
  // The acting leader of a lease (the earliest-started if several act at once).
  std::optional<uint32_t> acting_leader(LeaseId lease) const { return core_->acting_leader(lease); }
  std::vector<PendingRequest> pending_requests() const { return core_->pending_requests(); }
  // See WorldCore::flights, timer_at, faults_settled, connected_to_server, current_latency.
  std::vector<FlightView> flights() const { return core_->flights(); }
  std::optional<TrueInstant> timer_at(uint32_t p, uint32_t timer) const { return core_->timer_at(p, timer); }
  bool faults_settled() const { return core_->faults_settled(); }
  bool connected_to_server(uint32_t p) const { return core_->connected_to_server(p); }
  LatencyRange current_latency() const { return core_->current_latency(); }
  // See WorldCore::earliest_end.
  TrueInstant earliest_end(uint32_t p) const { return core_->earliest_end(p); }

  // A stable 64-bit fingerprint of the whole state (no addresses, no hash-table order); see
  // WorldCore::fingerprint for `canonical`.
  uint64_t fingerprint(bool canonical = false, bool live_only = false, bool drop_dead = false) const {
    return core_->fingerprint(canonical, live_only, drop_dead);
  }
  // Moves the horizon and the event bound (the explorer's converge mode lifts both).
  void set_bounds(TrueInstant horizon, uint64_t max_events) { core_->set_bounds(horizon, max_events); }
  // See WorldCore::set_lazy_deadlines and deadlines_elided.
  void set_lazy_deadlines(bool on) { core_->set_lazy_deadlines(on); }
  // See WorldCore::set_digest_on_demand.
  void set_digest_on_demand(bool on) { core_->set_digest_on_demand(on); }
  uint64_t deadlines_elided() const { return core_->deadlines_elided(); }
  // See WorldCore::inert.
  bool inert(const Event& e) const { return core_->inert(e); }
  bool last_step_inert() const { return core_->last_step_inert(); }
  size_t pending_count() const { return core_->pending_count(); }
  TrueInstant next_live_at() const { return core_->next_live_at(); }
  // See WorldCore::for_each_pending.
  template <class F>
  void for_each_pending(F&& f) const {
    core_->for_each_pending(std::forward<F>(f));
  }

 private:
  std::unique_ptr<WorldCore> core_;
};

}  // namespace leasesim
