// Twin test of lazy client deadlines (WorldCore::set_lazy_deadlines, sim/deadline_queue.h):
// the same scenario and seed run with deadlines in the event queue (the eager path, as the
// explorer runs) and beside it (as `run` does) step in lockstep through the same events: the
// same status, instant and event count after every step, the same pending events (the
// fingerprint hashes them as a multiset), the same trace bytes and the same History at the end.
// The only difference allowed is what lazy deadlines exist for: dead deadlines fired without
// being dispatched (deadlines_elided, which the eager path never counts).
// Scenarios: RapidCheck draws tutorial electors with request timeouts around the latency (so
// deadlines both fire and die), fixed latencies (every request sent at one instant then times out
// at one instant: ties between deadlines), clock rates, and every fault that touches the message
// path (pause, partition, blackhole and refusing outages, slow server, crash, restart, stop,
// clock jumps); and small clusters of kubelets and controller managers, which start together.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdio>
#include <memory>
#include <sstream>
#include <string>

#include "sim/world.h"
#include "tests/sim/drawn_node_cluster.h"
#include "tests/sim/node_scenarios.h"

namespace leasesim {
namespace {

struct Twins {
  std::string eager_trace, lazy_trace;
  uint64_t events = 0;
  uint64_t elided = 0;
  bool same_steps = true;
  std::string first_difference;
};

// Runs both worlds in lockstep; stops comparing at the first difference (and says where).
Twins run_twins(std::shared_ptr<const Scenario> s, uint64_t seed, bool fingerprint_every_step) {
  Twins out;
  std::ostringstream eager_text, lazy_text;
  {
    Trace eager_trace(&eager_text), lazy_trace(&lazy_text);
    World eager(s), lazy(s);
    lazy.set_lazy_deadlines(true);
    RandomChooser eager_chooser(seed), lazy_chooser(seed);
    for (;;) {
      const StepStatus a = eager.step(eager_chooser, &eager_trace);
      const StepStatus b = lazy.step(lazy_chooser, &lazy_trace);
      std::string diff;
      if (a != b) diff = "status";
      else if (eager.now() != lazy.now()) diff = "now";
      else if (eager.events_processed() != lazy.events_processed()) diff = "events";
      else if (eager.pending_count() != lazy.pending_count()) diff = "pending count";
      else if ((fingerprint_every_step || a != StepStatus::Stepped) && eager.fingerprint() != lazy.fingerprint())
        diff = "fingerprint";
      if (!diff.empty()) {
        out.same_steps = false;
        out.first_difference = diff + " after event " + std::to_string(eager.events_processed());
        break;
      }
      if (a != StepStatus::Stepped) break;
    }
    if (out.same_steps && !(eager.history() == lazy.history())) {
      out.same_steps = false;
      out.first_difference = "history";
    }
    out.events = lazy.events_processed();
    out.elided = lazy.deadlines_elided();
    EXPECT_EQ(eager.deadlines_elided(), 0u);
    eager_trace.flush();
    lazy_trace.flush();
  }
  out.eager_trace = eager_text.str();
  out.lazy_trace = lazy_text.str();
  return out;
}

std::shared_ptr<Scenario> tutorial_scenario() {
  auto s = std::make_shared<Scenario>();
  s->name = "lazy-deadlines";
  s->duration = seconds(*rc::gen::inRange<int64_t>(20, 120));
  const bool fixed = *rc::gen::arbitrary<bool>();
  const int64_t lo_ms = *rc::gen::inRange<int64_t>(1, 400);
  const int64_t hi_ms = fixed ? lo_ms : lo_ms + *rc::gen::inRange<int64_t>(1, 600);
  s->api_server.latency = LatencyRange{milliseconds(lo_ms), milliseconds(hi_ms)};
  InitialLease lease;
  lease.id = s->lease_id("default/tutorial");
  lease.spec.holder_identity = "";
  lease.spec.lease_duration_seconds = 15;
  s->leases.push_back(lease);
  const int processes = *rc::gen::inRange(1, 5);
  for (int i = 0; i < processes; ++i) {
    ProcessSpec p;
    p.name = p.identity = std::string(1, static_cast<char>('a' + i));
    TutorialConfig c;
    c.crash_on_error = false;
    c.loop_period = seconds(*rc::gen::inRange<int64_t>(1, 6));
    // Around the latency of two legs: some deadlines pass before the response, most after.
    c.request_timeout = milliseconds(*rc::gen::inRange<int64_t>(1, 2 * hi_ms + 200));
    p.model = c;
    p.lease = lease.id;
    p.start = *rc::gen::arbitrary<bool>() ? Duration(0) : seconds(*rc::gen::inRange<int64_t>(0, 5));
    if (*rc::gen::arbitrary<bool>()) p.clock.rate_ppb = kRateOne + *rc::gen::inRange<int64_t>(-50'000'000, 50'000'000);
    s->processes.push_back(p);
  }
  const int faults = *rc::gen::inRange(0, 6);
  for (int i = 0; i < faults; ++i) {
    FaultSpec f;
    f.type = *rc::gen::element(FaultType::Crash, FaultType::Restart, FaultType::Stop, FaultType::Pause,
                               FaultType::Partition, FaultType::ClockJump, FaultType::ApiServerOutage,
                               FaultType::ApiServerSlow);
    f.at = milliseconds(*rc::gen::inRange<int64_t>(0, s->duration.ns / 1'000'000));
    if (f.type != FaultType::ApiServerOutage && f.type != FaultType::ApiServerSlow)
      f.target = FaultTarget{FaultTarget::Kind::Process, static_cast<uint32_t>(*rc::gen::inRange(0, processes))};
    if (f.type != FaultType::Crash && f.type != FaultType::Restart && f.type != FaultType::Stop &&
        f.type != FaultType::ClockJump)
      f.for_ = milliseconds(*rc::gen::inRange<int64_t>(1, 8000));
    f.direction = *rc::gen::element(Direction::Both, Direction::Requests, Direction::Responses);
    f.mode = *rc::gen::element(OutageMode::Refuse, OutageMode::Blackhole);
    f.by = seconds(*rc::gen::inRange<int64_t>(-20, 20));
    f.latency = LatencyRange{milliseconds(lo_ms), milliseconds(hi_ms + *rc::gen::inRange<int64_t>(0, 3000))};
    s->faults.push_back(f);
  }
  return s;
}

RC_GTEST_PROP(LazyDeadlinesTwin, TutorialElectorsSameStepsTraceAndHistory, ()) {
  const auto s = tutorial_scenario();
  const uint64_t seed = *rc::gen::inRange<uint64_t>(1, 1000);
  const Twins t = run_twins(s, seed, /*fingerprint_every_step=*/true);
  RC_ASSERT(t.same_steps);
  RC_ASSERT(t.eager_trace == t.lazy_trace);
  RC_TAG(t.elided > 0 ? "some deadlines elided" : "none elided");
}

RC_GTEST_PROP(LazyDeadlinesTwin, SmallClustersSameStepsTraceAndHistory, ()) {
  const auto s = testing::drawn_node_cluster(12, 90, 60);
  const Twins t = run_twins(s, *rc::gen::inRange<uint64_t>(1, 1000), /*fingerprint_every_step=*/false);
  RC_ASSERT(t.same_steps);
  RC_ASSERT(t.eager_trace == t.lazy_trace);
}

TEST(LazyDeadlinesTwin, AClusterElidesNearlyEveryDeadlineAndChangesNothingElse) {
  // 30 kubelets and 3 controller managers for two minutes, all starting at 0. With a fixed
  // latency their deadlines tie in groups (every kubelet sends at the same instants), and the
  // tied ones are dispatched as on the eager path; with drawn latencies nearly every deadline
  // is alone at its instant and dead when due.
  for (const bool fixed : {true, false}) {
    SCOPED_TRACE(fixed ? "fixed latency" : "drawn latency");
    const LatencyRange latency{milliseconds(5), milliseconds(fixed ? 5 : 40)};
    const Twins t = run_twins(testing::node_scenario(30, 3, minutes(2), latency), 1, /*fingerprint_every_step=*/false);
    EXPECT_TRUE(t.same_steps) << t.first_difference;
    EXPECT_EQ(t.eager_trace, t.lazy_trace);
    EXPECT_FALSE(t.lazy_trace.empty());
    std::printf("%s: %llu events, %llu deadlines elided\n", fixed ? "fixed latency" : "drawn latency",
                static_cast<unsigned long long>(t.events), static_cast<unsigned long long>(t.elided));
    if (!fixed) EXPECT_GT(t.elided, t.events / 10);  // a client deadline is about one event in five
    else EXPECT_GT(t.elided, 0u);
  }
}

}  // namespace
}  // namespace leasesim
