// End-to-end tests of `leasesim check` (cli/check_command.cc), in process: the verified
// client-go scenario with its pinned state counts, counterexamples written as scenario files that
// `leasesim run` replays to the same violation, exit codes, and the spec.explore block in the
// loader and the writer.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/commands.h"
#include "tests/cli/cli_harness.h"
#include "cli/scenario_loader.h"
#include "explore/explorer.h"
#include "cli/scenario_writer.h"

namespace leasesim {
namespace {

// The command line in process (tests/cli/cli_harness.h).
using Result = testing::CliResult;
Result cli(const std::vector<std::string>& args) { return testing::run_cli(args); }

std::string source(const std::string& rel) { return std::string(LEASESIM_SOURCE_DIR) + "/" + rel; }

std::filesystem::path temp_dir(const std::string& name) { return testing::scratch(name, "leasesim-check-test-"); }

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The tutorial's clock-offset bug with no expect block: a counterexample is a failure (exit 1).
constexpr const char* kOffset = R"(apiVersion: leasesim/v1alpha1
kind: Scenario
metadata: {name: offset}
spec:
  duration: 1m
  leases:
    - apiVersion: coordination.k8s.io/v1
      kind: Lease
      metadata: {name: l}
      spec: {holderIdentity: "", leaseDurationSeconds: 30}
  processes:
    - {name: a, model: tutorial-elector, lease: default/l}
    - {name: b, model: tutorial-elector, lease: default/l, start: 7s, clock: {offset: 25s}}
  properties: {transitionsMatch: false}
)";

TEST(CheckCommand, ClientGoTwoCandidatesVerifiedWithPinnedCounts) {
  const Result r = cli({"check", source("scenarios/check/client-go-two-candidates-crash-partition.yaml")});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  // Inert events folded into live steps and left out of the key (explore/explorer.h); 73418
  // states (49156 distinct, 729 where the run ends), depth 55 before; 22452 (12786 distinct)
  // before a lone leader's start was left out of the key.
  EXPECT_TRUE(has(r.out, "explored   19668 states (11034 distinct, 165 where the run ends), depth 38\n")) << r.out;
  EXPECT_TRUE(has(r.out, "jitter points max\n")) << r.out;
  EXPECT_TRUE(has(r.out, "stopped by horizon\n")) << r.out;
  EXPECT_TRUE(has(r.out, "result     verified at latency points {min,max}, jitter points {max}, up to 24s\n")) << r.out;
}

// The quickstart is verified for all time at the default points: once its first leader renews
// steadily, the leader-crash lemma (explore/crash_lemma.h) closes every path (all that follows
// is the crash at 30s and the restart at 50s). The result line says so; without the lemmas
// (--unreduced) the same search is cut by its states bound.
TEST(CheckCommand, QuickstartConvergeIsVerifiedForAllTimeWithTheCrashLemma) {
  const Result r = cli({"check", source("scenarios/quickstart.yaml"), "--converge"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "explored   257 states (241 distinct, 0 where the run ends), depth 9")) << r.out;
  EXPECT_TRUE(has(r.out, "crash      120 states were steady with only a crash of their leader")) << r.out;
  EXPECT_TRUE(has(r.out, "result     verified at latency points {min,max}, jitter points {min,max}, for all time (every "
                         "path converged or was closed by a lemma)\n"))
      << r.out;
  const Result twin =
      cli({"check", source("scenarios/quickstart.yaml"), "--converge", "--unreduced", "--max-states", "100000"});
  EXPECT_EQ(twin.code, 4) << twin.out << twin.err;
  EXPECT_FALSE(has(twin.out, "crash  ")) << twin.out;
  EXPECT_FALSE(has(twin.out, "verified")) << twin.out;
}

// The quickstart with its leader restarting half a second after the crash, which the
// leader-crash lemma does not cover (the new record may repeat the old one's second): after the
// last fault the steady-regime lemma (explore/steady_regime.h) closes the paths whose phases
// drift, at one latency point. Without the lemmas the same search is cut by its states bound.
TEST(CheckCommand, QuickstartWithAFastRestartIsVerifiedForAllTimeWithTheSteadyRegime) {
  const auto dir = temp_dir("fast-restart");
  std::ifstream in(source("scenarios/quickstart.yaml"));
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  const std::string restart = "{at: 50s, type: restart, target: kcm-a}";
  ASSERT_NE(yaml.find(restart), std::string::npos);
  yaml.replace(yaml.find(restart), restart.size(), "{at: 30500ms, type: restart, target: kcm-a}");
  std::ofstream(dir / "fast-restart.yaml") << yaml;
  const std::string file = (dir / "fast-restart.yaml").string();
  const Result r = cli({"check", file, "--converge", "--latency-points", "max"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "steady     576 states entered the steady renew regime")) << r.out;
  EXPECT_FALSE(has(r.out, "crash  ")) << r.out;
  EXPECT_TRUE(has(r.out, "result     verified at latency points {max}, jitter points {min,max}, for all time (every path "
                         "converged or entered the steady regime)\n"))
      << r.out;
  const Result twin = cli({"check", file, "--converge", "--latency-points", "max", "--unreduced", "--max-states", "100000"});
  EXPECT_EQ(twin.code, 4) << twin.out << twin.err;
  EXPECT_FALSE(has(twin.out, "steady ")) << twin.out;
  EXPECT_FALSE(has(twin.out, "verified")) << twin.out;
}

// Coordinated election (docs/models/coordinated-election.md section 6.1): check finds the
// overlap a controller clock ahead of the holder's causes, and run replays it.
TEST(CheckCommand, CoordinatedClockAheadOverlapIsFound) {
  const auto dir = temp_dir("cle");
  const Result r = cli({"check", source("scenarios/check/cle-clock-ahead-overlap.yaml"), "--out", (dir / "cx").string()});
  EXPECT_EQ(r.code, 0) << r.out << r.err;  // the expect block names singleLeader
  EXPECT_TRUE(has(r.out, "result     counterexample: singleLeader after 738 steps")) << r.out;  // live steps (1050 events)
  const Result replay = cli({"run", (dir / "cx" / "cle-clock-ahead-overlap.counterexample.yaml").string()});
  EXPECT_EQ(replay.code, 0) << replay.out << replay.err;
  EXPECT_TRUE(has(replay.out, "observed: [singleLeader]")) << replay.out;
}

// The same with the controller inside two kube-apiservers (coordinatedLeaderElection: true):
// check finds the overlap on the coordinated lease, never on the controller's own lock, and the
// counterexample replays with the traceHash check printed.
TEST(CheckCommand, CoordinatedClockAheadOverlapIsFoundWithTheControllerInKubeApiserver) {
  const auto dir = temp_dir("cle-apiserver");
  const Result r =
      cli({"check", source("scenarios/check/cle-apiserver-clock-ahead-overlap.yaml"), "--out", (dir / "cx").string()});
  EXPECT_EQ(r.code, 0) << r.out << r.err;  // the expect block names singleLeader
  EXPECT_TRUE(has(r.out, "result     counterexample: singleLeader after 851 steps")) << r.out;
  EXPECT_TRUE(has(r.out, "both acted as leader of kube-system/kube-controller-manager")) << r.out;
  const std::string hash = "11f3972454bc8030";
  EXPECT_TRUE(has(r.out, "traceHash " + hash)) << r.out;
  const Result replay = cli({"run", (dir / "cx" / "cle-apiserver-clock-ahead-overlap.counterexample.yaml").string()});
  EXPECT_EQ(replay.code, 0) << replay.out << replay.err;
  EXPECT_TRUE(has(replay.out, "observed: [singleLeader]")) << replay.out;
  EXPECT_TRUE(has(replay.out, "holds     singleLeader  kube-system/leader-election-controller")) << replay.out;
  EXPECT_TRUE(has(replay.out, "traceHash  " + hash)) << replay.out;
}

// Node heartbeats (issue 14 item 7): one kubelet and one node lifecycle controller. A bound below
// the grace period cannot hold, and check yields the counterexample, which run replays; the twin
// judges the analytic bound and is verified at the points it declares. (check refused kubelet
// scenarios before; this runs their whole search, world copies included.)
// maxPodEvictions in check (issue 14): judged at the step that evicts (the count only grows,
// and the evicted pods are in the key). The twin: the same file allowing the 10 pods is verified.
TEST(CheckCommand, PodEvictionsPastTheLimitAreACounterexampleAndTheTwinIsVerified) {
  const auto dir = temp_dir("evictions");
  const std::string file = source("scenarios/check/nodes-two-kubelets-pods-evicted.yaml");
  const Result r = cli({"check", file, "--out", (dir / "cx").string()});
  EXPECT_EQ(r.code, 0) << r.out << r.err;  // the expect block names maxPodEvictions
  EXPECT_TRUE(has(r.out, "judged     singleLeader, transitionsMatch, maxPodEvictions (where the run ends)\n")) << r.out;
  EXPECT_TRUE(has(r.out, "result     counterexample: maxPodEvictions after 363 steps, at 16.17s, ")) << r.out;
  EXPECT_FALSE(has(r.out, "found depth-first")) << r.out;  // the breadth-first search shortened it
  const Result replay = cli({"run", (dir / "cx" / "nodes-two-kubelets-pods-evicted.counterexample.yaml").string()});
  EXPECT_EQ(replay.code, 0) << replay.out << replay.err;
  EXPECT_TRUE(has(replay.out, "observed: [maxPodEvictions]")) << replay.out;

  std::string text = testing::slurp(file);
  text.replace(text.find("    maxPodEvictions: 0"), 22, "    maxPodEvictions: 10");
  text.erase(text.find("  expect:"), text.find("  explore:") - text.find("  expect:"));
  const auto twin = dir / "allowed.yaml";
  testing::put(twin, text);
  const Result t = cli({"check", twin.string(), "--out", (dir / "twin").string()});
  EXPECT_EQ(t.code, 0) << t.out << t.err;
  EXPECT_TRUE(has(t.out, "result     verified at latency points {max}, jitter points {max}, up to 20s\n")) << t.out;
}

TEST(CheckCommand, OneKubeletTightBoundYieldsItsCounterexample) {
  const auto dir = temp_dir("nodes");
  const Result r = cli({"check", source("scenarios/check/nodes-one-kubelet-tight-bound.yaml"), "--out", (dir / "cx").string()});
  EXPECT_EQ(r.code, 0) << r.out << r.err;  // the expect block names nodeNotReadyWithin
  EXPECT_TRUE(has(r.out, "judged     singleLeader, transitionsMatch, nodeNotReadyWithin (where the run ends), "
                         "noFalseNotReady (where the run ends)\n"))
      << r.out;
  // The depth-first search meets a counterexample deep down its first path; the breadth-first
  // search for a shorter one is cut by the file's states bound (20,000) after 11 steps (the
  // kubelet and the controller draw so often that a second of simulated time is 30 steps and
  // 500,000 states deep), and the result says what that search did cover.
  EXPECT_TRUE(has(r.out, "result     counterexample: nodeNotReadyWithin after 240 steps, at 13.904s")) << r.out;
  EXPECT_TRUE(has(r.out, "(found depth-first; the states bound cut the breadth-first search for a shorter one, "
                         "which found none of 11 steps or fewer)\n"))
      << r.out;
  EXPECT_TRUE(has(r.out, "nodeNotReadyWithin: node node: crash at 8s, Ready=Unknown at 13.007s, 5.007s after the fault "
                         "(bound 3s)"))
      << r.out;
  const Result replay = cli({"run", (dir / "cx" / "nodes-one-kubelet-tight-bound.counterexample.yaml").string()});
  EXPECT_EQ(replay.code, 0) << replay.out << replay.err;
  EXPECT_TRUE(has(replay.out, "observed: [nodeNotReadyWithin]")) << replay.out;
  EXPECT_TRUE(has(replay.out, "Ready=Unknown at 13.007")) << replay.out;
}

TEST(CheckCommand, OneKubeletAnalyticBoundIsVerifiedAtItsPoints) {
  const Result r = cli({"check", source("scenarios/check/nodes-one-kubelet-verified.yaml")});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "explored   1779 states (1282 distinct, 3 where the run ends)")) << r.out;
  EXPECT_TRUE(has(r.out, "result     verified at latency points {max}, jitter points {max}, up to 16s\n")) << r.out;
}

TEST(CheckCommand, CounterexampleIsWrittenAndRunReplaysIt) {
  const auto dir = temp_dir("offset");
  std::ofstream(dir / "offset.yaml") << kOffset;
  const Result r = cli({"check", (dir / "offset.yaml").string(), "--out", (dir / "cx").string()});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "result     counterexample: singleLeader after 16 steps")) << r.out;
  const std::string written = (dir / "cx" / "offset.counterexample.yaml").string();
  EXPECT_TRUE(has(r.err, "replay with: leasesim run " + written)) << r.err;
  ASSERT_TRUE(std::filesystem::exists(written));

  const LoadResult loaded = load_scenario_file(written);
  ASSERT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors[0].format());
  EXPECT_FALSE(loaded.scenario->explore.replay.empty());
  EXPECT_EQ(loaded.scenario->expect.violated, std::vector<std::string>{"singleLeader"});

  // `run` follows the recorded choices to the same overlap, and says so in its verdict.
  const Result run = cli({"run", written});
  EXPECT_EQ(run.code, 0) << run.out << run.err;
  EXPECT_TRUE(has(run.out, "VIOLATED  singleLeader")) << run.out;
  EXPECT_TRUE(has(run.out, "a and b both acted as leader of default/l from 7.004s to 10.004s")) << run.out;
  // Checking the counterexample again finds the same thing (its replay list does not steer check).
  const Result again = cli({"check", written, "--out", (dir / "cx2").string()});
  EXPECT_EQ(again.code, 0) << again.out << again.err;  // its expect names singleLeader
  EXPECT_TRUE(has(again.out, "counterexample: singleLeader after 16 steps")) << again.out;
}

TEST(CheckCommand, ExpectedViolationFoundExitsZero) {
  const auto dir = temp_dir("gallery");
  const Result r = cli({"check", source("scenarios/tutorial/clock-offset-two-leaders.yaml"), "--out", dir.string()});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "expected   yes")) << r.out;
}

// A depth-first search cut before it came back to the first step's alternatives covers no depth
// on every path: it says so, and how to get a depth that is covered, instead of "at least 0
// steps". Twin: the breadth-first search it points to, with the same states bound, covers a
// depth on every path and says which.
TEST(CheckCommand, ADepthFirstSearchCutEarlySaysNoDepthIsCovered) {
  const Result r = cli({"check", source("scenarios/check/nodes-one-kubelet-verified.yaml"), "--max-states", "50"});
  EXPECT_EQ(r.code, 4) << r.err;
  EXPECT_TRUE(has(r.out, "reached    no step is covered on every path (the depth-first search left choices of the "
                         "first step unexplored; --depth N searches breadth-first, every path to N steps); the "
                         "deepest state: 49 steps"))
      << r.out;
  EXPECT_FALSE(has(r.out, "at least 0 steps")) << r.out;
  const Result bfs =
      cli({"check", source("scenarios/check/nodes-one-kubelet-verified.yaml"), "--max-states", "50", "--depth", "30"});
  EXPECT_EQ(bfs.code, 4) << bfs.err;
  EXPECT_TRUE(has(bfs.out, "reached    every path explored for at least 10 steps and up to at least 0.03s")) << bfs.out;
}

TEST(CheckCommand, BoundsAreReportedWhenTheyStopTheSearch) {
  const Result r = cli({"check", source("scenarios/check/client-go-two-candidates-crash-partition.yaml"), "--max-states",
                        "50", "--horizon", "10s", "--latency-points", "min,mid,max"});
  // A cut search is INCONCLUSIVE (exit 4), says how far every path got and never "verified".
  EXPECT_EQ(r.code, 4) << r.err;
  EXPECT_TRUE(has(r.out, "horizon 10s (of 24s), latency points min,mid,max")) << r.out;
  EXPECT_TRUE(has(r.out, "stopped by states\n")) << r.out;
  EXPECT_TRUE(has(r.out, "result     INCONCLUSIVE: the states bound (50) cut the search")) << r.out;
  EXPECT_TRUE(has(r.out, "reached    no step is covered on every path")) << r.out;
  EXPECT_TRUE(has(r.out, "tractable  any of: --max-states 500")) << r.out;
  EXPECT_FALSE(has(r.out, "verified")) << r.out;
  EXPECT_TRUE(has(r.err, "INCONCLUSIVE (exit 4)")) << r.err;
  // The reproduce command carries the options that made the search what it was.
  EXPECT_TRUE(has(r.err, "reproduce with: leasesim check " +
                             source("scenarios/check/client-go-two-candidates-crash-partition.yaml") +
                             " --max-states 50 --horizon 10s --latency-points min,mid,max\n"))
      << r.err;
}

// Its twin: the same file without the bound is complete and verified (exit 0), so exit 4
// above comes from the bound.
TEST(CheckCommand, SameSearchWithoutTheBoundIsVerified) {
  const Result r = cli({"check", source("scenarios/check/client-go-two-candidates-crash-partition.yaml"), "--horizon",
                        "10s", "--latency-points", "min,mid,max"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "result     verified at latency points {min,mid,max}, jitter points {max}, up to 10s")) << r.out;
}

// The LD 11s configuration (issue 13): the declared points show nothing, the analytic bounds
// warn, the critical points find the overlap and its file replays with `run`.
TEST(CheckCommand, CriticalPointsFindTheLeaseShorterThanHoldOverlap) {
  const auto dir = temp_dir("ld11");
  const Result r = cli({"check", source("scenarios/check/client-go-lease-shorter-than-hold-ld11.yaml"), "--out",
                        dir.string()});
  EXPECT_EQ(r.code, 0) << r.out << r.err;  // the file expects singleLeader violated
  EXPECT_TRUE(has(r.out, "warning    the analytic bounds allow an overlap (safety margin -1.03s")) << r.out;
  EXPECT_TRUE(has(r.out, "critical   latency points {min}, jitter points {min,max,critical}")) << r.out;
  EXPECT_TRUE(has(r.out, "result     counterexample: singleLeader")) << r.out;
  EXPECT_TRUE(has(r.out, "expected   yes")) << r.out;
  const Result replay = cli({"run", (dir / "client-go-lease-shorter-than-hold-ld11.counterexample.yaml").string()});
  EXPECT_EQ(replay.code, 0) << replay.out << replay.err;
  EXPECT_TRUE(has(replay.out, "VIOLATED  singleLeader")) << replay.out;
}

// Its twin: the explorer at jitter points {min} alone finds no overlap in this file (a complete
// search), and with `critical` added it does: the critical values are what find it.
TEST(CheckCommand, CriticalValuesAreWhatFindTheOverlap) {
  LoadResult loaded = load_scenario_file(source("scenarios/check/client-go-lease-shorter-than-hold-ld11.yaml"));
  ASSERT_TRUE(loaded.ok());
  auto s = std::make_shared<Scenario>(std::move(*loaded.scenario));
  ExploreOptions o;
  o.latency_points = kPointMin;
  o.jitter_points = kPointMin;
  const ExploreResult plain = explore(s, o);
  EXPECT_FALSE(plain.counterexample.has_value());
  EXPECT_EQ(plain.stopped_by, ExploreStop::Horizon);
  o.jitter_points = kPointMin | kPointCritical;
  const ExploreResult critical = explore(s, o);
  ASSERT_TRUE(critical.counterexample.has_value());
  EXPECT_EQ(critical.counterexample->violated, std::vector<std::string>{"singleLeader"});
}

TEST(CheckCommand, BadOptionsExitTwo) {
  const std::string file = source("scenarios/check/client-go-two-candidates-crash-partition.yaml");
  Result r = cli({"check", file, "--latency-points", "min,low"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "leasesim check: --latency-points: unknown range point \"low\"; expected min, mid, max or critical\n");
  r = cli({"check", file, "--horizon", "5"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(has(r.err, "leasesim check: --horizon: ")) << r.err;
  r = cli({"check", file, "--max-states", "0"});
  EXPECT_EQ(r.code, 2);
  r = cli({"check", source("scenarios/does-not-exist.yaml")});
  EXPECT_EQ(r.code, 2);
}

TEST(ExploreBlock, LoadsAndRoundTripsThroughTheWriter) {
  const std::string text = std::string(kOffset) + R"(  explore:
    depth: 40
    maxStates: 1000
    horizon: 30s
    latencyPoints: [min, mid, max]
    jitterPoints: [max]
    replay: ["tie 1/2", latency 5ms, timer 10.000000001s]
)";
  const LoadResult r = load_scenario_text(text, "e.yaml");
  ASSERT_TRUE(r.ok()) << r.errors[0].format();
  const ExploreSpec& e = r.scenario->explore;
  EXPECT_EQ(e.depth, std::optional<uint64_t>(40));
  EXPECT_EQ(e.max_states, std::optional<uint64_t>(1000));
  EXPECT_EQ(e.horizon, std::optional<Duration>(seconds(30)));
  EXPECT_EQ(e.latency_points, kPointMin | kPointMid | kPointMax);
  EXPECT_EQ(e.jitter_points, kPointMax);
  ASSERT_EQ(e.replay.size(), 3u);
  EXPECT_EQ(e.replay[2], (ReplayChoice{ChoiceKind::TimerDelay, 10000000001, 0}));
  for (const char* name : {"w.yaml", "w.json"}) {
    const std::string out = std::string(name).ends_with(".yaml") ? scenario_to_yaml(*r.scenario) : scenario_to_json(*r.scenario);
    const LoadResult back = load_scenario_text(out, name);
    ASSERT_TRUE(back.ok()) << back.errors[0].format() << "\n" << out;
    EXPECT_EQ(back.scenario->explore, e) << out;
  }
  // No block, no output: scenarios without one are written as before.
  Scenario plain = *r.scenario;
  plain.explore = ExploreSpec{};
  EXPECT_FALSE(has(scenario_to_yaml(plain), "explore"));
}

TEST(ExploreBlock, ProblemsAreDiagnosedWithTheirPaths) {
  const std::string text = std::string(kOffset) + R"(  explore:
    depth: 0
    latencyPoints: [min, low]
    replay: ["tie 2/2", "latency 5"]
    dept: 3
)";
  const LoadResult r = load_scenario_text(text, "e.yaml");
  ASSERT_FALSE(r.ok());
  std::vector<std::string> got;
  for (const Diagnostic& d : r.errors) got.push_back(d.format());
  const std::vector<std::string> want{
      "e.yaml:16:12: spec.explore.depth: must be greater than 0, got 0",
      "e.yaml:17:20: spec.explore.latencyPoints: unknown range point \"low\"; expected min, mid, max or critical",
      "e.yaml:18:14: spec.explore.replay[0]: expected \"tie I/N\" with 0 <= I < N and N >= 2, got \"tie 2/2\"",
      "e.yaml:18:25: spec.explore.replay[1]: in \"latency 5\": duration \"5\" has no unit; write e.g. 5s (units: ns "
      "us ms s m h)",
      "e.yaml:19:5: spec.explore.dept: unknown field \"dept\" (did you mean \"depth\"?)",
  };
  ASSERT_EQ(got.size(), want.size()) << ::testing::PrintToString(got);
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], want[i]);
}

}  // namespace
}  // namespace leasesim
