// Tests of the explorer (explore/explorer.h) and of replaying its counterexamples
// (sim/replay.h): pinned state counts for a verified client-go scenario, the shortest
// counterexample for the tutorial elector with a clock offset, and that `run` replays it to the
// same violation. Each "verified" test has a twin showing that the same search does find a
// violation once the configuration breaks, so a pass is not vacuous.
#include "explore/explorer.h"

#include <gtest/gtest.h>

#include <memory>

#include "properties/run.h"
#include "sim/replay.h"
#include "sim/world.h"

namespace leasesim {
namespace {

ProcessSpec client_go(const std::string& name, LeaseId lease, Duration start = Duration(0)) {
  ProcessSpec p;
  p.name = name;
  p.identity = name;
  p.model = ClientGoConfig{};  // 15s / 10s / 2s, the core components' defaults
  p.lease = lease;
  p.start = start;
  return p;
}

// The same system as scenarios/check/client-go-two-candidates-crash-partition.yaml.
std::shared_ptr<Scenario> two_candidates_crash_partition() {
  auto s = std::make_shared<Scenario>();
  s->name = "two-candidates";
  s->duration = seconds(24);
  const LeaseId lease = s->lease_id("kube-system/demo");
  s->processes.push_back(client_go("a", lease));
  s->processes.push_back(client_go("b", lease, seconds(1)));
  FaultSpec partition;
  partition.at = seconds(3);
  partition.for_ = seconds(2);
  partition.type = FaultType::Partition;
  partition.target = FaultTarget{FaultTarget::Kind::Process, 1};
  s->faults.push_back(partition);
  FaultSpec crash;
  crash.at = seconds(6);
  crash.type = FaultType::Crash;
  crash.target = FaultTarget{FaultTarget::Kind::Leader, 0};
  s->faults.push_back(crash);
  return s;
}

// Makes the two candidates' lease shorter than the leader's give-up time (LD 6s < RP + RD = 7s,
// client_go_bounds no_overlap false) and cuts the leader off at 3s, instead of the faults.
void outside_tolerance(Scenario& s) {
  for (ProcessSpec& p : s.processes) {
    auto& c = std::get<ClientGoConfig>(p.model);
    c.lease_duration = seconds(6);
    c.renew_deadline = seconds(5);
  }
  s.faults.clear();
  FaultSpec partition;
  partition.at = seconds(3);
  partition.type = FaultType::Partition;
  partition.target = FaultTarget{FaultTarget::Kind::Leader, 0};
  s.faults.push_back(partition);
}

// scenarios/tutorial/clock-offset-two-leaders.yaml with transitionsMatch off (the tutorial never
// counts transitions, which would otherwise be the first thing found).
std::shared_ptr<Scenario> tutorial_clock_offset() {
  auto s = std::make_shared<Scenario>();
  s->name = "tutorial-offset";
  s->duration = minutes(5);
  InitialLease lease;
  lease.id = s->lease_id("default/tutorial");
  lease.spec.holder_identity = "";
  lease.spec.lease_duration_seconds = 30;
  s->leases.push_back(lease);
  for (const char* name : {"on-time", "ahead"}) {
    ProcessSpec p;
    p.name = p.identity = name;
    p.model = TutorialConfig{};
    p.lease = lease.id;
    s->processes.push_back(p);
  }
  s->processes[1].start = seconds(7);
  s->processes[1].clock.offset = seconds(25);
  s->properties.transitions_match = false;
  return s;
}

ExploreOptions jitter_max() {
  ExploreOptions o;
  o.jitter_points = kPointMax;
  return o;
}

TEST(RangePoints, DeclaredPointsAscendingWithoutRepeats) {
  EXPECT_EQ(range_points(kPointMin | kPointMax, 1, 5), (std::vector<int64_t>{1, 5}));
  EXPECT_EQ(range_points(kPointMin | kPointMid | kPointMax, 1, 5), (std::vector<int64_t>{1, 3, 5}));
  EXPECT_EQ(range_points(kPointMin | kPointMid | kPointMax, 1, 2), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(range_points(kPointMax, -7, 9), (std::vector<int64_t>{9}));
  EXPECT_EQ(range_points(kPointMid, INT64_MIN, INT64_MAX), (std::vector<int64_t>{-1}));
}

TEST(Explorer, ClientGoTwoCandidatesCrashPartitionVerifiedWithPinnedCounts) {
  const ExploreResult r = explore(two_candidates_crash_partition(), jitter_max());
  EXPECT_FALSE(r.counterexample.has_value());
  EXPECT_EQ(r.stopped_by, ExploreStop::Horizon);
  // Steps are live events (inert ones fold into the next live step) and the key leaves out
  // inert events and dead model state (explore/explorer.h). 73,418 transitions, 49,156
  // distinct, 729 end states, depth 55 when every event was a step and inert events were keyed;
  // 22,452 and 12,786 before a lone leader's start was left out of the key (reduce_history).
  EXPECT_EQ(r.stats.transitions, 19668u);
  EXPECT_EQ(r.stats.distinct, 11034u);
  EXPECT_EQ(r.stats.end_states, 165u);
  EXPECT_EQ(r.stats.depth_reached, 38u);
  EXPECT_LE(r.stats.stored_bytes / r.stats.distinct, 100u);
  // The same search unreduced (every state keyed in full): the same verdict, more states.
  ExploreOptions unreduced = jitter_max();
  unreduced.reduce_dead = unreduced.reduce_inert = unreduced.reduce_history = false;
  const ExploreResult u = explore(two_candidates_crash_partition(), unreduced);
  EXPECT_EQ(u.stopped_by, ExploreStop::Horizon);
  EXPECT_EQ(u.stats.distinct, 37933u);
  EXPECT_EQ(u.stats.depth_reached, 38u);
}

TEST(Explorer, SameInputSameCounts) {
  ExploreOptions o = jitter_max();
  o.horizon = seconds(8);
  const ExploreResult a = explore(two_candidates_crash_partition(), o);
  const ExploreResult b = explore(two_candidates_crash_partition(), o);
  EXPECT_EQ(a.stats.transitions, b.stats.transitions);
  EXPECT_EQ(a.stats.distinct, b.stats.distinct);
  EXPECT_EQ(a.stopped_by, ExploreStop::Horizon);
}

// Twin of the verified case: the same two candidates with a lease shorter than the leader's
// give-up time (LD 6s < RP + RD = 7s, client_go_bounds no_overlap false) and the leader cut off,
// so the standby can take over while the leader still acts. The same search must find it (with
// jitter at min too: the standby must poll right after the leader's last renewal).
TEST(Explorer, ClientGoOutsideItsToleranceIsFound) {
  auto s = two_candidates_crash_partition();
  s->duration = seconds(10);
  outside_tolerance(*s);
  ExploreOptions o;
  o.jitter_points = kPointMin;  // polls right after the last renewal; keeps the search small
  const ExploreResult r = explore(s, o);
  ASSERT_TRUE(r.counterexample.has_value()) << explore_stop_name(r.stopped_by) << " " << r.stats.distinct;
  EXPECT_EQ(r.stopped_by, ExploreStop::Violation);
  EXPECT_EQ(r.counterexample->violated, std::vector<std::string>{"singleLeader"});
  // b takes over at 9.012s, 4ms before a gives up; still acting at the horizon. 37 live steps
  // (50 events when inert ones counted as steps).
  EXPECT_EQ(r.counterexample->steps, 37u);
  EXPECT_TRUE(r.counterexample->at_end);
  // Pending events enter the key as a multiset (World::fingerprint): paths that differ only in
  // the order of events due at one instant share a state (106,252 before that). 105,734 before
  // a crash ended its process's outstanding calls at once (`cancelled`, issue 12): their records
  // now change at the crash rather than when each call's deadline passes. 105,984 before inert
  // events were folded into live steps and left out of the key; 28,174 before a lone leader's
  // start was left out of the key.
  EXPECT_EQ(r.stats.distinct, 16608u);
}

TEST(Explorer, TutorialClockOffsetShortestCounterexample) {
  const ExploreResult r = explore(tutorial_clock_offset(), ExploreOptions{});
  ASSERT_TRUE(r.counterexample.has_value());
  const Counterexample& cx = *r.counterexample;
  EXPECT_EQ(cx.violated, std::vector<std::string>{"singleLeader"});
  // The overlap settles when the second leadership ends (ahead's next iteration at 17s).
  EXPECT_EQ(cx.steps, 16u);
  EXPECT_FALSE(cx.at_end);
  EXPECT_EQ(r.stats.distinct, 1254u);  // 1,462 before inert events were folded and unkeyed
  ASSERT_EQ(cx.messages.size(), 1u);
  EXPECT_NE(cx.messages[0].find("on-time and ahead both acted as leader"), std::string::npos) << cx.messages[0];
  // Shortest: no counterexample within one step less.
  ExploreOptions shallower;
  shallower.max_depth = cx.steps - 1;
  const ExploreResult none = explore(tutorial_clock_offset(), shallower);
  EXPECT_FALSE(none.counterexample.has_value());
  EXPECT_EQ(none.stopped_by, ExploreStop::Depth);
}

TEST(Explorer, CounterexampleReplaysToTheSameViolation) {
  auto s = tutorial_clock_offset();
  const ExploreResult r = explore(s, ExploreOptions{});
  ASSERT_TRUE(r.counterexample.has_value());
  auto replay = std::make_shared<Scenario>(*s);
  replay->explore.replay = r.counterexample->choices;
  // The recorded choices fit the run exactly, step by step.
  {
    World w(replay);
    ReplayChooser chooser(replay->explore.replay, replay->seed);
    for (uint64_t i = 0; i < r.counterexample->steps; ++i) ASSERT_EQ(w.step(chooser, nullptr), StepStatus::Stepped);
    EXPECT_TRUE(chooser.finished());
    EXPECT_FALSE(chooser.diverged_at().has_value());
    EXPECT_EQ(w.now(), r.counterexample->at);
  }
  const RunResult run = run_scenario(replay, replay->seed);
  EXPECT_EQ(run.evaluation.violated, std::vector<std::string>{"singleLeader"});
  // The same overlap, word for word (its end is settled, so the random rest cannot move it).
  bool same = false;
  for (const PropertyResult& p : run.evaluation.results)
    for (const Violation& v : p.violations) same |= "singleLeader: " + v.message == r.counterexample->messages[0];
  EXPECT_TRUE(same);
  // Deterministic: replaying twice gives one trace.
  EXPECT_EQ(run_scenario(replay, replay->seed).trace_hash, run.trace_hash);
}

// Issue 12: every choice of a counterexample says what it decides, and `run` checks the words.
TEST(Explorer, CounterexampleChoicesAreLabelledAndTheLabelsAreChecked) {
  auto s = tutorial_clock_offset();
  const ExploreResult r = explore(s, ExploreOptions{});
  ASSERT_TRUE(r.counterexample.has_value());
  ASSERT_FALSE(r.counterexample->choices.empty());
  for (const ReplayChoice& c : r.counterexample->choices) EXPECT_FALSE(c.label.empty()) << format_replay_choice(c);
  // A label that names something else ends the replay there, with the reason.
  auto edited = std::make_shared<Scenario>(*s);
  edited->explore.replay = r.counterexample->choices;
  edited->explore.replay[0].label = "something else";
  World w(edited);
  ReplayChooser chooser(edited->explore.replay, edited->seed);
  w.run(chooser, nullptr);
  EXPECT_EQ(chooser.diverged_at(), std::optional<size_t>(0));
  EXPECT_NE(chooser.diverged_reason().find("decides \"something else\", but the run's choice there decides \"" +
                                           r.counterexample->choices[0].label + "\""),
            std::string::npos)
      << chooser.diverged_reason();
}

// Old counterexample files have bare entries ("tie 1/3", "latency 5ms"): they replay exactly as
// the labelled ones do.
TEST(Explorer, OldUnlabelledReplayStillReplays) {
  auto s = tutorial_clock_offset();
  const ExploreResult r = explore(s, ExploreOptions{});
  ASSERT_TRUE(r.counterexample.has_value());
  auto labelled = std::make_shared<Scenario>(*s);
  labelled->explore.replay = r.counterexample->choices;
  auto old = std::make_shared<Scenario>(*s);
  for (ReplayChoice c : r.counterexample->choices) {
    std::string error;
    std::string text = format_replay_choice(c);
    text = text.substr(0, text.find(" ("));  // what a file written before labels held
    const auto parsed = parse_replay_choice(text, &error);
    ASSERT_TRUE(parsed.has_value()) << error;
    EXPECT_TRUE(parsed->label.empty());
    old->explore.replay.push_back(*parsed);
  }
  World w(old);
  ReplayChooser chooser(old->explore.replay, old->seed);
  w.run(chooser, nullptr);
  EXPECT_TRUE(chooser.finished());
  EXPECT_FALSE(chooser.diverged_at().has_value());
  const RunResult a = run_scenario(labelled, labelled->seed);
  const RunResult b = run_scenario(old, old->seed);
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_EQ(b.evaluation.violated, std::vector<std::string>{"singleLeader"});
}

// Issue 12 (sim/world.h, resume): a's Get response (due at 20ms) and its 1s client deadline are
// both held by a pause (5ms to 2.005s). Which one a sees first at resume is a tie, so the search
// finds the order in which a takes the deadline, raises (crashOnError) and nobody ever leads;
// with the response first a leads at 2.005s. Before, only the response-first order existed.
TEST(Explorer, ExploresBothOrdersOfAHeldResponseAndItsDeadline) {
  auto s = tutorial_clock_offset();  // its lease, one tutorial loop, transitionsMatch off
  s->name = "paused-get";
  s->duration = seconds(6);
  s->api_server.latency = LatencyRange{milliseconds(10), milliseconds(10)};
  s->processes.resize(1);
  s->processes[0].name = s->processes[0].identity = "a";
  TutorialConfig config;
  config.request_timeout = seconds(1);
  s->processes[0].model = config;
  FaultSpec pause;
  pause.at = milliseconds(5);
  pause.for_ = seconds(2);
  pause.type = FaultType::Pause;
  pause.target = FaultTarget{FaultTarget::Kind::Process, 0};
  s->faults.push_back(pause);
  s->properties.eventually_leader = seconds(5);
  const ExploreResult r = explore(s, ExploreOptions{});
  ASSERT_TRUE(r.counterexample.has_value()) << explore_stop_name(r.stopped_by);
  EXPECT_EQ(r.counterexample->violated, std::vector<std::string>{"eventuallyLeader"});
  bool deadline_first = false;
  for (const ReplayChoice& c : r.counterexample->choices)
    deadline_first |= c.kind == ChoiceKind::Tie && c.label == "first: a stops waiting for a's get #1";
  EXPECT_TRUE(deadline_first);
  // The twin: the other order is the one a seeded run of the same pick leads in.
  auto other = std::make_shared<Scenario>(*s);
  other->explore.replay = {ReplayChoice{ChoiceKind::Tie, 0, 2, "first: response to a's get #1"}};
  const RunResult run = run_scenario(other, other->seed);
  EXPECT_TRUE(run.evaluation.violated.empty()) << run.evaluation.violated[0];
}

// Two tutorial loops starting together: if both read the empty lease before either writes,
// the loser's Replace gets 409 and it dies (crashOnError); the leader is then crashed at 5s and
// nobody is left to lead. Only some interleavings do that: a seeded run may miss it, the
// explorer must not. With a restart of the loser the deadline is always met.
std::shared_ptr<Scenario> tutorial_conflict_then_crash() {
  auto s = tutorial_clock_offset();
  s->processes[1].start = Duration(0);
  s->processes[1].clock.offset = Duration(0);
  s->duration = seconds(40);
  s->properties.single_leader = false;
  s->properties.eventually_leader = seconds(31);
  FaultSpec crash;
  crash.at = seconds(5);
  crash.type = FaultType::Crash;
  crash.target = FaultTarget{FaultTarget::Kind::Leader, 0};
  s->faults.push_back(crash);
  return s;
}

TEST(Explorer, EventuallyLeaderJudgedWhereTheRunEnds) {
  const ExploreResult r = explore(tutorial_conflict_then_crash(), ExploreOptions{});
  ASSERT_TRUE(r.counterexample.has_value());
  EXPECT_EQ(r.counterexample->violated, std::vector<std::string>{"eventuallyLeader"});
  EXPECT_TRUE(r.counterexample->at_end);
  EXPECT_EQ(r.counterexample->steps, 11u);  // both dead after the crash at 5s: the run ends (12 events)
  auto replay = tutorial_conflict_then_crash();
  replay->explore.replay = r.counterexample->choices;
  EXPECT_EQ(run_scenario(replay, replay->seed).evaluation.violated, std::vector<std::string>{"eventuallyLeader"});
}

TEST(Explorer, EventuallyLeaderVerifiedWhenTheLoserComesBack) {
  auto s = tutorial_conflict_then_crash();
  for (uint32_t p : {0u, 1u}) {
    FaultSpec restart;
    restart.at = seconds(8);
    restart.type = FaultType::Restart;
    restart.target = FaultTarget{FaultTarget::Kind::Process, p};
    s->faults.push_back(restart);
  }
  const ExploreResult r = explore(s, ExploreOptions{});
  EXPECT_FALSE(r.counterexample.has_value()) << r.counterexample->messages[0];
  EXPECT_EQ(r.stopped_by, ExploreStop::Horizon);
  // 110,881 before pending events were a multiset; 107,009 and 5,040 before inert events were
  // folded into live steps and left out of the key.
  EXPECT_EQ(r.stats.distinct, 93153u);
  EXPECT_EQ(r.stats.end_states, 4404u);
}

TEST(Explorer, BoundsStopTheSearchAndSaySo) {
  ExploreOptions o = jitter_max();
  o.max_states = 100;
  EXPECT_EQ(explore(two_candidates_crash_partition(), o).stopped_by, ExploreStop::States);
  o = jitter_max();
  o.max_depth = 5;
  const ExploreResult d = explore(two_candidates_crash_partition(), o);
  EXPECT_EQ(d.stopped_by, ExploreStop::Depth);
  EXPECT_EQ(d.stats.depth_reached, 5u);
}

TEST(Explorer, TheWorldsBoundStopsAWideBreadthFirstSearch) {
  // A depth bound makes the search breadth-first; its frontier of full Worlds is bounded apart
  // from the stored states, since a World costs kilobytes. The twin: the same search with room
  // for its frontier ends at the depth bound, and holds more Worlds than the bound allowed.
  ExploreOptions o = jitter_max();
  o.max_depth = 30;
  const ExploreResult wide = explore(two_candidates_crash_partition(), o);
  EXPECT_EQ(wide.stopped_by, ExploreStop::Depth);
  ASSERT_GT(wide.stats.peak_frontier, 50u);
  o.max_worlds = 50;
  const ExploreResult narrow = explore(two_candidates_crash_partition(), o);
  EXPECT_EQ(narrow.stopped_by, ExploreStop::Worlds);
  EXPECT_FALSE(narrow.counterexample.has_value());
  EXPECT_LE(narrow.stats.peak_frontier, 51u);
  EXPECT_LT(narrow.stats.complete_steps, 30u);
  EXPECT_STREQ(explore_stop_name(ExploreStop::Worlds), "worlds");
  EXPECT_EQ(narrow.stats.worlds_bound, 50u);
  // The bound also follows from a byte budget over a deterministic estimate of one World, so a
  // scenario of many processes holds fewer of its larger Worlds.
  o.max_worlds = 100000;
  o.max_world_bytes = 1 << 20;
  const ExploreResult budget = explore(two_candidates_crash_partition(), o);
  ASSERT_GT(budget.stats.world_bytes_estimate, 12288u);
  EXPECT_EQ(budget.stats.worlds_bound, (uint64_t{1} << 20) / budget.stats.world_bytes_estimate);
  EXPECT_EQ(budget.stopped_by, ExploreStop::Worlds);
  EXPECT_EQ(wide.stats.worlds_bound, 100000u);
}

TEST(Explorer, ScenarioWithoutChoicesHasOnePath) {
  auto s = tutorial_clock_offset();
  s->api_server.latency = LatencyRange{milliseconds(2), milliseconds(2)};
  s->duration = seconds(60);
  s->properties.single_leader = false;
  const ExploreResult r = explore(s, ExploreOptions{});
  EXPECT_EQ(r.stats.distinct, r.stats.transitions + 1);  // a single path: every step is new
  EXPECT_EQ(r.stats.end_states, 1u);
  EXPECT_EQ(r.stopped_by, ExploreStop::Horizon);
}

// --- ReplayChooser

TEST(ReplayChooser, EmptyScriptIsTheRandomChooser) {
  std::vector<ReplayChoice> none;
  ReplayChooser replay(none, 42);
  RandomChooser random(42);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(replay.pick(ChoiceKind::Tie, 7), random.pick(ChoiceKind::Tie, 7));
    EXPECT_EQ(replay.draw(ChoiceKind::Latency, 10, 99), random.draw(ChoiceKind::Latency, 10, 99));
  }
}

TEST(ReplayChooser, FollowsTheScriptThenFallsBackToRandom) {
  std::vector<ReplayChoice> script{{ChoiceKind::Tie, 2, 3}, {ChoiceKind::Latency, 5, 0}};
  ReplayChooser replay(script, 7);
  RandomChooser random(7);
  EXPECT_EQ(replay.pick(ChoiceKind::Tie, 3), 2u);
  EXPECT_EQ(replay.draw(ChoiceKind::Latency, 1, 5), 5);
  EXPECT_TRUE(replay.finished());
  EXPECT_EQ(replay.draw(ChoiceKind::TimerDelay, 0, 1000), random.draw(ChoiceKind::TimerDelay, 0, 1000));
  EXPECT_FALSE(replay.diverged_at().has_value());
}

// A labelled entry fits only a choice that decides what its label says; an unlabelled one
// fits by kind and range alone (files from before labels).
TEST(ReplayChooser, ALabelledEntryMustDecideWhatItsLabelSays) {
  const ChoiceSubject::DescribeFn words = [](const void*, uint64_t what, int64_t) {
    return std::string(what == 1 ? "response to b's update #7" : "b's update #8 to the server");
  };
  std::vector<ReplayChoice> script{{ChoiceKind::Latency, 3, 0, "response to b's update #7"},
                                   {ChoiceKind::Latency, 4, 0},
                                   {ChoiceKind::Latency, 5, 0, "response to b's update #7"}};
  ReplayChooser replay(script, 7);
  EXPECT_EQ(replay.draw(ChoiceKind::Latency, 1, 9, ChoiceSubject(words, nullptr, 1)), 3);
  EXPECT_EQ(replay.draw(ChoiceKind::Latency, 1, 9, ChoiceSubject(words, nullptr, 2)), 4);  // no label: fits
  replay.draw(ChoiceKind::Latency, 1, 9, ChoiceSubject(words, nullptr, 2));                // other words
  EXPECT_EQ(replay.diverged_at(), std::optional<size_t>(2));
  EXPECT_EQ(replay.diverged_reason(),
            "entry 2 \"latency 5ns (response to b's update #7)\" decides \"response to b's update #7\", but the run's "
            "choice there decides \"b's update #8 to the server\"");
}

TEST(ReplayChooser, AChoiceThatDoesNotFitEndsTheReplay) {
  std::vector<ReplayChoice> script{{ChoiceKind::Latency, 3, 0}, {ChoiceKind::Latency, 99, 0}, {ChoiceKind::Tie, 0, 2}};
  ReplayChooser replay(script, 7);
  EXPECT_EQ(replay.draw(ChoiceKind::Latency, 1, 5), 3);
  const int64_t v = replay.draw(ChoiceKind::Latency, 1, 5);  // 99 is out of range
  EXPECT_GE(v, 1);
  EXPECT_LE(v, 5);
  EXPECT_EQ(replay.diverged_at(), std::optional<size_t>(1));
  replay.pick(ChoiceKind::Tie, 2);  // stays random after a divergence
  EXPECT_EQ(replay.consumed(), 1u);
}

TEST(ReplayText, RoundTripAndErrors) {
  for (const ReplayChoice& c : {ReplayChoice{ChoiceKind::Tie, 1, 3}, ReplayChoice{ChoiceKind::Latency, 5000000, 0},
                                ReplayChoice{ChoiceKind::TimerDelay, 2000000001, 0},
                                ReplayChoice{ChoiceKind::Latency, 5000000, 0, "response to b's update #7"},
                                ReplayChoice{ChoiceKind::Tie, 0, 2, "first: crash (fault 1) starts"},
                                ReplayChoice{ChoiceKind::Fault, 2, 3, "crash of the leader strikes"}}) {
    std::string error;
    const auto back = parse_replay_choice(format_replay_choice(c), &error);
    ASSERT_TRUE(back.has_value()) << error;
    EXPECT_EQ(*back, c);
  }
  EXPECT_EQ(format_replay_choice({ChoiceKind::Tie, 1, 3}), "tie 1/3");
  EXPECT_EQ(format_replay_choice({ChoiceKind::Latency, 5000000, 0}), "latency 5ms");
  EXPECT_EQ(format_replay_choice({ChoiceKind::Latency, 5000000, 0, "response to b's update #7"}),
            "latency 5ms (response to b's update #7)");
  // A label in parentheses of its own keeps them; an unclosed or empty one is an error.
  std::string error;
  const auto nested = parse_replay_choice("tie 0/2 (first: crash (fault 1) starts)", &error);
  ASSERT_TRUE(nested.has_value()) << error;
  EXPECT_EQ(nested->label, "first: crash (fault 1) starts");
  EXPECT_FALSE(parse_replay_choice("latency 5ms (response", &error));
  EXPECT_FALSE(parse_replay_choice("latency 5ms ()", &error));
  EXPECT_FALSE(parse_replay_choice("tie 3/3", &error));
  EXPECT_EQ(error, "expected \"tie I/N\" with 0 <= I < N and N >= 2, got \"tie 3/3\"");
  EXPECT_FALSE(parse_replay_choice("latency 5", &error));
  EXPECT_FALSE(parse_replay_choice("jitter 5ms", &error));
  EXPECT_EQ(error,
            "expected a choice such as \"tie 1/3\", \"latency 5ms\", \"timer 2.4s\" or \"fault 1/3\", got \"jitter 5ms\"");
}

}  // namespace
}  // namespace leasesim

// ---------------------------------------------------------------------------------------------
// Converge mode: time-relative keys, no horizon, liveness by strongly connected components.

namespace leasesim {
namespace {

ExploreOptions converging(uint8_t latency_points = kPointMin | kPointMax) {
  ExploreOptions o = jitter_max();
  o.latency_points = latency_points;
  o.converge = true;
  return o;
}

// a leads alone (b crashed at 2s); a's requests are cut from 10s on, for good. `rejoin` keeps
// a's elector trying after it loses the lease (a lasso); `exit` ends the process (a dead end).
std::shared_ptr<Scenario> leader_cut_off_for_good(bool rejoin) {
  auto s = std::make_shared<Scenario>();
  s->name = "cut-off-for-good";
  s->duration = seconds(45);
  const LeaseId lease = s->lease_id("kube-system/demo");
  s->processes.push_back(client_go("a", lease));
  s->processes.push_back(client_go("b", lease, seconds(1)));
  std::get<ClientGoConfig>(s->processes[0].model).rejoin_after_loss = rejoin;
  FaultSpec crash;
  crash.at = seconds(2);
  crash.type = FaultType::Crash;
  crash.target = FaultTarget{FaultTarget::Kind::Process, 1};
  s->faults.push_back(crash);
  FaultSpec cut;
  cut.at = seconds(10);
  cut.type = FaultType::Partition;
  cut.direction = Direction::Requests;
  cut.target = FaultTarget{FaultTarget::Kind::Process, 0};
  s->faults.push_back(cut);
  s->properties.eventually_leader = seconds(30);
  return s;
}

TEST(ExplorerConverge, SteadyRenewLoopsConvergeAndTheSearchIsExhausted) {
  const ExploreResult r = explore(two_candidates_crash_partition(), converging());
  EXPECT_FALSE(r.counterexample.has_value());
  EXPECT_EQ(r.stopped_by, ExploreStop::Exhausted);  // no horizon: every path closed a cycle
  EXPECT_GT(r.stats.cycles, 0u);
  // 24,238 before inert events were folded and unkeyed; 4,141 without the steady-regime lemma,
  // which closes the states where b renews alone and a's restarts cannot be told apart.
  EXPECT_EQ(r.stats.distinct, 4108u);
  EXPECT_GT(r.stats.steady_states, 0u);
  ExploreOptions without = converging();
  without.steady_regime = false;
  EXPECT_EQ(explore(two_candidates_crash_partition(), without).stats.distinct, 4141u);
  // Twin: without converge the same search can only stop at the horizon.
  EXPECT_EQ(explore(two_candidates_crash_partition(), jitter_max()).stopped_by, ExploreStop::Horizon);
}

TEST(ExplorerConverge, CanonicalFingerprintIsTheSameOneRenewCycleLater) {
  // b leads alone after a's crash; step one deterministic path far into the steady state.
  auto s = two_candidates_crash_partition();
  World w(s);
  w.set_bounds(TrueInstant(INT64_MAX), UINT64_MAX);
  struct Lowest final : Chooser {
    uint32_t pick(ChoiceKind, uint32_t, const ChoiceSubject&) override { return 0; }
    int64_t draw(ChoiceKind, int64_t lo, int64_t, const ChoiceSubject&) override { return lo; }
  } none;
  std::vector<std::pair<uint64_t, uint64_t>> seen;  // canonical, absolute
  for (int i = 0; i < 400; ++i) {
    ASSERT_EQ(w.step(none, nullptr), StepStatus::Stepped);
    if (i >= 300) seen.emplace_back(w.fingerprint(true), w.fingerprint());
  }
  bool repeated = false;
  for (size_t i = 0; i < seen.size(); ++i)
    for (size_t j = i + 1; j < seen.size(); ++j) {
      repeated |= seen[i].first == seen[j].first;
      EXPECT_NE(seen[i].second, seen[j].second);  // absolute time always differs
    }
  EXPECT_TRUE(repeated);
}

TEST(ExplorerConverge, LeaderlessCycleIsALivenessViolationWithALasso) {
  const ExploreResult r = explore(leader_cut_off_for_good(true), converging(kPointMin));
  ASSERT_TRUE(r.counterexample.has_value()) << explore_stop_name(r.stopped_by);
  const Counterexample& cx = *r.counterexample;
  EXPECT_EQ(cx.violated, std::vector<std::string>{"eventuallyLeader"});
  EXPECT_TRUE(cx.liveness);
  EXPECT_EQ(cx.cycle_steps, 3u);  // Get, its timeout, the jittered retry
  EXPECT_GT(cx.at, TrueInstant(seconds(40).ns));  // repeated past the window's end
  // The lasso replays step by step, and no one leads from the cycle on.
  auto replay = leader_cut_off_for_good(true);
  replay->duration = seconds(60);
  replay->explore.replay = cx.choices;
  const RunResult run = run_scenario(replay, replay->seed);
  for (const Leadership& l : run.world.history().leaderships) EXPECT_TRUE(l.end && *l.end <= cx.cycle_from);
}

TEST(ExplorerConverge, LeaderlessDeadEndIsALivenessViolation) {
  const ExploreResult r = explore(leader_cut_off_for_good(false), converging(kPointMin));
  ASSERT_TRUE(r.counterexample.has_value());
  EXPECT_TRUE(r.counterexample->liveness);
  EXPECT_EQ(r.counterexample->cycle_steps, 0u);  // the elector returned: nothing left to happen
  EXPECT_EQ(r.counterexample->violated, std::vector<std::string>{"eventuallyLeader"});
}

TEST(ExplorerConverge, LivenessHoldsWhenTheCutHeals) {
  // Twin of the two above: the cut ends after 20s, a takes the lease back and renews forever.
  auto s = leader_cut_off_for_good(true);
  s->faults[1].for_ = seconds(20);
  s->duration = seconds(70);
  const ExploreResult r = explore(s, converging(kPointMin));
  EXPECT_FALSE(r.counterexample.has_value()) << r.counterexample->messages[0];
  EXPECT_EQ(r.stopped_by, ExploreStop::Exhausted);
  EXPECT_GT(r.stats.liveness_components, 0u);
}

TEST(ExplorerConverge, SafetyViolationSettlesWithoutAnEndOfRun) {
  // client-go outside its tolerance (6s/5s, leader partitioned): found while b still leads,
  // because a's end can no longer be backdated before b's start.
  auto s = two_candidates_crash_partition();
  outside_tolerance(*s);
  ExploreOptions o = converging();
  o.jitter_points = kPointMin;
  const ExploreResult r = explore(s, o);
  ASSERT_TRUE(r.counterexample.has_value());
  EXPECT_EQ(r.counterexample->violated, std::vector<std::string>{"singleLeader"});
  EXPECT_FALSE(r.counterexample->at_end);
  auto replay = s;
  replay->explore.replay = r.counterexample->choices;
  EXPECT_EQ(run_scenario(replay, replay->seed).evaluation.violated, std::vector<std::string>{"singleLeader"});
}

TEST(ExplorerConverge, RefusesWhatTheCanonicalKeyCannotTellApart) {
  auto s = two_candidates_crash_partition();
  EXPECT_FALSE(converge_problem(*s).has_value());
  auto fast = two_candidates_crash_partition();
  std::get<ClientGoConfig>(fast->processes[1].model).retry_period = milliseconds(500);
  ASSERT_TRUE(converge_problem(*fast).has_value());
  EXPECT_NE(converge_problem(*fast)->find("retryPeriod"), std::string::npos);
  auto jump = two_candidates_crash_partition();
  FaultSpec j;
  j.at = seconds(4);
  j.type = FaultType::ClockJump;
  j.by = seconds(-1);
  j.target = FaultTarget{FaultTarget::Kind::Process, 0};
  jump->faults.push_back(j);
  EXPECT_TRUE(converge_problem(*jump).has_value());
  auto twins = two_candidates_crash_partition();
  twins->processes[1].identity = "a";
  EXPECT_TRUE(converge_problem(*twins).has_value());
}

// Two candidates that keep running, with latency choices, drift against each other, so a
// converge search does not close. Whatever the depth-first search met first (its path-length
// bound or the states bound), the report is the breadth-first search's: the same as a search
// that a depth bound makes breadth-first from the start.
// The two candidates with no fault, converge mode, latency at min and max: their loops drift.
std::shared_ptr<Scenario> two_candidates_no_fault() {
  auto s = two_candidates_crash_partition();
  s->faults.clear();
  return s;
}
ExploreOptions drifting() {
  ExploreOptions o;
  o.jitter_points = kPointMax;
  o.converge = true;
  o.max_states = 20000;
  return o;
}

TEST(Explorer, ASearchThatDoesNotCloseReportsTheBreadthFirstSearch) {
  const auto s = two_candidates_no_fault();
  ExploreOptions o = drifting();
  // The steady-regime lemma closes this search (one leader renewing, the other polling): off
  // here, so that it drifts. ASearchThatDriftsClosesWithTheSteadyRegimeLemma has it on.
  o.steady_regime = false;
  const ExploreResult handed = explore(s, o);
  o.max_depth = UINT64_MAX - 1;
  const ExploreResult breadth = explore(s, o);
  EXPECT_EQ(handed.stopped_by, ExploreStop::States);
  EXPECT_EQ(handed.stats.distinct, breadth.stats.distinct);
  EXPECT_EQ(handed.stats.transitions, breadth.stats.transitions);
  EXPECT_EQ(handed.stats.depth_reached, breadth.stats.depth_reached);
  EXPECT_EQ(handed.stats.peak_frontier, breadth.stats.peak_frontier);
  EXPECT_LT(handed.stats.depth_reached, 100u);  // breadth-first: short paths
}

// The same drifting search with the steady-regime lemma (explore/steady_regime.h): once one
// candidate renews and the other is sure to see it, the path is closed, so the search ends
// exhausted, verified for all time.
TEST(Explorer, ASearchThatDriftsClosesWithTheSteadyRegimeLemma) {
  const ExploreResult r = explore(two_candidates_no_fault(), drifting());
  EXPECT_EQ(r.stopped_by, ExploreStop::Exhausted);
  EXPECT_FALSE(r.counterexample.has_value());
  EXPECT_GT(r.stats.steady_states, 0u);
  EXPECT_LT(r.stats.distinct, 20000u);
}

}  // namespace
}  // namespace leasesim
