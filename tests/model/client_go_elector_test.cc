// client_go_elector_test.cc: one or more tests per rule of docs/models/client-go-elector.md sections
// 1-3, driving the elector alone through a scripted harness: we call on_start / on_timer /
// on_response / on_stop with chosen clock readings and inspect the effects. Each test names the
// rule it pins; it fails if that rule is broken.
#include "model/client_go_elector.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "model/process_model.h"
#include "tests/model/client_go_configs.h"

namespace leasesim {
namespace {

constexpr LeaseId kLease = 3;
// 2026-01-01T00:00:00Z: the wall clock of the elector at local monotonic 0 (unless a test
// moves it).
constexpr int64_t kWallBase = 1767225600LL * kNanosPerSecond;

constexpr Duration ms(int64_t v) { return milliseconds(v); }
constexpr Duration s(int64_t v) { return seconds(v); }
WallInstant wall(Duration since_base) { return WallInstant(kWallBase + since_base.ns); }

ClientGoConfig preset(const std::string& name) {
  ClientGoConfig c;
  EXPECT_TRUE(apply_client_go_preset(name, &c));
  return c;
}
ClientGoConfig kcm() { return preset("kube-controller-manager"); }
ClientGoConfig scheduler() { return preset("kube-scheduler"); }

Lease lease_record(const std::string& holder, int32_t lds, Duration renew, int32_t transitions, uint64_t rv,
                   Duration acquire = Duration{}) {
  Lease l;
  l.id = kLease;
  l.resource_version = rv;
  l.spec.holder_identity = holder;
  l.spec.lease_duration_seconds = lds;
  l.spec.renew_time = wall(renew);
  l.spec.acquire_time = wall(acquire);
  l.spec.lease_transitions = transitions;
  return l;
}

// A one-object API server: resourceVersion preconditions, AlreadyExists, micro truncation.
struct FakeServer {
  std::optional<Lease> stored;
  uint64_t next_rv = 100;

  ApiResponse handle(const ApiRequest& r) {
    ApiResponse resp;
    resp.tag = r.tag;
    resp.verb = r.verb;
    switch (r.verb) {
      case Verb::Get:
        if (!stored) {
          resp.result = ApiResult::NotFound;
        } else {
          resp.object = stored;
        }
        break;
      case Verb::Create:
        if (stored) {
          resp.result = ApiResult::Conflict;
        } else {
          commit(*r.body, &resp);
        }
        break;
      case Verb::Update:
        if (!stored) {
          resp.result = ApiResult::NotFound;
        } else if (r.body->resource_version != stored->resource_version) {
          resp.result = ApiResult::Conflict;
        } else {
          commit(*r.body, &resp);
        }
        break;
      default:
        ADD_FAILURE() << "unexpected verb";
    }
    return resp;
  }

  void commit(Lease body, ApiResponse* resp) {
    body.resource_version = next_rv++;
    if (body.spec.renew_time) body.spec.renew_time = truncate_to_micros(*body.spec.renew_time);
    if (body.spec.acquire_time) body.spec.acquire_time = truncate_to_micros(*body.spec.acquire_time);
    stored = body;
    resp->object = body;
  }
};

// Drives one elector; keeps the call it is waiting for so tests can answer it.
class Harness {
 public:
  explicit Harness(ClientGoConfig config = kcm(), std::string identity = "a")
      : e(std::move(identity), kLease, std::move(config)) {}

  // The elector's clocks at local monotonic t: wall = base + t + wall_offset.
  Now at(Duration t) const { return Now{LocalInstant(t.ns), WallInstant(kWallBase + t.ns + wall_offset.ns)}; }

  void start(Duration t) {
    begin();
    e.on_start(at(t), out);
    end();
  }
  void fire(TimerId id, Duration t) {
    begin();
    e.on_timer(id, at(t), out);
    end();
  }
  void stop(Duration t) {
    begin();
    e.on_stop(at(t), out);
    end();
  }
  // Answers the pending call.
  void reply(ApiResult result, std::optional<Lease> object, Duration t) {
    ASSERT_TRUE(pending.has_value()) << "no call to answer";
    ApiResponse resp;
    resp.tag = pending->tag;
    resp.verb = pending->verb;
    resp.result = result;
    resp.object = std::move(object);
    deliver(resp, t);
  }
  // Lets the fake server answer the pending call.
  void serve(FakeServer& server, Duration t) {
    ASSERT_TRUE(pending.has_value()) << "no call to serve";
    deliver(server.handle(*pending), t);
  }
  void deliver(const ApiResponse& resp, Duration t) {
    if (pending && pending->tag == resp.tag) pending.reset();  // answered
    begin();
    e.on_response(resp, at(t), out);
    end();
  }

  std::vector<ApiRequest> calls() const {
    std::vector<ApiRequest> v;
    for (const auto& eff : out.list())
      if (const auto* c = std::get_if<Call>(&eff)) v.push_back(c->request);
    return v;
  }
  // The one call of the last reaction. A mismatch is a test failure, never a crash: the
  // placeholder returned then has a body so that tests can go on inspecting it.
  ApiRequest only_call() const {
    const std::vector<ApiRequest> v = calls();
    if (v.size() == 1) return v[0];
    ADD_FAILURE() << "expected exactly one call, got " << v.size();
    ApiRequest placeholder;
    placeholder.verb = Verb::List;
    placeholder.body = Lease{};
    return placeholder;
  }
  std::vector<SetTimer> timers() const {
    std::vector<SetTimer> v;
    for (const auto& eff : out.list())
      if (const auto* t = std::get_if<SetTimer>(&eff)) v.push_back(*t);
    return v;
  }
  std::optional<SetTimer> timer(TimerId id) const {
    for (const auto& t : timers())
      if (t.id == id) return t;
    return std::nullopt;
  }
  std::vector<TimerId> cancelled_timers() const {
    std::vector<TimerId> v;
    for (const auto& eff : out.list())
      if (const auto* t = std::get_if<CancelTimer>(&eff)) v.push_back(t->id);
    return v;
  }
  std::vector<uint32_t> cancelled_calls() const {
    std::vector<uint32_t> v;
    for (const auto& eff : out.list())
      if (const auto* c = std::get_if<CancelCall>(&eff)) v.push_back(c->tag);
    return v;
  }
  std::vector<Note> notes() const {
    std::vector<Note> v;
    for (const auto& eff : out.list())
      if (const auto* n = std::get_if<Note>(&eff)) v.push_back(*n);
    return v;
  }
  // "ObservedLeader:b", "StartedLeading:became leader", ... in order.
  std::vector<std::string> note_strings() const {
    std::vector<std::string> v;
    for (const auto& n : notes()) v.push_back(kind_name(n.kind) + ":" + n.detail);
    return v;
  }
  static std::string kind_name(NoteKind k) {
    switch (k) {
      case NoteKind::StartedLeading: return "StartedLeading";
      case NoteKind::StoppedLeading: return "StoppedLeading";
      case NoteKind::ObservedLeader: return "ObservedLeader";
      case NoteKind::Exited: return "Exited";
      case NoteKind::Crashed: return "Crashed";
    }
    return "?";
  }

  ClientGoElector e;
  Effects out;
  std::optional<ApiRequest> pending;
  Duration wall_offset{};

 private:
  void begin() { out.clear(); }
  void end() {
    for (const auto& eff : out.list()) {
      if (const auto* c = std::get_if<CancelCall>(&eff)) {
        if (pending && pending->tag == c->tag) pending.reset();
      }
    }
    std::optional<ApiRequest> issued;
    for (const auto& eff : out.list())
      if (const auto* c = std::get_if<Call>(&eff)) {
        EXPECT_FALSE(issued.has_value()) << "Run issues one call at a time";
        issued = c->request;
      }
    if (issued) pending = issued;
  }
};

// Acquires an empty store by Create at t = 0..2ms; the first renew round then starts at 2ms
// with a fast-path Update pending. Returns with that Update pending.
void acquire_by_create(Harness& h, FakeServer& server) {
  h.start(Duration{});
  ASSERT_EQ(h.calls().size(), 1u);
  ASSERT_EQ(h.only_call().verb, Verb::Get);
  h.serve(server, ms(1));
  ASSERT_EQ(h.calls().size(), 1u);
  ASSERT_EQ(h.only_call().verb, Verb::Create);
  h.serve(server, ms(2));
  ASSERT_TRUE(h.e.acting_leader());
}

// acquire_by_create, then the first round's fast Update succeeds at 3ms: s = 3ms, the elector
// waits RP for the next round.
void lead_steadily(Harness& h, FakeServer& server) {
  acquire_by_create(h, server);
  ASSERT_EQ(h.calls().size(), 1u);
  ASSERT_EQ(h.only_call().verb, Verb::Update);
  h.serve(server, ms(3));
  ASSERT_TRUE(h.timer(ClientGoElector::kRenewRoundTimer).has_value());
}

// ============================================================================================
// 1.2 validation, 1.3 presets, 0 H.

TEST(ClientGoConfig_1_2, ValidationMessagesInLibraryOrder) {
  ClientGoConfig c = kcm();
  c.lease_duration = s(10);
  auto err = validate(c);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->message, "leaseDuration must be greater than renewDeadline");
  EXPECT_EQ(err->field, "leaseDuration");

  c = kcm();
  c.renew_deadline = s(2);
  err = validate(c);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->message, "renewDeadline must be greater than retryPeriod*JitterFactor");

  // Checks 3-5 are reachable only when checks 1-2 pass, i.e. with non-positive values below.
  c = timing(Duration(0), Duration(-5), Duration(-10));
  err = validate(c);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->message, "leaseDuration must be greater than zero");
  c = timing(Duration(1), Duration(0), Duration(-1));
  err = validate(c);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->message, "renewDeadline must be greater than zero");
  c = timing(Duration(3), Duration(1), Duration(0));
  err = validate(c);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->message, "retryPeriod must be greater than zero");
  // Nothing enforces LD >= 1s: 1ns granularity is accepted.
  EXPECT_FALSE(validate(timing(Duration(5), Duration(4), Duration(3))));
}

TEST(ClientGoConfig_1_2, RenewDeadlineBoundaryIsDurationOf1_2TimesRetryPeriod) {
  ClientGoConfig c = kcm();
  c.retry_period = s(2);
  c.renew_deadline = ms(2400);  // == Duration(1.2 * 2s): RD <= 1.2*RP fails
  ASSERT_TRUE(validate(c));
  EXPECT_EQ(validate(c)->message, "renewDeadline must be greater than retryPeriod*JitterFactor");
  c.renew_deadline = ms(2400) + nanoseconds(1);
  EXPECT_FALSE(validate(c));
  // Duration() truncates: 1.2 * 3ns = 3.6 -> 3ns, so RD = 4ns passes and RD = 3ns fails.
  EXPECT_FALSE(validate(timing(Duration(5), Duration(4), Duration(3))));
  EXPECT_TRUE(validate(timing(Duration(5), Duration(3), Duration(3))));
}

TEST(ClientGoConfig_1_3, PresetsOfCoreComponents) {
  const ClientGoConfig k = kcm();
  EXPECT_EQ(k.lease_duration, s(15));
  EXPECT_EQ(k.renew_deadline, s(10));
  EXPECT_EQ(k.retry_period, s(2));
  EXPECT_FALSE(k.release_on_cancel);
  const ClientGoConfig sc = scheduler();
  EXPECT_EQ(sc.lease_duration, s(15));
  EXPECT_EQ(sc.renew_deadline, s(10));
  EXPECT_EQ(sc.retry_period, s(2));
  EXPECT_TRUE(sc.release_on_cancel);
  ClientGoConfig unknown;
  EXPECT_FALSE(apply_client_go_preset("kube-apiserver", &unknown));
}

TEST(ClientGoSpec_0, RequestTimeoutIsMaxOf1sAndHalfRenewDeadline) {
  EXPECT_EQ(kcm().effective_request_timeout(), s(5));
  const ClientGoConfig small = timing(s(3), ms(1500), s(1));
  EXPECT_EQ(small.effective_request_timeout(), s(1));
  ClientGoConfig explicit_timeout = kcm();
  explicit_timeout.request_timeout = s(7);
  EXPECT_EQ(explicit_timeout.effective_request_timeout(), s(7));

  // The model puts H on every acquire call.
  Harness h(kcm());
  h.start(Duration{});
  EXPECT_EQ(h.only_call().timeout, s(5));
  Harness h2(small);
  h2.start(Duration{});
  EXPECT_EQ(h2.calls()[0].timeout, s(1));
}

TEST(ClientGoSpec_0, LeaseDurationSecondsTruncates) {
  EXPECT_EQ(lease_duration_seconds_of(ms(15900)), 15);
  EXPECT_EQ(lease_duration_seconds_of(ms(999)), 0);
}

// ============================================================================================
// 2.1 Run and 2.5 callbacks: ordering of notes.

TEST(ClientGoSpec_2_1, NotesOrderOnAcquireAndOnLoss) {
  Harness h(kcm());
  FakeServer server;
  h.start(Duration{});
  h.serve(server, ms(1));
  h.serve(server, ms(2));
  // 2.2: maybeReportTransition (OnNewLeader(self)) runs before "became leader".
  EXPECT_EQ(h.note_strings(), (std::vector<std::string>{"ObservedLeader:a", "StartedLeading:became leader"}));
  h.serve(server, ms(3));
  h.fire(ClientGoElector::kRenewRoundTimer, ms(2003));
  h.reply(ApiResult::Unavailable, std::nullopt, ms(2003));  // fast path fails
  h.reply(ApiResult::Unavailable, std::nullopt, ms(2003));  // Get fails
  h.fire(ClientGoElector::kRenewDeadlineTimer, ms(12003));
  // 2.1 step 5 then spec 1.3: leadCtx cancelled (StoppedLeading), OnStoppedLeading exits.
  EXPECT_EQ(h.note_strings(),
            (std::vector<std::string>{"StoppedLeading:renewFailed", "Crashed:exit(1): leaderelection lost"}));
  EXPECT_EQ(h.e.phase(), ClientGoElector::Phase::Crashed);
}

// ============================================================================================
// 2.2 acquire.

TEST(ClientGoSpec_2_2, FirstAttemptIsImmediateAndGapIsDrawnAfterItFinishes) {
  Harness h(kcm(), "c");
  FakeServer server;
  server.stored = lease_record("b", 15, Duration{}, 0, 5);
  h.start(s(7));
  ASSERT_EQ(h.calls().size(), 1u);
  EXPECT_EQ(h.only_call().verb, Verb::Get);
  EXPECT_TRUE(h.timers().empty());  // no initial delay, and the gap is not measured from start
  h.serve(server, s(8));            // live holder: attempt false
  const auto gap = h.timer(ClientGoElector::kAcquireRetryTimer);
  ASSERT_TRUE(gap);
  EXPECT_EQ(gap->delay_min, s(2));
  EXPECT_EQ(gap->delay_max, ms(4400) - nanoseconds(1));  // [RP, 2.2*RP)
  // The next attempt redraws a fresh gap: a new SetTimer with the same range.
  h.fire(ClientGoElector::kAcquireRetryTimer, s(11));
  ASSERT_EQ(h.calls().size(), 1u);
  h.serve(server, s(11));
  const auto gap2 = h.timer(ClientGoElector::kAcquireRetryTimer);
  ASSERT_TRUE(gap2);
  EXPECT_EQ(gap2->delay_min, s(2));
  EXPECT_EQ(gap2->delay_max, ms(4400) - nanoseconds(1));
}

TEST(ClientGoSpec_2_2, GapRangeIntegerArithmetic) {
  EXPECT_EQ(acquire_gap_max(s(2)), ms(4400) - nanoseconds(1));
  EXPECT_EQ(acquire_gap_max(nanoseconds(1)), nanoseconds(2));   // 1 + floor(U*1.2) in {1, 2}
  EXPECT_EQ(acquire_gap_max(nanoseconds(5)), nanoseconds(10));  // 5 + (0..5)
  EXPECT_EQ(acquire_gap_max(nanoseconds(3)), nanoseconds(6));   // 3 + floor(U*3.6) in 3..6
}

TEST(ClientGoSpec_2_2, StopDuringGapReturnsWithoutLeadershipNotes) {
  Harness h(kcm(), "c");
  FakeServer server;
  server.stored = lease_record("b", 15, Duration{}, 0, 5);
  h.start(Duration{});
  h.serve(server, ms(1));
  h.stop(s(1));
  EXPECT_EQ(h.cancelled_timers(), std::vector<TimerId>{ClientGoElector::kAcquireRetryTimer});
  EXPECT_EQ(h.note_strings(), std::vector<std::string>{"Exited:stopped"});
  EXPECT_TRUE(h.calls().empty());
  EXPECT_EQ(h.e.phase(), ClientGoElector::Phase::Exited);
}

TEST(ClientGoSpec_2_2, StopDuringAttemptCancelsTheCallAndMakesNoOther) {
  Harness h(kcm(), "c");
  h.start(Duration{});
  const uint32_t tag = h.pending->tag;
  h.stop(ms(1));
  EXPECT_EQ(h.cancelled_calls(), std::vector<uint32_t>{tag});
  EXPECT_TRUE(h.calls().empty());
  EXPECT_EQ(h.note_strings(), std::vector<std::string>{"Exited:stopped"});
  // The world's Timeout for the cancelled call reaches nobody.
  ApiResponse late;
  late.tag = tag;
  late.verb = Verb::Get;
  late.result = ApiResult::Timeout;
  h.deliver(late, ms(2));
  EXPECT_TRUE(h.out.empty());
}

// ============================================================================================
// 2.3 renew.

TEST(ClientGoSpec_2_3, FirstRoundStartsAtOnceWithFastPathDeadlineAndTicker) {
  Harness h(kcm());
  FakeServer server;
  acquire_by_create(h, server);
  // The same reaction starts round 1: deadline t0 + RD, ticker at t0 + RP, attempt 0 now.
  const auto deadline = h.timer(ClientGoElector::kRenewDeadlineTimer);
  const auto tick = h.timer(ClientGoElector::kRenewTickTimer);
  ASSERT_TRUE(deadline && tick);
  EXPECT_EQ(deadline->delay_min, s(10));
  EXPECT_EQ(deadline->delay_max, s(10));
  EXPECT_EQ(tick->delay_min, s(2));
  ASSERT_EQ(h.calls().size(), 1u);
  EXPECT_EQ(h.only_call().verb, Verb::Update);  // R1 fast path, no Get
  EXPECT_EQ(h.only_call().body->resource_version, server.stored->resource_version);
  // Success ends the round: ticker and deadline go, the next round is RP later.
  h.serve(server, ms(3));
  EXPECT_EQ(h.cancelled_timers(),
            (std::vector<TimerId>{ClientGoElector::kRenewTickTimer, ClientGoElector::kRenewDeadlineTimer}));
  const auto next = h.timer(ClientGoElector::kRenewRoundTimer);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->delay_min, s(2));
  EXPECT_EQ(next->delay_max, s(2));  // jitter 0
}

TEST(ClientGoSpec_2_3, GiveUpAtLastSuccessPlusRetryPeriodPlusRenewDeadline) {
  Harness h(kcm());
  FakeServer server;
  lead_steadily(h, server);  // s = 3ms
  const Duration t0 = ms(3) + s(2);
  h.fire(ClientGoElector::kRenewRoundTimer, t0);
  int attempts = 0;
  auto fail_attempt = [&](Duration t) {
    ASSERT_EQ(h.calls().size(), 1u);
    EXPECT_EQ(h.only_call().verb, Verb::Update);  // still IsLeader and valid: fast path
    ++attempts;
    h.reply(ApiResult::Unavailable, std::nullopt, t);
    ASSERT_EQ(h.calls().size(), 1u);
    EXPECT_EQ(h.only_call().verb, Verb::Get);  // R1: error falls through in the same attempt
    h.reply(ApiResult::Unavailable, std::nullopt, t);
    EXPECT_TRUE(h.calls().empty());
    EXPECT_TRUE(h.notes().empty());  // a false attempt does not end the round
  };
  fail_attempt(t0);
  for (int k = 1; k <= 4; ++k) {
    h.fire(ClientGoElector::kRenewTickTimer, t0 + s(2 * k));
    // Ticks are scheduled on the grid; none at t0 + RD (the deadline wins there).
    if (k < 4) {
      ASSERT_TRUE(h.timer(ClientGoElector::kRenewTickTimer));
      EXPECT_EQ(h.timer(ClientGoElector::kRenewTickTimer)->delay_min, s(2));
    } else {
      EXPECT_FALSE(h.timer(ClientGoElector::kRenewTickTimer));
    }
    fail_attempt(t0 + s(2 * k));
  }
  EXPECT_EQ(attempts, 5);  // ceil(RD / RP)
  EXPECT_TRUE(h.e.acting_leader());
  h.fire(ClientGoElector::kRenewDeadlineTimer, ms(3) + s(12));  // s + RP + RD
  ASSERT_EQ(h.notes().size(), 2u);
  EXPECT_EQ(h.notes()[0].kind, NoteKind::StoppedLeading);
  EXPECT_EQ(h.notes()[0].detail, "renewFailed");
  EXPECT_FALSE(h.notes()[0].since.has_value());
  EXPECT_FALSE(h.e.acting_leader());
}

TEST(ClientGoSpec_2_3, TicksFollowTheGridNotTheAttempts) {
  ClientGoConfig c = kcm();
  c.retry_period = s(3);  // ticks at t0 + 3, 6, 9; RD = 10
  Harness h(c);
  FakeServer server;
  acquire_by_create(h, server);  // t0 = 2ms
  const Duration t0 = ms(2);
  h.reply(ApiResult::Unavailable, std::nullopt, t0 + ms(1500));  // attempt 0 takes 1.5 s
  h.reply(ApiResult::Unavailable, std::nullopt, t0 + ms(1600));
  EXPECT_FALSE(h.timer(ClientGoElector::kRenewTickTimer));  // the ticker is not re-armed by attempts
  h.fire(ClientGoElector::kRenewTickTimer, t0 + s(3) + ms(7));  // fired late: next still at t0 + 6
  ASSERT_TRUE(h.timer(ClientGoElector::kRenewTickTimer));
  EXPECT_EQ(h.timer(ClientGoElector::kRenewTickTimer)->delay_min, s(3) - ms(7));
  h.reply(ApiResult::Unavailable, std::nullopt, t0 + s(4));
  h.reply(ApiResult::Unavailable, std::nullopt, t0 + s(4));
  h.fire(ClientGoElector::kRenewTickTimer, t0 + s(6));
  EXPECT_EQ(h.timer(ClientGoElector::kRenewTickTimer)->delay_min, s(3));  // t0 + 9 < t0 + 10
  h.reply(ApiResult::Unavailable, std::nullopt, t0 + s(6));
  h.reply(ApiResult::Unavailable, std::nullopt, t0 + s(6));
  h.fire(ClientGoElector::kRenewTickTimer, t0 + s(9));
  EXPECT_FALSE(h.timer(ClientGoElector::kRenewTickTimer));  // t0 + 12 is past the deadline
}

TEST(ClientGoSpec_2_3, LateTickSkipsMissedGridPoints) {
  Harness h(kcm());
  FakeServer server;
  acquire_by_create(h, server);  // t0 = 2ms, RP = 2 s
  const Duration t0 = ms(2);
  h.reply(ApiResult::Unavailable, std::nullopt, t0);
  h.reply(ApiResult::Unavailable, std::nullopt, t0);
  // The process could not run from t0 + 1 s to t0 + 5.5 s: the tick at t0 + 2 s arrives late.
  h.fire(ClientGoElector::kRenewTickTimer, t0 + ms(5500));
  ASSERT_TRUE(h.timer(ClientGoElector::kRenewTickTimer));
  // The tick at t0 + 4 s is dropped: the next one is at t0 + 6 s, not immediately.
  EXPECT_EQ(h.timer(ClientGoElector::kRenewTickTimer)->delay_min, ms(500));
  EXPECT_EQ(h.calls().size(), 1u);  // the late tick itself starts one attempt
}

TEST(ClientGoSpec_2_3, OnePendingTickIsKeptExtraTicksAreDropped) {
  Harness h(kcm());
  FakeServer server;
  acquire_by_create(h, server);  // attempt 0's fast Update stays in flight
  const Duration t0 = ms(2);
  h.fire(ClientGoElector::kRenewTickTimer, t0 + s(2));
  EXPECT_TRUE(h.calls().empty());  // overrun: the tick is kept
  h.fire(ClientGoElector::kRenewTickTimer, t0 + s(4));
  EXPECT_TRUE(h.calls().empty());  // a second tick is dropped
  h.reply(ApiResult::Timeout, std::nullopt, t0 + ms(4500));  // H = 5s would be later; any error
  ASSERT_EQ(h.calls().size(), 1u);
  EXPECT_EQ(h.only_call().verb, Verb::Get);
  h.reply(ApiResult::Unavailable, std::nullopt, t0 + ms(4600));
  // The pending tick starts the next attempt at once.
  ASSERT_EQ(h.calls().size(), 1u);
  EXPECT_EQ(h.only_call().verb, Verb::Update);
  h.reply(ApiResult::Unavailable, std::nullopt, t0 + ms(4700));
  h.reply(ApiResult::Unavailable, std::nullopt, t0 + ms(4800));
  // Only one tick was kept: the next attempt waits for t0 + 6.
  EXPECT_TRUE(h.calls().empty());
  h.fire(ClientGoElector::kRenewTickTimer, t0 + s(6));
  EXPECT_EQ(h.calls().size(), 1u);
}

TEST(ClientGoSpec_2_3, AttemptSeeingAnotherHolderDoesNotEndTheRound) {
  Harness h(kcm());
  FakeServer server;
  lead_steadily(h, server);
  // Someone else took the lease.
  server.stored = lease_record("b", 15, s(1), 1, 50);
  const Duration t0 = ms(2003);
  h.fire(ClientGoElector::kRenewRoundTimer, t0);
  h.serve(server, t0 + ms(1));  // fast path: 409
  h.serve(server, t0 + ms(2));  // Get: b, fresh bytes: valid and not leader -> false (R4)
  EXPECT_FALSE(h.e.is_leader());
  EXPECT_TRUE(h.notes().empty());  // no StoppedLeading, and OnNewLeader waits for the round end
  EXPECT_TRUE(h.e.in_round());
  h.fire(ClientGoElector::kRenewTickTimer, t0 + s(2));
  ASSERT_EQ(h.calls().size(), 1u);
  EXPECT_EQ(h.only_call().verb, Verb::Get);  // no longer IsLeader: no fast path
  h.serve(server, t0 + s(2));
  EXPECT_TRUE(h.notes().empty());
  h.fire(ClientGoElector::kRenewDeadlineTimer, t0 + s(10));
  // 2.5: reported once per round, before leadCtx is cancelled.
  EXPECT_EQ(h.note_strings(), (std::vector<std::string>{"ObservedLeader:b", "StoppedLeading:renewFailed",
                                                        "Crashed:exit(1): leaderelection lost"}));
}

TEST(ClientGoSpec_2_3, DeadlineCancelsTheCallInFlightAndTheLateAnswerIsIgnored) {
  Harness h(kcm());
  FakeServer server;
  lead_steadily(h, server);
  const Duration t0 = ms(2003);
  h.fire(ClientGoElector::kRenewRoundTimer, t0);
  h.reply(ApiResult::Unavailable, std::nullopt, t0);
  h.reply(ApiResult::Unavailable, std::nullopt, t0);
  h.fire(ClientGoElector::kRenewTickTimer, t0 + s(8));
  ASSERT_EQ(h.calls().size(), 1u);
  // Every call in a round is also bounded by the round deadline: min(H = 5s, 2s).
  EXPECT_EQ(h.only_call().timeout, s(2));
  const uint32_t tag = h.pending->tag;
  h.fire(ClientGoElector::kRenewDeadlineTimer, t0 + s(10));
  EXPECT_EQ(h.cancelled_calls(), std::vector<uint32_t>{tag});
  EXPECT_TRUE(h.calls().empty());  // the fall-through Get fails at once: ctx is done
  EXPECT_EQ(h.note_strings()[0], "StoppedLeading:renewFailed");
  ApiResponse late;
  late.tag = tag;
  late.verb = Verb::Update;
  late.result = ApiResult::Ok;
  late.object = server.stored;
  h.deliver(late, t0 + s(10) + ms(1));
  EXPECT_TRUE(h.out.empty());
  EXPECT_EQ(h.e.phase(), ClientGoElector::Phase::Crashed);
}

TEST(ClientGoSpec_2_3, StopBetweenRoundsEndsWithoutReportAndStopInRoundCancelsCall) {
  {
    Harness h(kcm());
    FakeServer server;
    lead_steadily(h, server);
    server.stored->spec.holder_identity = "b";  // never observed: no report may fire
    h.stop(s(1));
    EXPECT_EQ(h.cancelled_timers(), std::vector<TimerId>{ClientGoElector::kRenewRoundTimer});
    EXPECT_EQ(h.note_strings(), (std::vector<std::string>{"StoppedLeading:stopped", "Exited:stopped"}));
    ASSERT_TRUE(h.notes()[0].since);
    EXPECT_EQ(*h.notes()[0].since, LocalInstant(s(1).ns));
    EXPECT_TRUE(h.e.is_leader());  // 8.6: IsLeader stays true after Run returned
  }
  {
    Harness h(kcm());
    FakeServer server;
    acquire_by_create(h, server);  // fast Update in flight
    const uint32_t tag = h.pending->tag;
    h.stop(ms(500));
    EXPECT_EQ(h.cancelled_calls(), std::vector<uint32_t>{tag});
    EXPECT_TRUE(h.calls().empty());
    EXPECT_EQ(h.note_strings(), (std::vector<std::string>{"StoppedLeading:stopped", "Exited:stopped"}));
  }
}

TEST(ClientGoSpec_2_3, IsLeaderStaysTrueAfterRenewFailure) {
  Harness h(kcm());
  FakeServer server;
  lead_steadily(h, server);
  h.fire(ClientGoElector::kRenewRoundTimer, ms(2003));
  h.reply(ApiResult::Unavailable, std::nullopt, ms(2003));
  h.reply(ApiResult::Unavailable, std::nullopt, ms(2003));
  h.fire(ClientGoElector::kRenewDeadlineTimer, ms(12003));
  EXPECT_FALSE(h.e.acting_leader());
  EXPECT_TRUE(h.e.is_leader());  // spec 2.3 last bullet, 8.6
}

TEST(ClientGoSpec_2_3, RejoinAfterLossStartsAFreshRunAtOnce) {
  ClientGoConfig c = kcm();
  c.rejoin_after_loss = true;
  Harness h(c);
  FakeServer server;
  lead_steadily(h, server);
  h.fire(ClientGoElector::kRenewRoundTimer, ms(2003));
  h.reply(ApiResult::Unavailable, std::nullopt, ms(2003));
  const uint32_t old_tag = h.pending->tag;
  h.fire(ClientGoElector::kRenewDeadlineTimer, ms(12003));
  EXPECT_EQ(h.note_strings(), std::vector<std::string>{"StoppedLeading:renewFailed"});  // no Crashed
  ASSERT_EQ(h.calls().size(), 1u);
  EXPECT_EQ(h.only_call().verb, Verb::Get);  // fresh elector: not leader, so no fast path
  EXPECT_NE(h.only_call().tag, old_tag);
  EXPECT_EQ(h.e.phase(), ClientGoElector::Phase::Acquiring);
  EXPECT_FALSE(h.e.is_leader());
  EXPECT_FALSE(h.e.observed_raw_record().has_value());
  EXPECT_EQ(h.e.reported_leader(), "");
  // The fresh Run sees its own identity (same-identity rule: no wait, no increment) and
  // reports its own re-acquisition again.
  h.serve(server, ms(12004));
  ASSERT_EQ(h.calls().size(), 1u);
  EXPECT_EQ(h.only_call().verb, Verb::Update);
  EXPECT_EQ(h.only_call().body->spec.lease_transitions, 0);
  h.serve(server, ms(12005));
  EXPECT_EQ(h.note_strings(), (std::vector<std::string>{"ObservedLeader:a", "StartedLeading:became leader"}));
}

// ============================================================================================
// 2.4 release.

TEST(ClientGoSpec_2_4, ReleaseOnStopWritesTheReleasedRecord) {
  Harness h(scheduler(), "a");
  FakeServer server;
  lead_steadily(h, server);
  // Another write changed the stored transitions: release copies the FETCHED value.
  server.stored->spec.lease_transitions = 42;
  h.stop(s(1));
  const auto timeout = h.timer(ClientGoElector::kReleaseTimeoutTimer);
  ASSERT_TRUE(timeout);
  EXPECT_EQ(timeout->delay_min, s(10));  // a fresh RD timeout
  ASSERT_EQ(h.calls().size(), 1u);
  EXPECT_EQ(h.only_call().verb, Verb::Get);
  EXPECT_TRUE(h.notes().empty());  // OnStoppedLeading runs after the release
  EXPECT_FALSE(h.e.acting_leader());  // but leadCtx, a child of ctx, is already cancelled (2.4c)
  h.serve(server, s(1) + ms(1));
  ASSERT_EQ(h.calls().size(), 1u);
  const ApiRequest update = h.only_call();
  EXPECT_EQ(update.verb, Verb::Update);
  EXPECT_EQ(update.timeout, s(5));
  EXPECT_EQ(update.body->resource_version, server.stored->resource_version);
  const LeaseSpec& spec = update.body->spec;
  ASSERT_TRUE(spec.holder_identity.has_value());
  EXPECT_EQ(*spec.holder_identity, "");  // present but empty
  EXPECT_EQ(spec.lease_duration_seconds, 1);
  EXPECT_EQ(spec.renew_time, wall(s(1) + ms(1)));
  EXPECT_EQ(spec.acquire_time, wall(s(1) + ms(1)));
  EXPECT_EQ(spec.lease_transitions, 42);
  EXPECT_FALSE(spec.strategy.has_value());
  EXPECT_FALSE(spec.preferred_holder.has_value());
  h.serve(server, s(1) + ms(2));
  // No OnNewLeader("") for our own release; StoppedLeading backdated to the stop.
  EXPECT_EQ(h.note_strings(), (std::vector<std::string>{"StoppedLeading:stopped; released", "Exited:stopped"}));
  EXPECT_EQ(h.notes()[0].since, LocalInstant(s(1).ns));
  EXPECT_FALSE(h.e.is_leader());
  EXPECT_EQ(h.e.observed_time(), LocalInstant((s(1) + ms(2)).ns));
}

TEST(ClientGoSpec_2_4, ReleaseChecksTheLocalViewNotTheFetchedRecord) {
  // Local view not leader (a round saw b), fetched record names us: nothing is written.
  Harness h(scheduler(), "a");
  FakeServer server;
  lead_steadily(h, server);
  server.stored = lease_record("b", 15, s(1), 1, 50);
  h.fire(ClientGoElector::kRenewRoundTimer, ms(2003));
  h.serve(server, ms(2004));  // 409
  h.serve(server, ms(2005));  // Get: b
  ASSERT_FALSE(h.e.is_leader());
  server.stored = lease_record("a", 15, s(1), 1, 51);  // the fetched record will name us
  h.fire(ClientGoElector::kRenewDeadlineTimer, ms(12003));
  ASSERT_EQ(h.calls().size(), 1u);
  EXPECT_EQ(h.only_call().verb, Verb::Get);
  EXPECT_EQ(h.note_strings(), std::vector<std::string>{"ObservedLeader:b"});  // round end report only
  h.serve(server, ms(12004));
  EXPECT_TRUE(h.calls().empty());
  EXPECT_EQ(h.note_strings(),
            (std::vector<std::string>{"StoppedLeading:renewFailed; notReleased: not leader in local view",
                                      "Crashed:exit(1): leaderelection lost"}));
}

TEST(ClientGoSpec_2_4, HazardB_StaleLocalViewOverwritesNewHolderAndHazardA_LeadsUntilReleased) {
  Harness h(scheduler(), "a");
  FakeServer server;
  lead_steadily(h, server);
  const Duration t0 = ms(2003);
  h.fire(ClientGoElector::kRenewRoundTimer, t0);
  // Every call of the round fails (partition); meanwhile b takes the lease.
  h.reply(ApiResult::Unavailable, std::nullopt, t0);
  h.reply(ApiResult::Unavailable, std::nullopt, t0);
  server.stored = lease_record("b", 15, s(11), 1, 77);
  h.fire(ClientGoElector::kRenewDeadlineTimer, t0 + s(10));
  // Hazard 2.4a: the release runs while leadCtx is still live.
  EXPECT_TRUE(h.notes().empty());
  EXPECT_TRUE(h.e.acting_leader());
  ASSERT_EQ(h.calls().size(), 1u);
  EXPECT_EQ(h.only_call().verb, Verb::Get);
  h.serve(server, t0 + s(10) + ms(1));  // the partition healed: b's record, fresh RV
  ASSERT_EQ(h.calls().size(), 1u);
  EXPECT_EQ(h.only_call().body->resource_version, 77u);
  h.serve(server, t0 + s(10) + ms(2));
  // Hazard 2.4b: b's record was overwritten with an empty holder.
  EXPECT_EQ(server.stored->spec.holder_identity, "");
  EXPECT_EQ(h.note_strings(), (std::vector<std::string>{"StoppedLeading:renewFailed; released",
                                                        "Crashed:exit(1): leaderelection lost"}));
  EXPECT_FALSE(h.notes()[0].since.has_value());  // leadCtx cancelled only now
}

TEST(ClientGoSpec_2_4, ConflictRetriesFromGetUntilTheTimeout) {
  Harness h(scheduler(), "a");
  FakeServer server;
  lead_steadily(h, server);
  h.stop(s(1));
  h.serve(server, s(1));
  ASSERT_EQ(h.only_call().verb, Verb::Update);
  h.reply(ApiResult::Conflict, std::nullopt, s(2));
  ASSERT_EQ(h.calls().size(), 1u);
  EXPECT_EQ(h.only_call().verb, Verb::Get);  // v0.37: back to the Get
  EXPECT_EQ(h.only_call().timeout, s(5));
  EXPECT_TRUE(h.notes().empty());
  h.serve(server, s(8));
  ASSERT_EQ(h.only_call().verb, Verb::Update);
  EXPECT_EQ(h.only_call().timeout, s(3));  // min(H, release deadline 11s - 8s)
  const uint32_t tag = h.pending->tag;
  h.fire(ClientGoElector::kReleaseTimeoutTimer, s(11));
  EXPECT_EQ(h.cancelled_calls(), std::vector<uint32_t>{tag});
  EXPECT_EQ(h.note_strings(),
            (std::vector<std::string>{"StoppedLeading:stopped; notReleased: release failed", "Exited:stopped"}));
  EXPECT_TRUE(h.e.is_leader());
}

TEST(ClientGoSpec_2_4, OtherUpdateErrorDoesNotRetryAndUserStopDuringReleaseExits) {
  Harness h(scheduler(), "a");
  FakeServer server;
  lead_steadily(h, server);
  h.fire(ClientGoElector::kRenewRoundTimer, ms(2003));
  h.reply(ApiResult::Unavailable, std::nullopt, ms(2003));
  h.reply(ApiResult::Unavailable, std::nullopt, ms(2003));
  h.fire(ClientGoElector::kRenewDeadlineTimer, ms(12003));  // renew failed: release starts
  h.stop(ms(12500));  // the release's ctx is Background: it goes on
  EXPECT_TRUE(h.out.empty());
  EXPECT_FALSE(h.e.acting_leader());  // leadCtx is a child of the cancelled ctx
  h.serve(server, ms(12600));
  h.reply(ApiResult::Unavailable, std::nullopt, ms(12700));
  EXPECT_TRUE(h.calls().empty());
  EXPECT_EQ(h.note_strings(), (std::vector<std::string>{"StoppedLeading:renewFailed; notReleased: release failed",
                                                        "Exited:stopped"}));
  EXPECT_EQ(h.notes()[0].since, LocalInstant(ms(12500).ns));
}

// ============================================================================================
// 2.5 OnNewLeader.

TEST(ClientGoSpec_2_5, FirstEmptyHolderIsNotReportedALaterOneIs) {
  {
    Harness h(kcm(), "c");
    h.start(Duration{});
    h.reply(ApiResult::Ok, lease_record("", 15, Duration{}, 2, 5), ms(1));
    ASSERT_EQ(h.only_call().verb, Verb::Update);
    h.reply(ApiResult::Conflict, std::nullopt, ms(2));
    EXPECT_TRUE(h.notes().empty());
  }
  {
    Harness h(kcm(), "c");
    h.start(Duration{});
    h.reply(ApiResult::Ok, lease_record("b", 15, Duration{}, 2, 5), ms(1));
    EXPECT_EQ(h.note_strings(), std::vector<std::string>{"ObservedLeader:b"});
    h.fire(ClientGoElector::kAcquireRetryTimer, s(3));
    h.reply(ApiResult::Ok, lease_record("", 1, s(2), 2, 6), s(3));
    h.reply(ApiResult::Conflict, std::nullopt, s(3));
    EXPECT_EQ(h.note_strings(), std::vector<std::string>{"ObservedLeader:"});
    EXPECT_EQ(h.e.reported_leader(), "");
  }
}

// ============================================================================================
// 3 R1 fast path.

TEST(ClientGoSpec_3_R1, FastPathUpdatesWithCachedLeaseAndObservedValues) {
  Harness h(kcm());
  FakeServer server;
  server.stored = lease_record("", 15, Duration{}, 6, 9, s(-50));
  h.start(Duration{});
  h.serve(server, ms(1));  // empty holder: take (transitions 7, acquireTime = now)
  h.serve(server, ms(2));
  ASSERT_EQ(h.calls().size(), 1u);  // first round: fast path
  const ApiRequest fast = h.only_call();
  EXPECT_EQ(fast.verb, Verb::Update);
  EXPECT_EQ(fast.body->resource_version, server.stored->resource_version);
  EXPECT_EQ(fast.body->spec.lease_transitions, 7);  // from observedRecord
  EXPECT_EQ(fast.body->spec.acquire_time, wall(Duration{}));  // carried
  EXPECT_EQ(fast.body->spec.renew_time, wall(ms(2)));         // this attempt's now
  h.serve(server, ms(3));
  EXPECT_EQ(h.e.observed_time(), LocalInstant(ms(3).ns));  // post-response
  // The raw record is still the one fetched at 1ms (own writes never update it).
  ASSERT_TRUE(h.e.observed_raw_record());
  EXPECT_EQ(h.e.observed_raw_record()->holder_identity, "");
}

TEST(ClientGoSpec_3_R1, ConflictFallsThroughToSlowPathInTheSameAttempt) {
  Harness h(kcm());
  FakeServer server;
  lead_steadily(h, server);
  server.stored->resource_version = 500;  // someone wrote the same record (e.g. our own late commit)
  h.fire(ClientGoElector::kRenewRoundTimer, ms(2003));
  h.serve(server, ms(2004));  // 409
  ASSERT_EQ(h.calls().size(), 1u);
  EXPECT_EQ(h.only_call().verb, Verb::Get);
  EXPECT_TRUE(h.timers().empty());
  h.serve(server, ms(2005));  // names us: R5 leader branch, Update with the fresh RV
  ASSERT_EQ(h.calls().size(), 1u);
  EXPECT_EQ(h.only_call().verb, Verb::Update);
  EXPECT_EQ(h.only_call().body->resource_version, 500u);
  h.serve(server, ms(2006));
  EXPECT_TRUE(h.timer(ClientGoElector::kRenewRoundTimer));  // the round succeeded
}

TEST(ClientGoSpec_3_R1, FastPathOnlyWhileLeaseValidStrictly) {
  // Same identity restart: the fetched record names us, our Update times out; the next
  // attempt uses the fast path only while observedTime + LDS > now.
  for (const bool at_boundary : {false, true}) {
    Harness h(kcm(), "a");
    h.start(Duration{});
    h.reply(ApiResult::Ok, lease_record("a", 15, Duration{}, 3, 5), ms(100));  // observedTime 0.1s
    ASSERT_EQ(h.only_call().verb, Verb::Update);
    h.reply(ApiResult::Timeout, std::nullopt, ms(200));
    ASSERT_TRUE(h.e.is_leader());
    const Duration t = at_boundary ? ms(15100) : ms(15099);
    h.fire(ClientGoElector::kAcquireRetryTimer, t);
    ASSERT_EQ(h.calls().size(), 1u);
    EXPECT_EQ(h.only_call().verb, at_boundary ? Verb::Get : Verb::Update) << "boundary " << at_boundary;
  }
}

// ============================================================================================
// 3 R2 Get / Create.

TEST(ClientGoSpec_3_R2, NotFoundCreatesWithZeroTransitions) {
  Harness h(kcm());
  h.wall_offset = s(1000);
  h.start(s(4));
  h.reply(ApiResult::NotFound, std::nullopt, s(5));
  ASSERT_EQ(h.calls().size(), 1u);
  const ApiRequest create = h.only_call();
  EXPECT_EQ(create.verb, Verb::Create);
  EXPECT_EQ(create.body->resource_version, 0u);
  EXPECT_EQ(create.body->id, kLease);
  EXPECT_EQ(create.body->spec.holder_identity, "a");
  EXPECT_EQ(create.body->spec.lease_duration_seconds, 15);
  EXPECT_EQ(create.body->spec.lease_transitions, 0);
  EXPECT_EQ(create.body->spec.renew_time, wall(s(1004)));  // wall at the attempt START
  EXPECT_EQ(create.body->spec.acquire_time, wall(s(1004)));
  Lease created = *create.body;
  created.resource_version = 1;
  h.reply(ApiResult::Ok, created, s(6));
  EXPECT_TRUE(h.e.acting_leader());
  EXPECT_EQ(h.e.observed_time(), LocalInstant(s(6).ns));
  EXPECT_FALSE(h.e.observed_raw_record().has_value());  // not set by the Create path
  EXPECT_EQ(h.e.lock_cache().state, LockCache::State::Object);
}

TEST(ClientGoSpec_3_R2, CreateErrorEmptiesTheCacheAndFastPathThenFallsThrough) {
  Harness h(kcm());
  FakeServer server;
  lead_steadily(h, server);
  ASSERT_EQ(h.e.lock_cache().state, LockCache::State::Object);
  h.fire(ClientGoElector::kRenewRoundTimer, ms(2003));
  h.reply(ApiResult::NotFound, std::nullopt, ms(2004));  // fast path: lease deleted
  h.reply(ApiResult::NotFound, std::nullopt, ms(2005));  // Get: NotFound -> Create
  ASSERT_EQ(h.only_call().verb, Verb::Create);
  h.reply(ApiResult::Conflict, std::nullopt, ms(2006));  // AlreadyExists
  EXPECT_EQ(h.e.lock_cache().state, LockCache::State::EmptyObject);
  EXPECT_TRUE(h.calls().empty());  // false; the round waits for its next tick
  h.fire(ClientGoElector::kRenewTickTimer, ms(4003));
  ASSERT_TRUE(h.e.is_leader());
  ASSERT_EQ(h.calls().size(), 1u);
  EXPECT_EQ(h.only_call().verb, Verb::Get);  // fast path failed locally: no Update was sent
}

TEST(ClientGoSpec_3_R2, GetErrorReturnsFalseAndChangesNothing) {
  Harness h(kcm(), "c");
  h.start(Duration{});
  const ClientGoElector before = h.e;
  h.reply(ApiResult::Unavailable, std::nullopt, ms(1));
  EXPECT_TRUE(h.calls().empty());
  EXPECT_TRUE(h.timer(ClientGoElector::kAcquireRetryTimer));
  EXPECT_EQ(h.e.observed_record(), before.observed_record());
  EXPECT_EQ(h.e.observed_time(), before.observed_time());
  EXPECT_EQ(h.e.lock_cache(), before.lock_cache());
}

// ============================================================================================
// 3 R3 change detection.

TEST(ClientGoSpec_3_R3, SubSecondOnlyChangeIsNotAChange) {
  for (const bool whole_second_change : {false, true}) {
    Harness h(kcm(), "c");
    FakeServer server;
    server.stored = lease_record("b", 15, ms(10200), 0, 3);
    h.start(Duration{});
    h.serve(server, Duration{});  // observedTime 0
    // b renews: within the same second, or into the next one.
    server.stored->spec.renew_time = wall(whole_second_change ? ms(11100) : ms(10700));
    server.stored->resource_version = 4;
    h.fire(ClientGoElector::kAcquireRetryTimer, s(14));
    h.serve(server, s(14));
    EXPECT_EQ(h.e.observed_time(), LocalInstant((whole_second_change ? s(14) : Duration{}).ns));
    h.fire(ClientGoElector::kAcquireRetryTimer, s(15));
    h.serve(server, s(15));
    // Unchanged bytes: the lease expired at 0 + 15 s and c takes it; changed bytes: wait.
    ASSERT_EQ(h.calls().size(), whole_second_change ? 0u : 1u);
    if (!whole_second_change) {
      EXPECT_EQ(h.only_call().verb, Verb::Update);
      EXPECT_EQ(h.only_call().body->resource_version, 4u);
    }
  }
}

TEST(ClientGoSpec_3_R3, ObservedTimeIsTakenAfterTheGetReturned) {
  Harness h(kcm(), "c");
  FakeServer server;
  server.stored = lease_record("b", 15, Duration{}, 0, 3);
  h.start(Duration{});
  h.serve(server, ms(500));
  EXPECT_EQ(h.e.observed_time(), LocalInstant(ms(500).ns));
  h.fire(ClientGoElector::kAcquireRetryTimer, ms(15400));
  h.serve(server, ms(15400));
  EXPECT_TRUE(h.calls().empty());  // 0.5 + 15 > 15.4: still valid
  h.fire(ClientGoElector::kAcquireRetryTimer, ms(15500));
  h.serve(server, ms(15500));
  ASSERT_EQ(h.calls().size(), 1u);  // 0.5 + 15 <= 15.5: expired
}

TEST(ClientGoSpec_3_R3, ExpiryUsesMonotonicTimeAndWallOnlyForValues) {
  Harness h(kcm(), "c");
  FakeServer server;
  server.stored = lease_record("b", 15, Duration{}, 0, 3);
  h.start(Duration{});
  h.serve(server, Duration{});
  h.wall_offset = s(-30);  // the wall clock stepped back 30 s; monotonic time is unaffected
  h.fire(ClientGoElector::kAcquireRetryTimer, s(15));
  h.serve(server, s(15));
  ASSERT_EQ(h.calls().size(), 1u);
  EXPECT_EQ(h.only_call().body->spec.renew_time, wall(s(15) - s(30)));
}

// ============================================================================================
// 3 R4 respect a live holder.

TEST(ClientGoSpec_3_R4, EmptyHolderSkipsTheWait) {
  Harness h(kcm(), "c");
  h.start(Duration{});
  h.reply(ApiResult::Ok, lease_record("", 1, Duration{}, 4, 8), ms(1));  // fresh bytes, just observed
  ASSERT_EQ(h.calls().size(), 1u);
  EXPECT_EQ(h.only_call().verb, Verb::Update);
}

TEST(ClientGoSpec_3_R4, ExpiryUsesTheRecordsLeaseDurationNotOwn) {
  Harness h(kcm(), "c");  // own LD 15 s
  FakeServer server;
  server.stored = lease_record("b", 5, Duration{}, 0, 3);
  h.start(Duration{});
  h.serve(server, Duration{});
  h.fire(ClientGoElector::kAcquireRetryTimer, ms(4999));
  h.serve(server, ms(4999));
  EXPECT_TRUE(h.calls().empty());
  h.fire(ClientGoElector::kAcquireRetryTimer, s(5));
  h.serve(server, s(5));
  ASSERT_EQ(h.calls().size(), 1u);
  EXPECT_EQ(h.only_call().verb, Verb::Update);
  EXPECT_EQ(h.only_call().body->spec.lease_duration_seconds, 15);  // writes its own LDS
}

TEST(ClientGoSpec_3_R4, JustObservedLeaseWithZeroDurationCountsAsValid) {
  Harness h(kcm(), "c");
  h.start(Duration{});
  h.reply(ApiResult::Ok, lease_record("b", 0, Duration{}, 0, 3), ms(1));
  EXPECT_TRUE(h.calls().empty());  // observedTime (1ms) + 0 > now (0): valid
  h.fire(ClientGoElector::kAcquireRetryTimer, s(2));
  h.reply(ApiResult::Ok, lease_record("b", 0, Duration{}, 0, 3), s(2));
  EXPECT_EQ(h.calls().size(), 1u);  // same bytes: 1ms + 0 <= 2 s: expired
}

// ============================================================================================
// 3 R5 transitions and acquireTime.

TEST(ClientGoSpec_3_R5, TakeoverIncrementsTransitionsAndSetsAcquireTime) {
  Harness h(kcm(), "c");
  FakeServer server;
  server.stored = lease_record("b", 5, Duration{}, 3, 3, s(-100));
  h.start(Duration{});
  h.serve(server, Duration{});
  h.fire(ClientGoElector::kAcquireRetryTimer, s(5));
  h.serve(server, s(5));
  ASSERT_EQ(h.calls().size(), 1u);
  EXPECT_EQ(h.only_call().body->spec.lease_transitions, 4);
  EXPECT_EQ(h.only_call().body->spec.acquire_time, wall(s(5)));
  EXPECT_EQ(h.only_call().body->spec.renew_time, wall(s(5)));
}

TEST(ClientGoSpec_3_R5, SameIdentityKeepsTransitionsAndAcquireTime) {
  Harness h(kcm(), "a");
  h.start(Duration{});
  h.reply(ApiResult::Ok, lease_record("a", 15, s(-1), 3, 5, s(-100)), ms(1));
  ASSERT_EQ(h.calls().size(), 1u);  // IsLeader after R3: no wait, no increment
  EXPECT_EQ(h.only_call().body->spec.lease_transitions, 3);
  EXPECT_EQ(h.only_call().body->spec.acquire_time, wall(s(-100)));
  EXPECT_EQ(h.only_call().body->spec.renew_time, wall(Duration{}));
}

TEST(ClientGoSpec_3_R5, AcquireTimeCopiedByR1SurvivesIntoTheNonLeaderBranch) {
  // D is one variable for the whole attempt: after a failed fast path, a takeover of a
  // released lease keeps R1's acquireTime (ours) while transitions become fetched + 1.
  Harness h(kcm(), "a");
  FakeServer server;
  lead_steadily(h, server);  // acquired by Create at wall 0
  server.stored = lease_record("", 1, s(1), 9, 60);  // someone took and released it
  h.fire(ClientGoElector::kRenewRoundTimer, ms(2003));
  h.serve(server, ms(2004));  // fast path 409
  h.serve(server, ms(2005));  // Get: empty holder, not leader any more -> takeover write
  ASSERT_EQ(h.calls().size(), 1u);
  EXPECT_EQ(h.only_call().body->spec.lease_transitions, 10);
  EXPECT_EQ(h.only_call().body->spec.acquire_time, wall(Duration{}));
  EXPECT_EQ(h.only_call().body->spec.renew_time, wall(ms(2003)));
}

// ============================================================================================
// 3 R6 conditional Update without retry.

TEST(ClientGoSpec_3_R6, ConflictOnTakeoverIsNotRetriedWithinTheAttempt) {
  Harness h(kcm(), "c");
  h.start(Duration{});
  h.reply(ApiResult::Ok, lease_record("", 1, Duration{}, 4, 8), ms(1));
  ASSERT_EQ(h.only_call().verb, Verb::Update);
  EXPECT_EQ(h.only_call().body->resource_version, 8u);
  h.reply(ApiResult::Conflict, std::nullopt, ms(2));
  EXPECT_TRUE(h.calls().empty());
  EXPECT_TRUE(h.timer(ClientGoElector::kAcquireRetryTimer));
  EXPECT_EQ(h.e.observed_record().holder_identity, "");  // stays the fetched record
}

// ============================================================================================
// Value semantics and registration.

TEST(ClientGoElectorValue, CopyIsEqualAndDivergesAfterDifferentInputs) {
  Harness h(kcm());
  FakeServer server;
  acquire_by_create(h, server);
  const ClientGoElector copy = h.e;
  EXPECT_TRUE(copy == h.e);
  Hasher ha, hb;
  copy.hash_into(ha);
  h.e.hash_into(hb);
  EXPECT_EQ(ha.digest(), hb.digest());

  ClientGoElector a = h.e, b = h.e;
  Effects oa, ob;
  ApiResponse ok;
  ok.tag = h.pending->tag;
  ok.verb = Verb::Update;
  ok.object = server.stored;
  ApiResponse fail = ok;
  fail.result = ApiResult::Unavailable;
  fail.object.reset();
  a.on_response(ok, h.at(ms(3)), oa);
  b.on_response(fail, h.at(ms(3)), ob);
  EXPECT_FALSE(a == b);
  Hasher x, y;
  a.hash_into(x);
  b.hash_into(y);
  EXPECT_NE(x.digest(), y.digest());
}

TEST(ClientGoElectorValue, RegisteredInProcessModel) {
  const ModelConfig config = kcm();
  EXPECT_TRUE(model_implemented(config));
  EXPECT_TRUE(model_implemented(ModelConfig{TutorialConfig{}}));
  EXPECT_STREQ(model_name(config), "client-go-elector");
  const ModelState state = make_model(config, "a", kLease);
  ASSERT_TRUE(std::holds_alternative<ClientGoElector>(state));
  EXPECT_EQ(std::get<ClientGoElector>(state).identity(), "a");
}

TEST(ClientGoSpec_4, RawRecordTruncatesToWholeSecondsAndSpecRoundTrips) {
  ElectionRecord r;
  r.holder_identity = "a";
  r.lease_duration_seconds = 15;
  r.renew_time = wall(ms(10999));
  r.acquire_time = wall(ms(3001));
  const ElectionRecord raw = raw_record_of(r);
  EXPECT_EQ(raw.renew_time, wall(s(10)));
  EXPECT_EQ(raw.acquire_time, wall(s(3)));
  EXPECT_EQ(record_from_spec(spec_from_record(r)), r);
  EXPECT_FALSE(spec_from_record(r).strategy.has_value());
  LeaseSpec empty;
  const ElectionRecord from_nil = record_from_spec(empty);
  EXPECT_EQ(from_nil.holder_identity, "");
  EXPECT_EQ(from_nil.lease_duration_seconds, 0);
  EXPECT_FALSE(from_nil.renew_time.has_value());
}

}  // namespace
}  // namespace leasesim
