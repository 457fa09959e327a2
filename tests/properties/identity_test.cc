// identity_test.cc: noLiveIdentityDeleted and staleIdentityCollectedWithin over hand-written
// histories, each check with a twin that shows it fails, and the analytic collection bound.
#include "properties/identity.h"

#include <gtest/gtest.h>

#include "properties/evaluate.h"
#include "tests/properties/history_builders.h"

namespace leasesim {
namespace {

using namespace testing_history;

// Three kube-apiservers with the upstream defaults, each on its own identity lease (0, 1, 2).
Scenario apiservers() {
  Scenario s;
  s.name = "identity";
  for (int i = 0; i < 3; ++i) {
    ProcessSpec p;
    p.name = "cp-" + std::to_string(i);
    p.identity = p.name;
    KubeApiserverConfig c;
    p.lease = s.lease_id("kube-system/" + p.name);
    c.hostname = p.name;
    p.model = c;
    s.processes.push_back(p);
  }
  return s;
}

LeaseSpec identity(const std::string& holder) {
  LeaseSpec s;
  s.holder_identity = holder;
  s.lease_duration_seconds = 3600;
  return s;
}

// cp-`owner` creates lease `owner` at 0 and renews it at each of `renewals` (seconds).
void renewals(History& h, uint32_t owner, std::vector<int64_t> at) {
  const std::string holder = "cp-" + std::to_string(owner) + "_uuid";
  bool first = true;
  for (int64_t t : at) {
    h.writes.push_back(write(sec(t), owner, first ? std::nullopt : std::optional(identity(holder)), identity(holder), 0, owner));
    first = false;
  }
}

LeaseWrite deletion(int64_t t_s, uint32_t by, uint32_t owner) {
  return write(sec(t_s), by, identity("cp-" + std::to_string(owner) + "_uuid"), std::nullopt, 0, owner);
}

FaultRecord crash_of(Scenario& s, uint32_t proc, int64_t t_s) {
  const uint32_t index = add_fault(s, FaultType::Crash, sec(t_s), std::nullopt, proc);
  FaultRecord r = struck(index, sec(t_s), proc, {});
  r.spec = s.faults[index];
  return r;
}

TEST(NoLiveIdentityDeleted, DeletingAnExpiredLeaseHolds) {
  Scenario s = apiservers();
  History h;
  renewals(h, 1, {0, 10});
  h.writes.push_back(deletion(3611, 0, 1));  // 3601 s after the last renewal: expired
  EXPECT_TRUE(check_no_live_identity_deleted(s, h, 1).empty());
}

TEST(NoLiveIdentityDeleted, TwinDeletingAFreshLeaseOfARunningServerIsViolated) {
  Scenario s = apiservers();
  History h;
  renewals(h, 1, {0, 10});
  h.writes.push_back(deletion(15, 2, 1));
  const auto v = check_no_live_identity_deleted(s, h, 1);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].at, sec(15));
  EXPECT_EQ(v[0].procs, (std::vector<uint32_t>{2, 1}));
  EXPECT_EQ(v[0].message,
            "cp-2 deleted kube-system/cp-1 5s after cp-1 renewed it (leaseDurationSeconds 3600), while cp-1 was running");
}

TEST(NoLiveIdentityDeleted, AFreshLeaseOfACrashedServerMayGo) {
  Scenario s = apiservers();
  History h;
  renewals(h, 1, {0, 10});
  h.faults.push_back(crash_of(s, 1, 12));
  h.writes.push_back(deletion(15, 2, 1));
  EXPECT_TRUE(check_no_live_identity_deleted(s, h, 1).empty());
}

TEST(IdentityCollectionBound, DefaultsGiveTwoHoursPlusTwoPasses) {
  // 3600 s + 1 h + 2 passes x (LIST + 2 calls per lease x 3 leases) x a 10 ms round trip.
  const Scenario s = apiservers();
  EXPECT_EQ(identity_collection_bound(s, 0), seconds(7200) + milliseconds(140));
}

TEST(IdentityCollectionBound, NoneWithoutACollectorOrWithADriftingClock) {
  Scenario s = apiservers();
  s.processes[1].clock.rate_ppb = kRateOne + 1000;
  EXPECT_FALSE(identity_collection_bound(s, 0).has_value());
  Scenario t = apiservers();
  for (ProcessSpec& p : t.processes) std::get<KubeApiserverConfig>(p.model).gc = false;
  EXPECT_FALSE(identity_collection_bound(t, 0).has_value());
}

TEST(IdentityCollectionBound, AnOwnerClockAheadOfACollectorAddsItsLead) {
  Scenario s = apiservers();
  s.processes[0].clock.offset = seconds(30);
  EXPECT_EQ(identity_collection_bound(s, 0), seconds(7230) + milliseconds(140));
}

TEST(StaleIdentityCollectedWithin, CollectedInTimeHolds) {
  Scenario s = apiservers();
  History h;
  renewals(h, 2, {0, 10, 20});
  h.faults.push_back(crash_of(s, 2, 25));
  h.writes.push_back(deletion(5000, 0, 2));
  const auto episodes = stale_identities(s, h);
  ASSERT_EQ(episodes.size(), 1u);
  EXPECT_EQ(episodes[0].last_renewal, sec(20));
  EXPECT_EQ(episodes[0].linger(), seconds(4980));
  const StaleCheck c = check_stale_identity_collected_within(s, episodes, 2, hours(2), sec(9000));
  EXPECT_TRUE(c.violations.empty());
  EXPECT_EQ(c.collected, 1u);
}

TEST(StaleIdentityCollectedWithin, TwinCollectedLateIsViolated) {
  Scenario s = apiservers();
  History h;
  renewals(h, 2, {0, 10, 20});
  h.faults.push_back(crash_of(s, 2, 25));
  h.writes.push_back(deletion(7300, 0, 2));
  const StaleCheck c = check_stale_identity_collected_within(s, stale_identities(s, h), 2, hours(2), sec(9000));
  ASSERT_EQ(c.violations.size(), 1u);
  EXPECT_EQ(c.violations[0].at, sec(7220));
  EXPECT_EQ(c.violations[0].until, sec(7300));
}

TEST(StaleIdentityCollectedWithin, TwinNeverCollectedIsViolatedOnceDueAndUndecidedBefore) {
  Scenario s = apiservers();
  History h;
  renewals(h, 2, {0, 10, 20});
  h.faults.push_back(crash_of(s, 2, 25));
  const auto episodes = stale_identities(s, h);
  EXPECT_EQ(check_stale_identity_collected_within(s, episodes, 2, hours(2), sec(9000)).violations.size(), 1u);
  const StaleCheck early = check_stale_identity_collected_within(s, episodes, 2, hours(2), sec(3000));
  EXPECT_TRUE(early.violations.empty());
  EXPECT_EQ(early.undecided, 1u);
}

TEST(StaleIdentityCollectedWithin, ALeaseASiblingKeepsRenewingIsNotStale) {
  Scenario s = apiservers();
  History h;
  renewals(h, 2, {0, 10});
  h.faults.push_back(crash_of(s, 2, 15));
  // cp-0 shares the lease (same hostname) and renews it after cp-2 died.
  h.writes.push_back(write(sec(20), 0, identity("cp-2_uuid"), identity("cp-0_uuid"), 0, 2));
  EXPECT_TRUE(stale_identities(s, h).empty());
}

TEST(StaleIdentityCollectedWithin, ARestartedServerIsNotStale) {
  Scenario s = apiservers();
  History h;
  renewals(h, 2, {0, 10});
  h.faults.push_back(crash_of(s, 2, 15));
  const uint32_t index = add_fault(s, FaultType::Restart, sec(30), std::nullopt, 2);
  FaultRecord r = struck(index, sec(30), 2, {});
  r.spec = s.faults[index];
  h.faults.push_back(r);
  EXPECT_TRUE(stale_identities(s, h).empty());
}

TEST(IdentityEvaluation, IdentityLeasesGetNoElectionPropertiesAndTheirOwn) {
  Scenario s = apiservers();
  s.properties.stale_identity_collected_within = hours(2);
  History h;
  renewals(h, 1, {0, 10});
  h.writes.push_back(deletion(15, 2, 1));
  const Evaluation ev = evaluate(s, h, sec(60), std::nullopt);
  EXPECT_TRUE(elected_leases(s).empty());
  EXPECT_EQ(ev.violated, (std::vector<std::string>{"noLiveIdentityDeleted"}));
  for (const PropertyResult& r : ev.results)
    EXPECT_TRUE(r.name == "noLiveIdentityDeleted" || r.name == "staleIdentityCollectedWithin") << r.name;
}

}  // namespace
}  // namespace leasesim
