// lease_heartbeat_controller_test.cc: one test per rule of the heartbeat controller's contract
// (upstream component-helpers lease/controller.go), driving the component alone: we call
// start / on_timer / on_response with chosen clock readings and inspect the effects.
#include "model/lease_heartbeat_controller.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "tests/model/effect_lists.h"

namespace leasesim {
namespace {

constexpr LeaseId kLease = 7;
constexpr int64_t kWallBase = 1767225600LL * kNanosPerSecond;  // 2026-01-01T00:00:00Z

Now at(Duration d) { return Now{LocalInstant(d.ns), WallInstant(kWallBase + d.ns)}; }

LeaseHeartbeatConfig config() {
  LeaseHeartbeatConfig c;
  c.lease = kLease;
  c.holder_identity = Name("node-a");
  c.lease_duration_seconds = 40;
  c.renew_interval = seconds(10);
  c.request_timeout = seconds(10);
  c.timer_base = 3;
  c.tag = 9;
  return c;
}

using testing_effects::calls;
using testing_effects::timers;

ApiResponse reply(Verb verb, ApiResult result, std::optional<Lease> object = std::nullopt) {
  ApiResponse r;
  r.tag = 9;
  r.verb = verb;
  r.result = result;
  r.object = std::move(object);
  return r;
}

Lease stored(uint64_t rv, const char* holder = "node-a") {
  Lease l;
  l.id = kLease;
  l.resource_version = rv;
  l.spec.holder_identity = Name(holder);
  l.spec.lease_duration_seconds = 40;
  l.spec.renew_time = WallInstant(kWallBase);
  return l;
}

// Counts repeated-failure callbacks and can fail the post-process hook.
class RecordingHooks final : public LeaseHeartbeatHooks {
 public:
  bool post_process(Lease& lease, const Now& /*now*/) const override {
    lease.labels.emplace("stamped", "yes");
    return !fail_hook;
  }
  bool has_repeated_failure() const override { return true; }
  void on_repeated_failure(const Now& /*now*/, Effects& /*out*/) const override { ++repeated; }
  bool fail_hook = false;
  mutable int repeated = 0;
};

TEST(LeaseHeartbeatController, JitterMaxIsFourPercentExclusive) {
  EXPECT_EQ(heartbeat_jitter_max(seconds(10)), seconds(10) + milliseconds(400) - nanoseconds(1));
  EXPECT_EQ(heartbeat_jitter_max(seconds(0)), seconds(0));
}

TEST(LeaseHeartbeatController, FirstSyncWithoutCacheGetsThenCreatesWithHolderDurationAndWallRenewTime) {
  LeaseHeartbeatController c(config());
  RecordingHooks hooks;
  Effects out;
  c.start(at(seconds(1)), hooks, out);
  auto sent = calls(out);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].verb, Verb::Get);
  EXPECT_EQ(sent[0].lease, kLease);
  EXPECT_EQ(sent[0].timeout, seconds(10));
  EXPECT_EQ(sent[0].tag, 9u);
  out.clear();
  c.on_response(reply(Verb::Get, ApiResult::NotFound), at(seconds(2)), hooks, out);
  sent = calls(out);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].verb, Verb::Create);
  const Lease& body = *sent[0].body;
  EXPECT_EQ(body.id, kLease);
  EXPECT_EQ(*body.spec.holder_identity, Name("node-a"));
  EXPECT_EQ(*body.spec.lease_duration_seconds, 40);
  EXPECT_EQ(*body.spec.renew_time, at(seconds(2)).wall);
  EXPECT_FALSE(body.spec.acquire_time.has_value());
  EXPECT_FALSE(body.spec.lease_transitions.has_value());
  EXPECT_EQ(body.labels.find("stamped")->second, "yes");
  out.clear();
  // Created: no update follows; the next sync is a jittered, sliding interval away.
  c.on_response(reply(Verb::Create, ApiResult::Ok, stored(5)), at(seconds(3)), hooks, out);
  EXPECT_TRUE(calls(out).empty());
  auto t = timers(out);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].id, 3u);
  EXPECT_EQ(t[0].delay_min, seconds(10));
  EXPECT_EQ(t[0].delay_max, heartbeat_jitter_max(seconds(10)));
  EXPECT_EQ(c.latest_lease()->resource_version, 5u);
}

TEST(LeaseHeartbeatController, GetOfExistingLeaseIsFollowedByOneUpdateThatTakesTheHolderOver) {
  LeaseHeartbeatController c(config());
  NoHeartbeatHooks hooks;
  Effects out;
  c.start(at(seconds(0)), hooks, out);
  out.clear();
  c.on_response(reply(Verb::Get, ApiResult::Ok, stored(5, "someone-else")), at(seconds(1)), hooks, out);
  auto sent = calls(out);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].verb, Verb::Update);
  EXPECT_EQ(sent[0].body->resource_version, 5u);
  EXPECT_EQ(*sent[0].body->spec.holder_identity, Name("node-a"));
  EXPECT_EQ(*sent[0].body->spec.renew_time, at(seconds(1)).wall);
}

TEST(LeaseHeartbeatController, CachedLeaseIsUpdatedOptimisticallyWithoutGet) {
  LeaseHeartbeatController c(config());
  NoHeartbeatHooks hooks;
  Effects out;
  c.start(at(seconds(0)), hooks, out);
  c.on_response(reply(Verb::Get, ApiResult::NotFound), at(seconds(0)), hooks, out);
  c.on_response(reply(Verb::Create, ApiResult::Ok, stored(5)), at(seconds(0)), hooks, out);
  out.clear();
  c.on_timer(3, at(seconds(10)), hooks, out);
  auto sent = calls(out);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].verb, Verb::Update);
  EXPECT_EQ(sent[0].body->resource_version, 5u);
  out.clear();
  c.on_response(reply(Verb::Update, ApiResult::Ok, stored(6)), at(seconds(10)), hooks, out);
  EXPECT_TRUE(calls(out).empty());
  EXPECT_EQ(c.latest_lease()->resource_version, 6u);
  EXPECT_EQ(timers(out).size(), 1u);
}

// Drives a controller to the state "cached lease at rv 5, idle".
void prime(LeaseHeartbeatController& c, const LeaseHeartbeatHooks& hooks) {
  Effects out;
  c.start(at(seconds(0)), hooks, out);
  c.on_response(reply(Verb::Get, ApiResult::NotFound), at(seconds(0)), hooks, out);
  c.on_response(reply(Verb::Create, ApiResult::Ok, stored(5)), at(seconds(0)), hooks, out);
}

TEST(LeaseHeartbeatController, NotFoundOnUpdateBurnsFiveImmediateAttemptsThenEnsureRecreates) {
  // The GC race's tail: the lease was deleted; updates get 404 (not a conflict).
  LeaseHeartbeatController c(config());
  RecordingHooks hooks;
  prime(c, hooks);
  Effects out;
  c.on_timer(3, at(seconds(10)), hooks, out);
  for (int i = 0; i < 5; ++i) {
    auto sent = calls(out);
    ASSERT_EQ(sent.size(), 1u) << "attempt " << i;
    ASSERT_EQ(sent[0].verb, Verb::Update) << "attempt " << i;
    EXPECT_TRUE(timers(out).empty()) << "no wait between attempts";
    out.clear();
    c.on_response(reply(Verb::Update, ApiResult::NotFound), at(seconds(10)), hooks, out);
  }
  // The hook runs for failures at index 1..4.
  EXPECT_EQ(hooks.repeated, 4);
  auto sent = calls(out);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].verb, Verb::Get);
  out.clear();
  c.on_response(reply(Verb::Get, ApiResult::NotFound), at(seconds(11)), hooks, out);
  sent = calls(out);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].verb, Verb::Create);
  EXPECT_EQ(sent[0].body->resource_version, 0u);
  out.clear();
  c.on_response(reply(Verb::Create, ApiResult::Ok, stored(9)), at(seconds(11)), hooks, out);
  EXPECT_TRUE(calls(out).empty()) << "a created lease is not updated in the same sync";
  EXPECT_EQ(timers(out).size(), 1u);
}

TEST(LeaseHeartbeatController, ConflictRunsEnsureAndRetriesFromTheFreshObject) {
  LeaseHeartbeatController c(config());
  RecordingHooks hooks;
  prime(c, hooks);
  Effects out;
  c.on_timer(3, at(seconds(10)), hooks, out);
  out.clear();
  c.on_response(reply(Verb::Update, ApiResult::Conflict), at(seconds(10)), hooks, out);
  auto sent = calls(out);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].verb, Verb::Get);
  out.clear();
  c.on_response(reply(Verb::Get, ApiResult::Ok, stored(8, "other")), at(seconds(10)), hooks, out);
  sent = calls(out);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].verb, Verb::Update);
  EXPECT_EQ(sent[0].body->resource_version, 8u);
  EXPECT_EQ(hooks.repeated, 0) << "a conflict is not a repeated heartbeat failure";
}

TEST(LeaseHeartbeatController, EnsureBacksOffFrom200msDoublingCappedAt7s) {
  LeaseHeartbeatController c(config());
  NoHeartbeatHooks hooks;
  Effects out;
  c.start(at(seconds(0)), hooks, out);
  const std::vector<Duration> expected{milliseconds(200), milliseconds(400), milliseconds(800), milliseconds(1600),
                                       milliseconds(3200), milliseconds(6400), seconds(7), seconds(7)};
  for (Duration want : expected) {
    out.clear();
    c.on_response(reply(Verb::Get, ApiResult::Unavailable), at(seconds(1)), hooks, out);
    auto t = timers(out);
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0].id, 4u);
    EXPECT_EQ(t[0].delay_min, want);
    EXPECT_TRUE(calls(out).empty());
    out.clear();
    c.on_timer(4, at(seconds(2)), hooks, out);
    ASSERT_EQ(calls(out).size(), 1u);
    EXPECT_EQ(calls(out)[0].verb, Verb::Get);
  }
  // A failed CREATE backs off as well.
  out.clear();
  c.on_response(reply(Verb::Get, ApiResult::NotFound), at(seconds(3)), hooks, out);
  out.clear();
  c.on_response(reply(Verb::Create, ApiResult::Timeout), at(seconds(3)), hooks, out);
  ASSERT_EQ(timers(out).size(), 1u);
  EXPECT_EQ(timers(out)[0].delay_min, seconds(7));
}

TEST(LeaseHeartbeatController, HookFailureBlocksCreateAndEndsSyncWithoutError) {
  LeaseHeartbeatController c(config());
  RecordingHooks hooks;
  hooks.fail_hook = true;
  Effects out;
  c.start(at(seconds(0)), hooks, out);
  out.clear();
  c.on_response(reply(Verb::Get, ApiResult::NotFound), at(seconds(0)), hooks, out);
  EXPECT_TRUE(calls(out).empty());
  ASSERT_EQ(timers(out).size(), 1u);
  EXPECT_EQ(timers(out)[0].id, 3u) << "the next sync, not a backoff";
  EXPECT_FALSE(c.latest_lease().has_value());
}

TEST(LeaseHeartbeatController, HookFailureBlocksUpdateInCurrentCodeButNotInOlderReleases) {
  for (bool blocks : {true, false}) {
    LeaseHeartbeatConfig cfg = config();
    cfg.hook_error_blocks_update = blocks;
    LeaseHeartbeatController c(cfg);
    RecordingHooks hooks;
    prime(c, hooks);
    hooks.fail_hook = true;
    Effects out;
    c.on_timer(3, at(seconds(10)), hooks, out);
    auto sent = calls(out);
    ASSERT_EQ(sent.size(), 1u);
    // Blocked: five attempts sent nothing, sync fell back to GET. Older: the update goes out.
    EXPECT_EQ(sent[0].verb, blocks ? Verb::Get : Verb::Update);
    EXPECT_EQ(hooks.repeated, 0);
  }
}

TEST(LeaseHeartbeatController, FailedUpdateAfterEnsureEndsTheSync) {
  LeaseHeartbeatController c(config());
  NoHeartbeatHooks hooks;
  Effects out;
  c.start(at(seconds(0)), hooks, out);
  c.on_response(reply(Verb::Get, ApiResult::Ok, stored(5)), at(seconds(0)), hooks, out);
  for (int i = 0; i < 5; ++i) {
    out.clear();
    c.on_response(reply(Verb::Update, ApiResult::Timeout), at(seconds(1)), hooks, out);
  }
  EXPECT_TRUE(calls(out).empty());
  ASSERT_EQ(timers(out).size(), 1u);
  EXPECT_EQ(timers(out)[0].id, 3u);
}

TEST(LeaseHeartbeatController, StopCancelsBothTimersAndIgnoresLaterInput) {
  LeaseHeartbeatController c(config());
  NoHeartbeatHooks hooks;
  prime(c, hooks);
  Effects out;
  c.stop(out);
  EXPECT_EQ(out.list().size(), 2u);
  out.clear();
  c.on_timer(3, at(seconds(10)), hooks, out);
  EXPECT_TRUE(out.empty());
}

TEST(LeaseHeartbeatController, StateHashChangesWithTheCache) {
  LeaseHeartbeatController a(config());
  LeaseHeartbeatController b(config());
  NoHeartbeatHooks hooks;
  prime(b, hooks);
  StateHasher ha, hb;
  a.hash_into(ha);
  b.hash_into(hb);
  EXPECT_NE(ha.digest(), hb.digest());
  EXPECT_FALSE(a == b);
}

}  // namespace
}  // namespace leasesim
