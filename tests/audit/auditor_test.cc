// The governance record and each finding of the Auditor (audit/auditor.h), each with a twin that
// shows the same shape of input without the problem gives no finding.
#include <gtest/gtest.h>

#include "audit/auditor.h"

namespace leasesim {
namespace {

constexpr int64_t kT0 = 1767225600LL * kNanosPerSecond;

struct Feed {
  Auditor auditor{AuditThresholds{}};
  uint64_t line = 0;
  explicit Feed(AuditThresholds t = {}) : auditor(t) {}

  // An accepted update at `sec` with a full body; `exact` makes it a consecutive write.
  void write(double sec, const std::string& holder, int64_t transitions, int64_t duration_s = 15,
             const std::string& user = "u", const std::string& agent = "p", bool ok = true) {
    Observation o;
    o.ns = "ns";
    o.name = "l";
    o.at = WallInstant(kT0 + static_cast<int64_t>(sec * 1e9));
    o.kind = ObsKind::Write;
    o.verb = "update";
    o.ok = ok;
    o.code = ok ? 200 : 409;
    o.user = user;
    o.agent = agent;
    LeaseBody b;
    b.holder = holder;
    b.duration_s = duration_s;
    b.transitions = transitions;
    b.renew = o.at;
    b.resource_version = std::to_string(100 + line);
    o.precondition_rv = std::to_string(100 + line - 1);
    o.body = b;
    o.where = {0, ++line};
    auditor.add(std::move(o));
  }
  void meta(double sec, const std::string& user, const std::string& agent) {
    Observation o;
    o.ns = "ns";
    o.name = "l";
    o.at = WallInstant(kT0 + static_cast<int64_t>(sec * 1e9));
    o.kind = ObsKind::Write;
    o.verb = "update";
    o.user = user;
    o.agent = agent;
    o.where = {0, ++line};
    auditor.add(std::move(o));
  }
  void other_lease(double sec) {
    Observation o;
    o.ns = "ns";
    o.name = "other";
    o.at = WallInstant(kT0 + static_cast<int64_t>(sec * 1e9));
    o.kind = ObsKind::Read;
    o.verb = "get";
    o.where = {0, ++line};
    auditor.add(std::move(o));
  }
  AuditResult finish() { return auditor.finish({"f"}, {}); }
};

std::vector<std::string> kinds(const AuditResult& r) {
  std::vector<std::string> out;
  for (const Finding& f : r.findings) out.push_back(finding_kind_name(f.kind));
  return out;
}

using Kinds = std::vector<std::string>;

TEST(Auditor, HealthyElectionHasNoFindingAndAFullRecord) {
  Feed f;
  for (int i = 0; i <= 20; ++i) f.write(2.0 * i, "a", 4);
  f.write(40.0 + 16.0, "b", 5);  // a stopped at 40 s; b took over 16 s later (> 15 s)
  for (int i = 1; i <= 5; ++i) f.write(56.0 + 2.0 * i, "b", 5);
  AuditResult r = f.finish();
  EXPECT_EQ(kinds(r), Kinds{});
  ASSERT_EQ(r.leases.size(), 1u);
  const LeaseRecord& l = r.leases[0];
  EXPECT_EQ(l.use, LeaseUse::LeaderElection);
  EXPECT_EQ(l.holder, "b");
  ASSERT_EQ(l.holders.size(), 2u);
  EXPECT_EQ(l.holders[0].holder, "a");
  EXPECT_EQ(l.holders[0].renewals, 20u);
  EXPECT_EQ(l.holders[0].to.ns - l.holders[0].from.ns, 40 * kNanosPerSecond);
  EXPECT_TRUE(l.holders[1].open);
  EXPECT_EQ(l.counted_transitions, 1u);
  EXPECT_EQ(l.recorded_transitions(), 1);
  ASSERT_TRUE(l.renew_interval);
  EXPECT_EQ(l.renew_interval->p50_ns, 2 * kNanosPerSecond);
  EXPECT_EQ(l.renew_interval->max_ns, 2 * kNanosPerSecond);
  EXPECT_EQ(l.writes, 27u);
  EXPECT_EQ(l.candidates, (std::vector<std::string>{"a", "b"}));
}

// Without labels (Metadata-level events, traces), an identity lease is known by its name:
// kube-system/apiserver- and 26 base32 characters. The twins: the same shape elsewhere, or a
// name that only starts like it, is not one.
TEST(Auditor, IdentityLeaseIsRecognisedByItsName) {
  const auto use_of = [](const std::string& ns, const std::string& name) {
    Feed f;
    Observation o;
    o.ns = ns;
    o.name = name;
    o.at = WallInstant(kT0);
    o.kind = ObsKind::Write;
    o.verb = "update";
    o.user = "system:apiserver";
    o.where = {0, 1};
    f.auditor.add(std::move(o));
    const AuditResult r = f.finish();
    return r.leases.empty() ? std::string("none") : std::string(lease_use_name(r.leases[0].use));
  };
  EXPECT_EQ(use_of("kube-system", "apiserver-wj467rbl25eeviqacfhvg2yvnm"), "apiServerIdentity");
  EXPECT_EQ(use_of("default", "apiserver-wj467rbl25eeviqacfhvg2yvnm"), "other");
  EXPECT_EQ(use_of("kube-system", "apiserver-my-operator"), "other");
  EXPECT_EQ(use_of("kube-system", "apiserver-WJ467RBL25EEVIQACFHVG2YVNM"), "other");
}

TEST(Auditor, OverlappingHoldersAndItsTwin) {
  Feed f;
  f.write(0, "a", 0);
  f.write(2, "a", 0);
  f.write(5, "b", 1);  // 3 s after a's renewal, within 15 s
  AuditResult r = f.finish();
  EXPECT_EQ(kinds(r), Kinds{"overlappingHolders"});
  EXPECT_EQ(r.findings[0].evidence.size(), 2u);
  EXPECT_EQ(r.findings[0].evidence[0].where.line, 2u);
  EXPECT_EQ(r.findings[0].evidence[1].where.line, 3u);
  ASSERT_TRUE(r.findings[0].until);
  EXPECT_EQ(r.findings[0].until->ns, kT0 + 17 * kNanosPerSecond);

  Feed twin;
  twin.write(0, "a", 0);
  twin.write(2, "a", 0);
  twin.write(3, "", 0, 1);  // released (client-go: holder "", leaseDurationSeconds 1)
  twin.write(5, "b", 1);
  EXPECT_EQ(kinds(twin.finish()), Kinds{});
}

TEST(Auditor, TransitionsMismatchExactAndBetweenObservations) {
  Feed f;  // the naive loop: holder changes, leaseTransitions never moves
  f.write(0, "a", 0);
  f.write(20, "b", 0);
  EXPECT_EQ(kinds(f.finish()), Kinds{"transitionsMismatch"});

  Feed jump;  // consecutive writes: moved by two on one change
  jump.write(0, "a", 0);
  jump.write(20, "b", 2);
  AuditResult r = jump.finish();
  EXPECT_EQ(kinds(r), Kinds{"transitionsMismatch"});
  EXPECT_NE(r.findings[0].message.find("expected 1"), std::string::npos);

  Feed twin;
  twin.write(0, "a", 0);
  twin.write(20, "b", 1);
  twin.write(40, "a", 2);
  EXPECT_EQ(kinds(twin.finish()), Kinds{});
}

TEST(Auditor, StaleRenewalStuckLeaderAndTwin) {
  Feed stale;
  stale.write(0, "a", 0);
  stale.write(13, "a", 0);  // 87% of 15 s
  EXPECT_EQ(kinds(stale.finish()), Kinds{"staleRenewal"});

  Feed stuck;
  stuck.write(0, "a", 0);
  stuck.write(40, "a", 0);  // expired for 25 s, nobody took over, it came back
  EXPECT_EQ(kinds(stuck.finish()), Kinds{"stuckLeader"});

  Feed at_end;  // still named holder at the end of the input, long expired
  at_end.write(0, "a", 0);
  at_end.write(2, "a", 0);
  at_end.other_lease(60);  // the input goes on (another lease)
  AuditResult r = at_end.finish();
  EXPECT_EQ(kinds(r), Kinds{"stuckLeader"});
  EXPECT_FALSE(r.findings[0].until);

  Feed twin;
  twin.write(0, "a", 0);
  twin.write(11, "a", 0);  // 73%: below 80%
  EXPECT_EQ(kinds(twin.finish()), Kinds{});
}

TEST(Auditor, TransitionSpikeAndTwin) {
  AuditThresholds t;
  t.spike_per_hour = 3;
  Feed f(t);
  for (int i = 0; i < 5; ++i) f.write(20.0 * i, i % 2 ? "b" : "a", i);
  AuditResult r = f.finish();
  EXPECT_EQ(kinds(r), Kinds{"transitionSpike"});  // the fifth write is the fourth change

  Feed twin(t);
  for (int i = 0; i < 5; ++i) twin.write(1500.0 * i, i % 2 ? "b" : "a", i);  // 25 min apart
  EXPECT_EQ(kinds(twin.finish()), Kinds{});
}

TEST(Auditor, MultipleWritersAndTwin) {
  Feed f;
  f.meta(0, "sa:team-a", "op-a");
  f.meta(5, "sa:team-b", "op-b");
  EXPECT_EQ(kinds(f.finish()), Kinds{"multipleWriters"});

  Feed twin;  // replicas of one deployment: one user, one product; deletes by GC do not count
  twin.meta(0, "sa:team-a", "op-a");
  twin.meta(5, "sa:team-a", "op-a");
  EXPECT_EQ(kinds(twin.finish()), Kinds{});
}

TEST(Auditor, HighWriteRateCountsFailedAttemptsAndTwin) {
  AuditThresholds t;
  t.max_writes_per_minute = 10;
  Feed f(t);
  f.write(0, "a", 0);
  for (int i = 0; i < 10; ++i) f.write(1 + 0.5 * i, "b", 0, 15, "u", "p", /*ok=*/false);
  AuditResult r = f.finish();
  EXPECT_EQ(kinds(r), Kinds{"highWriteRate"});
  EXPECT_EQ(r.leases[0].failed_writes, 10u);
  EXPECT_EQ(r.leases[0].peak_writes_per_minute, 11u);

  Feed twin(t);
  twin.write(0, "a", 0, 3600);
  for (int i = 0; i < 10; ++i) twin.write(1 + 7.0 * i, "b", 0, 15, "u", "p", false);  // 10 in 70 s
  EXPECT_EQ(kinds(twin.finish()), Kinds{});
}

TEST(Auditor, OutOfOrderWithinTheWindowIsJudgedInTimeOrder) {
  Feed f;
  f.write(2, "a", 0);
  f.write(0, "a", 0);  // logged late by another API server
  f.write(4, "a", 0);
  AuditResult r = f.finish();
  EXPECT_EQ(kinds(r), Kinds{});
  EXPECT_EQ(r.leases[0].late, 0u);
  EXPECT_EQ(r.leases[0].renew_interval->max_ns, 2 * kNanosPerSecond);
}

TEST(Auditor, FindingsAreBoundedPerKindAndCounted) {
  Feed f;
  for (int i = 0; i < 100; ++i) f.write(1.0 * i, i % 2 ? "b" : "a", 0);
  AuditResult r = f.finish();
  size_t mismatch = 0;
  for (const Finding& x : r.findings) mismatch += x.kind == FindingKind::TransitionsMismatch;
  EXPECT_EQ(mismatch, kMaxFindingsPerKind);
  EXPECT_EQ(r.findings_total(), r.findings.size() + [&] {
    uint64_t n = 0;
    for (const SuppressedFindings& s : r.suppressed) n += s.count;
    return n;
  }());
  EXPECT_GT(r.suppressed.size(), 0u);
}

}  // namespace
}  // namespace leasesim
