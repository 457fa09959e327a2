// Tests of the API server's Node objects (sim/node_store.h): create, get, list, the
// resourceVersion precondition of an update against a patch without one, metav1.Time
// truncation, and the shared resourceVersion counter; and the namespace filter of a Lease list.
#include "sim/api_server.h"

#include <gtest/gtest.h>

namespace leasesim {
namespace {

struct Fixture {
  Scenario scenario;
  LeaseId lease_a = 0, other = 0;
  Fixture() {
    lease_a = scenario.lease_id("kube-node-lease/a");
    other = scenario.lease_id("kube-system/kube-controller-manager");
    scenario.node_names = {"a", "b"};
  }
};

Node node_body(NodeId id, uint64_t rv, ConditionStatus ready) {
  Node n;
  n.id = id;
  n.resource_version = rv;
  n.zone = Name("zone-a");
  NodeCondition& c = n.condition(ConditionType::Ready);
  c.present = true;
  c.status = ready;
  c.last_heartbeat = WallInstant(seconds(12).ns + milliseconds(345).ns);
  return n;
}

ApiRequest node_request(Verb verb, NodeId id, std::optional<Node> body = std::nullopt) {
  ApiRequest r;
  r.tag = 3;
  r.verb = verb;
  r.kind = ObjectKind::Node;
  r.node = id;
  r.node_body = std::move(body);
  return r;
}

TEST(NodeStore, CreateGetListAndAlreadyExists) {
  Fixture f;
  ApiServer api(f.scenario);
  EXPECT_EQ(api.handle(node_request(Verb::Get, 0)).response.result, ApiResult::NotFound);
  EXPECT_EQ(api.handle(node_request(Verb::Get, 0)).response.message, "nodes \"a\" not found");
  const ApiOutcome created = api.handle(node_request(Verb::Create, 0, node_body(0, 0, ConditionStatus::True)));
  ASSERT_TRUE(created.committed);
  EXPECT_EQ(created.node_after->resource_version, 1u);
  EXPECT_FALSE(created.node_before.has_value());
  // metav1.Time: whole seconds.
  EXPECT_EQ(created.node_after->condition(ConditionType::Ready).last_heartbeat.ns, seconds(12).ns);
  const ApiOutcome again = api.handle(node_request(Verb::Create, 0, node_body(0, 0, ConditionStatus::True)));
  EXPECT_EQ(again.response.result, ApiResult::Conflict);
  EXPECT_EQ(again.response.message, "nodes \"a\" already exists");
  ApiRequest list = node_request(Verb::List, 0);
  const ApiOutcome listed = api.handle(list);
  ASSERT_EQ(listed.response.node_items.size(), 1u);
  EXPECT_EQ(listed.response.node_items[0].id, 0u);
}

TEST(NodeStore, UpdateChecksResourceVersionButAPatchAlwaysApplies) {
  Fixture f;
  ApiServer api(f.scenario);
  api.handle(node_request(Verb::Create, 1, node_body(1, 0, ConditionStatus::True)));  // rv 1
  // A Lease write moves the one counter too.
  Lease lease;
  lease.id = f.lease_a;
  lease.spec.holder_identity = "a";
  ApiRequest create_lease;
  create_lease.verb = Verb::Create;
  create_lease.lease = f.lease_a;
  create_lease.body = lease;
  ASSERT_TRUE(api.handle(create_lease).committed);  // rv 2
  const ApiOutcome stale = api.handle(node_request(Verb::Update, 1, node_body(1, 7, ConditionStatus::Unknown)));
  EXPECT_EQ(stale.response.result, ApiResult::Conflict);
  EXPECT_FALSE(stale.committed);
  const ApiOutcome fresh = api.handle(node_request(Verb::Update, 1, node_body(1, 1, ConditionStatus::Unknown)));
  ASSERT_TRUE(fresh.committed);
  EXPECT_EQ(fresh.node_after->resource_version, 3u);
  EXPECT_EQ(fresh.node_before->ready(), ConditionStatus::True);
  const ApiOutcome patch = api.handle(node_request(Verb::Update, 1, node_body(1, 0, ConditionStatus::True)));
  ASSERT_TRUE(patch.committed);
  EXPECT_EQ(api.nodes().node(1)->ready(), ConditionStatus::True);
  EXPECT_EQ(api.handle(node_request(Verb::Update, 0, node_body(0, 0, ConditionStatus::True))).response.result,
            ApiResult::NotFound);
}

TEST(NodeStore, LeaseListFiltersByNamespace) {
  Fixture f;
  ApiServer api(f.scenario);
  for (LeaseId id : {f.lease_a, f.other}) {
    ApiRequest r;
    r.verb = Verb::Create;
    r.lease = id;
    r.body = Lease{};
    r.body->id = id;
    ASSERT_TRUE(api.handle(r).committed);
  }
  ApiRequest list;
  list.verb = Verb::List;
  list.list_namespace = Name("kube-node-lease");
  const ApiOutcome out = api.handle(list);
  ASSERT_EQ(out.response.items.size(), 1u);
  EXPECT_EQ(out.response.items[0].id, f.lease_a);
  list.list_namespace = Name("kube-node");  // a prefix of a namespace is not that namespace
  EXPECT_TRUE(api.handle(list).response.items.empty());
  list.list_namespace = Name();
  EXPECT_EQ(api.handle(list).response.items.size(), 2u);
}

}  // namespace
}  // namespace leasesim
