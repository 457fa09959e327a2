// kube_apiserver_test.cc: the identity lease name (pinned vectors computed with an independent
// SHA-256 and base32, from the upstream algorithm), the holder, the labels, and the garbage
// collector's cache check, GET and unconditional DELETE, driven by hand.
#include "model/kube_apiserver.h"

#include <gtest/gtest.h>

#include <regex>

#include "model/apiserver_identity.h"
#include "model/process_model.h"

#include "tests/model/effect_lists.h"

namespace leasesim {
namespace {

constexpr int64_t kWallBase = 1767225600LL * kNanosPerSecond;  // 2026-01-01T00:00:00Z
Now at(Duration d, Duration wall_ahead = Duration{}) {
  return Now{LocalInstant(d.ns), WallInstant(kWallBase + d.ns + wall_ahead.ns)};
}

TEST(ApiserverIdentity, LeaseNameFromHostnamePinnedVectors) {
  // python3: sha256(len16(h) + h + len16("kube-apiserver") + "kube-apiserver")[:16], base32,
  // unpadded, lowercased.
  EXPECT_EQ(identity_lease_name("master-0"), "apiserver-ikvv4tbsccscc6vslq5b7kflme");
  EXPECT_EQ(identity_lease_name("cp-1"), "apiserver-rplpdvtx3lntmi4xy2xnxookk4");
  EXPECT_EQ(identity_lease_name("control-plane"), "apiserver-6vzvajxlkf7lcarzgdc4jnyaru");
  EXPECT_EQ(identity_lease_key("cp-1"), "kube-system/apiserver-rplpdvtx3lntmi4xy2xnxookk4");
  EXPECT_EQ(identity_lease_name("x").size(), 36u);
}

TEST(ApiserverIdentity, HolderUuidIsVersion4AndFollowsTheNonce) {
  const std::regex v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  EXPECT_TRUE(std::regex_match(holder_uuid(1), v4)) << holder_uuid(1);
  EXPECT_TRUE(std::regex_match(holder_uuid(0xffffffffffffffffull), v4));
  EXPECT_EQ(holder_uuid(7), holder_uuid(7));
  EXPECT_NE(holder_uuid(7), holder_uuid(8));
}

KubeApiserverConfig config(const std::string& hostname) {
  KubeApiserverConfig c;
  c.hostname = hostname;
  return c;
}

using testing_effects::calls;

ApiResponse reply(const ApiRequest& req, ApiResult result, std::optional<Lease> object = std::nullopt) {
  ApiResponse r;
  r.tag = req.tag;
  r.verb = req.verb;
  r.result = result;
  r.object = std::move(object);
  return r;
}

TEST(KubeApiserver, HolderIsLeaseNameUnderscoreUuidAndANewStartGetsANewOne) {
  const KubeApiserver a(4, config("cp-1"), 11);
  const KubeApiserver b(4, config("cp-1"), 12);
  EXPECT_EQ(a.holder_identity(), "apiserver-rplpdvtx3lntmi4xy2xnxookk4_" + holder_uuid(11));
  EXPECT_NE(a.holder_identity(), b.holder_identity());
}

TEST(KubeApiserver, StartHeartbeatsAndListsTheCacheWithTheIdentitySelectorInKubeSystem) {
  KubeApiserver m(4, config("cp-1"), 1);
  Effects out;
  m.on_start(at(Duration{}), out);
  const auto sent = calls(out);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].verb, Verb::Get);  // the heartbeat's ensure
  EXPECT_EQ(sent[0].lease, 4u);
  EXPECT_EQ(sent[1].verb, Verb::List);
  EXPECT_EQ(sent[1].list_namespace.str(), "kube-system");
  EXPECT_EQ(sent[1].selector, (Labels{{"apiserver.kubernetes.io/identity", "kube-apiserver"}}));
  // The create carries duration 3600, the labels and the holder.
  out.clear();
  m.on_response(reply(sent[0], ApiResult::NotFound), at(milliseconds(2)), out);
  const auto create = calls(out);
  ASSERT_EQ(create.size(), 1u);
  EXPECT_EQ(create[0].verb, Verb::Create);
  const Lease& body = *create[0].body;
  EXPECT_EQ(*body.spec.lease_duration_seconds, 3600);
  EXPECT_EQ(body.spec.holder_identity->str(), m.holder_identity());
  EXPECT_EQ(body.labels, (Labels{{"apiserver.kubernetes.io/identity", "kube-apiserver"}, {"kubernetes.io/hostname", "cp-1"}}));
}

Lease identity_lease(LeaseId id, Duration renewed, int32_t lds = 3600) {
  Lease l;
  l.id = id;
  l.resource_version = 9;
  l.spec.holder_identity = Name("someone");
  l.spec.lease_duration_seconds = lds;
  l.spec.renew_time = WallInstant(kWallBase + renewed.ns);
  return l;
}

// Drives a collector through its first pass: LIST answered with `cached`.
std::vector<ApiRequest> gc_after_list(KubeApiserver& m, std::vector<Lease> cached, const Now& now) {
  Effects out;
  m.on_start(at(Duration{}), out);
  const ApiRequest list = calls(out)[1];
  out.clear();
  ApiResponse r = reply(list, ApiResult::Ok);
  r.items = std::move(cached);
  m.on_response(r, now, out);
  return calls(out);
}

TEST(KubeApiserver, GcSkipsFreshLeasesAndWaitsItsPeriod) {
  KubeApiserver m(4, config("cp-1"), 1);
  const auto sent = gc_after_list(m, {identity_lease(5, Duration{})}, at(seconds(3600)));
  EXPECT_TRUE(sent.empty()) << "renewTime + 3600s is not strictly before now";
  EXPECT_EQ(m.gc_phase(), KubeApiserver::GcPhase::Idle);
}

TEST(KubeApiserver, GcChecksTheCacheThenGetsThenDeletesWithoutPreconditions) {
  KubeApiserver m(4, config("cp-1"), 1);
  const auto sent = gc_after_list(m, {identity_lease(5, Duration{})}, at(seconds(3601)));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].verb, Verb::Get);
  EXPECT_EQ(sent[0].lease, 5u);
  Effects out;
  m.on_response(reply(sent[0], ApiResult::Ok, identity_lease(5, Duration{})), at(seconds(3601)), out);
  const auto del = calls(out);
  ASSERT_EQ(del.size(), 1u);
  EXPECT_EQ(del[0].verb, Verb::Delete);
  EXPECT_EQ(del[0].delete_precondition_rv, 0u);
}

TEST(KubeApiserver, GcSparesALeaseRenewedSinceTheCacheAndTreatsNotFoundAsDone) {
  KubeApiserver m(4, config("cp-1"), 1);
  const auto sent = gc_after_list(m, {identity_lease(5, Duration{}), identity_lease(6, Duration{})}, at(seconds(3601)));
  ASSERT_EQ(sent.size(), 1u);
  Effects out;
  // Lease 5 was renewed meanwhile: no delete, on to lease 6.
  m.on_response(reply(sent[0], ApiResult::Ok, identity_lease(5, seconds(3600))), at(seconds(3601)), out);
  auto next = calls(out);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].verb, Verb::Get);
  EXPECT_EQ(next[0].lease, 6u);
  out.clear();
  m.on_response(reply(next[0], ApiResult::NotFound), at(seconds(3601)), out);
  EXPECT_TRUE(calls(out).empty());
  EXPECT_EQ(m.gc_phase(), KubeApiserver::GcPhase::Idle);
}

TEST(KubeApiserver, TwinAWallClockAnHourAheadCollectsAFreshLease) {
  KubeApiserver m(4, config("cp-1"), 1);
  const auto sent = gc_after_list(m, {identity_lease(5, seconds(1))}, at(seconds(2), seconds(3660)));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].verb, Verb::Get);
}

TEST(KubeApiserver, LeasesWithoutRenewTimeOrDurationAreExpired) {
  Lease l = identity_lease(5, Duration{});
  EXPECT_FALSE(identity_lease_expired(l, WallInstant(kWallBase)));
  l.spec.renew_time.reset();
  EXPECT_TRUE(identity_lease_expired(l, WallInstant(kWallBase)));
  l = identity_lease(5, Duration{});
  l.spec.lease_duration_seconds.reset();
  EXPECT_TRUE(identity_lease_expired(l, WallInstant(kWallBase)));
}

TEST(KubeApiserver, GcOffRunsNoCollector) {
  KubeApiserverConfig c = config("cp-1");
  c.gc = false;
  KubeApiserver m(4, c, 1);
  Effects out;
  m.on_start(at(Duration{}), out);
  ASSERT_EQ(calls(out).size(), 1u);
  EXPECT_EQ(calls(out)[0].verb, Verb::Get);
}

TEST(KubeApiserver, RegistryEntryImpliesTheLeaseFromTheHostnameOrTheProcessName) {
  const ModelEntry* entry = find_model("kube-apiserver");
  ASSERT_NE(entry, nullptr);
  ASSERT_NE(entry->implied_lease, nullptr);
  EXPECT_FALSE(entry->elects);
  ModelConfig unnamed = KubeApiserverConfig{};
  EXPECT_EQ(entry->implied_lease(unnamed, "cp-1"), "kube-system/apiserver-rplpdvtx3lntmi4xy2xnxookk4");
  EXPECT_EQ(std::get<KubeApiserverConfig>(unnamed).hostname, "cp-1");
  ModelConfig named = config("master-0");
  EXPECT_EQ(entry->implied_lease(named, "cp-1"), "kube-system/apiserver-ikvv4tbsccscc6vslq5b7kflme");
}

}  // namespace
}  // namespace leasesim
