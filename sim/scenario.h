// scenario.h: a validated scenario as typed values, the input of a World.
//
// Contract: this is the in-memory form of a scenario file (docs/cli.md
// section 1) after parsing, `count` expansion and validation; a World trusts it. Processes are
// indexed 0..N-1 in file order after expansion; leases are indexed by LeaseId into
// `lease_keys` ("namespace/name"), in order of first mention (spec.leases first, then
// processes). Durations are integer nanoseconds; the clock rate is kept as an exact integer in
// parts per billion (rate 1.0001 = 1'000'100'000) so no floating point enters the simulation.
// Leaves out: parsing (cli/scenario_loader.h) and anything about how results are printed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/lease.h"
#include "model/process_model.h"
#include "sim/chooser.h"
#include "core/time.h"

namespace leasesim {

inline constexpr int64_t kRateOne = 1000000000;  // parts per billion

struct LatencyRange {
  Duration min = milliseconds(1);
  Duration max = milliseconds(5);
  bool operator==(const LatencyRange&) const = default;
};

struct ApiServerSpec {
  LatencyRange latency;
  bool conflict_check = true;
  bool operator==(const ApiServerSpec&) const = default;
};

struct ClockSpec {
  Duration offset{};
  int64_t rate_ppb = kRateOne;
  bool operator==(const ClockSpec&) const = default;
};

struct ProcessSpec {
  std::string name;
  std::string identity;
  ModelConfig model;
  LeaseId lease = 0;
  ClockSpec clock;
  Duration start{};
  Duration quiesce{};  // acting leadership continues this long (local time) after it ends
  bool operator==(const ProcessSpec&) const = default;
};

enum class FaultType : uint8_t { Crash, Restart, Stop, Pause, Partition, ClockJump, ApiServerOutage, ApiServerSlow, WatchStall };
enum class Direction : uint8_t { Both, Requests, Responses };
enum class OutageMode : uint8_t { Refuse, Blackhole };

const char* fault_type_name(FaultType t);  // the scenario-file spelling, e.g. "apiServerOutage"
const char* direction_name(Direction d);
const char* outage_mode_name(OutageMode m);

struct FaultTarget {
  enum class Kind : uint8_t { None, Process, Leader };
  Kind kind = Kind::None;
  uint32_t process = 0;  // when kind == Process
  bool operator==(const FaultTarget&) const = default;
};

struct FaultSpec {
  Duration at{};
  std::optional<Duration> for_;  // window length for pause/partition/outage/slow; none = until the end
  FaultType type = FaultType::Crash;
  FaultTarget target;
  Direction direction = Direction::Both;
  Duration by{};                   // clockJump
  OutageMode mode = OutageMode::Refuse;
  LatencyRange latency;            // apiServerSlow
  bool operator==(const FaultSpec&) const = default;
};

struct PropertySpec {
  bool single_leader = true;
  bool transitions_match = true;
  std::optional<Duration> failover_within;  // explicit bound
  bool failover_within_auto = false;        // "auto": the model's analytic bound
  std::optional<Duration> eventually_leader;
  bool elects_preferred = false;  // coordinated leases only (properties/elects_preferred.h)
  // API server identity (properties/identity.h): on by default for identity leases.
  bool no_live_identity_deleted = true;
  std::optional<Duration> stale_identity_collected_within;
  bool stale_identity_collected_within_auto = false;
  // Node heartbeats (docs/nodes.md): off unless set.
  std::optional<Duration> node_not_ready_within;
  bool node_not_ready_within_auto = false;
  bool no_false_not_ready = false;
  std::optional<int64_t> max_pod_evictions;  // properties/pod_evictions.h
  bool operator==(const PropertySpec&) const = default;
};

struct ExpectSpec {
  bool present = false;
  std::vector<std::string> violated;  // property names, sorted, unique
  bool operator==(const ExpectSpec&) const = default;
};

// One resolved choice of a run, as `leasesim check` writes it into a counterexample
// (`spec.explore.replay`, text form in sim/replay.h): a Tie is the index picked among `arity`
// events due at once; a Latency or TimerDelay is the value drawn, in nanoseconds. `label` says
// what it decides (ChoiceSubject::describe), empty in files written before labels existed.
struct ReplayChoice {
  ChoiceKind kind = ChoiceKind::Tie;
  int64_t value = 0;
  uint32_t arity = 0;  // Tie and Fault only
  std::string label = {};
  bool operator==(const ReplayChoice&) const = default;
};

// Range points the explorer enumerates for a draw: a bit set of min, mid ((min+max)/2), max,
// and `critical`: the values at which the drawn instant passes a pending event, the drawing
// process's lease expiry or a whole second of its wall clock (explore/critical_points.h).
inline constexpr uint8_t kPointMin = 1, kPointMid = 2, kPointMax = 4, kPointCritical = 8;

// spec.explore: bounds for `leasesim check` (the command line overrides each) and the replay
// script of a counterexample. Every field is optional; an absent block changes nothing.
// Faults that `leasesim check` may inject (spec.explore.faults): at each instant of `at`, up to
// `max` on one path, any one of `candidates` (fault entries whose `at` is unused) or none. The
// explorer enumerates every such schedule; `run` injects one only where a replayed
// counterexample says so (sim/chooser.h: a Fault choice is "none" unless a replay names one).
struct ExploreFaults {
  uint32_t max = 0;
  std::vector<Duration> at;
  std::vector<FaultSpec> candidates;
  bool operator==(const ExploreFaults&) const = default;
};

struct ExploreSpec {
  ExploreFaults faults;
  std::optional<uint64_t> depth;       // steps (events) from the initial state
  std::optional<uint64_t> max_states;  // distinct states stored
  std::optional<Duration> horizon;     // explore events up to this instant only
  uint8_t latency_points = 0;          // 0 = the default (min and max)
  uint8_t jitter_points = 0;
  std::vector<ReplayChoice> replay;    // `run` resolves its first choices from this list
  bool operator==(const ExploreSpec&) const = default;
};

struct InitialLease {
  LeaseId id = 0;
  Labels labels;
  LeaseSpec spec;
  bool operator==(const InitialLease&) const = default;
};

struct Scenario {
  std::string name;
  std::string description;
  std::string source_path;  // the file it came from ("" when built in code)
  uint64_t seed = 1;
  Duration duration = minutes(2);
  WallInstant start_time = WallInstant(1767225600LL * kNanosPerSecond);  // 2026-01-01T00:00:00Z
  ApiServerSpec api_server;
  std::vector<std::string> lease_keys;  // LeaseId -> "namespace/name"
  std::vector<InitialLease> leases;
  // NodeId -> node name: one Node per process of a model that runs a node (model: kubelet), in
  // process order; each such process's `lease` is its Lease in kube-node-lease.
  std::vector<std::string> node_names;
  // NodeId -> the pods bound to that node from the start (the kubelet's `pods`); missing = 0.
  std::vector<int64_t> node_pods;
  std::vector<ProcessSpec> processes;
  std::vector<FaultSpec> faults;
  PropertySpec properties;
  ExpectSpec expect;
  ExploreSpec explore;
  // A named bound: the run stops (and says so) past it. The default keeps one run's memory
  // within ordinary RAM (about 25 bytes per event: some 500 MB) and its time under a minute.
  uint64_t max_events = 20000000;

  bool operator==(const Scenario&) const = default;

  // Interns "namespace/name", returning its LeaseId.
  LeaseId lease_id(const std::string& key);
  std::optional<LeaseId> find_lease(const std::string& key) const;
  std::optional<uint32_t> find_process(const std::string& name) const;
};

}  // namespace leasesim
