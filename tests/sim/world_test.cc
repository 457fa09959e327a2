// Tests of the World (sim/world.h): determinism, value semantics, the Chooser interface, the
// message path (latency, partitions, outages, timeouts, late commits), process faults (crash,
// restart, stop, pause, clockJump), quiesce, `leader` targets, bounds, and a golden trace.
//
// Most scenarios use a fixed API latency of 10 ms (min == max, so the World draws nothing) and
// tutorial-elector processes on a Lease created as the tutorial says (holderIdentity "",
// leaseDurationSeconds 30). With one process "a" starting at 0 the timeline is exact:
//   0      Get sent          10ms  Get at server      20ms  Get response: lease empty -> Update
//   30ms   Update commits    40ms  Update response: a leads (renewTime = wall(20ms) + 30s)
//   10.04s next iteration: Get; its response at 10.06s shows a's own deadline not yet passed,
//          so a "is not the leader": acting leadership ends, backdated to 10.04s.
//   20.06s, 30.08s: iterations; at 30.10s wall > 30.02s, so a takes the lease again.
#include "sim/world.h"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace leasesim {

// Prints instants as seconds in failure messages (found by ADL, so it lives in leasesim).
inline void PrintTo(const TrueInstant& t, std::ostream* os) { *os << format_seconds(t.ns) << "s"; }
inline void PrintTo(ProcStatus s, std::ostream* os) { *os << proc_status_name(s); }

namespace {

constexpr const char* kLeaseKey = "default/tutorial";
constexpr Duration kLatency = milliseconds(10);

TrueInstant at(Duration d) { return TrueInstant(d.ns); }
TrueInstant at_ms(int64_t ms) { return TrueInstant(milliseconds(ms).ns); }

std::shared_ptr<Scenario> make_scenario(Duration duration = seconds(60)) {
  auto s = std::make_shared<Scenario>();
  s->name = "world-test";
  s->duration = duration;
  s->api_server.latency = LatencyRange{kLatency, kLatency};
  InitialLease lease;
  lease.id = s->lease_id(kLeaseKey);
  lease.spec.holder_identity = "";
  lease.spec.lease_duration_seconds = 30;
  s->leases.push_back(lease);
  return s;
}

ProcessSpec& add_tutorial(Scenario& s, const std::string& name, Duration start = Duration(0),
                          TutorialConfig config = {}) {
  ProcessSpec p;
  p.name = name;
  p.identity = name;
  p.model = config;
  p.lease = s.lease_id(kLeaseKey);
  p.start = start;
  s.processes.push_back(p);
  return s.processes.back();
}

FaultTarget process_target(uint32_t p) { return FaultTarget{FaultTarget::Kind::Process, p}; }
FaultTarget leader_target() { return FaultTarget{FaultTarget::Kind::Leader, 0}; }

FaultSpec& add_fault(Scenario& s, FaultType type, Duration when, FaultTarget target = {},
                     std::optional<Duration> window = std::nullopt) {
  FaultSpec f;
  f.type = type;
  f.at = when;
  f.target = target;
  f.for_ = window;
  s.faults.push_back(f);
  return s.faults.back();
}

TutorialConfig tolerant(Duration timeout) {
  TutorialConfig c;
  c.crash_on_error = false;
  c.request_timeout = timeout;
  return c;
}

// Resolves ties and draws from a script (defaults: pick 0, draw lo) and records every call.
class ScriptedChooser final : public Chooser {
 public:
  struct Call {
    ChoiceKind kind;
    uint32_t n = 0;   // pick
    int64_t lo = 0;   // draw
    int64_t hi = 0;   // draw
    int64_t answer = 0;
    std::string label;  // what the World says the choice decides (ChoiceSubject::describe)
  };

  ScriptedChooser(std::vector<uint32_t> picks = {}, std::vector<int64_t> draws = {})
      : picks_(std::move(picks)), draws_(std::move(draws)) {}

  uint32_t pick(ChoiceKind kind, uint32_t n, const ChoiceSubject& what) override {
    const uint32_t answer = next_pick_ < picks_.size() ? picks_[next_pick_] : 0;
    ++next_pick_;
    calls.push_back(Call{kind, n, 0, 0, answer, what.describe(answer)});
    return answer;
  }
  int64_t draw(ChoiceKind kind, int64_t lo, int64_t hi, const ChoiceSubject& what) override {
    const int64_t answer = next_draw_ < draws_.size() ? draws_[next_draw_] : lo;
    ++next_draw_;
    calls.push_back(Call{kind, 0, lo, hi, answer, what.describe(answer)});
    return answer;
  }

  std::vector<Call> calls;

 private:
  std::vector<uint32_t> picks_;
  std::vector<int64_t> draws_;
  size_t next_pick_ = 0;
  size_t next_draw_ = 0;
};

// A RandomChooser that also records what it was asked and answered.
class RecordingChooser final : public Chooser {
 public:
  explicit RecordingChooser(uint64_t seed) : inner_(seed) {}
  uint32_t pick(ChoiceKind kind, uint32_t n, const ChoiceSubject& what) override {
    const uint32_t a = inner_.pick(kind, n, what);
    calls.push_back(ScriptedChooser::Call{kind, n, 0, 0, a, what.describe(a)});
    return a;
  }
  int64_t draw(ChoiceKind kind, int64_t lo, int64_t hi, const ChoiceSubject& what) override {
    const int64_t a = inner_.draw(kind, lo, hi, what);
    calls.push_back(ScriptedChooser::Call{kind, 0, lo, hi, a, what.describe(a)});
    return a;
  }
  std::vector<ScriptedChooser::Call> calls;

 private:
  RandomChooser inner_;
};

struct Ran {
  World world;
  std::string trace;
  uint64_t hash = 0;
  StepStatus status = StepStatus::Stepped;
};

Ran run_world(std::shared_ptr<const Scenario> s, Chooser& chooser) {
  std::ostringstream out;
  Trace trace(&out);
  World world(std::move(s));
  const StepStatus status = world.run(chooser, &trace);
  const uint64_t hash = trace.hash();  // flushes the lines into `out` too
  return Ran{std::move(world), out.str(), hash, status};
}

Ran run_world(std::shared_ptr<const Scenario> s, uint64_t seed = 1) {
  RandomChooser chooser(seed);
  return run_world(std::move(s), chooser);
}

// Steps while the World's clock is before `t` (the event that reaches `t` or later fires too).
void step_while_before(World& world, TrueInstant t, Chooser& chooser, Trace* trace = nullptr) {
  while (world.now() < t && world.step(chooser, trace) == StepStatus::Stepped) {
  }
}

std::vector<nlohmann::json> lines_of(const std::string& trace) {
  std::vector<nlohmann::json> out;
  std::istringstream in(trace);
  std::string line;
  while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line));
  return out;
}

// Trace lines of one type (and, when given, one process).
std::vector<nlohmann::json> lines_where(const std::string& trace, const std::string& type, const std::string& proc = "") {
  std::vector<nlohmann::json> out;
  for (auto& j : lines_of(trace))
    if (j["type"] == type && (proc.empty() || (j.contains("proc") && j["proc"] == proc))) out.push_back(j);
  return out;
}


// Three replicas with random latency and a few faults: enough nondeterminism that every seed
// gives a different run.
std::shared_ptr<Scenario> busy_scenario() {
  auto s = make_scenario(seconds(120));
  s->api_server.latency = LatencyRange{milliseconds(1), milliseconds(50)};
  add_tutorial(*s, "a", Duration(0), tolerant(seconds(2)));
  add_tutorial(*s, "b", seconds(3), tolerant(seconds(2)));
  add_tutorial(*s, "c", seconds(6)).clock.offset = seconds(4);
  add_fault(*s, FaultType::Crash, seconds(35), leader_target());
  add_fault(*s, FaultType::Restart, seconds(40), process_target(0));
  add_fault(*s, FaultType::Pause, seconds(50), process_target(1), seconds(15));
  add_fault(*s, FaultType::Partition, seconds(70), process_target(2), seconds(10)).direction = Direction::Requests;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Determinism and value semantics

TEST(WorldDeterminism, SameSeedGivesSameTraceFingerprintAndHistory) {
  const auto s = busy_scenario();
  const Ran first = run_world(s, 7);
  const Ran second = run_world(s, 7);
  EXPECT_EQ(first.trace, second.trace);
  EXPECT_EQ(first.hash, second.hash);
  EXPECT_EQ(first.world.fingerprint(), second.world.fingerprint());
  EXPECT_EQ(first.world.history(), second.world.history());
  EXPECT_EQ(first.world.events_processed(), second.world.events_processed());
  EXPECT_FALSE(first.world.history().leaderships.empty());  // not vacuous: something happened
}

TEST(WorldDeterminism, DifferentSeedsGiveDifferentRuns) {
  // Every request draws its latency, so two seeds practically never give the same trace.
  const auto s = busy_scenario();
  std::set<uint64_t> hashes, fingerprints;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    const Ran r = run_world(s, seed);
    hashes.insert(r.hash);
    fingerprints.insert(r.world.fingerprint());
  }
  EXPECT_EQ(hashes.size(), 10u);
  EXPECT_EQ(fingerprints.size(), 10u);
}

TEST(WorldDeterminism, TraceHashDoesNotDependOnTheStream) {
  const auto s = busy_scenario();
  RandomChooser c1(3), c2(3);
  World w1(s), w2(s);
  std::ostringstream out;
  Trace with(&out), without;
  w1.run(c1, &with);
  w2.run(c2, &without);
  EXPECT_EQ(with.hash(), without.hash());
  // Running without any Trace at all gives the same world.
  World w3(s);
  RandomChooser c3(3);
  w3.run(c3, nullptr);
  EXPECT_EQ(w3.fingerprint(), w1.fingerprint());
  EXPECT_EQ(w3.history(), w1.history());
}

TEST(WorldValue, CopiesSteppedWithIdenticalChoosersStayIdentical) {
  const auto s = busy_scenario();
  World original(s);
  RandomChooser warmup(11);
  for (int i = 0; i < 60; ++i) ASSERT_EQ(original.step(warmup, nullptr), StepStatus::Stepped);
  World copy = original;
  EXPECT_EQ(copy.fingerprint(), original.fingerprint());

  RandomChooser c1(5), c2(5);
  Trace t1, t2;
  for (;;) {
    const StepStatus s1 = original.step(c1, &t1);
    const StepStatus s2 = copy.step(c2, &t2);
    ASSERT_EQ(s1, s2);
    ASSERT_EQ(original.fingerprint(), copy.fingerprint()) << "diverged at " << original.now().ns;
    if (s1 != StepStatus::Stepped) break;
  }
  EXPECT_EQ(t1.hash(), t2.hash());
  EXPECT_EQ(original.history(), copy.history());
}

TEST(WorldValue, SteppingACopyLeavesTheOriginalUntouched) {
  const auto s = busy_scenario();
  World original(s);
  RandomChooser chooser(2);
  for (int i = 0; i < 30; ++i) original.step(chooser, nullptr);
  const uint64_t before = original.fingerprint();
  const History history_before = original.history();
  const TrueInstant now_before = original.now();

  World copy = original;
  RandomChooser other(99);
  copy.run(other, nullptr);
  EXPECT_NE(copy.fingerprint(), before);
  EXPECT_EQ(original.fingerprint(), before);
  EXPECT_EQ(original.history(), history_before);
  EXPECT_EQ(original.now(), now_before);

  // And the original can still go on: a copy assigned back continues like the original would.
  World again = original;
  RandomChooser c1(4), c2(4);
  original.run(c1, nullptr);
  again.run(c2, nullptr);
  EXPECT_EQ(again.fingerprint(), original.fingerprint());
}

// ---------------------------------------------------------------------------------------------
// Choices

TEST(WorldChoices, TiesAtOneInstantArePickedByTheChooser) {
  auto s = make_scenario(milliseconds(5));
  add_tutorial(*s, "a");
  add_tutorial(*s, "b");
  add_tutorial(*s, "c");
  // Three starts are due at t=0: the first pick is among 3 (in insertion order a, b, c), the
  // next among the 2 left. Latency is fixed, so nothing is drawn.
  ScriptedChooser chooser({2, 1});
  const Ran r = run_world(s, chooser);
  ASSERT_EQ(chooser.calls.size(), 2u);
  EXPECT_EQ(chooser.calls[0].kind, ChoiceKind::Tie);
  EXPECT_EQ(chooser.calls[0].n, 3u);
  EXPECT_EQ(chooser.calls[1].kind, ChoiceKind::Tie);
  EXPECT_EQ(chooser.calls[1].n, 2u);
  const auto started = lines_where(r.trace, "process");
  ASSERT_EQ(started.size(), 3u);
  // pick 2 of [a, b, c] = c; pick 1 of [a, b] = b; then a alone.
  EXPECT_EQ(started[0]["proc"], "c");
  EXPECT_EQ(started[1]["proc"], "b");
  EXPECT_EQ(started[2]["proc"], "a");
}

TEST(WorldChoices, NoChoiceIsAskedWithoutAlternatives) {
  auto s = make_scenario(seconds(40));
  add_tutorial(*s, "a");
  ScriptedChooser chooser;
  run_world(s, chooser);
  // One process, fixed latency, a timer without jitter: nothing to choose.
  EXPECT_TRUE(chooser.calls.empty());
}

// Two replicas start together with equal latency: their Updates reach the server at the same
// instant (30ms), and the tie there decides who wins; the loser gets 409 and dies (the tutorial
// does not catch errors).
uint32_t race_winner(std::vector<uint32_t> picks, World* out = nullptr) {
  auto s = make_scenario(seconds(1));
  add_tutorial(*s, "a");
  add_tutorial(*s, "b");
  ScriptedChooser chooser(std::move(picks));
  Ran r = run_world(s, chooser);
  // Ties: t=0 starts, 10ms Gets at the server, 20ms Get responses, 30ms Updates, 40ms responses.
  EXPECT_GE(chooser.calls.size(), 4u);
  for (const auto& c : chooser.calls) EXPECT_EQ(c.kind, ChoiceKind::Tie);
  const auto& writes = r.world.history().writes;
  EXPECT_EQ(writes.size(), 1u);
  if (out) *out = r.world;
  return writes.empty() ? 99 : writes[0].proc;
}

TEST(WorldChoices, TheTieBetweenTwoUpdatesDecidesWhoWins) {
  World world(make_scenario());
  const uint32_t first = race_winner({0, 0, 0, 0}, &world);
  EXPECT_EQ(first, 0u);
  EXPECT_EQ(world.process(1).status, ProcStatus::Crashed);  // 409 raised
  EXPECT_EQ(world.process(0).status, ProcStatus::Running);
  EXPECT_EQ(world.api_count(Verb::Update, ApiResult::Conflict), 1u);
  const uint32_t second = race_winner({0, 0, 0, 1}, &world);
  EXPECT_EQ(second, 1u);
  EXPECT_EQ(world.process(0).status, ProcStatus::Crashed);
}

TEST(WorldChoices, LatencyDrawsStayWithinTheConfiguredRanges) {
  auto s = make_scenario(seconds(60));
  s->api_server.latency = LatencyRange{milliseconds(1), milliseconds(50)};
  add_tutorial(*s, "a");
  add_tutorial(*s, "b", seconds(3));
  FaultSpec& slow = add_fault(*s, FaultType::ApiServerSlow, seconds(20), {}, seconds(15));
  slow.latency = LatencyRange{seconds(2), seconds(3)};
  RecordingChooser chooser(21);
  const Ran r = run_world(s, chooser);
  int normal = 0, slowed = 0;
  for (const auto& c : chooser.calls) {
    if (c.kind != ChoiceKind::Latency) continue;
    EXPECT_GE(c.answer, c.lo);
    EXPECT_LE(c.answer, c.hi);
    if (c.lo == milliseconds(1).ns && c.hi == milliseconds(50).ns) ++normal;
    else if (c.lo == seconds(2).ns && c.hi == seconds(3).ns) ++slowed;
    else ADD_FAILURE() << "unexpected latency range " << c.lo << ".." << c.hi;
  }
  EXPECT_GT(normal, 10);
  EXPECT_GT(slowed, 2);
  // Round trips seen in the trace are two draws: within [2 min, 2 max] of the range in force.
  for (const auto& j : lines_where(r.trace, "api")) {
    const double rtt = j["t"].get<double>() - j["sent"].get<double>();
    const double sent = j["sent"].get<double>();
    if (sent < 20 - 0.1 && j["t"].get<double>() < 20) {
      EXPECT_GE(rtt, 0.002 - 1e-9) << j;
      EXPECT_LE(rtt, 0.100 + 1e-9) << j;
    } else if (sent >= 20 && j["t"].get<double>() < 35) {
      EXPECT_GE(rtt, 4 - 1e-9) << j;
      EXPECT_LE(rtt, 6 + 1e-9) << j;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The message path: partitions, outages, timeouts, late commits

TEST(WorldNetwork, RequestsPartitionLetsNoWriteCommit) {
  auto s = make_scenario(seconds(40));
  add_tutorial(*s, "a", seconds(1), tolerant(seconds(2)));
  add_fault(*s, FaultType::Partition, Duration(0), process_target(0), seconds(24)).direction = Direction::Requests;
  const Ran r = run_world(s);
  // Iterations at 1s and 13s send Gets that never arrive: each times out after 2s, the loop
  // goes on (crashOnError false). At 25s the link is back and a takes the lease.
  EXPECT_EQ(r.world.api_count(Verb::Get, ApiResult::Timeout), 2u);
  EXPECT_EQ(r.world.api_count(Verb::Get, ApiResult::Ok), 2u);  // 25s and 35.04s
  const auto& writes = r.world.history().writes;
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].t, at(seconds(25) + milliseconds(30)));
  EXPECT_FALSE(writes[0].late);
  // Each lost Get has a line when the partition drops it (1.01s), then its timeout (3s).
  const auto api = lines_where(r.trace, "api", "a");
  ASSERT_GE(api.size(), 4u);
  EXPECT_EQ(api[0]["result"], "lost");
  EXPECT_EQ(api[0]["t"], 1.01);
  EXPECT_EQ(api[0]["call"], 1);
  EXPECT_EQ(api[0]["leg"], "request");
  EXPECT_EQ(api[0]["why"], "partition");
  EXPECT_EQ(api[0]["applied"], false);
  EXPECT_TRUE(api[0]["rv"].is_null());
  EXPECT_EQ(api[1]["result"], "timeout");
  EXPECT_EQ(api[1]["call"], 1);
  EXPECT_EQ(api[1]["t"], 3);
  EXPECT_EQ(api[1]["applied"], false);
  EXPECT_TRUE(api[1]["rv"].is_null());
  EXPECT_EQ(api[2]["result"], "lost");
  EXPECT_EQ(api[2]["call"], 2);
  // Lost lines are not outcomes the client learned: the counts above hold timeouts only.
  EXPECT_EQ(r.world.api_count(Verb::Get, ApiResult::Cancelled), 0u);
}

TEST(WorldNetwork, ResponsesPartitionCommitsTheWriteButTheClientTimesOut) {
  auto s = make_scenario(seconds(5));
  TutorialConfig config;
  config.request_timeout = milliseconds(500);  // crashOnError stays true
  add_tutorial(*s, "a", Duration(0), config);
  // Starts after the Get response got through (20ms), before the Update's response (40ms).
  add_fault(*s, FaultType::Partition, milliseconds(25), process_target(0), seconds(1)).direction = Direction::Responses;
  const Ran r = run_world(s);
  const auto& writes = r.world.history().writes;
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].t, at_ms(30));
  EXPECT_FALSE(writes[0].late);  // the client was still waiting when it committed
  ASSERT_TRUE(writes[0].after);
  EXPECT_EQ(writes[0].after->holder_identity, "a");
  // The client never learned: a timeout at 20ms + 500ms that says the server applied it, then
  // the tutorial raises and the process dies without ever having led.
  // The response is dropped at 40ms (a `lost` line that still shows the committed rv), then
  // the client's timeout.
  const auto api = lines_where(r.trace, "api", "a");
  ASSERT_EQ(api.size(), 3u);
  EXPECT_EQ(api[1]["verb"], "update");
  EXPECT_EQ(api[1]["result"], "lost");
  EXPECT_EQ(api[1]["leg"], "response");
  EXPECT_EQ(api[1]["why"], "partition");
  EXPECT_EQ(api[1]["applied"], true);
  EXPECT_EQ(api[1]["rv"], 2);
  EXPECT_EQ(api[1]["t"], 0.04);
  EXPECT_EQ(api[2]["verb"], "update");
  EXPECT_EQ(api[2]["result"], "timeout");
  EXPECT_EQ(api[2]["applied"], true);
  EXPECT_EQ(api[2]["t"], 0.52);
  EXPECT_EQ(api[2]["sent"], 0.02);
  EXPECT_EQ(r.world.process(0).status, ProcStatus::Crashed);
  EXPECT_TRUE(r.world.history().leaderships.empty());
  EXPECT_EQ(r.world.api_server().lease(0)->spec.holder_identity, "a");
}

TEST(WorldNetwork, WriteThatArrivesAfterTheClientGaveUpIsMarkedLate) {
  auto s = make_scenario(seconds(12));
  add_tutorial(*s, "a", Duration(0), tolerant(seconds(1)));
  // The Update is sent at 20ms, after the slowdown began at 15ms: it draws 2s and reaches the
  // server at 2.02s, an second after the client's 1s timeout at 1.02s.
  add_fault(*s, FaultType::ApiServerSlow, milliseconds(15), {}, seconds(5)).latency = LatencyRange{seconds(2), seconds(2)};
  const Ran r = run_world(s);
  const auto& writes = r.world.history().writes;
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].t, at(seconds(2) + milliseconds(20)));
  EXPECT_TRUE(writes[0].late);
  const auto lease_lines = lines_where(r.trace, "lease");
  ASSERT_EQ(lease_lines.size(), 1u);
  EXPECT_EQ(lease_lines[0]["late"], true);
  const auto api = lines_where(r.trace, "api", "a");
  ASSERT_GE(api.size(), 2u);
  EXPECT_EQ(api[1]["result"], "timeout");
  EXPECT_EQ(api[1]["t"], 1.02);
  EXPECT_EQ(api[1]["applied"], false);  // not yet committed when the client gave up
  // The holder in the store is a, but a never acted as leader for that write.
  EXPECT_TRUE(r.world.history().leaderships.empty());
}

TEST(WorldNetwork, RefusingOutageAnswersUnavailable) {
  auto s = make_scenario(seconds(30));
  add_tutorial(*s, "a", seconds(1), tolerant(seconds(2)));
  add_fault(*s, FaultType::ApiServerOutage, Duration(0), {}, seconds(20)).mode = OutageMode::Refuse;
  const Ran r = run_world(s);
  // Gets at 1s and 11.02s are refused at once (answered in one round trip), then 21.04s works.
  EXPECT_EQ(r.world.api_count(Verb::Get, ApiResult::Unavailable), 2u);
  EXPECT_EQ(r.world.api_count(Verb::Get, ApiResult::Timeout), 0u);
  const auto api = lines_where(r.trace, "api", "a");
  ASSERT_GE(api.size(), 1u);
  EXPECT_EQ(api[0]["result"], "unavailable");
  EXPECT_EQ(api[0]["t"], 1.02);
  ASSERT_EQ(r.world.history().writes.size(), 1u);
  EXPECT_GE(r.world.history().writes[0].t, at(seconds(20)));
}

TEST(WorldNetwork, BlackholeOutageLosesRequests) {
  auto s = make_scenario(seconds(30));
  add_tutorial(*s, "a", seconds(1), tolerant(seconds(2)));
  add_fault(*s, FaultType::ApiServerOutage, Duration(0), {}, seconds(20)).mode = OutageMode::Blackhole;
  const Ran r = run_world(s);
  // Nothing comes back: the client learns only from its own timeout (1s + 2s, 13s + 2s).
  EXPECT_EQ(r.world.api_count(Verb::Get, ApiResult::Unavailable), 0u);
  EXPECT_EQ(r.world.api_count(Verb::Get, ApiResult::Timeout), 2u);
  std::vector<nlohmann::json> lost, timeouts;
  for (const auto& j : lines_where(r.trace, "api", "a")) (j["result"] == "lost" ? lost : timeouts).push_back(j);
  ASSERT_GE(timeouts.size(), 2u);
  EXPECT_EQ(timeouts[0]["t"], 3);
  EXPECT_EQ(timeouts[1]["t"], 15);
  // Each was dropped on arrival at the server, with a line saying so.
  ASSERT_EQ(lost.size(), 2u);
  EXPECT_EQ(lost[0]["t"], 1.01);
  EXPECT_EQ(lost[0]["why"], "blackhole");
  EXPECT_EQ(lost[1]["t"], 13.01);
  ASSERT_EQ(r.world.history().writes.size(), 1u);
  EXPECT_EQ(r.world.history().writes[0].t, at(seconds(25) + milliseconds(30)));
}

TEST(WorldNetwork, BlackholeWithoutClientTimeoutHangsTheLoopForever) {
  // The Python client's default has no timeout: one lost request stops the tutorial loop.
  auto s = make_scenario(seconds(60));
  add_tutorial(*s, "a", seconds(1));
  add_fault(*s, FaultType::ApiServerOutage, Duration(0), {}, seconds(5)).mode = OutageMode::Blackhole;
  const Ran r = run_world(s);
  // The one request is dropped (a `lost` line) and the client never hears anything.
  const auto api = lines_where(r.trace, "api");
  ASSERT_EQ(api.size(), 1u);
  EXPECT_EQ(api[0]["result"], "lost");
  EXPECT_EQ(api[0]["why"], "blackhole");
  EXPECT_TRUE(r.world.history().writes.empty());
  EXPECT_EQ(r.world.process(0).status, ProcStatus::Running);
}

// ---------------------------------------------------------------------------------------------
// Process faults

TEST(WorldProcess, PauseDefersEventsToResumeAndTheLeaderKeepsActing) {
  auto s = make_scenario(seconds(40));
  add_tutorial(*s, "a");
  add_fault(*s, FaultType::Pause, seconds(5), process_target(0), seconds(20));
  World world(s);
  RandomChooser chooser(1);
  std::ostringstream out;
  Trace trace(&out);
  // The loop timer is due at 10.04s: while paused it is held, so a still acts as leader.
  step_while_before(world, at(seconds(10) + milliseconds(40)), chooser, &trace);
  EXPECT_EQ(world.process(0).deferred.size(), 1u);
  EXPECT_EQ(world.acting_leader(0), std::optional<uint32_t>(0));
  world.run(chooser, &trace);
  // At resume (25s) the held timer fires; its iteration does not write (the deadline 30.02s has
  // not passed), so leadership ends at that iteration's start: the resume instant.
  const auto& leaderships = world.history().leaderships;
  ASSERT_GE(leaderships.size(), 1u);
  EXPECT_EQ(leaderships[0].start, at_ms(40));
  EXPECT_EQ(leaderships[0].end, at(seconds(25)));
  EXPECT_EQ(leaderships[0].end_cause, "not renewed");
  // Nothing of a's happens in the trace while it is paused.
  trace.flush();
  for (const auto& j : lines_of(out.str())) {
    if (j.contains("proc") && j["proc"] == "a" && j["type"] != "fault") {
      const double t = j["t"].get<double>();
      EXPECT_FALSE(t > 5 && t < 25) << j;
    }
  }
  const auto api = lines_where(out.str(), "api", "a");
  ASSERT_GE(api.size(), 3u);
  EXPECT_EQ(api[2]["sent"], 25);  // the held timer fired at resume
}

// a's Get response arrives at 20ms and its 1s client timeout passes at 1s, both while a is
// paused (5ms..2.005s). At resume both are held; the response was due first.
std::shared_ptr<Scenario> paused_response_then_timeout() {
  auto s = make_scenario(seconds(3));
  TutorialConfig config;
  config.request_timeout = seconds(1);  // crashOnError: a timeout kills the process
  add_tutorial(*s, "a", Duration(0), config);
  add_fault(*s, FaultType::Pause, milliseconds(5), process_target(0), seconds(2));
  return s;
}

TEST(WorldProcess, HeldEventsDeliveredInDueOrderAtResume) {
  ScriptedChooser chooser({0});
  const Ran r = run_world(paused_response_then_timeout(), chooser);
  // The two held events reach the same instant, a tie; pick 0 is the response (it was due
  // first): a writes the lease and the (stale) timeout is ignored. The twin of
  // HeldResponseAndDeadlineOfOneRequestAreATieAtResume.
  EXPECT_EQ(r.world.process(0).status, ProcStatus::Running);
  const auto api = lines_where(r.trace, "api", "a");
  ASSERT_GE(api.size(), 1u);
  EXPECT_EQ(api[0]["result"], "ok");
  EXPECT_EQ(api[0]["t"], 2.005);
  EXPECT_EQ(r.world.history().writes.size(), 1u);
}

// Issue 12 (API server fidelity): a response and the client deadline of the same request, both
// due while the process was paused, are both ready at resume; which one the client sees first
// is a tie choice (Go's select among ready cases), so `check` explores both. Pick 1 delivers the
// timeout first: the tutorial raises on it and dies, and the late response reaches nobody.
TEST(WorldProcess, HeldResponseAndDeadlineOfOneRequestAreATieAtResume) {
  ScriptedChooser chooser({1});
  const Ran r = run_world(paused_response_then_timeout(), chooser);
  ASSERT_EQ(chooser.calls.size(), 1u);
  EXPECT_EQ(chooser.calls[0].kind, ChoiceKind::Tie);
  EXPECT_EQ(chooser.calls[0].n, 2u);
  EXPECT_EQ(chooser.calls[0].label, "first: a stops waiting for a's get #1");
  EXPECT_EQ(r.world.process(0).status, ProcStatus::Crashed);
  const auto api = lines_where(r.trace, "api", "a");
  ASSERT_GE(api.size(), 1u);
  EXPECT_EQ(api[0]["result"], "timeout");
  EXPECT_EQ(api[0]["t"], 2.005);
  EXPECT_TRUE(r.world.history().writes.empty());
}

// The twin: only the pair of one request is a tie. Without a client deadline the held response
// is alone at resume: no choice is asked, and the response arrives at the resume instant.
TEST(WorldProcess, AHeldResponseWithoutItsDeadlineIsNoChoice) {
  auto s = make_scenario(seconds(3));
  add_tutorial(*s, "a", Duration(0));  // no request timeout
  add_fault(*s, FaultType::Pause, milliseconds(5), process_target(0), seconds(2));
  ScriptedChooser chooser({1});
  const Ran r = run_world(s, chooser);
  for (const auto& c : chooser.calls) EXPECT_NE(c.kind, ChoiceKind::Tie) << c.label;
  const auto api = lines_where(r.trace, "api", "a");
  ASSERT_GE(api.size(), 1u);
  EXPECT_EQ(api[0]["result"], "ok");
  EXPECT_EQ(api[0]["t"], 2.005);
}

TEST(WorldProcess, PausedLeaderOverlapsTheNextLeader) {
  // The classic GC-pause story: b takes the expired lease while a is paused and still believes
  // it leads; a learns only after it resumes.
  auto s = make_scenario(seconds(60));
  add_tutorial(*s, "a");
  add_tutorial(*s, "b", seconds(1));
  add_fault(*s, FaultType::Pause, seconds(5), process_target(0), seconds(40));
  const Ran r = run_world(s);
  const auto& ls = r.world.history().leaderships;
  ASSERT_GE(ls.size(), 2u);
  EXPECT_EQ(ls[0].proc, 0u);
  EXPECT_EQ(ls[0].end, at(seconds(45)));
  EXPECT_EQ(ls[1].proc, 1u);
  EXPECT_LT(ls[1].start, at(seconds(45)));  // overlap
  EXPECT_GT(ls[1].start, at(seconds(30)));  // b waited for a's deadline (30.02s wall)
}

TEST(WorldProcess, CrashEndsLeadershipAndDropsResponsesToTheOldIncarnation) {
  auto s = make_scenario(seconds(40));
  add_tutorial(*s, "a");
  // 10.04s: a's Get is sent; 10.05s it reaches the server; its response would arrive at 10.06s.
  add_fault(*s, FaultType::Crash, seconds(10) + milliseconds(45), process_target(0));
  add_fault(*s, FaultType::Restart, seconds(10) + milliseconds(52), process_target(0));
  const Ran r = run_world(s);
  const auto& ls = r.world.history().leaderships;
  ASSERT_GE(ls.size(), 1u);
  EXPECT_EQ(ls[0].end, at(seconds(10) + milliseconds(45)));
  EXPECT_EQ(ls[0].end_cause, "crash");
  const auto crashed = lines_where(r.trace, "process", "a");
  ASSERT_GE(crashed.size(), 3u);
  EXPECT_EQ(crashed[1]["state"], "crashed");
  EXPECT_EQ(crashed[1]["cause"], "crash");
  EXPECT_EQ(crashed[2]["state"], "started");
  EXPECT_EQ(crashed[2]["incarnation"], 3);  // a crash bumps the incarnation, and so does a start
  // Between the crash and 10.1s the only answer a sees is for the new incarnation's Get.
  int answers = 0;
  for (const auto& j : lines_where(r.trace, "api", "a")) {
    const double t = j["t"].get<double>();
    if (t > 10.045 && t < 10.1) {
      ++answers;
      EXPECT_EQ(j["sent"], 10.052) << j;
    }
  }
  EXPECT_EQ(answers, 1);
}

TEST(WorldProcess, RestartBringsAFreshModelWithTheSameIdentity) {
  auto s = make_scenario(seconds(60));
  add_tutorial(*s, "a").identity = "pod-x";
  add_fault(*s, FaultType::Crash, seconds(5), process_target(0));
  add_fault(*s, FaultType::Restart, seconds(7), process_target(0));
  World world(s);
  RandomChooser chooser(1);
  step_while_before(world, at(seconds(7)), chooser);
  // The restarted model has lost its state: it does not believe it leads, though the Lease
  // still names its identity.
  ASSERT_TRUE(world.process(0).model.has_value());
  const auto& model = std::get<TutorialElector>(*world.process(0).model);
  EXPECT_FALSE(model.is_leader());
  EXPECT_EQ(model.identity(), "pod-x");
  EXPECT_EQ(world.process(0).status, ProcStatus::Running);
  EXPECT_FALSE(world.process(0).acting);
  world.run(chooser, nullptr);
  // It re-acquires after the old deadline with the same holderIdentity.
  const auto& writes = world.history().writes;
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_EQ(writes[0].after->holder_identity, "pod-x");
  EXPECT_EQ(writes[1].after->holder_identity, "pod-x");
  EXPECT_GT(writes[1].t, at(seconds(30)));
  ASSERT_EQ(world.history().leaderships.size(), 2u);
  EXPECT_EQ(world.history().leaderships[0].end, at(seconds(5)));
}

TEST(WorldProcess, RestartOfARunningProcessIsSkipped) {
  auto s = make_scenario(seconds(10));
  add_tutorial(*s, "a");
  add_fault(*s, FaultType::Restart, seconds(5), process_target(0));
  const Ran r = run_world(s);
  ASSERT_EQ(r.world.history().faults.size(), 1u);
  EXPECT_EQ(r.world.history().faults[0].skipped, "process is running");
  EXPECT_EQ(r.world.process(0).incarnation, 1u);
}

TEST(WorldProcess, StopExitsAndEndsLeadership) {
  auto s = make_scenario(seconds(60));
  add_tutorial(*s, "a");
  add_fault(*s, FaultType::Stop, seconds(5), process_target(0));
  const Ran r = run_world(s);
  EXPECT_EQ(r.world.process(0).status, ProcStatus::Stopped);
  EXPECT_FALSE(r.world.process(0).model.has_value());
  const auto& ls = r.world.history().leaderships;
  ASSERT_EQ(ls.size(), 1u);
  EXPECT_EQ(ls[0].end, at(seconds(5)));
  EXPECT_EQ(ls[0].end_cause, "stopped");
  const auto proc_lines = lines_where(r.trace, "process", "a");
  ASSERT_EQ(proc_lines.size(), 2u);
  EXPECT_EQ(proc_lines[1]["state"], "exited");
  EXPECT_EQ(proc_lines[1]["t"], 5);
  // The loop timer was cancelled: no request after the stop.
  for (const auto& j : lines_where(r.trace, "api", "a")) EXPECT_LT(j["t"].get<double>(), 5) << j;
  // A second stop finds nothing to stop.
  auto twice = make_scenario(seconds(10));
  add_tutorial(*twice, "a");
  add_fault(*twice, FaultType::Stop, seconds(2), process_target(0));
  add_fault(*twice, FaultType::Stop, seconds(3), process_target(0));
  const Ran r2 = run_world(twice);
  EXPECT_EQ(r2.world.history().faults[1].skipped, "process is stopped");
}

TEST(WorldProcess, ClockJumpMovesTheWallClockOnly) {
  auto s = make_scenario(seconds(40));
  add_tutorial(*s, "a");
  add_tutorial(*s, "b", seconds(3));
  add_fault(*s, FaultType::ClockJump, seconds(5), process_target(1)).by = seconds(60);
  const Ran r = run_world(s);
  const ProcessRuntime& b = r.world.process(1);
  EXPECT_EQ(b.clock.jumps(), seconds(60));
  EXPECT_EQ(b.clock.mono(r.world.now()).ns, r.world.now().ns);
  EXPECT_EQ(b.clock.wall(r.world.now()), s->start_time + seconds(60) + Duration(r.world.now().ns));
  // b's loop keeps its monotonic schedule (3s, 13.02s, ...), but at 13.04s its wall clock reads
  // 73.04s, past a's deadline (30.02s): it takes the lease early and writes a deadline 30s after
  // its own jumped wall time.
  const auto api = lines_where(r.trace, "api", "b");
  ASSERT_GE(api.size(), 2u);
  EXPECT_EQ(api[0]["sent"], 3);
  EXPECT_EQ(api[1]["sent"], 13.02);
  const auto& writes = r.world.history().writes;
  ASSERT_GE(writes.size(), 2u);
  EXPECT_EQ(writes[1].proc, 1u);
  EXPECT_EQ(writes[1].t, at(seconds(13) + milliseconds(50)));
  EXPECT_EQ(writes[1].after->renew_time, s->start_time + seconds(13) + milliseconds(40) + seconds(60) + seconds(30));
  // A clock jump does not hit any acting leader (it opens no failover episode).
  EXPECT_TRUE(r.world.history().faults[0].acting_leaders_hit.empty());
}

TEST(WorldProcess, ClockOffsetIsVisibleInWrittenRenewTime) {
  auto s = make_scenario(seconds(5));
  add_tutorial(*s, "a").clock.offset = seconds(-7);
  const Ran r = run_world(s);
  ASSERT_EQ(r.world.history().writes.size(), 1u);
  // renewTime = local wall at the Get response (20ms, minus 7s) + 30s.
  EXPECT_EQ(r.world.history().writes[0].after->renew_time, s->start_time + milliseconds(20) - seconds(7) + seconds(30));
  const auto lease = lines_where(r.trace, "lease");
  ASSERT_EQ(lease.size(), 1u);
  EXPECT_EQ(lease[0]["renewTime"], "2026-01-01T00:00:23.020000Z");
}

// ---------------------------------------------------------------------------------------------
// Quiesce

TEST(WorldQuiesce, ExtendsLeadershipAfterTheModelStopsLeading) {
  auto s = make_scenario(seconds(25));
  add_tutorial(*s, "a").quiesce = seconds(5);
  World world(s);
  RandomChooser chooser(1);
  // The model stops leading at 10.06s (backdated to 10.04s); quiesce keeps it acting till 15.04s.
  // Step exactly through the 10.06s response (the next event is the quiesce end at 15.04s).
  step_while_before(world, at(seconds(10) + milliseconds(60)), chooser);
  ASSERT_EQ(world.now(), at(seconds(10) + milliseconds(60)));
  EXPECT_TRUE(world.process(0).acting);
  EXPECT_TRUE(world.process(0).quiescing);
  EXPECT_EQ(world.acting_leader(0), std::optional<uint32_t>(0));
  world.run(chooser, nullptr);
  const auto& ls = world.history().leaderships;
  ASSERT_EQ(ls.size(), 1u);
  EXPECT_EQ(ls[0].end, at(seconds(15) + milliseconds(40)));
  EXPECT_EQ(ls[0].end_cause, "not renewed");
  EXPECT_FALSE(world.acting_leader(0));
}

TEST(WorldQuiesce, QuiesceIsMeasuredOnTheLocalClock) {
  auto s = make_scenario(seconds(25));
  ProcessSpec& a = add_tutorial(*s, "a");
  a.quiesce = seconds(4);
  a.clock.rate_ppb = 2 * kRateOne;  // everything local runs twice as fast
  const Ran r = run_world(s);
  const auto& ls = r.world.history().leaderships;
  ASSERT_GE(ls.size(), 1u);
  // At rate 2 the loop period of 10s local is 5s true: leadership starts at 40ms, the next
  // iteration starts at 5.04s and does not write; 4s local of quiesce is 2s true.
  EXPECT_EQ(ls[0].start, at_ms(40));
  EXPECT_EQ(ls[0].end, at(seconds(7) + milliseconds(40)));
}

TEST(WorldQuiesce, DoesNotApplyAfterACrash) {
  auto s = make_scenario(seconds(20));
  add_tutorial(*s, "a").quiesce = seconds(5);
  add_fault(*s, FaultType::Crash, seconds(3), process_target(0));
  const Ran r = run_world(s);
  const auto& ls = r.world.history().leaderships;
  ASSERT_EQ(ls.size(), 1u);
  EXPECT_EQ(ls[0].end, at(seconds(3)));
  EXPECT_EQ(ls[0].end_cause, "crash");
}

TEST(WorldQuiesce, CrashDuringQuiesceEndsItAtTheCrash) {
  auto s = make_scenario(seconds(20));
  add_tutorial(*s, "a").quiesce = seconds(5);
  add_fault(*s, FaultType::Crash, seconds(12), process_target(0));
  const Ran r = run_world(s);
  const auto& ls = r.world.history().leaderships;
  ASSERT_EQ(ls.size(), 1u);
  EXPECT_EQ(ls[0].end, at(seconds(12)));
}

TEST(WorldQuiesce, AppliesAfterAStop) {
  auto s = make_scenario(seconds(20));
  add_tutorial(*s, "a").quiesce = seconds(5);
  add_fault(*s, FaultType::Stop, seconds(3), process_target(0));
  const Ran r = run_world(s);
  EXPECT_EQ(r.world.process(0).status, ProcStatus::Stopped);
  const auto& ls = r.world.history().leaderships;
  ASSERT_EQ(ls.size(), 1u);
  EXPECT_EQ(ls[0].end, at(seconds(8)));
  EXPECT_EQ(ls[0].end_cause, "stopped");
}

// Regression test for a fixed bug (sim/world.cc, QuiesceEnd in World::dispatch together with World::start_process): the
// QuiesceEnd event carries the incarnation current when the stop happened; a restart before
// the quiesce ends bumps the incarnation, so the QuiesceEnd is discarded as stale and the old
// leadership is never closed (the new incarnation's StoppedLeading is ignored too, because the
// process is still `quiescing`). Expected: a stopped at 3s with quiesce 5s acts until 8s even
// though it restarts at 5s. Actual: the Leadership stays open to the end of the run (end
// nullopt), so singleLeader would report an overlap with every later leader.
TEST(WorldQuiesce, RestartDuringQuiesceStillEndsTheOldLeadership) {
  auto s = make_scenario(seconds(20));
  add_tutorial(*s, "a").quiesce = seconds(5);
  add_fault(*s, FaultType::Stop, seconds(3), process_target(0));
  add_fault(*s, FaultType::Restart, seconds(5), process_target(0));
  const Ran r = run_world(s);
  const auto& ls = r.world.history().leaderships;
  ASSERT_GE(ls.size(), 1u);
  EXPECT_EQ(ls[0].end, at(seconds(8)));
  EXPECT_EQ(ls[0].end_cause, "stopped");
}

// ---------------------------------------------------------------------------------------------
// Fault targets

TEST(WorldFaults, LeaderTargetResolvesToTheActingLeader) {
  auto s = make_scenario(seconds(20));
  add_tutorial(*s, "a", seconds(1));
  add_tutorial(*s, "b");  // b starts first and leads from 40ms
  add_fault(*s, FaultType::Crash, seconds(5), leader_target());
  const Ran r = run_world(s);
  const auto& faults = r.world.history().faults;
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_EQ(faults[0].target, std::optional<uint32_t>(1));
  EXPECT_TRUE(faults[0].skipped.empty());
  ASSERT_EQ(faults[0].acting_leaders_hit.size(), 1u);
  EXPECT_EQ(faults[0].acting_leaders_hit[0], (std::pair<LeaseId, uint32_t>{0, 1}));
  EXPECT_EQ(r.world.process(1).status, ProcStatus::Crashed);
  EXPECT_EQ(r.world.process(0).status, ProcStatus::Running);
  const auto fault_lines = lines_where(r.trace, "fault");
  ASSERT_EQ(fault_lines.size(), 1u);
  EXPECT_EQ(fault_lines[0]["target"], "b");
  EXPECT_EQ(fault_lines[0]["phase"], "start");
}

TEST(WorldFaults, LeaderTargetIsSkippedWithAReasonWhenNobodyLeads) {
  auto s = make_scenario(seconds(30));
  add_tutorial(*s, "a");
  // At 12s a's acting window (40ms..10.04s) is over and nobody else leads.
  add_fault(*s, FaultType::Pause, seconds(12), leader_target(), seconds(3));
  const Ran r = run_world(s);
  const auto& faults = r.world.history().faults;
  ASSERT_EQ(faults.size(), 2u);
  EXPECT_FALSE(faults[0].target);
  EXPECT_EQ(faults[0].skipped, "no acting leader");
  EXPECT_TRUE(faults[0].acting_leaders_hit.empty());
  EXPECT_TRUE(faults[1].is_end);
  EXPECT_EQ(faults[1].skipped, "fault did not start");
  EXPECT_EQ(r.world.process(0).pause_depth, 0u);
  const auto fault_lines = lines_where(r.trace, "fault");
  ASSERT_EQ(fault_lines.size(), 2u);
  EXPECT_EQ(fault_lines[0]["skipped"], "no acting leader");
  EXPECT_FALSE(fault_lines[0].contains("target"));
  EXPECT_EQ(fault_lines[1]["skipped"], "fault did not start");
}

TEST(WorldFaults, ApiServerFaultsHitEveryActingLeader) {
  auto s = make_scenario(seconds(10));
  add_tutorial(*s, "a");
  add_fault(*s, FaultType::ApiServerOutage, seconds(1), {}, seconds(1)).mode = OutageMode::Blackhole;
  add_fault(*s, FaultType::ApiServerOutage, seconds(12), {}, seconds(1));
  const Ran r = run_world(s);
  ASSERT_GE(r.world.history().faults.size(), 1u);
  EXPECT_EQ(r.world.history().faults[0].acting_leaders_hit, (std::vector<std::pair<LeaseId, uint32_t>>{{0, 0}}));
  EXPECT_FALSE(r.world.history().faults[0].target);
  const auto fault_lines = lines_where(r.trace, "fault");
  ASSERT_EQ(fault_lines.size(), 2u);
  EXPECT_EQ(fault_lines[0]["mode"], "blackhole");
  EXPECT_EQ(fault_lines[1]["phase"], "end");
}

// ---------------------------------------------------------------------------------------------
// Bounds

TEST(WorldBounds, MaxEventsStopsTheRunWithEventLimit) {
  auto s = make_scenario(seconds(60));
  add_tutorial(*s, "a");
  s->max_events = 5;
  World world(s);
  RandomChooser chooser(1);
  EXPECT_EQ(world.run(chooser, nullptr), StepStatus::EventLimit);
  EXPECT_EQ(world.events_processed(), 5u);
  // The clock stays where the last event left it (not moved to the horizon), and further steps
  // keep reporting the bound.
  EXPECT_LT(world.now(), at(seconds(60)));
  EXPECT_EQ(world.step(chooser, nullptr), StepStatus::EventLimit);
  EXPECT_EQ(world.events_processed(), 5u);
  EXPECT_STREQ(step_status_name(StepStatus::EventLimit), "events");
}

TEST(WorldBounds, HorizonStopsTheRunAndTimeEndsThere) {
  auto s = make_scenario(seconds(25));
  add_tutorial(*s, "a");
  World world(s);
  RandomChooser chooser(1);
  EXPECT_EQ(world.run(chooser, nullptr), StepStatus::Horizon);
  EXPECT_EQ(world.now(), at(seconds(25)));
  // Events at 30s (the next iteration) never fired.
  EXPECT_EQ(world.history().writes.size(), 1u);
  EXPECT_STREQ(step_status_name(StepStatus::Horizon), "horizon");
}

TEST(WorldBounds, EmptyScenarioIsIdleAndAdvancesToTheHorizon) {
  auto s = make_scenario(seconds(9));
  World world(s);
  RandomChooser chooser(1);
  EXPECT_EQ(world.run(chooser, nullptr), StepStatus::Idle);
  EXPECT_EQ(world.now(), at(seconds(9)));
  EXPECT_EQ(world.events_processed(), 0u);
}

TEST(WorldBounds, ActingLeaderIsEmptyWithoutLeaders) {
  auto s = make_scenario(seconds(5));
  add_tutorial(*s, "a", seconds(1));
  World world(s);
  EXPECT_FALSE(world.acting_leader(0));
  EXPECT_EQ(world.process(0).status, ProcStatus::NotStarted);
}

// ---------------------------------------------------------------------------------------------
// Fingerprint

// Regression test for a fixed bug (sim/world.cc, World::fingerprint): in-flight requests are hashed only by (id, proc, tag,
// client_done, applied); the response the server already computed (its result and object) and
// the events held for a paused process (ProcessRuntime::deferred) are left out. Two Worlds that
// differ only in what a pending response says therefore share a fingerprint but have different
// futures, so an explorer that deduplicates by fingerprint would prune real behaviours.
// Construction: b's Get and a's Update reach the server at the same instant (30ms). Processing
// the Get first gives b the empty lease (b will try to take it and get 409); processing the
// Update first gives b a's holder (b stays a follower). Latency draws are scripted so that both
// responses arrive at the same instants in both worlds. Expected: different fingerprints.
// Actual: equal fingerprints, then the worlds diverge (b crashes in one of them only).
TEST(WorldFingerprint, CoversWhatPendingResponsesSay) {
  auto s = make_scenario(seconds(2));
  s->api_server.latency = LatencyRange{milliseconds(1), milliseconds(10)};
  add_tutorial(*s, "a");
  add_tutorial(*s, "b", milliseconds(20));
  // Draw order: a Get out (10ms), a Get back (10ms), b Get out at 20ms (10ms), a Update out at
  // 20ms (10ms); at 30ms the two requests are handled in pick order, each drawing its response.
  const std::vector<int64_t> prefix = {milliseconds(10).ns, milliseconds(10).ns, milliseconds(10).ns,
                                       milliseconds(10).ns};
  auto draws = [&](int64_t first_response, int64_t second_response) {
    std::vector<int64_t> d = prefix;
    d.push_back(first_response);
    d.push_back(second_response);
    return d;
  };
  // World 1 handles b's Get first (response 5ms), then a's Update (7ms).
  // World 2 handles a's Update first (7ms), then b's Get (5ms).
  // The ties at 20ms (a's Get response vs b's start) are resolved the same way in both.
  ScriptedChooser c1({0, 0}, draws(milliseconds(5).ns, milliseconds(7).ns));
  ScriptedChooser c2({0, 1}, draws(milliseconds(7).ns, milliseconds(5).ns));
  World w1(s), w2(s);
  // Step to the first event at 30ms, then once more for the second one.
  step_while_before(w1, at_ms(30), c1);
  step_while_before(w2, at_ms(30), c2);
  ASSERT_EQ(w1.step(c1, nullptr), StepStatus::Stepped);
  ASSERT_EQ(w2.step(c2, nullptr), StepStatus::Stepped);
  ASSERT_EQ(w1.now(), at_ms(30));
  ASSERT_EQ(w2.now(), at_ms(30));
  ASSERT_EQ(w1.api_server(), w2.api_server());
  ASSERT_EQ(c1.calls.size(), 8u);  // 2 ties and 6 draws: the script was used as planned
  ASSERT_EQ(c2.calls.size(), 8u);
  const uint64_t fp1 = w1.fingerprint();
  const uint64_t fp2 = w2.fingerprint();
  // The two states really are different: continued with identical choosers, they diverge.
  World f1 = w1, f2 = w2;
  RandomChooser r1(1), r2(1);
  f1.run(r1, nullptr);
  f2.run(r2, nullptr);
  ASSERT_NE(f1.process(1).status, f2.process(1).status) << "the construction no longer diverges";
  EXPECT_NE(fp1, fp2);
}

// ---------------------------------------------------------------------------------------------
// Golden trace: any change in event order, formatting or timing shows up here. If a change is
// intended, review the new lines by hand before updating them.

std::shared_ptr<Scenario> golden_scenario() {
  auto s = std::make_shared<Scenario>();
  s->name = "golden";
  s->duration = seconds(45);  // default latency 1ms..5ms, startTime 2026-01-01T00:00:00Z
  InitialLease lease;
  lease.id = s->lease_id(kLeaseKey);
  lease.spec.holder_identity = "";
  lease.spec.lease_duration_seconds = 30;
  s->leases.push_back(lease);
  add_tutorial(*s, "a");
  add_tutorial(*s, "b", seconds(3)).clock.offset = seconds(2);
  add_fault(*s, FaultType::Crash, seconds(33), leader_target());
  return s;
}

// Reviewed by hand: a takes the empty lease (renewTime = its wall clock at the Get response +
// 30s, truncated to microseconds; leaseTransitions absent), stops acting at its next iteration
// (backdated to that iteration's start), b (wall clock 2s ahead) never sees the deadline pass,
// a re-takes it just after 30.0069s, and the 33s crash targets a as the acting leader. The same
// scenario as a YAML file gives the same traceHash through `leasesim run`.
constexpr const char* kGoldenHead =
    R"({"t":0,"type":"process","proc":"a","state":"started","incarnation":1})" "\n"
    R"({"t":0.006893435,"type":"api","proc":"a","call":1,"verb":"get","object":"default/tutorial","result":"ok","rv":1,"sent":0,"applied":false,"mono":0.006893435,"wall":"2026-01-01T00:00:00.006893435Z"})" "\n"
    R"({"t":0.010189858,"type":"lease","object":"default/tutorial","proc":"a","verb":"update","rv":2,"holder":"a","transitions":null,"renewTime":"2026-01-01T00:00:30.006893Z","leaseDurationSeconds":30,"late":false})" "\n"
    R"({"t":0.012755172,"type":"api","proc":"a","call":2,"verb":"update","object":"default/tutorial","result":"ok","rv":2,"sent":0.006893435,"applied":true,"mono":0.012755172,"wall":"2026-01-01T00:00:00.012755172Z"})" "\n"
    R"({"t":0.012755172,"type":"leader","proc":"a","lease":"default/tutorial","state":"started","rv":2,"mono":0.012755172,"wall":"2026-01-01T00:00:00.012755172Z"})" "\n"
    R"({"t":3,"type":"process","proc":"b","state":"started","incarnation":1})" "\n"
    R"({"t":3.005363002,"type":"api","proc":"b","call":1,"verb":"get","object":"default/tutorial","result":"ok","rv":2,"sent":3,"applied":false,"mono":3.005363002,"wall":"2026-01-01T00:00:05.005363002Z"})" "\n"
    R"({"t":10.01656409,"type":"api","proc":"a","call":3,"verb":"get","object":"default/tutorial","result":"ok","rv":2,"sent":10.012755172,"applied":false,"mono":10.01656409,"wall":"2026-01-01T00:00:10.016564090Z"})" "\n"
    R"({"t":10.01656409,"type":"leader","proc":"a","lease":"default/tutorial","state":"stopped","cause":"not renewed","since":10.012755172,"mono":10.01656409,"wall":"2026-01-01T00:00:10.016564090Z"})" "\n"
    R"({"t":13.013038452,"type":"api","proc":"b","call":2,"verb":"get","object":"default/tutorial","result":"ok","rv":2,"sent":13.005363002,"applied":false,"mono":13.013038452,"wall":"2026-01-01T00:00:15.013038452Z"})" "\n"
    R"({"t":20.026123253,"type":"api","proc":"a","call":4,"verb":"get","object":"default/tutorial","result":"ok","rv":2,"sent":20.01656409,"applied":false,"mono":20.026123253,"wall":"2026-01-01T00:00:20.026123253Z"})" "\n"
    R"({"t":23.02144593,"type":"api","proc":"b","call":3,"verb":"get","object":"default/tutorial","result":"ok","rv":2,"sent":23.013038452,"applied":false,"mono":23.02144593,"wall":"2026-01-01T00:00:25.021445930Z"})" "\n"
    R"({"t":30.034085156,"type":"api","proc":"a","call":5,"verb":"get","object":"default/tutorial","result":"ok","rv":2,"sent":30.026123253,"applied":false,"mono":30.034085156,"wall":"2026-01-01T00:00:30.034085156Z"})" "\n"
    R"({"t":30.035406979,"type":"lease","object":"default/tutorial","proc":"a","verb":"update","rv":3,"holder":"a","transitions":null,"renewTime":"2026-01-01T00:01:00.034085Z","leaseDurationSeconds":30,"late":false})" "\n"
    R"({"t":30.038372419,"type":"api","proc":"a","call":6,"verb":"update","object":"default/tutorial","result":"ok","rv":3,"sent":30.034085156,"applied":true,"mono":30.038372419,"wall":"2026-01-01T00:00:30.038372419Z"})" "\n";
constexpr const char* kGoldenHash = "c1d02f8150eeb08b";

TEST(WorldGolden, FirstLinesAndHashOfATinyScenarioWithSeedOne) {
  const Ran r = run_world(golden_scenario(), 1);
  std::istringstream in(r.trace);
  std::string head, line;
  for (int i = 0; i < 15 && std::getline(in, line); ++i) head += line + "\n";
  EXPECT_EQ(head, kGoldenHead) << head;
  char buf[17];
  EXPECT_EQ(std::string(hex64(r.hash, buf)), kGoldenHash);
}

}  // namespace
}  // namespace leasesim

namespace leasesim {
namespace {

// A client-go leader that loses its lease exits (exit(1) in OnStoppedLeading); with `quiesce`
// its work winds down first and the exit waits for it (shutdown hooks block the exit: cilium
// #42920). Without quiesce the exit is immediate. Regression: the exit used to cut quiesce short.
Ran lost_leader_with_quiesce(Duration quiesce) {
  auto s = make_scenario(seconds(60));
  ProcessSpec p;
  p.name = "a";
  p.identity = "a";
  p.model = ClientGoConfig{};
  p.lease = s->lease_id(kLeaseKey);
  p.quiesce = quiesce;
  s->processes.push_back(p);
  add_fault(*s, FaultType::Partition, seconds(5), process_target(0));  // a loses the lease
  return run_world(s);
}

// Issue 12: a call still outstanding when its process crashes or exits ends with an `api` line
// `cancelled` at that instant, and counts (as `cancelled`) in api_count.
TEST(WorldCancel, ACallOutstandingAtACrashEndsCancelledAndTheServerMayStillCommitIt) {
  auto s = make_scenario(seconds(5));
  add_tutorial(*s, "a");
  // The Get is answered at 20ms; the Update, sent then, reaches the server at 30ms.
  add_fault(*s, FaultType::Crash, milliseconds(25), process_target(0));
  const Ran r = run_world(s);
  const auto api = lines_where(r.trace, "api", "a");
  ASSERT_EQ(api.size(), 2u);
  EXPECT_EQ(api[1]["result"], "cancelled");
  EXPECT_EQ(api[1]["verb"], "update");
  EXPECT_EQ(api[1]["call"], 2);
  EXPECT_EQ(api[1]["t"], 0.025);
  EXPECT_EQ(api[1]["applied"], false);
  EXPECT_TRUE(api[1]["rv"].is_null());
  EXPECT_EQ(api[1]["mono"], 0.025);
  EXPECT_EQ(r.world.api_count(Verb::Update, ApiResult::Cancelled), 1u);
  // The request was already on its way: the server commits it at 30ms, a late write.
  ASSERT_EQ(r.world.history().writes.size(), 1u);
  EXPECT_TRUE(r.world.history().writes[0].late);
}

// The twin: a crash with nothing outstanding adds no line and no count.
TEST(WorldCancel, ACrashWithNoCallOutstandingCancelsNothing) {
  auto s = make_scenario(seconds(5));
  add_tutorial(*s, "a");
  add_fault(*s, FaultType::Crash, seconds(1), process_target(0));
  const Ran r = run_world(s);
  for (const auto& j : lines_where(r.trace, "api", "a")) EXPECT_NE(j["result"], "cancelled") << j;
  EXPECT_EQ(r.world.api_count(Verb::Update, ApiResult::Cancelled), 0u);
  EXPECT_EQ(r.world.api_count(Verb::Get, ApiResult::Cancelled), 0u);
}

// A graceful stop of a client-go candidate whose first Get is in flight: Run's ctx is cancelled,
// the model cancels the call and exits in the same reaction. The call used to vanish (its
// cancel fired after the process had exited); now it has its line, before the exit.
TEST(WorldCancel, ACallCancelledAsItsProcessExitsHasItsLine) {
  auto s = make_scenario(seconds(5));
  ProcessSpec p;
  p.name = p.identity = "a";
  p.model = ClientGoConfig{};
  p.lease = s->lease_id(kLeaseKey);
  s->processes.push_back(p);
  add_fault(*s, FaultType::Stop, milliseconds(5), process_target(0));
  const Ran r = run_world(s);
  const auto lines = lines_of(r.trace);
  std::vector<std::string> kinds;
  for (const auto& j : lines)
    if (j["t"] == 0.005 && j["type"] != "fault") kinds.push_back(j["type"].get<std::string>() + ":" + (j.contains("result") ? j["result"] : j["state"]).get<std::string>());
  EXPECT_EQ(kinds, (std::vector<std::string>{"api:cancelled", "process:exited"}));
  EXPECT_EQ(r.world.api_count(Verb::Get, ApiResult::Cancelled), 1u);
  EXPECT_EQ(r.world.process(0).status, ProcStatus::Stopped);
}

TEST(WorldQuiesce, ExitAfterLostLeadershipWaitsForQuiesce) {
  const Ran quick = lost_leader_with_quiesce(Duration(0));
  const Ran slow = lost_leader_with_quiesce(seconds(15));
  ASSERT_EQ(quick.world.history().leaderships.size(), 1u);
  ASSERT_EQ(slow.world.history().leaderships.size(), 1u);
  const auto& l_quick = quick.world.history().leaderships[0];
  const auto& l_slow = slow.world.history().leaderships[0];
  ASSERT_TRUE(l_quick.end && l_slow.end);
  EXPECT_EQ(*l_slow.end - *l_quick.end, seconds(15));
  EXPECT_EQ(quick.world.process(0).status, ProcStatus::Crashed);
  EXPECT_EQ(slow.world.process(0).status, ProcStatus::Crashed);
  EXPECT_EQ(slow.world.process(0).starts, 1u);
}

}  // namespace
}  // namespace leasesim
