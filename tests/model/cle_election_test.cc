// Tests of one coordinated-election reconcile step (model/cle_election.h) and of the
// OldestEmulationVersion ordering (model/lease_candidate.h), rule by rule.
#include <gtest/gtest.h>

#include "model/cle_election.h"

namespace leasesim {
namespace {

constexpr LeaseId kTarget = 3;
WallInstant at(int64_t s) { return WallInstant(seconds(s).ns); }

LeaseCandidate cand(const char* name, const char* emulation, const char* binary, uint64_t created,
                    std::optional<int64_t> renew, std::optional<int64_t> ping = std::nullopt) {
  LeaseCandidate c;
  c.name = name;
  c.lease = kTarget;
  c.binary_version = binary;
  c.emulation_version = emulation;
  c.strategy = kOldestEmulationVersion;
  c.creation_rv = created;
  c.resource_version = created;
  if (renew) c.renew_time = at(*renew);
  if (ping) c.ping_time = at(*ping);
  return c;
}

Lease held(const char* holder, int64_t renew, int32_t duration) {
  Lease l;
  l.id = kTarget;
  l.resource_version = 9;
  l.spec.holder_identity = Name(holder);
  l.spec.renew_time = at(renew);
  l.spec.lease_duration_seconds = duration;
  l.spec.strategy = Name(kOldestEmulationVersion);
  return l;
}

TEST(Semver, ParsesMajorMinorPatchAndRefusesOthers) {
  EXPECT_EQ(parse_semver("1.33.0"), (Semver{1, 33, 0}));
  EXPECT_EQ(parse_semver("1.33"), (Semver{1, 33, 0}));
  EXPECT_FALSE(parse_semver("v1.33.0").has_value());
  EXPECT_FALSE(parse_semver("1").has_value());
  EXPECT_FALSE(parse_semver("1.33.0-beta").has_value());
}

TEST(OldestEmulationVersion, EmulationThenBinaryThenCreation) {
  EXPECT_LT(compare_oldest_emulation(cand("a", "1.33.0", "1.35.0", 5, 0), cand("b", "1.34.0", "1.34.0", 1, 0)), 0);
  EXPECT_LT(compare_oldest_emulation(cand("a", "1.33.0", "1.33.0", 5, 0), cand("b", "1.33.0", "1.34.0", 1, 0)), 0);
  EXPECT_LT(compare_oldest_emulation(cand("a", "1.33.0", "1.33.0", 1, 0), cand("b", "1.33.0", "1.33.0", 5, 0)), 0);
  EXPECT_EQ(cle_pick_best({cand("new", "1.34.0", "1.34.0", 1, 0), cand("old", "1.33.0", "1.34.0", 2, 0)})->name, "old");
}

TEST(CleReconcile, NoAdmissibleCandidatesDoesNothing) {
  // A candidate renewed more than 30 minutes ago is not admissible.
  const CleStep s = cle_reconcile_step(kTarget, std::nullopt, {cand("a", "1.33.0", "1.33.0", 1, 0)}, at(31 * 60));
  EXPECT_TRUE(s.pings.empty());
  EXPECT_FALSE(s.create || s.update || s.requeue);
}

TEST(CleReconcile, StaleCandidatesArePingedFirst) {
  const CleStep s = cle_reconcile_step(kTarget, std::nullopt, {cand("a", "1.33.0", "1.33.0", 1, 100)}, at(200));
  ASSERT_EQ(s.pings.size(), 1u);
  EXPECT_EQ(s.pings[0].ping_time, at(200));
  EXPECT_FALSE(s.create.has_value());
  EXPECT_EQ(s.requeue, kCleRequeue);
}

TEST(CleReconcile, WaitsForAnUnansweredYoungPing) {
  const CleStep s = cle_reconcile_step(kTarget, std::nullopt, {cand("a", "1.33.0", "1.33.0", 1, 100, 198)}, at(200));
  EXPECT_TRUE(s.pings.empty());
  EXPECT_FALSE(s.create.has_value());
}

TEST(CleReconcile, AckedCandidateGetsANewLeaseOfFiveSeconds) {
  const CleStep s = cle_reconcile_step(kTarget, std::nullopt, {cand("a", "1.33.0", "1.33.0", 1, 199, 198)}, at(200));
  ASSERT_TRUE(s.create.has_value());
  EXPECT_EQ(s.create->spec.holder_identity, Name("a"));
  EXPECT_EQ(s.create->spec.lease_duration_seconds, 5);
  EXPECT_EQ(s.create->spec.renew_time, at(200));
  EXPECT_EQ(s.create->spec.strategy, Name(kOldestEmulationVersion));
}

TEST(CleReconcile, AnOldUnansweredPingIsNeitherRepeatedNorAwaited) {
  // "lag" answered with a renewTime before the pingTime (its clock lags): never acked.
  const CleStep s = cle_reconcile_step(
      kTarget, std::nullopt, {cand("lag", "1.32.0", "1.32.0", 1, 193, 194), cand("b", "1.34.0", "1.34.0", 2, 199, 198)},
      at(200));
  EXPECT_TRUE(s.pings.empty());
  ASSERT_TRUE(s.create.has_value());
  EXPECT_EQ(s.create->spec.holder_identity, Name("b"));
}

TEST(CleReconcile, PreferredHolderWhenABetterCandidateAppearsAndTheLeaseIsLive) {
  const CleStep s = cle_reconcile_step(
      kTarget, held("new", 199, 15), {cand("new", "1.34.0", "1.34.0", 1, 199, 198), cand("old", "1.33.0", "1.34.0", 2, 199, 198)},
      at(200));
  ASSERT_TRUE(s.update.has_value());
  EXPECT_EQ(s.update->spec.holder_identity, Name("new"));
  EXPECT_EQ(s.update->spec.preferred_holder, Name("old"));
}

TEST(CleReconcile, DirectTakeoverOfAnExpiredLeaseByAbsoluteTime) {
  // The holder wrote renewTime 180 with 15 s: expired at 195 on the controller's clock.
  Lease lease = held("new", 180, 15);
  lease.spec.acquire_time = at(100);
  lease.spec.lease_transitions = 4;
  const CleStep s = cle_reconcile_step(kTarget, lease, {cand("old", "1.33.0", "1.34.0", 2, 199, 198)}, at(200));
  ASSERT_TRUE(s.update.has_value());
  EXPECT_EQ(s.update->spec.holder_identity, Name("old"));
  EXPECT_EQ(s.update->spec.lease_duration_seconds, 5);
  EXPECT_FALSE(s.update->spec.acquire_time.has_value());
  EXPECT_FALSE(s.update->spec.preferred_holder.has_value());
  EXPECT_EQ(s.update->spec.lease_transitions, 4);  // upstream leaves the count alone
}

TEST(CleReconcile, TheSameLeaseIsLiveWhenTheControllerClockIsNotAhead) {
  // Twin of the takeover: at 194 the same lease has not expired, the holder is the best
  // candidate, and nothing is written.
  const CleStep s = cle_reconcile_step(kTarget, held("old", 180, 15), {cand("old", "1.33.0", "1.34.0", 2, 193, 192)}, at(194));
  EXPECT_FALSE(s.update.has_value());
  EXPECT_TRUE(s.pings.empty());
}

}  // namespace
}  // namespace leasesim
