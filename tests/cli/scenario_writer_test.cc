// Tests of the canonical scenario writer: whatever the loader produces, written out as YAML or
// JSON and loaded again, is the same Scenario (source_path aside).
#include "cli/scenario_writer.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "cli/scenario_loader.h"

namespace leasesim {
namespace {

constexpr std::string_view kRich = R"(apiVersion: leasesim/v1alpha1
kind: Scenario
metadata:
  name: rich
  description: "Tricky: text # with \"quotes\", a colon: and\na newline"
spec:
  seed: 18446744073709551615
  duration: 90m
  startTime: "2026-03-04T05:06:07.123456789+01:00"
  apiServer: {latency: {min: 0s, max: 1.5ms}, conflictCheck: false}
  leases:
    - apiVersion: coordination.k8s.io/v1
      kind: Lease
      metadata: {name: kube-scheduler, namespace: kube-system, labels: {b: "2", a: "true"}}
      spec:
        holderIdentity: ""
        leaseDurationSeconds: 15
        acquireTime: "2025-12-31T23:59:00.000001Z"
        renewTime: "2025-12-31T23:59:59.999999Z"
        leaseTransitions: 0
        strategy: OldestEmulationVersion
        preferredHolder: "null"
    - {apiVersion: coordination.k8s.io/v1, kind: Lease, metadata: {name: empty}}
  processes:
    - {name: t, identity: "true", model: tutorial-elector, lease: default/tut,
       config: {loopPeriod: 250ms, crashOnError: false, requestTimeout: 3s, quiesce: 1us},
       clock: {offset: -1.5s, rate: 1.0001}, start: 2s}
    - {name: s, count: 3, identity: shared-pod, model: client-go-elector, lease: kube-system/kube-scheduler,
       config: {preset: kube-scheduler, retryPeriod: 1s, afterLeadershipLoss: rejoin, quiesce: 10ms},
       clock: {rate: 0.999999999}}
    - {name: g, identity: "~", model: client-go-elector, lease: default/empty}
  faults:
    - {at: 1s, type: crash, target: leader}
    - {at: 2s, type: restart, target: s-2}
    - {at: 3s, type: stop, target: t}
    - {at: 4s, type: pause, target: leader}
    - {at: 5s, for: 1s, type: pause, target: g}
    - {at: 6s, type: partition, target: s-0, direction: requests}
    - {at: 7s, for: 2s, type: partition, target: s-1, direction: responses}
    - {at: 8s, type: clockJump, target: t, by: -1h}
    - {at: 9s, type: apiServerOutage, mode: refuse, for: 3s}
    - {at: 10s, type: apiServerOutage}
    - {at: 11s, type: apiServerSlow, latency: {min: 2s, max: 2s}}
  properties: {singleLeader: true, transitionsMatch: false, failoverWithin: 25s, eventuallyLeader: 1m}
  expect: {violated: [singleLeader, failoverWithin]}
  bounds: {maxEvents: 123}
)";

Scenario load_ok(std::string_view text, const std::string& file) {
  const LoadResult r = load_scenario_text(text, file);
  std::string all;
  for (const Diagnostic& d : r.errors) all += d.format() + "\n";
  EXPECT_TRUE(r.ok()) << all << "---\n" << text;
  return r.scenario.value_or(Scenario{});
}

// Writes `s` in both formats, loads each back and compares.
void expect_round_trip(const Scenario& s) {
  Scenario from_yaml = load_ok(scenario_to_yaml(s), "out.yaml");
  Scenario from_json = load_ok(scenario_to_json(s), "out.json");
  from_yaml.source_path = s.source_path;
  from_json.source_path = s.source_path;
  EXPECT_EQ(from_yaml, s) << scenario_to_yaml(s);
  EXPECT_EQ(from_json, s) << scenario_to_json(s);
}

TEST(ScenarioWriter, RichScenarioRoundTrips) {
  const Scenario s = load_ok(kRich, "rich.yaml");
  ASSERT_EQ(s.processes.size(), 5u);
  EXPECT_EQ(s.processes[3].identity, "shared-pod");
  EXPECT_EQ(s.processes[4].identity, "~");
  EXPECT_EQ(s.leases[0].spec.preferred_holder, "null");
  expect_round_trip(s);
}

TEST(ScenarioWriter, IsCanonicalAndIdempotent) {
  const Scenario s = load_ok(kRich, "rich.yaml");
  const std::string yaml = scenario_to_yaml(s);
  const std::string json = scenario_to_json(s);
  // Writing what was read back gives the same bytes: the form is a fixed point.
  EXPECT_EQ(scenario_to_yaml(load_ok(yaml, "a.yaml")), yaml);
  EXPECT_EQ(scenario_to_json(load_ok(json, "a.json")), json);
  EXPECT_EQ(yaml.find("count"), std::string::npos);
  EXPECT_NE(yaml.find("name: s-2"), std::string::npos);
  EXPECT_NE(yaml.find("rate: 1.0001"), std::string::npos);
  EXPECT_NE(yaml.find("labels: {a: \"true\", b: \"2\"}"), std::string::npos);
  EXPECT_NE(yaml.find("identity: \"~\""), std::string::npos);
  EXPECT_NE(yaml.find("    - {at: 11s, type: apiServerSlow, latency: {min: 2s, max: 2s}}\n"), std::string::npos);
  EXPECT_NE(json.find("\"rate\": \"1.0001\""), std::string::npos);
  EXPECT_NE(yaml.find("startTime: \"2026-03-04T04:06:07.123456789Z\""), std::string::npos);
  EXPECT_NE(yaml.find("renewTime: \"2025-12-31T23:59:59.999999Z\""), std::string::npos);
}

TEST(ScenarioWriter, MinimalScenarioYamlText) {
  const Scenario s = load_ok(
      "apiVersion: leasesim/v1alpha1\nkind: Scenario\nmetadata: {name: m}\nspec:\n"
      "  processes: [{name: a, model: tutorial-elector, lease: default/l}]\n",
      "m.yaml");
  EXPECT_EQ(scenario_to_yaml(s), R"(apiVersion: leasesim/v1alpha1
kind: Scenario
metadata: {name: m}
spec:
  seed: 1
  duration: 2m
  startTime: "2026-01-01T00:00:00Z"
  apiServer:
    latency: {min: 1ms, max: 5ms}
    conflictCheck: true
  leases: []
  processes:
    - name: a
      identity: a
      model: tutorial-elector
      lease: default/l
      config:
        loopPeriod: 10s
        crashOnError: true
        requestTimeout: 0s
        quiesce: 0s
      clock: {offset: 0s, rate: 1.0}
      start: 0s
  faults: []
  properties: {singleLeader: true, transitionsMatch: true}
  bounds: {maxEvents: 20000000}
)");
}

TEST(ScenarioWriter, MinimalScenarioJsonText) {
  const Scenario s = load_ok(
      "apiVersion: leasesim/v1alpha1\nkind: Scenario\nmetadata: {name: m}\nspec:\n"
      "  processes: [{name: a, model: client-go-elector, lease: default/l}]\n"
      "  faults: [{at: 1s, type: apiServerSlow, latency: {min: 1s, max: 2s}}]\n",
      "m.yaml");
  EXPECT_EQ(scenario_to_json(s), R"({
  "apiVersion": "leasesim/v1alpha1",
  "kind": "Scenario",
  "metadata": {
    "name": "m"
  },
  "spec": {
    "seed": 1,
    "duration": "2m",
    "startTime": "2026-01-01T00:00:00Z",
    "apiServer": {
      "latency": {
        "min": "1ms",
        "max": "5ms"
      },
      "conflictCheck": true
    },
    "leases": [],
    "processes": [
      {
        "name": "a",
        "identity": "a",
        "model": "client-go-elector",
        "lease": "default/l",
        "config": {
          "leaseDuration": "15s",
          "renewDeadline": "10s",
          "retryPeriod": "2s",
          "releaseOnCancel": false,
          "requestTimeout": "0s",
          "afterLeadershipLoss": "exit",
          "quiesce": "0s"
        },
        "clock": {
          "offset": "0s",
          "rate": "1.0"
        },
        "start": "0s"
      }
    ],
    "faults": [
      {
        "at": "1s",
        "type": "apiServerSlow",
        "latency": {
          "min": "1s",
          "max": "2s"
        }
      }
    ],
    "properties": {
      "singleLeader": true,
      "transitionsMatch": true
    },
    "bounds": {
      "maxEvents": 20000000
    }
  }
}
)");
}

// Random clocks, durations and start times survive both formats exactly.
RC_GTEST_PROP(ScenarioWriter, RandomTimesAndRatesRoundTrip, ()) {
  Scenario s = load_ok(
      "apiVersion: leasesim/v1alpha1\nkind: Scenario\nmetadata: {name: r}\nspec:\n"
      "  duration: 1000h\n"
      "  processes: [{name: a, model: tutorial-elector, lease: default/l}]\n",
      "r.yaml");
  ProcessSpec& p = s.processes[0];
  // Within the loader's limits (cli/input_limits.h): rates 0.1 to 10, years to 2100.
  p.clock.rate_ppb = *rc::gen::inRange<int64_t>(kRateOne / 10, 10 * kRateOne + 1);
  p.clock.offset = Duration(*rc::gen::inRange<int64_t>(-hours(100).ns, hours(100).ns));
  p.start = Duration(*rc::gen::inRange<int64_t>(0, hours(100).ns));
  p.quiesce = Duration(*rc::gen::inRange<int64_t>(0, hours(1).ns));
  s.start_time = WallInstant(*rc::gen::inRange<int64_t>(0, int64_t{4102444800} * kNanosPerSecond));
  s.duration = Duration(*rc::gen::inRange<int64_t>(1, hours(1000).ns));
  s.seed = *rc::gen::arbitrary<uint64_t>();
  const Scenario from_yaml = load_scenario_text(scenario_to_yaml(s), "r.yaml").scenario.value_or(Scenario{});
  const Scenario from_json = load_scenario_text(scenario_to_json(s), "r.json").scenario.value_or(Scenario{});
  RC_ASSERT(from_yaml.processes == s.processes);
  RC_ASSERT(from_json.processes == s.processes);
  RC_ASSERT(from_yaml.start_time == s.start_time);
  RC_ASSERT(from_json.duration == s.duration);
  RC_ASSERT(from_json.seed == s.seed);
}

}  // namespace
}  // namespace leasesim
