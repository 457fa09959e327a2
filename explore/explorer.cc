// explorer.cc: breadth-first model checking of a scenario (see explorer.h for the contract).
#include "explore/explorer.h"
#include "explore/crash_lemma.h"
#include "explore/steady_regime.h"

#include <algorithm>
#include <limits>
#include <utility>

#include <boost/container/small_vector.hpp>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>
#include <set>

#include "explore/critical_points.h"
#include "model/client_go_config.h"
#include "properties/evaluate.h"
#include "properties/eventually_leader.h"
#include "properties/identity.h"
#include "properties/node_detection.h"
#include "properties/pod_evictions.h"
#include "properties/single_leader.h"
#include "properties/transitions_match.h"
#include "core/check.h"
#include "core/hash.h"
#include "core/huge_pages.h"
#include "sim/world.h"

namespace leasesim {

const char* explore_stop_name(ExploreStop stop) {
  switch (stop) {
    case ExploreStop::Exhausted: return "exhausted";
    case ExploreStop::Horizon: return "horizon";
    case ExploreStop::Events: return "events";
    case ExploreStop::Depth: return "depth";
    case ExploreStop::States: return "states";
    case ExploreStop::Violation: return "violation";
    case ExploreStop::Worlds: return "worlds";
  }
  return "?";
}

namespace {

// range_points into a buffer the caller keeps, so that the explorer's chooser does not allocate
// at every draw.
// The points of a range, ascending and distinct, into out[0..3); returns how many.
uint32_t range_points_into(uint8_t mask, int64_t lo, int64_t hi, int64_t (&out)[3]) {
  uint32_t n = 0;
  auto add = [&](int64_t v) {
    if (n == 0 || out[n - 1] != v) out[n++] = v;  // candidates come ascending: drop repeats
  };
  if (mask & kPointMin) add(lo);
  // lo + (hi - lo) / 2 cannot overflow, unlike (lo + hi) / 2.
  if (mask & kPointMid) add(lo + static_cast<int64_t>((static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo)) / 2));
  if (mask & kPointMax) add(hi);
  LS_CHECK(n > 0, "range points need at least one of min, mid, max");
  return n;
}

}  // namespace

std::vector<int64_t> range_points(uint8_t mask, int64_t lo, int64_t hi) {
  int64_t points[3];
  const uint32_t n = range_points_into(mask, lo, hi, points);
  return std::vector<int64_t>(points, points + n);
}

namespace {

constexpr uint32_t kNoParent = std::numeric_limits<uint32_t>::max();

// One step of the search (explorer.h, "Steps"): fires events until one that is not inert has
// fired, or the run ends. An inert event (World::inert) changes nothing but the clock and the
// event count, so it is folded into the live step after it: every transition of the search is
// one live event, and no state is stored between an inert event and the next live one.
// `fold` false (ExploreOptions::fold_inert, for the twin test only): one event per step.
StepStatus live_step(World& w, Chooser& chooser, bool fold) {
  for (;;) {
    const StepStatus status = w.step(chooser, nullptr);
    if (status != StepStatus::Stepped || !fold || !w.last_step_inert()) return status;
  }
}

// Resolves the choices of one step from a script of option indexes and walks all scripts of a
// step like an odometer. Beyond the end of the script it takes option 0 and records the arity,
// so the first run of a step discovers its choice points and advance() moves to the next
// combination. Optionally records the resolved choices (for a counterexample's replay list).
class EnumChooser final : public Chooser {
 public:
  EnumChooser(uint8_t latency_points, uint8_t jitter_points)
      : latency_points_(latency_points), jitter_points_(jitter_points) {}

  void start(std::vector<ReplayChoice>* record = nullptr) {
    pos_ = 0;
    record_ = record;
  }
  // The World being stepped: critical points read its pending events and clocks at each draw.
  void set_world(const World* w) { world_ = w; }
  void clear() {
    script_.clear();
    arity_.clear();
  }
  void set_script(std::vector<uint32_t> script) {
    script_ = std::move(script);
    arity_.assign(script_.size(), 0);  // unknown: replaying a stored script never advances
  }
  const std::vector<uint32_t>& script() const { return script_; }
  // Swaps the odometer (script and arities) with a caller's, so that several walks can be
  // interleaved without allocating: the depth-first search keeps one per level of its stack.
  void swap_walk(std::vector<uint32_t>& script, std::vector<uint32_t>& arity) {
    script_.swap(script);
    arity_.swap(arity);
  }

  // The next combination; false when every one has been taken.
  bool advance() {
    LS_CHECK(pos_ == script_.size(), "a step used fewer choices than its script holds");
    for (size_t i = script_.size(); i-- > 0;) {
      if (script_[i] + 1 < arity_[i]) {
        ++script_[i];
        script_.resize(i + 1);
        arity_.resize(i + 1);
        return true;
      }
    }
    return false;
  }

  // A recorded choice carries what it decides (its label); the words are built only then.
  uint32_t pick(ChoiceKind kind, uint32_t n, const ChoiceSubject& what) override {
    const uint32_t index = next(n);
    if (record_) record_->push_back(ReplayChoice{kind, index, n, what.describe(index)});
    return index;
  }

  int64_t draw(ChoiceKind kind, int64_t lo, int64_t hi, const ChoiceSubject& what) override {
    int64_t points[3];
    const uint32_t n = range_points_into(kind == ChoiceKind::Latency ? latency_points_ : jitter_points_, lo, hi, points);
    const int64_t value = points[next(n)];
    if (record_) record_->push_back(ReplayChoice{kind, value, 0, what.describe(value)});
    return value;
  }

  int64_t draw_for(uint32_t proc, ChoiceKind kind, int64_t lo, int64_t hi, const ChoiceSubject& what) override {
    const uint8_t mask = kind == ChoiceKind::Latency ? latency_points_ : jitter_points_;
    if (!(mask & kPointCritical)) return draw(kind, lo, hi, what);
    LS_CHECK(world_ != nullptr, "critical points need the World being stepped");
    // The declared points and the critical values, ascending and distinct: the same World
    // and earlier choices give the same list, so a stored script replays.
    int64_t points[3];
    const uint32_t n = range_points_into(mask, lo, hi, points);
    values_.assign(points, points + n);
    critical_values(*world_, proc, kind, lo, hi, values_);
    std::sort(values_.begin(), values_.end());
    values_.erase(std::unique(values_.begin(), values_.end()), values_.end());
    const int64_t value = values_[next(static_cast<uint32_t>(values_.size()))];
    if (record_) record_->push_back(ReplayChoice{kind, value, 0, what.describe(value)});
    return value;
  }

 private:
  uint32_t next(uint32_t arity) {
    if (pos_ == script_.size()) {
      script_.push_back(0);
      arity_.push_back(arity);
    } else if (arity_[pos_] == 0) {
      arity_[pos_] = arity;
    }
    // The same world and the same earlier choices must meet the same alternatives.
    LS_CHECK(arity_[pos_] == arity && script_[pos_] < arity, "a step's choice points changed between runs");
    return script_[pos_++];
  }

  uint8_t latency_points_;
  uint8_t jitter_points_;
  std::vector<uint32_t> script_;
  std::vector<uint32_t> arity_;
  size_t pos_ = 0;
  std::vector<ReplayChoice>* record_ = nullptr;
  const World* world_ = nullptr;
  std::vector<int64_t> values_;  // the current draw's values (critical points)
};

// The compact store: per state the parent's index and the script of the step from the parent
// (varints in one byte pool), plus an open-addressing index (linear probing) from key to state
// that holds the keys themselves, so that a lookup reads one entry (usually one cache line)
// rather than an entry and then the state's record.
class StateStore {
 public:
  struct Record {
    uint32_t parent;
    uint32_t script;  // offset into pool_
  };

  // Adds a state unless its key is known; returns its index and whether it is new.
  std::pair<uint32_t, bool> insert(uint64_t key, uint32_t parent, const std::vector<uint32_t>& script) {
    if ((records_.size() + 1) * 5 > index_.size() * 3) grow();  // load at most 0.6
    const uint64_t stored = stored_key(key);
    size_t slot = stored & (index_.size() - 1);
    while (index_[slot].key != 0) {
      if (index_[slot].key == stored) return {index_[slot].id, false};
      slot = (slot + 1) & (index_.size() - 1);
    }
    LS_CHECK(records_.size() < std::numeric_limits<uint32_t>::max(), "state store full");
    const uint32_t id = static_cast<uint32_t>(records_.size());
    LS_CHECK(pool_.size() <= std::numeric_limits<uint32_t>::max(), "script pool full");
    records_.push_back(Record{parent, static_cast<uint32_t>(pool_.size())});
    put_varint(script.size());
    for (uint32_t v : script) put_varint(v);
    index_[slot] = Entry{stored, id};
    return {id, true};
  }

  // Starts loading the index entry where insert(key, ...) begins its probe, so that the cache
  // miss of that load (the index holds millions of random keys in a large search, and stays out
  // of the first-level caches even in a small one) overlaps the work the caller does first.
  void prefetch(uint64_t key) const {
    if (!index_.empty()) __builtin_prefetch(&index_[stored_key(key) & (index_.size() - 1)]);
  }

  // The stored key of every state in `ids` (a scan of the index; for rare uses).
  std::vector<uint64_t> keys_of(const std::vector<uint32_t>& ids) const {
    std::vector<uint64_t> out(ids.size(), 0);
    for (const Entry& e : index_)
      if (e.key != 0)
        for (size_t i = 0; i < ids.size(); ++i)
          if (ids[i] == e.id) out[i] = e.key;
    return out;
  }
  // The form in which a key is stored and compared (0 marks an empty entry).
  static uint64_t stored_key(uint64_t key) { return key == 0 ? 1 : key; }

  size_t size() const { return records_.size(); }
  const Record& record(uint32_t id) const { return records_[id]; }

  std::vector<uint32_t> script(uint32_t id) const {
    size_t at = records_[id].script;
    const uint64_t n = get_varint(at);
    std::vector<uint32_t> out;
    out.reserve(n);
    for (uint64_t i = 0; i < n; ++i) out.push_back(static_cast<uint32_t>(get_varint(at)));
    return out;
  }

  uint64_t bytes() const {
    return records_.capacity() * sizeof(Record) + pool_.capacity() + index_.capacity() * sizeof(Entry);
  }

 private:
  // Packed to 12 bytes: five entries to a cache line.
#pragma pack(push, 4)
  struct Entry {
    uint64_t key = 0;  // stored_key(); 0: empty
    uint32_t id = 0;
  };
#pragma pack(pop)
  static_assert(sizeof(Entry) == 12);

  void grow() {
    Index bigger(std::max<size_t>(1024, index_.size() * 2));
    for (const Entry& e : index_) {
      if (e.key == 0) continue;
      size_t slot = e.key & (bigger.size() - 1);
      while (bigger[slot].key != 0) slot = (slot + 1) & (bigger.size() - 1);
      bigger[slot] = e;
    }
    index_.swap(bigger);
  }
  void put_varint(uint64_t v) {
    while (v >= 0x80) {
      pool_.push_back(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    pool_.push_back(static_cast<uint8_t>(v));
  }
  uint64_t get_varint(size_t& at) const {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const uint8_t b = pool_[at++];
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
  }

  // The index is probed at random places: huge pages keep its probes off the TLB's misses
  // (core/huge_pages.h). The records are read at random by the counterexample's walk back.
  using Index = std::vector<Entry, HugePageAllocator<Entry>>;
  std::vector<Record, HugePageAllocator<Record>> records_;
  std::vector<uint8_t> pool_;
  Index index_;
};

// Converge mode's key (explorer.h): the canonical fingerprint, and of the History only what can
// still change a verdict, relative to now: the leaderships of a lease while two of them may
// still overlap (two act at once, or one ended after an acting one started), and the
// eventuallyLeader window while it is open (how much of it is left, and whether an ended
// leadership already met it).
// Whether an ended leadership of `lease` already met the eventuallyLeader window [from, to].
bool window_met(const History& history, LeaseId lease, TrueInstant from, TrueInstant to) {
  for (const Leadership& l : history.leaderships)
    if (l.lease == lease && l.end && l.start <= to && *l.end > from) return true;
  return false;
}

// What of the History can still change a verdict, hashed into `h` with times measured from
// `origin` (0 for the absolute key, the key's origin for converge mode's). Shared by both keys:
// - Per lease, the starts of its open leaderships and the closed leaderships that end after the
//   earliest open one starts, but only while two of them may still overlap (two act at once, or
//   one ended after an acting one started). A lone open leadership's start cannot change a
//   verdict: every later leadership starts at or after now, and the open one's end, however far
//   its model backdates it (World::earliest_end clamps it at its start), is compared only with
//   those. Who acts is in the World's fingerprint.
// - The order of the acting leaders' starts when two or more act: a fault aimed at `leader`
//   hits the one that started first (World::resolve_target).
// - eventuallyLeader (absolute key only; converge mode judges the window when a step crosses
//   its end): whether an ended leadership of each lease met the window, and whether each open
//   one started within it (check_eventually_leader counts an open leadership that started by
//   the window's end).
void hash_history_key(StateHasher& h, const World& w, const std::vector<LeaseId>& leases, int64_t origin,
                      bool with_window, TrueInstant faults_end) {
  const History& history = w.history();
  // Computed for every stored state: small inline buffers, no allocation in the common case.
  boost::container::small_vector<std::pair<int64_t, uint32_t>, 4> acting;  // (start, process)
  for (uint32_t p = 0; p < w.process_count(); ++p) {
    const ProcessRuntime& pr = w.process(p);
    if (pr.acting) acting.emplace_back(history.leaderships[pr.leadership_index].start.ns, p);
  }
  if (acting.size() >= 2) {
    boost::container::small_vector<std::pair<int64_t, uint32_t>, 4> order = acting;
    std::sort(order.begin(), order.end());
    for (const auto& [start, p] : order) h.u64(p);
  }
  // With no acting leader (most states of a search) nothing can still overlap: skip straight to
  // the window.
  if (!acting.empty()) {
    // The leases some process acts on (every acting process's, whether or not `leases` names it).
    boost::container::small_vector<LeaseId, 4> acted;
    for (const auto& [start, p] : acting) acted.push_back(history.leaderships[w.process(p).leadership_index].lease);
    std::sort(acted.begin(), acted.end());
    acted.erase(std::unique(acted.begin(), acted.end()), acted.end());
    for (LeaseId lease : acted) {
      std::optional<int64_t> earliest_open;
      uint32_t open = 0;
      for (const auto& [start, p] : acting) {
        if (history.leaderships[w.process(p).leadership_index].lease != lease) continue;
        ++open;
        if (!earliest_open || start < *earliest_open) earliest_open = start;
      }
      if (!earliest_open) continue;
      auto pending = [&](const Leadership& l) { return l.lease == lease && l.end && l.end->ns > *earliest_open; };
      if (open < 2 && std::none_of(history.leaderships.begin(), history.leaderships.end(), pending))
        continue;  // nothing left to overlap: only who acts matters
      for (const auto& [start, p] : acting)
        if (history.leaderships[w.process(p).leadership_index].lease == lease) h.u64(p).i64(start - origin);
      for (const Leadership& l : history.leaderships)
        if (pending(l)) h.u64(l.proc).i64(l.start.ns - origin).i64(l.end->ns - origin);
    }
  }
  if (!with_window) return;
  if (const auto& window = w.scenario().properties.eventually_leader) {
    const TrueInstant to = faults_end + *window;
    for (LeaseId lease : leases) h.boolean(window_met(history, lease, faults_end, to));
    for (const auto& [start, p] : acting) h.u64(p).boolean(start <= to.ns);
  }
}

// `faults_end`: last_fault_end of the scenario (constant; the caller computes it once).
uint64_t canonical_state_key(const World& w, const std::vector<LeaseId>& leases, TrueInstant faults_end,
                             const ExploreOptions& o) {
  StateHasher h;
  h.u64(w.fingerprint(true, o.reduce_inert, o.reduce_dead));
  // The same origin as the fingerprint's: with the inert reduction, the next live event (until
  // then nothing changes, World::next_live_at), else now.
  const int64_t now = o.reduce_inert ? w.next_live_at().ns : w.now().ns;
  for (uint32_t p = 0; p < w.process_count(); ++p) {
    const ProcessRuntime& pr = w.process(p);
    if (pr.exit_after_quiesce) h.u64(p).bytes(*pr.exit_after_quiesce);
  }
  hash_history_key(h, w, leases, now, false, faults_end);
  if (const auto& window = w.scenario().properties.eventually_leader) {
    const TrueInstant to = faults_end + *window;
    if (w.now() <= to) {
      h.i64(to.ns - now);
      for (LeaseId lease : leases) h.boolean(window_met(w.history(), lease, faults_end, to));
    }
  }
  return h.digest();
}

// The World's fingerprint plus what of its History can still change a verdict (see explorer.h
// and hash_history_key), and what of a process's runtime decides its future without being
// fingerprinted: two worlds with equal keys have the same futures and the same pending
// judgments.
uint64_t state_key(const World& w, const std::vector<LeaseId>& leases, const ExploreOptions& o, TrueInstant faults_end) {
  if (o.converge) return canonical_state_key(w, leases, faults_end, o);
  StateHasher h;
  h.u64(w.fingerprint(false, o.reduce_inert, o.reduce_dead));
  for (uint32_t p = 0; p < w.process_count(); ++p) {
    const ProcessRuntime& pr = w.process(p);
    // A process that exited while its work winds down crashes at the quiesce end: that decides
    // its future, and World::fingerprint does not cover it.
    if (pr.exit_after_quiesce) h.u64(p).bytes(*pr.exit_after_quiesce);
  }
  if (o.reduce_history) {
    hash_history_key(h, w, leases, 0, true, faults_end);
    return h.digest();
  }
  // Unreduced: every open leadership's start, and every closed one that ends after the earliest
  // open one starts, whatever the lease and whether or not anything is left to overlap.
  const History& history = w.history();
  std::optional<TrueInstant> earliest_open;
  for (uint32_t p = 0; p < w.process_count(); ++p) {
    const ProcessRuntime& pr = w.process(p);
    if (!pr.acting) continue;
    const TrueInstant start = history.leaderships[pr.leadership_index].start;
    h.u64(p).i64(start.ns);
    if (!earliest_open || start < *earliest_open) earliest_open = start;
  }
  if (earliest_open)
    for (const Leadership& l : history.leaderships)
      if (l.end && *l.end > *earliest_open) h.u64(l.proc).i64(l.start.ns).i64(l.end->ns);
  if (const auto& window = w.scenario().properties.eventually_leader) {
    const TrueInstant to = faults_end + *window;
    for (LeaseId lease : leases) h.boolean(window_met(history, lease, faults_end, to));
  }
  return h.digest();
}

struct Verdict {
  std::vector<std::string> violated;
  std::vector<std::string> messages;
  bool empty() const { return violated.empty(); }
  void add(const std::string& name, const std::string& message) {
    if (std::find(violated.begin(), violated.end(), name) == violated.end()) violated.push_back(name);
    messages.push_back(name + ": " + message);
  }
  void sort() { std::sort(violated.begin(), violated.end()); }
};

class Explorer {
 public:
  Explorer(std::shared_ptr<const Scenario> scenario, const ExploreOptions& options)
      : scenario_(std::move(scenario)), options_(options), leases_(elected_leases(*scenario_)),
        faults_end_(last_fault_end(*scenario_)), chooser_(options.latency_points, options.jitter_points) {
    steady_ = options_.converge && options_.steady_regime && !steady_regime_unsupported(*scenario_);
    // The leader-crash lemma also serves a search up to the run's end, whose paths it must then
    // judge where `run` would (crash_lemma.h, RunEnd).
    crash_lemma_ = options_.steady_regime && options_.crash_lemma && !crash_lemma_unsupported(*scenario_);
    if (!options_.converge) run_end_ = RunEnd{TrueInstant(scenario_->duration.ns), scenario_->max_events};
  }

  ExploreResult run();

 private:
  // The two searches (explorer.h): depth-first first, breadth-first when the depth-first one
  // cannot give the report (nullopt: a violation, the states bound).
  std::optional<ExploreResult> run_depth_first();
  ExploreResult run_breadth_first();
  uint64_t shortest_depth() const;
  std::vector<uint32_t> shortest_distances() const;
  ExploreResult finish_cut(ExploreStop stop, const std::vector<std::pair<uint32_t, TrueInstant>>& unfinished);

  struct Frontier {
    uint32_t id;
    World world;
  };

  // The violations the step parent -> child settled (settled_violations, else
  // window_violations); nothing for a step that cannot have settled any, without building a
  // Verdict (most steps).
  std::optional<Verdict> step_violations(const World& parent, const World& child) const {
    // A step that wrote nothing and began or ended no leadership leaves the History shared with
    // the parent (copy on write): nothing new can have settled, unless converge mode's overlaps
    // with open leaderships settle by the passing of time alone (and only converge mode judges
    // a window when a step passes its end).
    if (&parent.history() == &child.history() && !options_.converge) return std::nullopt;
    return judge_step(parent, child);
  }
  std::optional<Verdict> judge_step(const World& parent, const World& child) const;
  Verdict settled_violations(const World& parent, const World& child) const;
  Verdict window_violations(const World& parent, const World& child) const;
  Verdict end_violations(const World& w, StepStatus status) const;
  Counterexample build(uint32_t id, const std::vector<uint32_t>* last_script, const Verdict& verdict, bool at_end);
  uint64_t key(const World& w) const { return state_key(w, leases_, options_, faults_end_); }
  // Inert events are folded into the next live step (always with the inert reduction, whose
  // key would otherwise make a zero-time inert step a self-loop that hides the live future).
  bool fold() const { return options_.fold_inert || options_.reduce_inert; }
  // Liveness (converge mode): per state, bit i = lease i has no acting leader, bit 31 = the
  // state is after the last fault; and every transition.
  uint32_t liveness_flags(const World& w) const;
  std::optional<Counterexample> leaderless_cycle();
  Counterexample lasso(uint32_t entry, const std::vector<uint32_t>& cycle, size_t lease_index);
  World replay_to(uint32_t id, std::vector<ReplayChoice>* record, uint64_t* steps) const;

  std::shared_ptr<const Scenario> scenario_;
  ExploreOptions options_;
  std::vector<LeaseId> leases_;
  TrueInstant faults_end_;  // last_fault_end: when the eventuallyLeader window opens
  // Whether the steady-regime lemma may close states of this search (converge mode, the option
  // on, the scenario of a kind the lemma covers).
  bool steady_ = false;
  // Whether the leader-crash lemma may close states too (the scenario of a kind it covers), and
  // where a path ends when the search is not in converge mode.
  bool crash_lemma_ = false;
  std::optional<RunEnd> run_end_;
  // Which lemma closes a state, if any: the steady regime after the last fault, or the
  // leader-crash lemma while a crash of the steady leader is still to come.
  enum class Closed : uint8_t { No, Steady, Crash };
  Closed closes(const World& w) const {
    if (steady_ && w.now() >= faults_end_ && in_steady_regime(w, true)) return Closed::Steady;
    if (crash_lemma_ && in_crash_lemma(w, true, run_end_)) return Closed::Crash;
    return Closed::No;
  }
  static void count_closed(ExploreStats& stats, Closed c) {
    if (c == Closed::Steady) ++stats.steady_states;
    if (c == Closed::Crash) ++stats.crash_states;
  }
  EnumChooser chooser_;
  StateStore store_;
  ExploreResult result_;
  bool liveness_ = false;
  std::vector<uint32_t> flags_;
  std::vector<std::pair<uint32_t, uint32_t>> edges_;
  // A counterexample the depth-first search met: kept in case the breadth-first search that
  // looks for a shortest one is cut by a bound first.
  std::optional<Counterexample> dfs_counterexample_;
  // The most events fired on a path, and the most pending, over every world the search made:
  // what near_event_bound() weighs against the scenario's event bound.
  uint64_t most_events_ = 0;
  uint64_t most_pending_ = 0;

 public:
  void note_events(const World& w) {
    most_events_ = std::max<uint64_t>(most_events_, w.events_processed());
    most_pending_ = std::max<uint64_t>(most_pending_, w.pending_count());
  }
  // Whether a world merged by the inert reduction could have reached the event bound where
  // its representative did not. Merged worlds have equal keys but may have fired different
  // numbers of inert events: one that was never explored was a successor of an explored one
  // (at most most_events_ + most_pending_ events when made), and its futures fire the same
  // live events as its representative's plus at most the inert events pending in either. So
  // if twice the most events and pending seen stays below the bound, no path of the merged
  // worlds reaches it, and the event count decides nothing (World::fingerprint leaves it out).
  bool near_event_bound() const {
    const uint64_t bound = scenario_->max_events;
    return 2 * most_events_ + 2 * most_pending_ + 2 >= bound;
  }
};

constexpr uint32_t kPostFault = 1u << 31;
// The longest path the depth-first search follows before it hands over to the breadth-first
// one (every verified scenario in the library stays under 600).
constexpr size_t kMaxPathWorlds = 4096;
constexpr uint32_t kDeadEnd = 1u << 30;  // nothing is left to happen

uint32_t Explorer::liveness_flags(const World& w) const {
  uint32_t flags = w.now() >= faults_end_ ? kPostFault : 0;
  for (size_t i = 0; i < leases_.size() && i < 30; ++i)
    if (!w.acting_leader(leases_[i])) flags |= 1u << i;
  return flags;
}

// Converge mode: the eventuallyLeader window is judged by the step that first passes its end,
// exactly as `run` would judge a run whose horizon is that instant.
Verdict Explorer::window_violations(const World& parent, const World& child) const {
  Verdict v;
  const Scenario& s = *scenario_;
  if (!options_.converge || !s.properties.eventually_leader) return v;
  const TrueInstant to = faults_end_ + *s.properties.eventually_leader;
  if (!(parent.now() <= to && child.now() > to)) return v;
  for (LeaseId lease : leases_)
    for (const Violation& x : check_eventually_leader(s, child.history(), lease, *s.properties.eventually_leader, to))
      v.add("eventuallyLeader", x.message);
  return v;
}

// Adds singleLeader's own message for the overlap of leaderships a and b; false if it has none.
bool add_pair_message(Verdict& v, const Scenario& s, const History& history, const Leadership& a, const Leadership& b,
                      TrueInstant now) {
  for (const Violation& x : check_single_leader(s, history, a.lease, now)) {
    const bool pair = x.procs.size() == 2 && ((x.procs[0] == a.proc && x.procs[1] == b.proc) ||
                                               (x.procs[0] == b.proc && x.procs[1] == a.proc));
    if (pair) {
      v.add("singleLeader", x.message);
      return true;
    }
  }
  return false;
}

std::optional<Verdict> Explorer::judge_step(const World& parent, const World& child) const {
  Verdict v = settled_violations(parent, child);
  if (v.empty() && options_.converge) v = window_violations(parent, child);  // converge mode only
  if (v.empty()) return std::nullopt;
  return v;
}

// Violations that appeared in the step parent -> child and can no longer be undone.
Verdict Explorer::settled_violations(const World& parent, const World& child) const {
  Verdict v;
  const Scenario& s = *scenario_;
  const History& before = parent.history();
  const History& after = child.history();
  if (s.properties.transitions_match && after.writes.size() > before.writes.size()) {
    // The writes this step added, in the order check_transitions_match reports them: by lease,
    // then by time.
    for (LeaseId lease : leases_) {
      for (size_t i = before.writes.size(); i < after.writes.size(); ++i) {
        const LeaseWrite& w = after.writes[i];
        if (w.lease != lease) continue;
        if (std::optional<Violation> x = transitions_violation(s, w)) v.add("transitionsMatch", x->message);
      }
    }
  }
  if (s.properties.no_live_identity_deleted) {
    for (size_t i = before.writes.size(); i < after.writes.size(); ++i)
      if (after.writes[i].verb == Verb::Delete)
        if (std::optional<Violation> x = identity_delete_violation(s, after, i)) v.add("noLiveIdentityDeleted", x->message);
  }
  // maxPodEvictions: the count only grows, so an eviction past the limit settles at once.
  if (s.properties.max_pod_evictions && after.pod_writes.size() > before.pod_writes.size())
    for (const Violation& x : check_max_pod_evictions(s, after, *s.properties.max_pod_evictions))
      v.add("maxPodEvictions", x.message);
  if (!s.properties.single_leader) return v;
  // Leaderships closed by this step: ones open in the parent, and new ones already closed.
  // Judged at every step of converge mode and at most others: inline buffers, no allocation.
  boost::container::small_vector<size_t, 4> closed;
  for (uint32_t p = 0; p < parent.process_count(); ++p) {
    const ProcessRuntime& pr = parent.process(p);
    if (pr.acting && after.leaderships[pr.leadership_index].end) closed.push_back(pr.leadership_index);
  }
  for (size_t i = before.leaderships.size(); i < after.leaderships.size(); ++i)
    if (after.leaderships[i].end) closed.push_back(i);
  if (options_.converge) {
    // Converge mode has no end of the run to judge open leaderships at: an overlap with an open
    // leadership settles once it would remain even if that leadership's end were backdated as
    // far as its model still can (World::earliest_end).
    boost::container::small_vector<std::pair<size_t, TrueInstant>, 8> ends;  // leadership index, earliest end
    std::optional<TrueInstant> earliest_open;
    for (uint32_t p = 0; p < child.process_count(); ++p) {
      const ProcessRuntime& pr = child.process(p);
      if (!pr.acting) continue;
      ends.emplace_back(pr.leadership_index, child.earliest_end(p));
      const TrueInstant start = after.leaderships[pr.leadership_index].start;
      if (!earliest_open || start < *earliest_open) earliest_open = start;
    }
    if (earliest_open) {
      const size_t open_count = ends.size();
      for (size_t i = 0; i < after.leaderships.size(); ++i) {
        const Leadership& l = after.leaderships[i];
        if (l.end && *l.end > *earliest_open) ends.emplace_back(i, *l.end);
      }
      for (size_t i = 0; i < open_count; ++i) {
        const Leadership& a = after.leaderships[ends[i].first];
        for (size_t j = 0; j < ends.size(); ++j) {
          const Leadership& b = after.leaderships[ends[j].first];
          if (j == i || b.lease != a.lease || b.proc == a.proc) continue;
          if (!(std::max(a.start, b.start) < std::min(ends[i].second, ends[j].second))) continue;
          if (add_pair_message(v, s, after, a, b, child.now())) return v;
        }
      }
    }
  }
  for (size_t c : closed) {
    const Leadership& a = after.leaderships[c];
    for (size_t i = 0; i < after.leaderships.size(); ++i) {
      const Leadership& b = after.leaderships[i];
      if (i == c || !b.end || b.lease != a.lease || b.proc == a.proc) continue;
      if (!(std::max(a.start, b.start) < std::min(*a.end, *b.end))) continue;
      // Settled overlap: explain it with the property's own message.
      add_pair_message(v, s, after, a, b, child.now());
    }
  }
  return v;
}

// The verdict `run` would give at a state where the run ends.
Verdict Explorer::end_violations(const World& w, StepStatus status) const {
  Verdict v;
  const Scenario& s = *scenario_;
  // World::run moves time to the horizon unless the event bound stopped it. In converge mode
  // the run ends only when nothing is left to happen: it is judged as if it lasted forever (to
  // the end of the eventuallyLeader window at least).
  TrueInstant end = status == StepStatus::EventLimit ? w.now() : TrueInstant(s.duration.ns);
  if (options_.converge) {
    end = std::max(w.now(), end);
    if (s.properties.eventually_leader) end = std::max(end, faults_end_ + *s.properties.eventually_leader);
  }
  for (LeaseId lease : leases_) {
    if (s.properties.single_leader)
      for (const Violation& x : check_single_leader(s, w.history(), lease, end)) v.add("singleLeader", x.message);
    if (s.properties.transitions_match)
      for (const Violation& x : check_transitions_match(s, w.history(), lease)) v.add("transitionsMatch", x.message);
    if (s.properties.eventually_leader)
      for (const Violation& x : check_eventually_leader(s, w.history(), lease, *s.properties.eventually_leader, end))
        v.add("eventuallyLeader", x.message);
  }
  // The identity properties, as `run` judges them at the end (the deletes were judged step by
  // step; this covers staleIdentityCollectedWithin, which only the end can settle).
  const PropertySpec& p = s.properties;
  if (p.stale_identity_collected_within || p.stale_identity_collected_within_auto) {
    const std::vector<StaleIdentity> stale = stale_identities(s, w.history());
    for (LeaseId lease : identity_leases(s)) {
      const std::optional<Duration> bound =
          p.stale_identity_collected_within_auto ? identity_collection_bound(s, lease) : p.stale_identity_collected_within;
      if (!bound) continue;
      for (const Violation& x : check_stale_identity_collected_within(s, stale, lease, *bound, end).violations)
        v.add("staleIdentityCollectedWithin", x.message);
    }
  }
  // The node properties, as `run` judges them (properties/evaluate.cc): at the end, over every
  // node at once.
  if (!s.node_names.empty()) {
    const std::optional<Duration> bound = p.node_not_ready_within_auto ? node_detection_bound(s) : p.node_not_ready_within;
    if (p.node_not_ready_within_auto && !bound) {
      v.add("nodeNotReadyWithin", "nodeNotReadyWithin: auto needs a node-lifecycle-controller process");
    } else if (bound) {
      for (const Violation& x : check_node_not_ready_within(s, node_detections(s, w.history()), *bound, end))
        v.add("nodeNotReadyWithin", x.message);
    }
    if (p.no_false_not_ready)
      for (const Violation& x : check_no_false_not_ready(s, w.history())) v.add("noFalseNotReady", x.message);
    // The evictions so far are in the key (the node store's evicted pods per node), and the
    // count only grows, so judging where the run ends is exact.
    if (p.max_pod_evictions)
      for (const Violation& x : check_max_pod_evictions(s, w.history(), *p.max_pod_evictions))
        v.add("maxPodEvictions", x.message);
  }
  return v;
}

// Replays the path to state `id` (and one more step by `last_script`) from the initial world,
// recording every resolved choice.
Counterexample Explorer::build(uint32_t id, const std::vector<uint32_t>* last_script, const Verdict& verdict,
                               bool at_end) {
  std::vector<std::vector<uint32_t>> scripts;
  for (uint32_t at = id; store_.record(at).parent != kNoParent; at = store_.record(at).parent)
    scripts.push_back(store_.script(at));
  std::reverse(scripts.begin(), scripts.end());
  if (last_script) scripts.push_back(*last_script);
  Counterexample cx;
  World w(scenario_);
  if (options_.converge) w.set_bounds(TrueInstant(INT64_MAX), UINT64_MAX);
  EnumChooser chooser(options_.latency_points, options_.jitter_points);
  for (std::vector<uint32_t>& script : scripts) {
    chooser.set_script(std::move(script));
    chooser.start(&cx.choices);
    chooser.set_world(&w);
    const StepStatus status = live_step(w, chooser, fold());
    LS_CHECK(status == StepStatus::Stepped, "a counterexample path must replay step by step");
    ++cx.steps;
  }
  cx.at = w.now();
  cx.at_end = at_end;
  cx.violated = verdict.violated;
  cx.messages = verdict.messages;
  return cx;
}

World Explorer::replay_to(uint32_t id, std::vector<ReplayChoice>* record, uint64_t* steps) const {
  std::vector<std::vector<uint32_t>> scripts;
  for (uint32_t at = id; store_.record(at).parent != kNoParent; at = store_.record(at).parent)
    scripts.push_back(store_.script(at));
  std::reverse(scripts.begin(), scripts.end());
  World w(scenario_);
  if (options_.converge) w.set_bounds(TrueInstant(INT64_MAX), UINT64_MAX);
  EnumChooser chooser(options_.latency_points, options_.jitter_points);
  for (std::vector<uint32_t>& script : scripts) {
    chooser.set_script(std::move(script));
    chooser.start(record);
    chooser.set_world(&w);
    LS_CHECK(live_step(w, chooser, fold()) == StepStatus::Stepped, "a stored path must replay step by step");
    ++*steps;
  }
  return w;
}

// The leaderless cycle (converge mode, explorer.h): the strongly connected components of the
// graph of states after the last fault without an acting leader of a lease; a component with
// a cycle (more than one state, or a state stepping to itself) is a path that stays leaderless
// forever. The one reached first in breadth-first order gives the lasso.
std::optional<Counterexample> Explorer::leaderless_cycle() {
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  for (size_t li = 0; li < leases_.size() && li < 30; ++li) {
    const uint32_t want = kPostFault | (1u << li);
    // A dead end after the last fault without a leader stays so forever too.
    for (uint32_t id = 0; id < flags_.size(); ++id) {
      if ((flags_[id] & (want | kDeadEnd)) != (want | kDeadEnd)) continue;
      Verdict v;
      v.add("eventuallyLeader", "lease " + scenario_->lease_keys[leases_[li]] +
                                    " has no acting leader forever: nothing is left to happen after this state");
      Counterexample cx = build(id, nullptr, v, true);
      cx.liveness = true;
      cx.cycle_from = cx.at;
      return cx;
    }
    std::vector<uint32_t> vertex_of(flags_.size(), kNoParent), state_of;
    for (uint32_t id = 0; id < flags_.size(); ++id) {
      if ((flags_[id] & want) != want) continue;
      vertex_of[id] = static_cast<uint32_t>(state_of.size());
      state_of.push_back(id);
    }
    if (state_of.empty()) continue;
    Graph g(state_of.size());
    std::vector<bool> self_loop(state_of.size(), false);
    for (const auto& [from, to] : edges_) {
      if (vertex_of[from] == kNoParent || vertex_of[to] == kNoParent) continue;
      boost::add_edge(vertex_of[from], vertex_of[to], g);
      if (from == to) self_loop[vertex_of[from]] = true;
    }
    std::vector<uint32_t> component(state_of.size());
    const uint32_t count = static_cast<uint32_t>(boost::strong_components(g, component.data()));
    result_.stats.liveness_components += count;
    std::vector<uint32_t> size(count, 0);
    for (uint32_t c : component) ++size[c];
    // The first state (in breadth-first order, so nearest the start) in a cyclic component.
    std::optional<uint32_t> entry;
    for (uint32_t v = 0; v < state_of.size() && !entry; ++v)
      if (size[component[v]] > 1 || self_loop[v]) entry = v;
    if (!entry) continue;
    // A shortest cycle through the entry, inside its component (breadth-first over its edges).
    std::vector<std::vector<uint32_t>> out(state_of.size());
    for (const auto& [from, to] : edges_) {
      if (vertex_of[from] == kNoParent || vertex_of[to] == kNoParent) continue;
      const uint32_t a = vertex_of[from], b = vertex_of[to];
      if (component[a] == component[*entry] && component[b] == component[*entry]) out[a].push_back(b);
    }
    std::vector<uint32_t> prev(state_of.size(), kNoParent);
    std::vector<uint32_t> queue{*entry};
    bool closed = false;
    uint32_t last = *entry;
    for (size_t at = 0; at < queue.size() && !closed; ++at) {
      for (uint32_t b : out[queue[at]]) {
        if (b == *entry) {
          last = queue[at];
          closed = true;
          break;
        }
        if (prev[b] == kNoParent) {
          prev[b] = queue[at];
          queue.push_back(b);
        }
      }
    }
    LS_CHECK(closed, "a cyclic component has a cycle through each of its states");
    std::vector<uint32_t> cycle{state_of[*entry]};  // states after the entry, ending at the entry
    for (uint32_t v = last; v != *entry; v = prev[v]) cycle.push_back(state_of[v]);
    std::reverse(cycle.begin() + 1, cycle.end());
    cycle.erase(cycle.begin());
    cycle.push_back(state_of[*entry]);
    return lasso(state_of[*entry], cycle, li);
  }
  return std::nullopt;
}

// The path to `entry`, then the cycle (each edge found again by enumerating the successors of
// the world reached so far and matching keys), repeated until the run is past the end of the
// eventuallyLeader window and the scenario's duration, so `run` sees the lease leaderless there.
Counterexample Explorer::lasso(uint32_t entry, const std::vector<uint32_t>& cycle, size_t lease_index) {
  Counterexample cx;
  World w = replay_to(entry, &cx.choices, &cx.steps);
  cx.cycle_from = w.now();
  cx.cycle_steps = cycle.size();
  const Scenario& s = *scenario_;
  const TrueInstant past = std::max(TrueInstant(s.duration.ns), faults_end_ + *s.properties.eventually_leader);
  const TrueInstant cycle_start = w.now();
  const std::vector<uint64_t> wanted = store_.keys_of(cycle);
  for (uint32_t round = 0; round < 100000 && (round == 0 || w.now() <= past); ++round) {
    for (size_t c = 0; c < cycle.size(); ++c) {
      const uint64_t want = wanted[c];
      EnumChooser chooser(options_.latency_points, options_.jitter_points);
      bool found = false;
      for (;;) {
        World child = w;
        chooser.start();
        chooser.set_world(&child);
        LS_CHECK(live_step(child, chooser, fold()) == StepStatus::Stepped, "a cycle's state has successors");
        if (StateStore::stored_key(key(child)) == want) {
          std::vector<uint32_t> script = chooser.script();
          EnumChooser again(options_.latency_points, options_.jitter_points);
          again.set_script(std::move(script));
          again.start(&cx.choices);
          again.set_world(&w);
          live_step(w, again, fold());
          found = true;
          break;
        }
        if (!chooser.advance()) break;
      }
      LS_CHECK(found, "every edge of a stored cycle is a successor step");
      ++cx.steps;
    }
    LS_CHECK(round > 0 || w.now() > cycle_start, "a leaderless cycle takes time");
  }
  cx.at = w.now();
  cx.liveness = true;
  cx.violated = {"eventuallyLeader"};
  const Duration period = Duration((w.now() - cycle_start).ns);  // all rounds
  cx.messages.push_back("eventuallyLeader: lease " + s.lease_keys[leases_[lease_index]] +
                        " has no acting leader forever: from " + format_seconds(cx.cycle_from.ns) + "s a cycle of " +
                        std::to_string(cycle.size()) + " steps repeats without one (repeated here until " +
                        format_seconds(cx.at.ns) + "s, " + format_duration(period) + ")");
  return cx;
}

ExploreResult Explorer::run() {
  if (options_.max_depth == UINT64_MAX) {
    if (std::optional<ExploreResult> r = run_depth_first()) return *r;
    // Start again from nothing: the breadth-first search gives the shortest counterexample
    // (a depth-first one, or a leaderless cycle), or takes over a path that does not close.
    const ExploreStats depth_first = result_.stats;
    store_ = StateStore();
    result_ = ExploreResult();
    flags_.clear();
    edges_.clear();
    ExploreResult r = run_breadth_first();
    if (dfs_counterexample_ && !r.counterexample) {
      // The breadth-first search was cut before it reached a counterexample: the depth-first
      // one stands, marked as not known to be shortest, with the depth-first search's counts.
      dfs_counterexample_->shortest = false;
      dfs_counterexample_->none_within_steps = r.stats.complete_steps;
      dfs_counterexample_->shorter_search_stop = r.stopped_by;
      r.counterexample = std::move(dfs_counterexample_);
      r.stats = depth_first;
      r.stopped_by = ExploreStop::Violation;
    }
    return r;
  }
  return run_breadth_first();
}

// The longest of the shortest paths from the initial state, over every stored state: what the
// breadth-first search reports as the depth reached. A breadth-first walk of the stored
// transitions (in compressed rows).
uint64_t Explorer::shortest_depth() const {
  uint64_t deepest = 0;
  for (uint32_t d : shortest_distances())
    if (d != kNoParent) deepest = std::max<uint64_t>(deepest, d);
  return deepest;
}

// The fewest steps from the initial state to every stored state (kNoParent: not reached by
// the stored transitions), by a breadth-first walk of the stored transitions.
std::vector<uint32_t> Explorer::shortest_distances() const {
  const size_t n = store_.size();
  std::vector<uint32_t> first(n + 1, 0), to(edges_.size());
  for (const auto& [from, _] : edges_) ++first[from + 1];
  for (size_t i = 0; i < n; ++i) first[i + 1] += first[i];
  std::vector<uint32_t> at(first.begin(), first.end() - 1);
  for (const auto& [from, target] : edges_) to[at[from]++] = target;
  std::vector<uint32_t> dist(n, kNoParent), queue;
  queue.reserve(n);
  dist[0] = 0;
  queue.push_back(0);
  for (size_t head = 0; head < queue.size(); ++head) {
    const uint32_t v = queue[head];
    for (uint32_t k = first[v]; k < first[v + 1]; ++k) {
      if (dist[to[k]] != kNoParent) continue;
      dist[to[k]] = dist[v] + 1;
      queue.push_back(to[k]);
    }
  }
  return dist;
}

std::optional<ExploreResult> Explorer::run_depth_first() {
  ExploreStats& stats = result_.stats;
  bool cut_by_horizon = false;
  bool cut_by_events = false;
  liveness_ = options_.converge && scenario_->properties.eventually_leader.has_value();
  // One frame per state on the current path: its World, and the walk over the choices of its
  // step (the odometer), so that its next successor is taken when the search comes back to it.
  // Frames above the top keep their storage for the next push.
  struct Frame {
    uint32_t id;
    World world;
    std::vector<uint32_t> script;
    std::vector<uint32_t> arity;
    bool done = false;
  };
  std::vector<Frame> stack;
  size_t top = 0;
  // Takes w's World; w receives the World the frame held before (if any), whose storage the
  // next successor is copied into: the search then neither allocates nor frees a World per
  // transition, and a copy assigns over the old values instead of destroying them first.
  auto push = [&](uint32_t id, std::optional<World>& w) {
    if (top == stack.size()) {
      stack.push_back(Frame{id, std::move(*w), {}, {}, false});
      w.reset();
    } else {
      Frame& f = stack[top];
      f.id = id;
      std::swap(f.world, *w);
      f.script.clear();
      f.arity.clear();
      f.done = false;
    }
    ++top;
    stats.peak_frontier = std::max<uint64_t>(stats.peak_frontier, top);
  };
  {
    World initial(scenario_);
    if (options_.converge) initial.set_bounds(TrueInstant(INT64_MAX), UINT64_MAX);
    const uint32_t id = store_.insert(key(initial), kNoParent, {}).first;
    if (liveness_) flags_.push_back(liveness_flags(initial));
    std::optional<World> first(std::move(initial));
    push(id, first);
  }
  stats.distinct = 1;
  std::optional<World> scratch;  // the successor being built (see push)
  while (top > 0) {
    Frame& f = stack[top - 1];
    if (f.done) {
      --top;
      continue;
    }
    chooser_.swap_walk(f.script, f.arity);
    chooser_.start();
    if (scratch) *scratch = f.world;
    else scratch.emplace(f.world);
    World& child = *scratch;
    chooser_.set_world(&child);
    const StepStatus status = live_step(child, chooser_, fold());
    note_events(child);
    if (status != StepStatus::Stepped) {
      // The run ends here, after the inert events left (if any; their tie choices decide
      // nothing): judge it as `run` would.
      chooser_.swap_walk(f.script, f.arity);
      f.done = true;
      ++stats.end_states;
      if (status == StepStatus::Horizon) cut_by_horizon = true;
      if (status == StepStatus::EventLimit) cut_by_events = true;
      if (liveness_) flags_[f.id] |= kDeadEnd;
      if (Verdict v = end_violations(child, status); !v.empty()) {
        v.sort();
        dfs_counterexample_ = build(f.id, nullptr, v, true);
        stats.depth_reached = shortest_depth();  // as when the search ends otherwise
        return std::nullopt;
      }
      continue;
    }
    if (options_.horizon && child.now().ns > options_.horizon->ns) {
      chooser_.swap_walk(f.script, f.arity);
      f.done = true;
      cut_by_horizon = true;  // every alternative fires the same next event
      continue;
    }
    ++stats.transitions;
    // The key first, so that its index entry loads while the step is judged.
    const uint64_t child_key = key(child);
    store_.prefetch(child_key);
    if (std::optional<Verdict> v = step_violations(f.world, child)) {
      v->sort();
      dfs_counterexample_ = build(f.id, &chooser_.script(), *v, false);
      stats.depth_reached = shortest_depth();
      return std::nullopt;
    }
    const uint32_t parent = f.id;
    const auto [id, fresh] = store_.insert(child_key, parent, chooser_.script());
    edges_.emplace_back(parent, id);
    f.done = !chooser_.advance();
    chooser_.swap_walk(f.script, f.arity);
    if (fresh) {
      ++stats.distinct;
      if (liveness_) flags_.push_back(liveness_flags(child));
      stats.reached = std::max(stats.reached, child.now());
      if (stats.distinct >= options_.max_states) {
        // Cut: report from what is stored (explorer.h). The unfinished states are the frames
        // with successors left and the state just stored.
        std::vector<std::pair<uint32_t, TrueInstant>> unfinished{{id, child.now()}};
        for (size_t k = 0; k < top; ++k)
          if (!stack[k].done) unfinished.emplace_back(stack[k].id, stack[k].world.now());
        return finish_cut(ExploreStop::States, unfinished);
      }
      // A leaf of a lemma (steady regime, leader crash): every path from it is safe, so it needs
      // no frame (and does not count towards the path-length handover below).
      if (const Closed c = closes(child); c != Closed::No) {
        count_closed(stats, c);
        continue;
      }
      // A path this long is a search that does not close (converge mode with loops drifting
      // against each other): every frame holds a World whose History grows with the path, so
      // the memory grows with the square of the depth. The breadth-first search keeps its
      // paths short; hand over to it.
      if (top >= std::min<uint64_t>(kMaxPathWorlds, options_.max_worlds)) return std::nullopt;
      push(id, scratch);  // may move the frames: f is not used after this
    } else if (options_.converge) {
      ++stats.cycles;
    }
  }
  const ExploreStop stop =
      cut_by_events ? ExploreStop::Events : cut_by_horizon ? ExploreStop::Horizon : ExploreStop::Exhausted;
  // A leaderless cycle is reported by the breadth-first search, whose lasso is the shortest.
  if (liveness_ && stop == ExploreStop::Exhausted && leaderless_cycle()) return std::nullopt;
  stats.depth_reached = shortest_depth();
  result_.stopped_by = stop;
  stats.stored_bytes = store_.bytes() + flags_.capacity() * sizeof(uint32_t) + edges_.capacity() * 8;
  return result_;
}

// The report of a depth-first search cut by a bound, from the stored states alone: the depth
// reached and, over the states with successors left, the fewest steps and the earliest
// simulated time at which a path leaves what was explored.
ExploreResult Explorer::finish_cut(ExploreStop stop, const std::vector<std::pair<uint32_t, TrueInstant>>& unfinished) {
  ExploreStats& stats = result_.stats;
  const std::vector<uint32_t> dist = shortest_distances();
  uint64_t deepest = 0;
  for (uint32_t d : dist)
    if (d != kNoParent) deepest = std::max<uint64_t>(deepest, d);
  stats.depth_reached = deepest;
  stats.complete_steps = UINT64_MAX;
  stats.complete_to = TrueInstant(INT64_MAX);
  for (const auto& [id, at] : unfinished) {
    if (dist[id] != kNoParent) stats.complete_steps = std::min<uint64_t>(stats.complete_steps, dist[id]);
    stats.complete_to = std::min(stats.complete_to, at);
  }
  result_.stopped_by = stop;
  stats.stored_bytes = store_.bytes() + flags_.capacity() * sizeof(uint32_t) + edges_.capacity() * 8;
  return result_;
}

ExploreResult Explorer::run_breadth_first() {
  ExploreStats& stats = result_.stats;
  bool cut_by_horizon = false;  // some state reached the scenario's or the explorer's horizon
  bool cut_by_events = false;
  liveness_ = options_.converge && scenario_->properties.eventually_leader.has_value();
  std::vector<Frontier> frontier;
  {
    World initial(scenario_);
    if (options_.converge) initial.set_bounds(TrueInstant(INT64_MAX), UINT64_MAX);
    const uint32_t id = store_.insert(key(initial), kNoParent, {}).first;
    if (liveness_) flags_.push_back(liveness_flags(initial));
    frontier.push_back(Frontier{id, std::move(initial)});
  }
  stats.distinct = 1;
  uint64_t depth = 0;
  auto finish = [&](ExploreStop stop) {
    result_.stopped_by = stop;
    stats.stored_bytes = store_.bytes() + flags_.capacity() * sizeof(uint32_t) + edges_.capacity() * 8;
    return result_;
  };
  std::vector<Frontier> next;
  // A cut: every state before frontier[from] was expanded, so every path got `depth` steps and
  // at least to the earliest time of the states left (the rest of the frontier and `next`).
  auto cut = [&](ExploreStop stop, size_t from) {
    stats.complete_steps = depth;
    stats.complete_to = TrueInstant(INT64_MAX);
    for (size_t i = from; i < frontier.size(); ++i) stats.complete_to = std::min(stats.complete_to, frontier[i].world.now());
    for (const Frontier& n : next) stats.complete_to = std::min(stats.complete_to, n.world.now());
    stats.depth_reached = next.empty() ? depth : depth + 1;
    return finish(stop);
  };
  while (!frontier.empty()) {
    stats.peak_frontier = std::max<uint64_t>(stats.peak_frontier, frontier.size());
    next.clear();
    if (depth >= options_.max_depth) return cut(ExploreStop::Depth, 0);
    // A violation that settles in a step to depth+1. States of this depth where the run ends
    // are still judged: one of them would be a shorter counterexample.
    std::optional<Counterexample> deeper;
    for (size_t fi = 0; fi < frontier.size(); ++fi) {
      Frontier& f = frontier[fi];
      chooser_.clear();
      for (;;) {
        World child = f.world;
        chooser_.start();
        chooser_.set_world(&child);
        const StepStatus status = live_step(child, chooser_, fold());
        note_events(child);
        if (status != StepStatus::Stepped) {
          // The run ends here, after the inert events left (if any): judge it as `run` would.
          ++stats.end_states;
          if (status == StepStatus::Horizon) cut_by_horizon = true;
          if (status == StepStatus::EventLimit) cut_by_events = true;
          if (liveness_) flags_[f.id] |= kDeadEnd;
          Verdict v = end_violations(child, status);
          if (!v.empty()) {
            v.sort();
            result_.counterexample = build(f.id, nullptr, v, true);
            return finish(ExploreStop::Violation);
          }
          break;
        }
        if (deeper) break;  // only looking for shorter counterexamples now
        if (options_.horizon && child.now().ns > options_.horizon->ns) {
          cut_by_horizon = true;  // every alternative fires the same next event
          break;
        }
        ++stats.transitions;
        const uint64_t child_key = key(child);
        store_.prefetch(child_key);  // as in the depth-first search
        if (std::optional<Verdict> v = step_violations(f.world, child)) {
          v->sort();
          deeper = build(f.id, &chooser_.script(), *v, false);
          break;
        }
        const auto [id, fresh] = store_.insert(child_key, f.id, chooser_.script());
        if (liveness_) edges_.emplace_back(f.id, id);
        if (fresh) {
          ++stats.distinct;
          stats.depth_reached = depth + 1;
          if (liveness_) flags_.push_back(liveness_flags(child));
          stats.reached = std::max(stats.reached, child.now());
          if (const Closed c = closes(child); c != Closed::No) count_closed(stats, c);  // a leaf of a lemma
          else next.push_back(Frontier{id, std::move(child)});
          if (stats.distinct >= options_.max_states) return cut(ExploreStop::States, fi);
          if (frontier.size() - fi + next.size() > options_.max_worlds) return cut(ExploreStop::Worlds, fi);
        } else if (options_.converge) {
          ++stats.cycles;
        }
        if (!chooser_.advance()) break;
      }
    }
    if (deeper) {
      result_.counterexample = std::move(deeper);
      return finish(ExploreStop::Violation);
    }
    frontier = std::move(next);
    ++depth;
  }
  const ExploreStop stop =
      cut_by_events ? ExploreStop::Events : cut_by_horizon ? ExploreStop::Horizon : ExploreStop::Exhausted;
  if (liveness_ && stop == ExploreStop::Exhausted) {
    if (auto cx = leaderless_cycle()) {
      result_.counterexample = std::move(cx);
      return finish(ExploreStop::Violation);
    }
  }
  return finish(stop);
}

}  // namespace

std::optional<std::string> converge_problem(const Scenario& scenario) {
  for (const FaultSpec& f : scenario.explore.faults.candidates)
    if (f.type == FaultType::ClockJump)
      return std::string("an injectable clockJump fault: a step of a wall clock can put two writes in one second, "
                         "which the time-relative key does not tell apart");
  for (const FaultSpec& f : scenario.faults)
    if (f.type == FaultType::ClockJump)
      return std::string("a clockJump fault: a step of a wall clock can put two writes in one second, which the "
                         "time-relative key does not tell apart");
  std::set<std::string> identities;
  for (const ProcessSpec& p : scenario.processes) {
    if (!identities.insert(p.identity).second) return "duplicate identity " + p.identity;
    if (const auto* c = std::get_if<ClientGoConfig>(&p.model)) {
      // retryPeriod in true time is RP / rate; at least one second keeps writes a second apart.
      const __int128 scaled = static_cast<__int128>(c->retry_period.ns) * kRateOne;
      if (scaled < static_cast<__int128>(seconds(1).ns) * p.clock.rate_ppb)
        return "process " + p.name + ": retryPeriod " + format_duration(c->retry_period) +
               " is under one second of its clock, so two writes of a record may share a second";
    }
  }
  return std::nullopt;
}

ExploreOptions explore_options(const ExploreSpec& spec) {
  ExploreOptions o;
  if (spec.depth) o.max_depth = *spec.depth;
  if (spec.max_states) o.max_states = *spec.max_states;
  o.horizon = spec.horizon;
  if (spec.latency_points) o.latency_points = spec.latency_points;
  if (spec.jitter_points) o.jitter_points = spec.jitter_points;
  return o;
}

// A deterministic estimate of the bytes one more full World costs the search: the fixed part
// (measured: about 13 KB per World held in the quickstart's breadth-first frontier), the
// per-process runtime, model and timers (about 400 bytes a process: 370 KB per World measured
// with 903 processes) and the pending events.
static uint64_t world_bytes_estimate(const World& w) {
  return 12288 + 400 * static_cast<uint64_t>(w.process_count()) + 64 * static_cast<uint64_t>(w.pending_count());
}

ExploreResult explore(std::shared_ptr<const Scenario> scenario, const ExploreOptions& options) {
  ExploreOptions o = options;
  const uint64_t estimate = world_bytes_estimate(World(scenario));
  // At least 64 Worlds, so that a small budget still lets a search take a few steps.
  o.max_worlds = std::min(o.max_worlds, std::max<uint64_t>(64, o.max_world_bytes / estimate));
  // Critical points read every pending event, inert ones included (explore/critical_points.h),
  // so two worlds that differ only in inert events may offer different draws: the inert
  // reduction is exact only without them.
  if ((o.latency_points | o.jitter_points) & kPointCritical) o.reduce_inert = false;
  ExploreResult r;
  bool near_bound = false;
  {
    Explorer explorer(scenario, o);
    r = explorer.run();
    near_bound = explorer.near_event_bound();
  }
  r.reduced_inert = o.reduce_inert;
  r.stats.worlds_bound = o.max_worlds;
  r.stats.world_bytes_estimate = estimate;
  if (o.reduce_inert && !o.converge && near_bound) {
    // The event bound was within reach of a merged world (near_event_bound): the search runs
    // again with the event count and the inert events in the key.
    o.reduce_inert = false;
    Explorer again(std::move(scenario), o);
    r = again.run();
    r.reduced_inert = false;
    r.stats.worlds_bound = o.max_worlds;
    r.stats.world_bytes_estimate = estimate;
  }
  return r;
}

}  // namespace leasesim
