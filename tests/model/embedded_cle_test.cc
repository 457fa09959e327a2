// embedded_cle_test.cc: a kube-apiserver with coordinatedLeaderElection runs the election
// controller inside it: the controller's timers and tags are renumbered apart from the
// kube-apiserver's own, responses are routed back by tag, its leadership notes are the
// process's, its Exited note at a stop is dropped, and without the option nothing changes.
#include "model/embedded_cle.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "model/apiserver_identity.h"
#include "model/kube_apiserver.h"
#include "model/process_model.h"

#include "tests/model/effect_lists.h"

namespace leasesim {
namespace {

using testing_effects::calls;
using testing_effects::timers;

constexpr int64_t kWallBase = 1767225600LL * kNanosPerSecond;  // 2026-01-01T00:00:00Z
Now at(Duration d) { return Now{LocalInstant(d.ns), WallInstant(kWallBase + d.ns)}; }

constexpr LeaseId kLock = 7;
constexpr LeaseId kIdentity = 4;

KubeApiserverConfig coordinated(const std::string& hostname) {
  KubeApiserverConfig c;
  c.hostname = hostname;
  c.coordinated_leader_election = true;
  c.identity_lease = kIdentity;
  return c;
}

ApiResponse reply(const ApiRequest& r, ApiResult result) {
  ApiResponse resp;
  resp.tag = r.tag;
  resp.verb = r.verb;
  resp.result = result;
  return resp;
}

std::vector<Note> notes(const Effects& out) {
  std::vector<Note> r;
  for (const Effect& e : out.list())
    if (const auto* n = std::get_if<Note>(&e)) r.push_back(*n);
  return r;
}

TEST(EmbeddedCle, StartRunsHeartbeatCollectorAndTheControllersElectorOnTheLock) {
  KubeApiserver m(kLock, coordinated("cp-1"), 1);
  ASSERT_NE(m.election_controller(), nullptr);
  Effects out;
  m.on_start(at(Duration{}), out);
  const auto sent = calls(out);
  ASSERT_EQ(sent.size(), 3u);
  // The kube-apiserver's own calls keep their fixed tags and go to the identity lease.
  EXPECT_EQ(sent[0].verb, Verb::Get);
  EXPECT_EQ(sent[0].lease, kIdentity);
  EXPECT_EQ(sent[0].tag, KubeApiserver::kHeartbeatTag);
  EXPECT_EQ(sent[1].verb, Verb::List);
  EXPECT_EQ(sent[1].tag, KubeApiserver::kGcTag);
  // The controller's elector reads the lock, its tag marked with bit 30, with a 1 s timeout.
  EXPECT_EQ(sent[2].verb, Verb::Get);
  EXPECT_EQ(sent[2].lease, kLock);
  EXPECT_NE(sent[2].tag & EmbeddedCle::kTagBit, 0u);
  EXPECT_EQ(sent[2].timeout, seconds(1));
  // Its timers are shifted above the kube-apiserver's 1-3 and stay below 15.
  for (const SetTimer& t : timers(out)) {
    EXPECT_LT(t.id, 15u);
    EXPECT_TRUE(t.id <= 3 || t.id > EmbeddedCle::kTimerBase) << t.id;
  }
  const auto ts = timers(out);
  EXPECT_TRUE(std::any_of(ts.begin(), ts.end(), [](const SetTimer& t) {
    return t.id == CleController::kPollTimer + EmbeddedCle::kTimerBase;
  }));
  // The lock identity is hostname_UUID (RunWithLeaderElection), not the identity lease's holder.
  const std::string& id = m.election_controller()->identity();
  EXPECT_EQ(id.rfind("cp-1_", 0), 0u) << id;
  EXPECT_NE(id, m.holder_identity());
}

TEST(EmbeddedCle, ResponsesRouteByTagAndTheLockIsWon) {
  KubeApiserver m(kLock, coordinated("cp-1"), 1);
  Effects out;
  m.on_start(at(Duration{}), out);
  const ApiRequest get = calls(out)[2];
  out.clear();
  // The lock does not exist: the elector creates it (a call with bit 30 set again).
  m.on_response(reply(get, ApiResult::NotFound), at(milliseconds(2)), out);
  const auto create = calls(out);
  ASSERT_EQ(create.size(), 1u);
  EXPECT_EQ(create[0].verb, Verb::Create);
  EXPECT_EQ(create[0].lease, kLock);
  EXPECT_NE(create[0].tag & EmbeddedCle::kTagBit, 0u);
  EXPECT_EQ(create[0].body->spec.holder_identity->str(), m.election_controller()->identity());
  out.clear();
  ApiResponse ok = reply(create[0], ApiResult::Ok);
  ok.object = *create[0].body;
  ok.object->resource_version = 3;
  m.on_response(ok, at(milliseconds(4)), out);
  const auto ns = notes(out);
  const auto started = std::find_if(ns.begin(), ns.end(), [](const Note& n) { return n.kind == NoteKind::StartedLeading; });
  ASSERT_NE(started, ns.end());
  EXPECT_EQ(started->lease, kLock);
  EXPECT_TRUE(m.is_leader());
  // A stop: the controller stops leading, and the process exits once.
  out.clear();
  m.on_stop(at(seconds(1)), out);
  int exited = 0, stopped = 0;
  for (const Note& n : notes(out)) {
    exited += n.kind == NoteKind::Exited;
    stopped += n.kind == NoteKind::StoppedLeading;
  }
  EXPECT_EQ(stopped, 1);
  EXPECT_EQ(exited, 1);
  EXPECT_EQ(notes(out).back().kind, NoteKind::Exited);
}

// The twin: without the option, the same instance runs no controller and leads nothing.
TEST(EmbeddedCle, TwinWithoutTheOptionNothingChanges) {
  KubeApiserverConfig c = coordinated("cp-1");
  c.coordinated_leader_election = false;
  c.identity_lease.reset();
  KubeApiserver m(kIdentity, c, 1);
  EXPECT_EQ(m.election_controller(), nullptr);
  Effects out;
  m.on_start(at(Duration{}), out);
  EXPECT_EQ(calls(out).size(), 2u);
  EXPECT_FALSE(m.is_leader());
  EXPECT_EQ(m.tag_origin(), 0u);
}

TEST(EmbeddedCle, RegistryImpliesTheLockAndBindsTheIdentityLease) {
  const ModelEntry* entry = find_model("kube-apiserver");
  ASSERT_NE(entry, nullptr);
  ASSERT_NE(entry->bind_leases, nullptr);
  KubeApiserverConfig c;
  c.coordinated_leader_election = true;
  ModelConfig config = c;
  EXPECT_EQ(entry->implied_lease(config, "cp-1"), "kube-system/leader-election-controller");
  std::vector<std::string> interned;
  entry->bind_leases(config, [&](const std::string& key) {
    interned.push_back(key);
    return LeaseId{9};
  });
  EXPECT_EQ(interned, std::vector<std::string>{identity_lease_key("cp-1")});
  EXPECT_EQ(std::get<KubeApiserverConfig>(config).identity_lease, std::optional<LeaseId>(9));
  EXPECT_TRUE(model_elects(config));
  // Without the option: the identity lease is the process's, nothing else is bound.
  ModelConfig plain = KubeApiserverConfig{};
  EXPECT_EQ(entry->implied_lease(plain, "cp-1"), identity_lease_key("cp-1"));
  entry->bind_leases(plain, [&](const std::string&) { return LeaseId{1}; });
  EXPECT_FALSE(std::get<KubeApiserverConfig>(plain).identity_lease.has_value());
  EXPECT_FALSE(model_elects(plain));
}

}  // namespace
}  // namespace leasesim
