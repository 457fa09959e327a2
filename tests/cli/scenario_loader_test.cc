// Tests of the scenario loader: typed values, defaults, count expansion, YAML/JSON equivalence,
// and the exact text of every diagnostic users see (positions included).
#include "cli/scenario_loader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>

namespace leasesim {
namespace {

// An example that uses every field, as docs/scenario-format.md does, with duration 3m, not 2m,
// because with 2m the example's own eventuallyLeader (30s after the last fault, which ends at
// 110s) runs past the horizon and is rejected.
constexpr std::string_view kSpecExample = R"(apiVersion: leasesim/v1alpha1
kind: Scenario
metadata:
  name: leader-crash-failover
  description: The leader crashes; a standby must take over within the bound.
spec:
  seed: 7                    # default seed; --seed overrides
  duration: 3m               # simulated horizon
  startTime: "2026-01-01T00:00:00Z"   # true wall time at t=0 (renewTime values render from it)
  apiServer:
    latency: {min: 1ms, max: 10ms}    # one-way delay of each request and of each response
    conflictCheck: true      # what-if knob: false = updates ignore resourceVersion
  leases:                    # objects present at t=0
    - apiVersion: coordination.k8s.io/v1
      kind: Lease
      metadata: {name: example-foo, namespace: default}
      spec: {holderIdentity: old-pod, leaseDurationSeconds: 15, leaseTransitions: 3}
  processes:
    - name: a                # unique; used by faults and in every output
      identity: a            # holderIdentity; defaults to name; duplicates are allowed on purpose
      model: client-go-elector
      lease: default/example-foo
      config:                # the model's own parameters, validated by the model
        leaseDuration: 15s
        renewDeadline: 10s
        retryPeriod: 2s
        releaseOnCancel: false
      clock: {offset: 0s, rate: 1.0}  # local = offset + rate * true time; rate 1.0001 = +100 ppm
      start: 0s
    - name: standby          # `count` expands to standby-0 .. standby-(N-1)
      count: 2
      model: client-go-elector
      lease: default/example-foo
      config: {leaseDuration: 15s, renewDeadline: 10s, retryPeriod: 2s}
  faults:
    - {at: 30s, type: crash, target: leader}          # "leader" = acting leader of the lease at that instant
    - {at: 50s, type: restart, target: a}
    - {at: 60s, for: 20s, type: partition, target: standby-0, direction: both}   # both | requests | responses
    - {at: 70s, for: 5s, type: pause, target: standby-1}
    - {at: 80s, type: clockJump, target: a, by: -30s}  # wall clock step; monotonic time unaffected
    - {at: 90s, for: 8s, type: apiServerOutage, mode: blackhole}              # blackhole | refuse
    - {at: 100s, for: 10s, type: apiServerSlow, latency: {min: 2s, max: 6s}}
    - {at: 110s, type: stop, target: leader}           # graceful: cancels the elector (release if configured)
  properties:                # singleLeader and transitionsMatch are on by default for every
    singleLeader: true       # lease that has electors; the two bounds apply only when set
    failoverWithin: 25s      # bound for fault-to-new-leader; "auto" = the model's analytic bound
    transitionsMatch: true
    eventuallyLeader: 30s    # after the last fault ends, some live process leads within this
  expect:                    # optional: what this scenario is meant to show
    violated: [singleLeader] # run passes iff exactly these properties are violated
)";

// The same scenario in JSON.
constexpr std::string_view kSpecExampleJson = R"({
  "apiVersion": "leasesim/v1alpha1",
  "kind": "Scenario",
  "metadata": {
    "name": "leader-crash-failover",
    "description": "The leader crashes; a standby must take over within the bound."
  },
  "spec": {
    "seed": 7,
    "duration": "3m",
    "startTime": "2026-01-01T00:00:00Z",
    "apiServer": {"latency": {"min": "1ms", "max": "10ms"}, "conflictCheck": true},
    "leases": [
      {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
       "metadata": {"name": "example-foo", "namespace": "default"},
       "spec": {"holderIdentity": "old-pod", "leaseDurationSeconds": 15, "leaseTransitions": 3}}
    ],
    "processes": [
      {"name": "a", "identity": "a", "model": "client-go-elector", "lease": "default/example-foo",
       "config": {"leaseDuration": "15s", "renewDeadline": "10s", "retryPeriod": "2s", "releaseOnCancel": false},
       "clock": {"offset": "0s", "rate": 1.0}, "start": "0s"},
      {"name": "standby", "count": 2, "model": "client-go-elector", "lease": "default/example-foo",
       "config": {"leaseDuration": "15s", "renewDeadline": "10s", "retryPeriod": "2s"}}
    ],
    "faults": [
      {"at": "30s", "type": "crash", "target": "leader"},
      {"at": "50s", "type": "restart", "target": "a"},
      {"at": "60s", "for": "20s", "type": "partition", "target": "standby-0", "direction": "both"},
      {"at": "70s", "for": "5s", "type": "pause", "target": "standby-1"},
      {"at": "80s", "type": "clockJump", "target": "a", "by": "-30s"},
      {"at": "90s", "for": "8s", "type": "apiServerOutage", "mode": "blackhole"},
      {"at": "100s", "for": "10s", "type": "apiServerSlow", "latency": {"min": "2s", "max": "6s"}},
      {"at": "110s", "type": "stop", "target": "leader"}
    ],
    "properties": {"singleLeader": true, "failoverWithin": "25s", "transitionsMatch": true, "eventuallyLeader": "30s"},
    "expect": {"violated": ["singleLeader"]}
  }
})";

// Four header lines, so the first `spec:` child is on line 5 in the error tests below.
std::string with_spec(std::string_view spec_body) {
  return std::string("apiVersion: leasesim/v1alpha1\nkind: Scenario\nmetadata: {name: t}\nspec:\n") +
         std::string(spec_body);
}

constexpr std::string_view kOneProcess =
    "  processes:\n"
    "    - {name: a, model: tutorial-elector, lease: default/l}\n";

std::vector<std::string> messages(const LoadResult& r) {
  std::vector<std::string> out;
  for (const Diagnostic& d : r.errors) out.push_back(d.format());
  return out;
}

// Loads text that must fail and returns its formatted diagnostics.
std::vector<std::string> errors_of(std::string_view text, const std::string& file = "t.yaml") {
  const LoadResult r = load_scenario_text(text, file);
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.scenario.has_value());
  return messages(r);
}

Scenario load_ok(std::string_view text, const std::string& file = "t.yaml") {
  const LoadResult r = load_scenario_text(text, file);
  EXPECT_TRUE(r.ok()) << ::testing::PrintToString(messages(r));
  return r.scenario.value_or(Scenario{});
}

using Strings = std::vector<std::string>;

// ---------------------------------------------------------------------------------------------
// Valid files.

TEST(ScenarioLoader, SpecExampleLoadsWithTypedValues) {
  const Scenario s = load_ok(kSpecExample, "ex.yaml");
  EXPECT_EQ(s.name, "leader-crash-failover");
  EXPECT_EQ(s.description, "The leader crashes; a standby must take over within the bound.");
  EXPECT_EQ(s.source_path, "ex.yaml");
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.duration, minutes(3));
  EXPECT_EQ(s.start_time, WallInstant(1767225600LL * kNanosPerSecond));
  EXPECT_EQ(s.api_server.latency, (LatencyRange{milliseconds(1), milliseconds(10)}));
  EXPECT_TRUE(s.api_server.conflict_check);

  ASSERT_EQ(s.lease_keys, Strings{"default/example-foo"});
  ASSERT_EQ(s.leases.size(), 1u);
  EXPECT_EQ(s.leases[0].id, 0u);
  EXPECT_EQ(s.leases[0].spec.holder_identity, "old-pod");
  EXPECT_EQ(s.leases[0].spec.lease_duration_seconds, 15);
  EXPECT_EQ(s.leases[0].spec.lease_transitions, 3);
  EXPECT_FALSE(s.leases[0].spec.renew_time.has_value());
  EXPECT_FALSE(s.leases[0].spec.acquire_time.has_value());

  ASSERT_EQ(s.processes.size(), 3u);
  EXPECT_EQ(s.processes[0].name, "a");
  EXPECT_EQ(s.processes[0].identity, "a");
  EXPECT_EQ(s.processes[1].name, "standby-0");
  EXPECT_EQ(s.processes[1].identity, "standby-0");
  EXPECT_EQ(s.processes[2].name, "standby-1");
  EXPECT_EQ(s.processes[2].identity, "standby-1");
  for (const ProcessSpec& p : s.processes) {
    EXPECT_EQ(p.lease, 0u);
    EXPECT_EQ(p.clock, ClockSpec{});
    EXPECT_EQ(p.start, Duration{});
    const auto* config = std::get_if<ClientGoConfig>(&p.model);
    ASSERT_NE(config, nullptr);
    EXPECT_EQ(*config, (ClientGoConfig{seconds(15), seconds(10), seconds(2), false, Duration{}, "", false, false, {}, {}}));
  }

  ASSERT_EQ(s.faults.size(), 8u);
  const FaultTarget leader{FaultTarget::Kind::Leader, 0};
  const FaultTarget none{};
  auto process = [](uint32_t i) { return FaultTarget{FaultTarget::Kind::Process, i}; };
  auto fault = [](Duration at, std::optional<Duration> window, FaultType type, FaultTarget target) {
    FaultSpec f;
    f.at = at;
    f.for_ = window;
    f.type = type;
    f.target = target;
    return f;
  };
  EXPECT_EQ(s.faults[0], fault(seconds(30), std::nullopt, FaultType::Crash, leader));
  EXPECT_EQ(s.faults[1], fault(seconds(50), std::nullopt, FaultType::Restart, process(0)));
  EXPECT_EQ(s.faults[2], fault(seconds(60), seconds(20), FaultType::Partition, process(1)));
  EXPECT_EQ(s.faults[3], fault(seconds(70), seconds(5), FaultType::Pause, process(2)));
  FaultSpec jump = fault(seconds(80), std::nullopt, FaultType::ClockJump, process(0));
  jump.by = seconds(-30);
  EXPECT_EQ(s.faults[4], jump);
  FaultSpec outage = fault(seconds(90), seconds(8), FaultType::ApiServerOutage, none);
  outage.mode = OutageMode::Blackhole;
  EXPECT_EQ(s.faults[5], outage);
  FaultSpec slow = fault(seconds(100), seconds(10), FaultType::ApiServerSlow, none);
  slow.latency = LatencyRange{seconds(2), seconds(6)};
  EXPECT_EQ(s.faults[6], slow);
  EXPECT_EQ(s.faults[7], fault(seconds(110), std::nullopt, FaultType::Stop, leader));

  EXPECT_EQ(s.properties, (PropertySpec{true, true, seconds(25), false, seconds(30), false, true, std::nullopt, false,
                                        std::nullopt, false, false, std::nullopt}));
  EXPECT_TRUE(s.expect.present);
  EXPECT_EQ(s.expect.violated, Strings{"singleLeader"});
  EXPECT_EQ(s.max_events, Scenario{}.max_events);
}

TEST(ScenarioLoader, JsonLoadsEqualToYaml) {
  Scenario from_yaml = load_ok(kSpecExample, "ex.yaml");
  Scenario from_json = load_ok(kSpecExampleJson, "ex.json");
  EXPECT_EQ(from_json.source_path, "ex.json");
  from_json.source_path = from_yaml.source_path;
  EXPECT_EQ(from_json, from_yaml);
}

TEST(ScenarioLoader, DefaultsFollowTheSpecRules) {
  const Scenario s =
      load_ok(with_spec("  processes:\n"
                        "    - {name: t, model: tutorial-elector, lease: default/l}\n"
                        "    - {name: g, model: client-go-elector, lease: kube-system/other}\n"));
  const Scenario defaults;
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.duration, minutes(2));
  EXPECT_EQ(s.start_time, defaults.start_time);
  EXPECT_EQ(s.api_server, (ApiServerSpec{LatencyRange{milliseconds(1), milliseconds(5)}, true}));
  EXPECT_TRUE(s.leases.empty());
  EXPECT_TRUE(s.faults.empty());
  EXPECT_EQ(s.properties, PropertySpec{});
  EXPECT_FALSE(s.expect.present);
  EXPECT_EQ(s.lease_keys, (Strings{"default/l", "kube-system/other"}));
  ASSERT_EQ(s.processes.size(), 2u);
  EXPECT_EQ(s.processes[0].identity, "t");
  EXPECT_EQ(s.processes[0].model, (ModelConfig{TutorialConfig{seconds(10), true, Duration{}}}));
  EXPECT_EQ(s.processes[0].clock, (ClockSpec{Duration{}, kRateOne}));
  EXPECT_EQ(s.processes[0].start, Duration{});
  EXPECT_EQ(s.processes[0].quiesce, Duration{});
  EXPECT_EQ(s.processes[1].model, ModelConfig{ClientGoConfig{}});
  EXPECT_EQ(s.processes[1].lease, 1u);
}

TEST(ScenarioLoader, ModelConfigsPresetsAndClock) {
  const Scenario s = load_ok(with_spec(
      "  processes:\n"
      "    - name: sched\n"
      "      model: client-go-elector\n"
      "      lease: kube-system/kube-scheduler\n"
      "      config: {preset: kube-scheduler, retryPeriod: 3s, requestTimeout: 4s, afterLeadershipLoss: rejoin, "
      "quiesce: 1.5s}\n"
      "      clock: {offset: -250ms, rate: \"1.0001\"}\n"
      "      start: 5s\n"
      "    - name: tut\n"
      "      model: tutorial-elector\n"
      "      lease: default/l\n"
      "      config: {loopPeriod: 7s, crashOnError: false, requestTimeout: 2s, quiesce: 3s}\n"
      "      clock: {rate: 0.999999999}\n"));
  ASSERT_EQ(s.processes.size(), 2u);
  const ProcessSpec& sched = s.processes[0];
  EXPECT_EQ(
      sched.model,
      (ModelConfig{ClientGoConfig{seconds(15), seconds(10), seconds(3), true, seconds(4), "kube-scheduler", true, false, {}, {}}}));
  EXPECT_EQ(sched.quiesce, milliseconds(1500));
  EXPECT_EQ(sched.clock, (ClockSpec{milliseconds(-250), 1000100000}));
  EXPECT_EQ(sched.start, seconds(5));
  const ProcessSpec& tut = s.processes[1];
  EXPECT_EQ(tut.model, (ModelConfig{TutorialConfig{seconds(7), false, seconds(2)}}));
  EXPECT_EQ(tut.quiesce, seconds(3));
  EXPECT_EQ(tut.clock, (ClockSpec{Duration{}, 999999999}));
}

TEST(ScenarioLoader, CountExpandsNamesAndSharesAGivenIdentity) {
  const Scenario s =
      load_ok(with_spec("  processes:\n"
                        "    - {name: w, count: 3, model: tutorial-elector, lease: default/l}\n"
                        "    - {name: twin, count: 2, identity: same-pod, model: tutorial-elector, lease: default/l}\n"
                        "  faults:\n"
                        "    - {at: 1s, type: crash, target: twin-1}\n"));
  ASSERT_EQ(s.processes.size(), 5u);
  Strings names, identities;
  for (const ProcessSpec& p : s.processes) {
    names.push_back(p.name);
    identities.push_back(p.identity);
  }
  EXPECT_EQ(names, (Strings{"w-0", "w-1", "w-2", "twin-0", "twin-1"}));
  EXPECT_EQ(identities, (Strings{"w-0", "w-1", "w-2", "same-pod", "same-pod"}));
  EXPECT_EQ(s.faults[0].target, (FaultTarget{FaultTarget::Kind::Process, 4}));
}

TEST(ScenarioLoader, CountOfTenThousandLoadsQuickly) {
  const auto start = std::chrono::steady_clock::now();
  const Scenario s =
      load_ok(with_spec("  processes:\n"
                        "    - {name: n, count: 10000, model: client-go-elector, lease: kube-node-lease/n}\n"
                        "    - {name: m, count: 10000, model: tutorial-elector, lease: default/l}\n"
                        "  faults:\n"
                        "    - {at: 1s, type: crash, target: m-9999}\n"));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(s.processes.size(), 20000u);
  EXPECT_EQ(s.processes[9999].name, "n-9999");
  EXPECT_EQ(s.faults[0].target.process, 19999u);
  // Generous: the point is "not quadratic" (which took minutes), not a benchmark.
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST(ScenarioLoader, PastedKubectlLeaseLoads) {
  const Scenario s = load_ok(with_spec(R"(  leases:
    - apiVersion: coordination.k8s.io/v1
      kind: Lease
      metadata:
        creationTimestamp: "2026-01-01T00:00:00Z"
        labels:
          app: demo
          tier: "1"
        managedFields:
        - apiVersion: coordination.k8s.io/v1
          fieldsType: FieldsV1
          manager: kube-controller-manager
        name: kube-controller-manager
        namespace: kube-system
        resourceVersion: "4242"
        uid: 6f1e0a2c-0000-0000-0000-000000000000
      spec:
        acquireTime: "2025-12-31T23:50:00.123456Z"
        holderIdentity: cp-1_0b7d
        leaseDurationSeconds: 15
        leaseTransitions: 4
        renewTime: "2025-12-31T23:59:58.654321789Z"
    - apiVersion: coordination.k8s.io/v1
      kind: Lease
      metadata: {name: bare}
      spec: {holderIdentity: "", strategy: OldestEmulationVersion, preferredHolder: x, renewTime: null}
    - {apiVersion: coordination.k8s.io/v1, kind: Lease, metadata: {name: no-spec}}
)") + std::string(kOneProcess));
  EXPECT_EQ(s.lease_keys,
            (Strings{"kube-system/kube-controller-manager", "default/bare", "default/no-spec", "default/l"}));
  ASSERT_EQ(s.leases.size(), 3u);
  const InitialLease& kcm = s.leases[0];
  EXPECT_EQ(kcm.labels, (Labels{{"app", "demo"}, {"tier", "1"}}));
  EXPECT_EQ(kcm.spec.holder_identity, "cp-1_0b7d");
  EXPECT_EQ(kcm.spec.lease_duration_seconds, 15);
  EXPECT_EQ(kcm.spec.lease_transitions, 4);
  EXPECT_EQ(format_rfc3339_micro(*kcm.spec.acquire_time), "2025-12-31T23:50:00.123456Z");
  // MicroTime: nanoseconds below the microsecond are dropped, as the API server does.
  EXPECT_EQ(kcm.spec.renew_time->ns % 1000, 0);
  EXPECT_EQ(format_rfc3339_micro(*kcm.spec.renew_time), "2025-12-31T23:59:58.654321Z");
  const InitialLease& bare = s.leases[1];
  EXPECT_EQ(bare.spec.holder_identity, "");
  EXPECT_EQ(bare.spec.strategy, "OldestEmulationVersion");
  EXPECT_EQ(bare.spec.preferred_holder, "x");
  EXPECT_FALSE(bare.spec.renew_time.has_value());
  EXPECT_FALSE(bare.spec.lease_duration_seconds.has_value());
  EXPECT_EQ(s.leases[2].spec, LeaseSpec{});
  EXPECT_EQ(s.processes[0].lease, 3u);
}

TEST(ScenarioLoader, PropertiesExpectAndBounds) {
  const Scenario s =
      load_ok(with_spec("  processes:\n    - {name: a, model: client-go-elector, lease: default/l, count: 2}\n"
                        "  properties: {singleLeader: false, failoverWithin: auto, eventuallyLeader: 1m}\n"
                        "  expect: {violated: [transitionsMatch, eventuallyLeader, transitionsMatch]}\n"
                        "  bounds: {maxEvents: 5000}\n"));
  EXPECT_EQ(s.properties, (PropertySpec{false, true, std::nullopt, true, minutes(1), false, true, std::nullopt, false,
                                        std::nullopt, false, false, std::nullopt}));
  EXPECT_TRUE(s.expect.present);
  EXPECT_EQ(s.expect.violated, (Strings{"eventuallyLeader", "transitionsMatch"}));  // sorted, unique
  EXPECT_EQ(s.max_events, 5000u);
}

TEST(ScenarioLoader, FaultDefaultsAndWindowsUntilTheEnd) {
  const Scenario s = load_ok(with_spec(std::string(kOneProcess) +
                                       "  faults:\n"
                                       "    - {at: 1s, type: apiServerOutage}\n"
                                       "    - {at: 2s, type: partition, target: a}\n"
                                       "    - {at: 3s, type: partition, target: leader, direction: responses}\n"
                                       "    - {at: 4s, type: apiServerOutage, mode: refuse, for: 1s}\n"));
  ASSERT_EQ(s.faults.size(), 4u);
  EXPECT_EQ(s.faults[0].mode, OutageMode::Blackhole);
  EXPECT_FALSE(s.faults[0].for_.has_value());
  EXPECT_EQ(s.faults[1].direction, Direction::Both);
  EXPECT_EQ(s.faults[2].direction, Direction::Responses);
  EXPECT_EQ(s.faults[2].target.kind, FaultTarget::Kind::Leader);
  EXPECT_EQ(s.faults[3].mode, OutageMode::Refuse);
  EXPECT_EQ(s.faults[3].for_, seconds(1));
}

TEST(ScenarioLoader, LoadsFromDisk) {
  const std::string path = ::testing::TempDir() + "leasesim_loader_test.yaml";
  {
    std::ofstream out(path);
    out << with_spec(kOneProcess);
  }
  const LoadResult r = load_scenario_file(path);
  std::remove(path.c_str());
  ASSERT_TRUE(r.ok()) << ::testing::PrintToString(messages(r));
  EXPECT_EQ(r.scenario->source_path, path);
}

// ---------------------------------------------------------------------------------------------
// Diagnostics, byte for byte.

TEST(ScenarioLoaderErrors, FormatLeavesOutWhatIsUnknown) {
  EXPECT_EQ((Diagnostic{"f.yaml", 3, 7, "spec.seed", "m"}).format(), "f.yaml:3:7: spec.seed: m");
  EXPECT_EQ((Diagnostic{"f.yaml", 0, 0, "spec.seed", "m"}).format(), "f.yaml: spec.seed: m");
  EXPECT_EQ((Diagnostic{"f.yaml", 0, 0, "", "m"}).format(), "f.yaml: m");
  EXPECT_EQ((Diagnostic{"f.yaml", 3, 7, "", "m"}).format(), "f.yaml:3:7: m");
}

TEST(ScenarioLoaderErrors, UnreadableFile) {
  EXPECT_EQ(messages(load_scenario_file("/nonexistent/dir/s.yaml")),
            Strings{"/nonexistent/dir/s.yaml: cannot read file: No such file or directory"});
}

TEST(ScenarioLoaderErrors, UnsupportedExtension) {
  EXPECT_EQ(errors_of(with_spec(kOneProcess), "s.txt"),
            Strings{"s.txt: unsupported file extension; scenario files end in .yaml, .yml or .json"});
}

TEST(ScenarioLoaderErrors, SyntaxError) {
  EXPECT_EQ(errors_of("apiVersion: leasesim/v1alpha1\nkind: [Scenario\nmetadata: {name: t}\n"),
            Strings{"t.yaml:3:9: syntax error: end of sequence flow not found"});
  EXPECT_EQ(errors_of("{\"apiVersion\": \"leasesim/v1alpha1\",\n \"kind\": \"Scenario\"\n", "t.json"),
            Strings{"t.json:3:1: not strict JSON (a .json scenario must be one JSON value; YAML syntax belongs in "
                    ".yaml): syntax error while parsing object - unexpected end of input; expected '}'"});
}

TEST(ScenarioLoaderErrors, StrayFlowCommaIsASyntaxErrorNotAHang) {
  // yaml-cpp 0.7's LoadAll never returns on this input; the loader must.
  EXPECT_EQ(errors_of(",apiVersion: leasesim/v1alpha1\nkind: Scenario\n"),
            Strings{"t.yaml:1:1: syntax error: unexpected \",\""});
  EXPECT_EQ(errors_of(with_spec(kOneProcess) + "---\n,\n"),
            Strings{"t.yaml:7:1: a scenario file holds one document; found another one here"});
}

TEST(ScenarioLoader, DocumentMarkersAroundOneDocumentAreFine) {
  EXPECT_EQ(load_ok("%YAML 1.2\n---\n" + with_spec(kOneProcess) + "...\n# trailing comment\n---\n").name, "t");
}

TEST(ScenarioLoaderErrors, EmptyFile) {
  EXPECT_EQ(errors_of(""), Strings{"t.yaml: file is empty"});
  EXPECT_EQ(errors_of("# just a comment\n\n# another\n"), Strings{"t.yaml: file is empty"});
  EXPECT_EQ(errors_of("null\n"), Strings{"t.yaml: file is empty"});
  EXPECT_EQ(errors_of("---\n# nothing\n...\n"), Strings{"t.yaml: file is empty"});
}

TEST(ScenarioLoaderErrors, TopLevelMustBeAScenarioMapping) {
  EXPECT_EQ(errors_of("- a\n- b\n"),
            Strings{"t.yaml:1:1: expected a Scenario mapping (apiVersion, kind, metadata, spec), got a list"});
  EXPECT_EQ(errors_of(with_spec(kOneProcess) + "---\nmore: 1\n"),
            Strings{"t.yaml:7:1: a scenario file holds one document; found another one here"});
}

TEST(ScenarioLoaderErrors, UnknownTopLevelField) {
  EXPECT_EQ(errors_of(with_spec(kOneProcess) + "metdata: {}\nstatus: {}\n"),
            (Strings{"t.yaml:7:1: metdata: unknown field \"metdata\" (did you mean \"metadata\"?)",
                     "t.yaml:8:1: status: unknown field \"status\""}));
}

TEST(ScenarioLoaderErrors, UnknownNestedField) {
  EXPECT_EQ(errors_of(with_spec("  processes:\n"
                                "    - name: a\n"
                                "      model: tutorial-elector\n"
                                "      lease: default/l\n"
                                "      clok: {offset: 1s}\n")),
            Strings{"t.yaml:9:7: spec.processes[0].clok: unknown field \"clok\" (did you mean \"clock\"?)"});
}

TEST(ScenarioLoaderErrors, MissingRequiredFields) {
  EXPECT_EQ(errors_of("apiVersion: leasesim/v1alpha1\nmetadata: {description: x}\n"),
            (Strings{"t.yaml:1:1: kind: required field is missing", "t.yaml:1:1: spec: required field is missing",
                     "t.yaml:2:11: metadata.name: required field is missing"}));
}

TEST(ScenarioLoaderErrors, WrongApiVersionAndKind) {
  EXPECT_EQ(
      errors_of("apiVersion: leasesim/v1\nkind: Scenario\nmetadata: {name: t}\nspec:\n" + std::string(kOneProcess)),
      Strings{"t.yaml:1:13: apiVersion: expected \"leasesim/v1alpha1\", got \"leasesim/v1\""});
  EXPECT_EQ(
      errors_of("apiVersion: leasesim/v1alpha1\nkind: Lease\nmetadata: {name: t}\nspec:\n" + std::string(kOneProcess)),
      Strings{"t.yaml:2:7: kind: expected \"Scenario\", got \"Lease\""});
}

TEST(ScenarioLoaderErrors, BareNumberDuration) {
  EXPECT_EQ(
      errors_of(with_spec("  duration: 120\n" + std::string(kOneProcess))),
      Strings{"t.yaml:5:13: spec.duration: duration \"120\" has no unit; write e.g. 120s (units: ns us ms s m h)"});
}

TEST(ScenarioLoaderErrors, NegativeDurationWhereNotAllowed) {
  EXPECT_EQ(errors_of(with_spec("  processes:\n"
                                "    - {name: a, model: tutorial-elector, lease: default/l, start: -1s}\n"
                                "  duration: 0s\n")),
            (Strings{"t.yaml:6:67: spec.processes[0].start: negative duration \"-1s\" is not allowed here",
                     "t.yaml:7:13: spec.duration: must be greater than zero, got \"0s\""}));
}

TEST(ScenarioLoaderErrors, WrongNodeTypes) {
  EXPECT_EQ(
      errors_of(with_spec("  seed: -3\n"
                          "  duration: {s: 1}\n"
                          "  apiServer: {conflictCheck: \"true\", latency: [1ms]}\n"
                          "  processes: {name: a}\n"
                          "  faults:\n"
                          "  properties: {singleLeader: yes}\n")),
      (Strings{"t.yaml:5:9: spec.seed: expected an unsigned 64-bit integer, got \"-3\"",
               "t.yaml:6:13: spec.duration: expected a duration string such as 15s, got a mapping",
               "t.yaml:7:30: spec.apiServer.conflictCheck: expected a boolean (true or false), got the string \"true\"",
               "t.yaml:7:47: spec.apiServer.latency: expected a mapping, got a list",
               "t.yaml:8:14: spec.processes: expected a list, got a mapping",
               "t.yaml:10:30: spec.properties.singleLeader: expected a boolean (true or false), got \"yes\""}));
}

TEST(ScenarioLoaderErrors, LatencyRange) {
  EXPECT_EQ(errors_of(with_spec("  apiServer: {latency: {min: 10ms, max: 1ms}}\n" + std::string(kOneProcess) +
                                "  faults: [{at: 1s, type: apiServerSlow, latency: {min: 1s}}]\n")),
            (Strings{"t.yaml:5:24: spec.apiServer.latency: min 10ms is greater than max 1ms",
                     "t.yaml:8:51: spec.faults[0].latency.max: required field is missing"}));
}

TEST(ScenarioLoaderErrors, UnknownFaultTarget) {
  EXPECT_EQ(errors_of(with_spec("  processes:\n"
                                "    - {name: standby, count: 7, model: tutorial-elector, lease: default/l}\n"
                                "  faults:\n"
                                "    - {at: 1s, type: crash, target: stanby-3}\n"
                                "    - {at: 1s, type: restart, target: x}\n")),
            (Strings{"t.yaml:8:37: spec.faults[0].target: unknown fault target \"stanby-3\" (did you mean "
                     "\"standby-3\"?); expected \"leader\" or a process name: standby-0, standby-1, standby-2, "
                     "standby-3, standby-4, ... (2 more)",
                     "t.yaml:9:39: spec.faults[1].target: unknown fault target \"x\"; expected a process name: "
                     "standby-0, standby-1, standby-2, standby-3, standby-4, ... (2 more)"}));
}

TEST(ScenarioLoaderErrors, LeaderTargetOnRestart) {
  EXPECT_EQ(errors_of(with_spec(std::string(kOneProcess) + "  faults: [{at: 1s, type: restart, target: leader}]\n")),
            Strings{"t.yaml:7:44: spec.faults[0].target: fault type \"restart\" cannot target \"leader\": a crashed "
                    "process does not lead; name the process"});
}

TEST(ScenarioLoaderErrors, FieldsThatDoNotApplyToTheFaultType) {
  EXPECT_EQ(errors_of(with_spec(std::string(kOneProcess) + "  faults:\n"
                                                           "    - {at: 1s, for: 5s, type: crash, target: a}\n"
                                                           "    - {at: 2s, type: apiServerOutage, target: a, by: 1s}\n"
                                                           "    - {at: 3s, type: clockJump, target: a}\n"
                                                           "    - {at: 3s, type: pause}\n")),
            (Strings{"t.yaml:8:16: spec.faults[0].for: field \"for\" is not allowed for fault type \"crash\" (only "
                     "pause, partition, apiServerOutage, apiServerSlow and watchStall take it)",
                     "t.yaml:9:39: spec.faults[1].target: field \"target\" is not allowed for fault type "
                     "\"apiServerOutage\" (only crash, restart, stop, pause, partition, clockJump and watchStall take it)",
                     "t.yaml:9:50: spec.faults[1].by: field \"by\" is not allowed for fault type \"apiServerOutage\" "
                     "(only clockJump take it)",
                     "t.yaml:10:7: spec.faults[2].by: required field is missing",
                     "t.yaml:11:7: spec.faults[3].target: required field is missing"}));
}

TEST(ScenarioLoaderErrors, UnknownFaultTypeAndFaultAfterTheEnd) {
  EXPECT_EQ(errors_of(with_spec(std::string(kOneProcess) + "  faults: [{at: 3m, type: crsh, target: a}]\n")),
            (Strings{"t.yaml:7:17: spec.faults[0].at: fault at 3m would never happen: the run ends at "
                     "spec.duration 2m",
                     "t.yaml:7:27: spec.faults[0].type: unknown fault type \"crsh\" (did you mean \"crash\"?); "
                     "expected one of: crash, restart, stop, pause, partition, clockJump, apiServerOutage, "
                     "apiServerSlow, watchStall"}));
}

TEST(ScenarioLoaderErrors, DuplicateProcessNames) {
  EXPECT_EQ(errors_of(with_spec("  processes:\n"
                                "    - {name: a-1, model: tutorial-elector, lease: default/l}\n"
                                "    - {name: a, count: 3, model: tutorial-elector, lease: default/l}\n"
                                "    - {name: a, count: 3, model: tutorial-elector, lease: default/l}\n"
                                "    - {name: a-1, model: tutorial-elector, lease: default/l}\n")),
            (Strings{"t.yaml:7:14: spec.processes[1].name: duplicate process name \"a-1\" (from count expansion of "
                     "\"a\"): also used by spec.processes[0]",
                     "t.yaml:8:14: spec.processes[2].name: duplicate process name \"a-0\" (from count expansion of "
                     "\"a\"): also used by spec.processes[1] (and 2 more)",
                     "t.yaml:9:14: spec.processes[3].name: duplicate process name \"a-1\": also used by "
                     "spec.processes[0]"}));
}

TEST(ScenarioLoaderErrors, InvalidAndReservedProcessNames) {
  EXPECT_EQ(
      errors_of(with_spec("  processes:\n"
                          "    - {name: Web_1, model: tutorial-elector, lease: default/l}\n"
                          "    - {name: leader, model: tutorial-elector, lease: default/l, identity: \"\"}\n"
                          "    - {name: c, model: tutorial-elector, lease: default/l, count: 0}\n"
                          "    - {name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, count: 10,\n"
                          "       model: tutorial-elector, lease: default/l}\n")),
      (Strings{"t.yaml:6:14: spec.processes[0].name: invalid process name \"Web_1\": use lowercase letters, "
               "digits and '-', starting and ending with a letter or digit, at most 63 characters",
               "t.yaml:7:14: spec.processes[1].name: process name \"leader\" is reserved: fault targets use it "
               "for the acting leader",
               "t.yaml:7:75: spec.processes[1].identity: identity must not be empty",
               "t.yaml:8:67: spec.processes[2].count: must be between 1 and 100000, got 0",
               "t.yaml:9:14: spec.processes[3].name: invalid process name "
               "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-9\" after count expansion: use "
               "lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 "
               "characters"}));
}

TEST(ScenarioLoaderErrors, UnknownAndUnimplementedModels) {
  EXPECT_EQ(errors_of(with_spec("  processes:\n"
                                "    - {name: a, model: client-go, lease: default/l}\n"
                                "    - {name: b, model: lease-candidate, lease: kube-system/b}\n"
                                "    - {name: c, model: tutorial-elector, lease: l}\n")),
            (Strings{"t.yaml:6:24: spec.processes[0].model: unknown model \"client-go\"; expected one of: "
                     "tutorial-elector, client-go-elector, client-go-real, exec, cle-controller, kube-apiserver, kubelet, "
                     "node-lifecycle-controller (planned: lease-candidate)",
                     "t.yaml:7:24: spec.processes[1].model: model \"lease-candidate\" is not implemented yet",
                     "t.yaml:8:49: spec.processes[2].lease: expected a lease as \"namespace/name\" (e.g. "
                     "default/example-foo), got \"l\""}));
}

TEST(ScenarioLoaderErrors, ClientGoValidationUsesClientGoMessages) {
  EXPECT_EQ(errors_of(with_spec("  processes:\n"
                                "    - name: a\n"
                                "      model: client-go-elector\n"
                                "      lease: default/l\n"
                                "      config:\n"
                                "        leaseDuration: 10s\n"
                                "        renewDeadline: 10s\n"
                                "    - name: b\n"
                                "      model: client-go-elector\n"
                                "      lease: default/l\n"
                                "      config: {renewDeadline: 2s}\n"
                                "    - name: c\n"
                                "      model: client-go-elector\n"
                                "      lease: default/l\n"
                                "      config: {preset: kube-schedular, afterLeadershipLoss: restart}\n")),
            (Strings{"t.yaml:10:24: spec.processes[0].config.leaseDuration: leaseDuration must be greater than "
                     "renewDeadline",
                     "t.yaml:15:31: spec.processes[1].config.renewDeadline: renewDeadline must be greater than "
                     "retryPeriod*JitterFactor",
                     "t.yaml:19:24: spec.processes[2].config.preset: unknown preset \"kube-schedular\" (did you mean "
                     "\"kube-scheduler\"?); expected one of: kube-controller-manager, kube-scheduler",
                     "t.yaml:19:61: spec.processes[2].config.afterLeadershipLoss: unknown afterLeadershipLoss value "
                     "\"restart\"; expected one of: exit, rejoin"}));
}

// One message per problem: every failing client-go check is reported, in the library's order
// (the library itself returns the first).
TEST(ScenarioLoaderErrors, EveryFailingClientGoCheckIsReported) {
  EXPECT_EQ(errors_of(with_spec("  processes:\n"
                                "    - name: a\n"
                                "      model: client-go-elector\n"
                                "      lease: default/l\n"
                                "      config: {leaseDuration: 5s, renewDeadline: 10s, retryPeriod: 0s}\n")),
            (Strings{"t.yaml:9:31: spec.processes[0].config.leaseDuration: leaseDuration must be greater than "
                     "renewDeadline",
                     "t.yaml:9:68: spec.processes[0].config.retryPeriod: retryPeriod must be greater than zero"}));
}

TEST(ScenarioLoaderErrors, TutorialValidationAndConfigFieldsOfTheOtherModel) {
  EXPECT_EQ(errors_of(with_spec("  processes:\n"
                                "    - name: a\n"
                                "      model: tutorial-elector\n"
                                "      lease: default/l\n"
                                "      config: {loopPeriod: 0s}\n"
                                "    - name: b\n"
                                "      model: tutorial-elector\n"
                                "      lease: default/l\n"
                                "      config: {leaseDuration: 15s}\n")),
            (Strings{"t.yaml:9:28: spec.processes[0].config.loopPeriod: loopPeriod must be greater than zero",
                     "t.yaml:13:16: spec.processes[1].config.leaseDuration: unknown field \"leaseDuration\""}));
}

TEST(ScenarioLoaderErrors, BadRate) {
  EXPECT_EQ(
      errors_of(with_spec("  processes:\n"
                          "    - {name: a, model: tutorial-elector, lease: default/l, clock: {rate: 1e-3}}\n"
                          "    - {name: b, model: tutorial-elector, lease: default/l, clock: {rate: 0.0}}\n"
                          "    - {name: c, model: tutorial-elector, lease: default/l, clock: {rate: -1}}\n"
                          "    - {name: d, model: tutorial-elector, lease: default/l, clock: {rate: 1.0000000001}}\n")),
      (Strings{"t.yaml:6:74: spec.processes[0].clock.rate: rate \"1e-3\" is not a decimal number; write e.g. "
               "1.0, or 1.0001 for a clock 100 ppm fast",
               "t.yaml:7:74: spec.processes[1].clock.rate: rate \"0.0\" must be greater than 0",
               "t.yaml:8:74: spec.processes[2].clock.rate: rate \"-1\" must be greater than 0",
               "t.yaml:9:74: spec.processes[3].clock.rate: rate \"1.0000000001\" has more than 9 decimal places "
               "(rates are exact to one part per billion)"}));
}

TEST(ScenarioLoaderErrors, EventuallyLeaderHorizonTooShort) {
  EXPECT_EQ(errors_of(with_spec(std::string(kOneProcess) + "  faults:\n"
                                                           "    - {at: 100s, for: 10s, type: pause, target: a}\n"
                                                           "    - {at: 105s, type: crash, target: a}\n"
                                                           "  properties: {eventuallyLeader: 30s}\n")),
            Strings{"t.yaml:10:34: spec.properties.eventuallyLeader: eventuallyLeader 30s does not fit in the run: "
                    "counting from the end of the last fault (110s), it needs the run to last until 140s, but "
                    "spec.duration is 2m; "
                    "lengthen spec.duration or shorten eventuallyLeader"});
  EXPECT_EQ(errors_of(with_spec(std::string(kOneProcess) + "  properties: {eventuallyLeader: 3m}\n")),
            Strings{"t.yaml:7:34: spec.properties.eventuallyLeader: eventuallyLeader 3m does not fit in the run: "
                    "counting from 0s (there are no faults), it needs the run to last until 3m, but spec.duration is "
                    "2m; lengthen "
                    "spec.duration or shorten eventuallyLeader"});
}

TEST(ScenarioLoaderErrors, SpecExampleAsPrintedIsRejectedByTheHorizonRule) {
  // The spec's own example keeps duration: 2m; its last fault ends at 110s, so 30s of
  // eventuallyLeader would need 2m20s.
  std::string text(kSpecExample);
  text.replace(text.find("duration: 3m"), 12, "duration: 2m");
  const Strings errors = errors_of(text);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].substr(0, 59), "t.yaml:48:23: spec.properties.eventuallyLeader: eventuallyL");
}

TEST(ScenarioLoaderErrors, ExpectNamesKnownEnabledProperties) {
  EXPECT_EQ(errors_of(with_spec(std::string(kOneProcess) + "  expect: {violated: [singleleader, failoverWithin]}\n")),
            (Strings{"t.yaml:7:23: spec.expect.violated[0]: unknown property \"singleleader\" (did you mean "
                     "\"singleLeader\"?); expected one of: singleLeader, failoverWithin, transitionsMatch, "
                     "eventuallyLeader, electsPreferred, noLiveIdentityDeleted, staleIdentityCollectedWithin, "
                     "nodeNotReadyWithin, noFalseNotReady, maxPodEvictions",
                     "t.yaml:7:37: spec.expect.violated[1]: property \"failoverWithin\" is not enabled in "
                     "spec.properties, so it can never be violated and the run could never pass"}));
}

TEST(ScenarioLoaderErrors, LeaseObjects) {
  EXPECT_EQ(
      errors_of(with_spec(R"(  leases:
    - apiVersion: coordination.k8s.io/v1beta1
      kind: Lease
      metadata: {name: x, finalizers: []}
      spec: {leaseDurationSeconds: 0, leaseTransitions: -1, preferredHolder: b, renewTime: yesterday, holder: a}
    - {apiVersion: coordination.k8s.io/v1, kind: Lease, metadata: {name: dup}}
    - {apiVersion: coordination.k8s.io/v1, kind: Lease, metadata: {name: dup, namespace: default}}
    - {apiVersion: coordination.k8s.io/v1, kind: Lease, metadata: {name: Bad_Name}}
)") + std::string(kOneProcess)),
      (Strings{"t.yaml:6:19: spec.leases[0].apiVersion: expected \"coordination.k8s.io/v1\", got "
               "\"coordination.k8s.io/v1beta1\"",
               "t.yaml:8:27: spec.leases[0].metadata.finalizers: unknown field \"finalizers\"",
               "t.yaml:9:36: spec.leases[0].spec.leaseDurationSeconds: must be greater than 0",
               "t.yaml:9:57: spec.leases[0].spec.leaseTransitions: must be greater than or equal to 0",
               "t.yaml:9:78: spec.leases[0].spec.preferredHolder: may only be specified if `strategy` is defined",
               "t.yaml:9:92: spec.leases[0].spec.renewTime: expected an RFC 3339 time such as "
               "\"2026-01-01T00:00:00Z\", got \"yesterday\": not of the form "
               "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm)",
               "t.yaml:9:103: spec.leases[0].spec.holder: unknown field \"holder\"",
               "t.yaml:11:7: spec.leases[2]: duplicate lease \"default/dup\" (also defined at spec.leases[1])",
               "t.yaml:12:74: spec.leases[3].metadata.name: invalid Lease name \"Bad_Name\": a lowercase RFC 1123 "
               "subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end "
               "with an alphanumeric character"}));
}

TEST(ScenarioLoaderErrors, TimesOutsideTheNanosecondRange) {
  EXPECT_EQ(errors_of(with_spec("  startTime: \"2500-01-01T00:00:00Z\"\n" + std::string(kOneProcess))),
            Strings{"t.yaml:5:14: spec.startTime: time \"2500-01-01T00:00:00Z\" is out of range (years 1900 to 2100, so that "
              "every instant derived from it fits in 64-bit nanoseconds)"});
}

TEST(ScenarioLoaderErrors, DuplicateKeys) {
  EXPECT_EQ(errors_of(with_spec("  seed: 1\n  seed: 2\n" + std::string(kOneProcess))),
            Strings{"t.yaml:6:3: spec.seed: duplicate field \"seed\" (first given at line 5)"});
}

TEST(ScenarioLoaderErrors, JsonPositionsAndBlockYamlInAJsonFile) {
  EXPECT_EQ(
      errors_of("{\"apiVersion\": \"leasesim/v1alpha1\", \"kind\": \"Scenario\",\n"
                " \"metadata\": {\"name\": \"t\"},\n"
                " \"spec\": {\"duration\": 120, \"processes\": []}}\n",
                "t.json"),
      (Strings{"t.json:3:23: spec.duration: duration \"120\" has no unit; write e.g. 120s (units: ns us ms s m h)",
               "t.json:3:41: spec.processes: at least one process is required"}));
  EXPECT_EQ(errors_of(with_spec(kOneProcess), "t.json"),
            Strings{"t.json:1:1: file ends in .json but is not JSON (it reads as block-style YAML)"});
}

TEST(ScenarioLoaderErrors, AllProblemsAreReportedInFileOrder) {
  const Strings errors =
      errors_of(with_spec("  duration: 10\n"
                          "  seed: x\n"
                          "  processes:\n"
                          "    - {name: a, model: nope, lease: default/l}\n"
                          "  faults: [{at: 1s, type: crash, target: b}]\n"
                          "  bogus: 1\n"));
  ASSERT_EQ(errors.size(), 5u);
  EXPECT_EQ(errors[0].substr(0, 26), "t.yaml:5:13: spec.duration");
  EXPECT_EQ(errors[1].substr(0, 21), "t.yaml:6:9: spec.seed");
  EXPECT_EQ(errors[2].substr(0, 36), "t.yaml:8:24: spec.processes[0].model");
  EXPECT_EQ(errors[3].substr(0, 35), "t.yaml:9:42: spec.faults[0].target:");
  EXPECT_EQ(errors[4], "t.yaml:10:3: spec.bogus: unknown field \"bogus\"");
}

}  // namespace
}  // namespace leasesim
