// Tests of whole runs (properties/run.h): run_scenario is deterministic, its verdict lines end
// the trace, and, over random small tutorial scenarios, singleLeader's violations are exactly
// the overlaps present in the History.
#include "properties/run.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "properties/single_leader.h"

namespace leasesim {
namespace {

std::shared_ptr<Scenario> base_scenario(Duration duration) {
  auto s = std::make_shared<Scenario>();
  s->name = "run-test";
  s->duration = duration;
  InitialLease lease;
  lease.id = s->lease_id("default/tutorial");
  lease.spec.holder_identity = "";
  lease.spec.lease_duration_seconds = 30;
  s->leases.push_back(lease);
  return s;
}

ProcessSpec tutorial(const std::string& name, Duration start, Duration offset = Duration(0)) {
  ProcessSpec p;
  p.name = name;
  p.identity = name;
  p.model = TutorialConfig{};
  p.lease = 0;
  p.start = start;
  p.clock.offset = offset;
  return p;
}

// The clock-offset story of scenarios/tutorial/clock-offset-two-leaders.yaml, built in code:
// "ahead" reads a wall clock 25s fast and takes over while "on-time" still acts.
std::shared_ptr<Scenario> two_leaders() {
  auto s = base_scenario(minutes(5));
  s->processes = {tutorial("on-time", Duration(0)), tutorial("ahead", seconds(7), seconds(25))};
  return s;
}

TEST(RunScenario, SameSeedSameResultAndTraceBytes) {
  const auto s = two_leaders();
  std::ostringstream out1, out2;
  const RunResult r1 = run_scenario(s, 4, &out1);
  const RunResult r2 = run_scenario(s, 4, &out2);
  EXPECT_EQ(out1.str(), out2.str());
  EXPECT_EQ(r1.trace_hash, r2.trace_hash);
  EXPECT_EQ(r1.trace_lines, r2.trace_lines);
  EXPECT_EQ(r1.world.fingerprint(), r2.world.fingerprint());
  EXPECT_EQ(r1.evaluation.violated, r2.evaluation.violated);
  // Without a stream the hash is the same.
  EXPECT_EQ(run_scenario(s, 4).trace_hash, r1.trace_hash);
  EXPECT_EQ(r1.trace_hash_hex().size(), 16u);
  EXPECT_EQ(r1.stopped_by, StepStatus::Horizon);
}

TEST(RunScenario, ClockOffsetGivesTwoLeadersAndTheVerdictEndsTheTrace) {
  const auto s = two_leaders();
  std::ostringstream out;
  const RunResult r = run_scenario(s, 1, &out);
  EXPECT_EQ(r.evaluation.violated, (std::vector<std::string>{"singleLeader", "transitionsMatch"}));
  EXPECT_FALSE(r.evaluation.passed);
  // Every violation is one `violation` line, after all of the run's own lines.
  size_t violations = 0;
  for (const auto& res : r.evaluation.results) violations += res.violations.size();
  ASSERT_GT(violations, 0u);
  std::vector<std::string> lines;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), r.trace_lines);
  for (size_t i = 0; i < lines.size(); ++i) {
    const bool is_violation = lines[i].find("\"type\":\"violation\"") != std::string::npos;
    EXPECT_EQ(is_violation, i >= lines.size() - violations) << lines[i];
  }
  // With the matching expect block the same run passes.
  auto expected = std::make_shared<Scenario>(*s);
  expected->expect.present = true;
  expected->expect.violated = {"singleLeader", "transitionsMatch"};
  EXPECT_TRUE(run_scenario(expected, 1).evaluation.passed);
}

TEST(RunScenario, EqualClocksGiveOneLeaderAtATime) {
  // Twin of the offset case: the same two processes with equal clocks never overlap.
  auto s = base_scenario(minutes(5));
  s->processes = {tutorial("on-time", Duration(0)), tutorial("also-on-time", seconds(7))};
  const RunResult r = run_scenario(s, 1);
  EXPECT_EQ(r.evaluation.violated, (std::vector<std::string>{"transitionsMatch"}));
  EXPECT_GE(r.world.history().leaderships.size(), 2u);
}

TEST(RunScenario, EventLimitIsReported) {
  auto s = two_leaders();
  s->max_events = 10;
  const RunResult r = run_scenario(s, 1);
  EXPECT_EQ(r.stopped_by, StepStatus::EventLimit);
  EXPECT_EQ(r.world.events_processed(), 10u);
}

// --- Random small tutorial scenarios -----------------------------------------------------------

// 2-4 processes, clock offsets within +-5s, latencies within 1..50ms, random crash / restart /
// pause faults (targets: a process or the acting leader), random error handling and timeouts.
// Offsets this small never give two leaders by themselves (that needs more than
// leaseDurationSeconds - loopPeriod = 20s); pauses of the acting leader long enough for another
// process to take the expired lease do. The generator leans that way (long pauses, mostly aimed
// at the leader, errors mostly caught so racing replicas survive their 409s), so that both
// branches of the property below are exercised (see the RC_TAG distribution).
std::shared_ptr<Scenario> random_tutorial_scenario() {
  auto s = base_scenario(minutes(2));
  const int64_t lat_min = *rc::gen::inRange<int64_t>(1, 51);
  const int64_t lat_max = *rc::gen::inRange<int64_t>(lat_min, 51);
  s->api_server.latency = LatencyRange{milliseconds(lat_min), milliseconds(lat_max)};
  const uint32_t n = *rc::gen::inRange<uint32_t>(2, 5);
  for (uint32_t i = 0; i < n; ++i) {
    ProcessSpec p = tutorial(std::string(1, static_cast<char>('a' + i)),
                             milliseconds(*rc::gen::inRange<int64_t>(0, 15000)),
                             milliseconds(*rc::gen::inRange<int64_t>(-5000, 5001)));
    TutorialConfig config;
    config.crash_on_error = *rc::gen::weightedElement<bool>({{1, true}, {3, false}});
    config.request_timeout = milliseconds(*rc::gen::element<int64_t>(0, 200, 2000));
    p.model = config;
    s->processes.push_back(p);
  }
  const int faults = *rc::gen::inRange(1, 6);
  for (int i = 0; i < faults; ++i) {
    FaultSpec f;
    f.type = *rc::gen::weightedElement<FaultType>({{1, FaultType::Crash}, {1, FaultType::Restart}, {3, FaultType::Pause}});
    f.at = milliseconds(*rc::gen::inRange<int64_t>(0, 90000));
    const bool at_leader = f.type == FaultType::Pause ? *rc::gen::weightedElement<bool>({{3, true}, {1, false}})
                                                      : *rc::gen::arbitrary<bool>();
    if (at_leader && f.type != FaultType::Restart) {
      f.target = FaultTarget{FaultTarget::Kind::Leader, 0};
    } else {
      f.target = FaultTarget{FaultTarget::Kind::Process, *rc::gen::inRange<uint32_t>(0, n)};
    }
    if (f.type == FaultType::Pause) f.for_ = milliseconds(*rc::gen::inRange<int64_t>(20000, 60000));
    s->faults.push_back(f);
  }
  return s;
}

Duration overlap_len(const Leadership& a, const Leadership& b, TrueInstant end) {
  const TrueInstant from = std::max(a.start, b.start);
  const TrueInstant to = std::min(a.end.value_or(end), b.end.value_or(end));
  return from < to ? to - from : Duration(0);
}

RC_GTEST_PROP(RunProperty, SameSeedSameTraceHashAndSingleLeaderViolationsAreRealOverlaps, ()) {
  const auto s = random_tutorial_scenario();
  const uint64_t seed = *rc::gen::inRange<uint64_t>(1, 1000000);
  const RunResult first = run_scenario(s, seed);
  const RunResult second = run_scenario(s, seed);
  RC_ASSERT(first.trace_hash == second.trace_hash);
  RC_ASSERT(first.trace_lines == second.trace_lines);

  const History& h = first.world.history();
  const TrueInstant end = first.world.now();
  size_t reported = 0;
  for (const PropertyResult& r : first.evaluation.results) {
    if (r.name != "singleLeader") continue;
    for (const Violation& v : r.violations) {
      ++reported;
      RC_ASSERT(v.procs.size() == 2u);
      RC_ASSERT(v.procs[0] != v.procs[1]);
      RC_ASSERT(v.until.has_value());
      RC_ASSERT(v.at < *v.until);
      // Some leadership of each named process really covers [at, until) at the same time.
      bool found = false;
      for (const Leadership& a : h.leaderships) {
        if (a.proc != v.procs[0] || a.lease != r.lease) continue;
        for (const Leadership& b : h.leaderships) {
          if (b.proc != v.procs[1] || b.lease != r.lease) continue;
          if (std::max(a.start, b.start) == v.at && std::min(a.end.value_or(end), b.end.value_or(end)) == *v.until)
            found = true;
        }
      }
      RC_ASSERT(found);
    }
  }
  // And the converse: every overlap of two distinct processes in the History was reported.
  size_t overlaps = 0;
  for (size_t i = 0; i < h.leaderships.size(); ++i)
    for (size_t j = i + 1; j < h.leaderships.size(); ++j)
      if (h.leaderships[i].proc != h.leaderships[j].proc && h.leaderships[i].lease == h.leaderships[j].lease &&
          overlap_len(h.leaderships[i], h.leaderships[j], end) > Duration(0))
        ++overlaps;
  RC_ASSERT(overlaps == reported);
  RC_TAG(reported > 0 ? "two leaders" : "one leader at a time");
}

RC_GTEST_PROP(RunProperty, LeadershipsAreWellFormed, ()) {
  // Structural invariants of the History the properties rely on: intervals start before they
  // end, lie within the run, and one process never holds two open intervals at once.
  const auto s = random_tutorial_scenario();
  const RunResult r = run_scenario(s, *rc::gen::inRange<uint64_t>(1, 1000000));
  const History& h = r.world.history();
  const TrueInstant end = r.world.now();
  for (const Leadership& l : h.leaderships) {
    RC_ASSERT(l.start <= end);
    if (l.end) {
      RC_ASSERT(l.start <= *l.end);
      RC_ASSERT(*l.end <= end);
    }
  }
  for (size_t i = 0; i < h.leaderships.size(); ++i)
    for (size_t j = i + 1; j < h.leaderships.size(); ++j)
      if (h.leaderships[i].proc == h.leaderships[j].proc)
        RC_ASSERT(overlap_len(h.leaderships[i], h.leaderships[j], end) == Duration(0));
  for (size_t i = 1; i < h.writes.size(); ++i) RC_ASSERT(h.writes[i - 1].t <= h.writes[i].t);
}

}  // namespace
}  // namespace leasesim
