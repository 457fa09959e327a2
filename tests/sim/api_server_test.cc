// Tests of the simulated API server (sim/api_server.h): the Lease store, the cluster-wide
// resourceVersion counter, optimistic concurrency, validation and MicroTime truncation. Every
// failure message is pinned byte for byte: users read them in traces and compare them with what
// a real kube-apiserver says.
#include "sim/api_server.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/check.h"

namespace leasesim {
namespace {

// A scenario with three lease keys; only "default/b" exists at t=0 (so it gets rv 1).
// Keys are interned in a non-sorted order on purpose: list must follow key order, not LeaseId.
struct Fixture {
  Scenario scenario;
  LeaseId c = 0, a = 0, b = 0;

  explicit Fixture(bool conflict_check = true) {
    c = scenario.lease_id("kube-system/c");
    a = scenario.lease_id("default/a");
    b = scenario.lease_id("default/b");
    scenario.api_server.conflict_check = conflict_check;
    InitialLease initial;
    initial.id = b;
    initial.labels = {{"app", "x"}};
    initial.spec.holder_identity = "old-pod";
    initial.spec.lease_duration_seconds = 15;
    initial.spec.lease_transitions = 3;
    scenario.leases.push_back(initial);
  }
};

Lease body_for(LeaseId id, uint64_t rv = 0) {
  Lease l;
  l.id = id;
  l.resource_version = rv;
  l.spec.holder_identity = "me";
  l.spec.lease_duration_seconds = 15;
  return l;
}

ApiRequest get(LeaseId id) {
  ApiRequest r;
  r.tag = 7;
  r.verb = Verb::Get;
  r.lease = id;
  return r;
}

ApiRequest create(const Lease& body) {
  ApiRequest r;
  r.tag = 8;
  r.verb = Verb::Create;
  r.lease = body.id;
  r.body = body;
  return r;
}

ApiRequest update(const Lease& body) {
  ApiRequest r;
  r.tag = 9;
  r.verb = Verb::Update;
  r.lease = body.id;
  r.body = body;
  return r;
}

ApiRequest del(LeaseId id, uint64_t precondition_rv = 0) {
  ApiRequest r;
  r.tag = 10;
  r.verb = Verb::Delete;
  r.lease = id;
  r.delete_precondition_rv = precondition_rv;
  return r;
}

ApiRequest list(Labels selector) {
  ApiRequest r;
  r.tag = 11;
  r.verb = Verb::List;
  r.selector = std::move(selector);
  return r;
}

TEST(ApiServer, InitialLeasesGetConsecutiveResourceVersions) {
  Fixture f;
  LeaseSpec other;
  other.holder_identity = "";
  f.scenario.leases.push_back(InitialLease{f.a, {}, other});
  ApiServer server(f.scenario);
  EXPECT_EQ(server.resource_version(), 2u);
  EXPECT_EQ(server.lease_count(), 3u);
  ASSERT_TRUE(server.lease(f.b));
  EXPECT_EQ(server.lease(f.b)->resource_version, 1u);
  ASSERT_TRUE(server.lease(f.a));
  EXPECT_EQ(server.lease(f.a)->resource_version, 2u);
  EXPECT_FALSE(server.lease(f.c));
}

TEST(ApiServer, GetReturnsStoredObjectAndEchoesTagAndVerb) {
  Fixture f;
  ApiServer server(f.scenario);
  const ApiOutcome out = server.handle(get(f.b));
  EXPECT_EQ(out.response.result, ApiResult::Ok);
  EXPECT_EQ(out.response.tag, 7u);
  EXPECT_EQ(out.response.verb, Verb::Get);
  EXPECT_FALSE(out.committed);
  ASSERT_TRUE(out.response.object);
  EXPECT_EQ(out.response.object->resource_version, 1u);
  EXPECT_EQ(out.response.object->spec.holder_identity, "old-pod");
  EXPECT_EQ(out.response.object->labels, (Labels{{"app", "x"}}));
}

TEST(ApiServer, GetOfMissingLeaseIs404WithServerMessage) {
  Fixture f;
  ApiServer server(f.scenario);
  const ApiOutcome out = server.handle(get(f.a));
  EXPECT_EQ(out.response.result, ApiResult::NotFound);
  EXPECT_EQ(out.response.message, "leases.coordination.k8s.io \"a\" not found");
  EXPECT_EQ(out.response.tag, 7u);
  EXPECT_FALSE(out.response.object);
}

TEST(ApiServer, ResourceVersionIncrementsOnEveryWriteAndOnlyOnWrites) {
  Fixture f;
  ApiServer server(f.scenario);
  ASSERT_EQ(server.resource_version(), 1u);

  // Reads and failed writes leave the counter alone.
  server.handle(get(f.b));
  server.handle(get(f.a));                       // 404
  server.handle(list({}));
  server.handle(create(body_for(f.b)));          // 409 AlreadyExists
  server.handle(update(body_for(f.b, 99)));      // 409 stale
  Lease missing_with_uid = body_for(f.a, 1);
  missing_with_uid.uid = 1;
  server.handle(update(missing_with_uid));       // 409 uid precondition
  server.handle(del(f.a));                       // 404
  server.handle(del(f.b, 42));                   // 409 precondition
  EXPECT_EQ(server.resource_version(), 1u);

  // Every successful write is +1, and the stored object carries the new counter.
  ApiOutcome created = server.handle(create(body_for(f.a)));
  ASSERT_TRUE(created.committed);
  EXPECT_EQ(server.resource_version(), 2u);
  EXPECT_EQ(created.response.object->resource_version, 2u);
  EXPECT_EQ(server.lease(f.a)->resource_version, 2u);

  ApiOutcome updated = server.handle(update(body_for(f.b, 1)));
  ASSERT_TRUE(updated.committed);
  EXPECT_EQ(server.resource_version(), 3u);
  EXPECT_EQ(server.lease(f.b)->resource_version, 3u);

  ApiOutcome deleted = server.handle(del(f.a));
  ASSERT_TRUE(deleted.committed);
  EXPECT_EQ(server.resource_version(), 4u);
  EXPECT_FALSE(server.lease(f.a));
}

TEST(ApiServer, CommittedWriteReportsBeforeAndAfter) {
  Fixture f;
  ApiServer server(f.scenario);
  const ApiOutcome out = server.handle(update(body_for(f.b, 1)));
  ASSERT_TRUE(out.committed);
  ASSERT_TRUE(out.before);
  ASSERT_TRUE(out.after);
  EXPECT_EQ(out.before->spec.holder_identity, "old-pod");
  EXPECT_EQ(out.before->resource_version, 1u);
  EXPECT_EQ(out.after->spec.holder_identity, "me");
  EXPECT_EQ(out.after->resource_version, 2u);
  EXPECT_EQ(out.response.object, out.after);
  EXPECT_EQ(out.response.tag, 9u);
  EXPECT_EQ(out.response.verb, Verb::Update);

  const ApiOutcome gone = server.handle(del(f.b));
  ASSERT_TRUE(gone.committed);
  EXPECT_EQ(gone.before, out.after);
  EXPECT_FALSE(gone.after);
  EXPECT_FALSE(gone.response.object);
}

TEST(ApiServer, UpdateWithStaleResourceVersionIs409) {
  Fixture f;
  ApiServer server(f.scenario);
  ASSERT_TRUE(server.handle(update(body_for(f.b, 1))).committed);  // now rv 2
  const ApiOutcome stale = server.handle(update(body_for(f.b, 1)));
  EXPECT_FALSE(stale.committed);
  EXPECT_EQ(stale.response.result, ApiResult::Conflict);
  EXPECT_EQ(stale.response.message,
            "Operation cannot be fulfilled on leases.coordination.k8s.io \"b\": the object has been modified; "
            "please apply your changes to the latest version and try again");
  EXPECT_EQ(server.lease(f.b)->spec.holder_identity, "me");
  // A future resourceVersion is just as stale as a past one.
  EXPECT_EQ(server.handle(update(body_for(f.b, 3))).response.result, ApiResult::Conflict);
  // The current one succeeds.
  EXPECT_EQ(server.handle(update(body_for(f.b, 2))).response.result, ApiResult::Ok);
}

TEST(ApiServer, UpdateWithoutResourceVersionIs422WhenConflictCheckIsOn) {
  Fixture f;
  ApiServer server(f.scenario);
  const ApiOutcome out = server.handle(update(body_for(f.b, 0)));
  EXPECT_FALSE(out.committed);
  EXPECT_EQ(out.response.result, ApiResult::Invalid);
  EXPECT_EQ(out.response.message, "metadata.resourceVersion: Invalid value: 0x0: must be specified for an update");
  EXPECT_EQ(server.resource_version(), 1u);
}

TEST(ApiServer, UpdateIsUnconditionalWhenConflictCheckIsOff) {
  Fixture f(/*conflict_check=*/false);
  ApiServer server(f.scenario);
  // The what-if knob: neither a missing nor a stale resourceVersion stops the write.
  const ApiOutcome no_rv = server.handle(update(body_for(f.b, 0)));
  EXPECT_TRUE(no_rv.committed);
  EXPECT_EQ(server.resource_version(), 2u);
  Lease stale = body_for(f.b, 1);
  stale.spec.holder_identity = "stale-writer";
  const ApiOutcome out = server.handle(update(stale));
  EXPECT_TRUE(out.committed);
  EXPECT_EQ(out.response.result, ApiResult::Ok);
  EXPECT_EQ(server.lease(f.b)->spec.holder_identity, "stale-writer");
  EXPECT_EQ(server.lease(f.b)->resource_version, 3u);
}

// Upstream: k8s.io/apiserver pkg/storage/etcd3/store.go, store.GuaranteedUpdate, checks the uid
// precondition (pkg/registry/rest/update.go, defaultUpdatedObjectInfo.Preconditions: taken from
// the body's metadata.uid) against an empty object when the key is missing, and
// pkg/storage/errors/storage.go, InterpretUpdateError, makes the storage error a 409 Conflict.
TEST(ApiServer, UpdateOfMissingLeaseWithUidIs409UidPrecondition_etcd3_GuaranteedUpdate) {
  Fixture f;
  ApiServer server(f.scenario);
  Lease body = body_for(f.a, 1);
  body.uid = 1;  // as client-go's body carries the uid of the object it read
  const ApiOutcome out = server.handle(update(body));
  EXPECT_EQ(out.response.result, ApiResult::Conflict);
  EXPECT_EQ(out.response.message,
            "Operation cannot be fulfilled on leases.coordination.k8s.io \"a\": Precondition failed: UID in "
            "precondition: 00000000-0000-0000-0000-000000000001, UID in object meta: ");
  EXPECT_FALSE(out.committed);
  EXPECT_FALSE(server.lease(f.a));
  EXPECT_EQ(server.resource_version(), 1u);
}

TEST(ApiServer, UpdateOfDeletedAndRecreatedLeaseWithOldUidIs409_etcd3_GuaranteedUpdate) {
  Fixture f;
  ApiServer server(f.scenario);
  Lease read = *server.lease(f.b);  // uid 1, rv 1
  ASSERT_TRUE(server.handle(del(f.b)).committed);
  ASSERT_TRUE(server.handle(create(body_for(f.b))).committed);  // a new object: uid 3
  EXPECT_EQ(server.lease(f.b)->uid, 3u);
  read.resource_version = server.lease(f.b)->resource_version;  // even with a current rv
  const ApiOutcome out = server.handle(update(read));
  EXPECT_EQ(out.response.result, ApiResult::Conflict);
  EXPECT_EQ(out.response.message,
            "Operation cannot be fulfilled on leases.coordination.k8s.io \"b\": Precondition failed: UID in "
            "precondition: 00000000-0000-0000-0000-000000000001, UID in object meta: "
            "00000000-0000-0000-0000-000000000003");
  // The matching uid passes the precondition (the twin).
  read.uid = 3;
  read.spec.holder_identity = "new-holder";
  EXPECT_EQ(server.handle(update(read)).response.result, ApiResult::Ok);
}

// Upstream: pkg/registry/coordination/lease/strategy.go, leaseStrategy.AllowCreateOnUpdate is
// true, so k8s.io/apiserver pkg/registry/generic/registry/store.go, Store.Update, creates a
// missing Lease from a body without a uid (whatever its resourceVersion, and with the conflict
// check on or off), validated as a create.
TEST(ApiServer, UpdateOfMissingLeaseWithoutUidCreatesIt_Store_Update_AllowCreateOnUpdate) {
  for (const bool conflict_check : {true, false}) {
    Fixture f(conflict_check);
    ApiServer server(f.scenario);
    const ApiOutcome out = server.handle(update(body_for(f.a, 1)));
    EXPECT_EQ(out.response.result, ApiResult::Ok);
    ASSERT_TRUE(out.committed);
    EXPECT_FALSE(out.before);
    ASSERT_TRUE(server.lease(f.a));
    EXPECT_EQ(server.lease(f.a)->resource_version, 2u);
    EXPECT_EQ(server.lease(f.a)->uid, 2u);
    Lease invalid = body_for(f.c, 1);
    invalid.spec.lease_duration_seconds = 0;
    EXPECT_EQ(server.handle(update(invalid)).response.result, ApiResult::Invalid);
    EXPECT_FALSE(server.lease(f.c));
  }
}

TEST(ApiServer, UpdateKeepsTheStoredUidAndFillsAnEmptyOne_rest_BeforeUpdate) {
  Fixture f;
  ApiServer server(f.scenario);
  const ApiOutcome out = server.handle(update(body_for(f.b, 1)));  // no uid in the body
  ASSERT_TRUE(out.committed);
  EXPECT_EQ(out.response.object->uid, 1u);
  EXPECT_EQ(server.lease(f.b)->uid, 1u);
}

// Upstream: k8s.io/apiserver pkg/storage/etcd3/store.go, store.GuaranteedUpdate: when the
// encoded new object equals the stored bytes, it returns the stored object without a write.
TEST(ApiServer, UpdateIdenticalToStoredKeepsResourceVersion_etcd3_GuaranteedUpdate) {
  Fixture f;
  ApiServer server(f.scenario);
  Lease same = *server.lease(f.b);
  const ApiOutcome out = server.handle(update(same));
  EXPECT_EQ(out.response.result, ApiResult::Ok);
  EXPECT_FALSE(out.committed);
  ASSERT_TRUE(out.response.object);
  EXPECT_EQ(out.response.object->resource_version, 1u);
  EXPECT_EQ(server.resource_version(), 1u);
  // Sub-microsecond differences vanish in MicroTime, so they are no change either.
  Lease timed = same;
  timed.spec.renew_time = WallInstant(1'000'000'000'000'001'000);
  ASSERT_TRUE(server.handle(update(timed)).committed);  // rv 2
  timed.resource_version = 2;
  timed.spec.renew_time = WallInstant(1'000'000'000'000'001'999);
  EXPECT_FALSE(server.handle(update(timed)).committed);
  EXPECT_EQ(server.resource_version(), 2u);
  // The twin: a change of labels alone is a write.
  timed.labels = {{"app", "y"}};
  EXPECT_TRUE(server.handle(update(timed)).committed);
  EXPECT_EQ(server.resource_version(), 3u);
}

// Upstream: k8s.io/apiserver pkg/registry/generic/registry/store.go, Store.Create validates
// (rest.BeforeCreate) before the storage create reports AlreadyExists.
TEST(ApiServer, InvalidCreateOfExistingLeaseIs422_Store_Create) {
  Fixture f;
  ApiServer server(f.scenario);
  Lease body = body_for(f.b);
  body.spec.lease_duration_seconds = 0;
  const ApiOutcome out = server.handle(create(body));
  EXPECT_EQ(out.response.result, ApiResult::Invalid);
  EXPECT_EQ(out.response.message, "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0");
}

TEST(ApiServer, CreateOfExistingLeaseIs409AlreadyExists) {
  Fixture f;
  ApiServer server(f.scenario);
  const ApiOutcome out = server.handle(create(body_for(f.b)));
  EXPECT_FALSE(out.committed);
  EXPECT_EQ(out.response.result, ApiResult::Conflict);
  EXPECT_EQ(out.response.message, "leases.coordination.k8s.io \"b\" already exists");
  EXPECT_EQ(server.lease(f.b)->spec.holder_identity, "old-pod");
}

TEST(ApiServer, CreateStoresBodyUnderRequestedKeyWithNewResourceVersion) {
  Fixture f;
  ApiServer server(f.scenario);
  Lease body = body_for(f.c, /*rv=*/77);  // a client-sent rv is replaced by the server's
  body.labels = {{"tier", "control"}};
  const ApiOutcome out = server.handle(create(body));
  ASSERT_TRUE(out.committed);
  EXPECT_FALSE(out.before);
  ASSERT_TRUE(server.lease(f.c));
  EXPECT_EQ(server.lease(f.c)->id, f.c);
  EXPECT_EQ(server.lease(f.c)->resource_version, 2u);
  EXPECT_EQ(server.lease(f.c)->labels, (Labels{{"tier", "control"}}));
  EXPECT_EQ(server.lease(f.c)->spec, body.spec);
}

TEST(ApiServer, DeleteOfMissingLeaseIs404) {
  Fixture f;
  ApiServer server(f.scenario);
  const ApiOutcome out = server.handle(del(f.a));
  EXPECT_EQ(out.response.result, ApiResult::NotFound);
  EXPECT_EQ(out.response.message, "leases.coordination.k8s.io \"a\" not found");
}

TEST(ApiServer, DeletePreconditionMismatchIs409AndMatchDeletes) {
  Fixture f;
  ApiServer server(f.scenario);
  const ApiOutcome mismatch = server.handle(del(f.b, 5));
  EXPECT_FALSE(mismatch.committed);
  EXPECT_EQ(mismatch.response.result, ApiResult::Conflict);
  EXPECT_EQ(mismatch.response.message,
            "Operation cannot be fulfilled on leases.coordination.k8s.io \"b\": Precondition failed: "
            "ResourceVersion in precondition does not match");
  EXPECT_TRUE(server.lease(f.b));

  const ApiOutcome match = server.handle(del(f.b, 1));
  EXPECT_TRUE(match.committed);
  EXPECT_EQ(match.response.result, ApiResult::Ok);
  EXPECT_FALSE(server.lease(f.b));
  // Once deleted, the key can be created again.
  EXPECT_EQ(server.handle(create(body_for(f.b))).response.result, ApiResult::Ok);
  EXPECT_EQ(server.lease(f.b)->resource_version, 3u);
}

TEST(ApiServer, UnconditionalDeleteIgnoresResourceVersion) {
  Fixture f;
  ApiServer server(f.scenario);
  ASSERT_TRUE(server.handle(update(body_for(f.b, 1))).committed);
  EXPECT_TRUE(server.handle(del(f.b, 0)).committed);
}

// Validation: the same three rules on create and on update, with the server's messages.
struct InvalidCase {
  const char* what;
  LeaseSpec spec;
  const char* message;
};

std::vector<InvalidCase> invalid_cases() {
  std::vector<InvalidCase> cases;
  LeaseSpec zero_duration;
  zero_duration.lease_duration_seconds = 0;
  cases.push_back({"zero duration", zero_duration, "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"});
  LeaseSpec negative_duration;
  negative_duration.lease_duration_seconds = -5;
  cases.push_back(
      {"negative duration", negative_duration, "spec.leaseDurationSeconds: Invalid value: -5: must be greater than 0"});
  LeaseSpec negative_transitions;
  negative_transitions.lease_duration_seconds = 15;
  negative_transitions.lease_transitions = -1;
  cases.push_back({"negative transitions", negative_transitions,
                   "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0"});
  LeaseSpec preferred_no_strategy;
  preferred_no_strategy.preferred_holder = "b";
  cases.push_back({"preferredHolder without strategy", preferred_no_strategy,
                   "spec.preferredHolder: Forbidden: preferredHolder is only allowed if strategy is set"});
  LeaseSpec preferred_empty_strategy = preferred_no_strategy;
  preferred_empty_strategy.strategy = "";
  cases.push_back({"preferredHolder with empty strategy", preferred_empty_strategy,
                   "spec.preferredHolder: Forbidden: preferredHolder is only allowed if strategy is set"});
  return cases;
}

TEST(ApiServer, CreateValidationFailuresAre422WithExactMessages) {
  for (const InvalidCase& c : invalid_cases()) {
    Fixture f;
    ApiServer server(f.scenario);
    Lease body;
    body.id = f.a;
    body.spec = c.spec;
    const ApiOutcome out = server.handle(create(body));
    EXPECT_EQ(out.response.result, ApiResult::Invalid) << c.what;
    EXPECT_EQ(out.response.message, c.message) << c.what;
    EXPECT_FALSE(out.committed) << c.what;
    EXPECT_FALSE(server.lease(f.a)) << c.what;
    EXPECT_EQ(server.resource_version(), 1u) << c.what;
  }
}

TEST(ApiServer, UpdateValidationFailuresAre422WithExactMessages) {
  for (const InvalidCase& c : invalid_cases()) {
    Fixture f;
    ApiServer server(f.scenario);
    Lease body;
    body.id = f.b;
    body.resource_version = 1;
    body.spec = c.spec;
    const ApiOutcome out = server.handle(update(body));
    EXPECT_EQ(out.response.result, ApiResult::Invalid) << c.what;
    EXPECT_EQ(out.response.message, c.message) << c.what;
    EXPECT_EQ(server.lease(f.b)->spec.holder_identity, "old-pod") << c.what;
  }
}

TEST(ApiServer, ValidSpecsAtTheBoundariesAreAccepted) {
  // The twin of the 422 cases: the smallest valid values, and the optional fields left out.
  Fixture f;
  ApiServer server(f.scenario);
  Lease body;
  body.id = f.a;
  body.spec.lease_duration_seconds = 1;
  body.spec.lease_transitions = 0;
  body.spec.preferred_holder = "";  // an empty preferredHolder needs no strategy
  EXPECT_EQ(server.handle(create(body)).response.result, ApiResult::Ok);
  Lease with_strategy;
  with_strategy.id = f.c;
  with_strategy.spec.strategy = "OldestEmulationVersion";
  with_strategy.spec.preferred_holder = "x";
  EXPECT_EQ(server.handle(create(with_strategy)).response.result, ApiResult::Ok);
  Lease bare;
  bare.id = f.b;
  bare.resource_version = 1;
  EXPECT_EQ(server.handle(update(bare)).response.result, ApiResult::Ok);
}

TEST(ApiServer, ConflictIsReportedBeforeValidation) {
  // The generic store checks the precondition before the strategy validates (as kube-apiserver
  // does inside GuaranteedUpdate), so a stale, invalid body gets 409, not 422.
  Fixture f;
  ApiServer server(f.scenario);
  Lease body = body_for(f.b, 99);
  body.spec.lease_duration_seconds = 0;
  EXPECT_EQ(server.handle(update(body)).response.result, ApiResult::Conflict);
}

TEST(ApiServer, MicroTimesAreTruncatedToMicrosecondsOnWrite) {
  Fixture f;
  ApiServer server(f.scenario);
  const WallInstant base(1767225600LL * kNanosPerSecond);
  Lease body = body_for(f.b, 1);
  body.spec.acquire_time = base + Duration(123456789);  // .123456789 -> .123456
  body.spec.renew_time = base + Duration(999999999);    // .999999999 -> .999999 (never rounds up)
  const ApiOutcome out = server.handle(update(body));
  ASSERT_TRUE(out.committed);
  EXPECT_EQ(server.lease(f.b)->spec.acquire_time, base + Duration(123456000));
  EXPECT_EQ(server.lease(f.b)->spec.renew_time, base + Duration(999999000));
  // The response and the `after` image show the stored (truncated) values too.
  EXPECT_EQ(out.response.object->spec.renew_time, base + Duration(999999000));
  EXPECT_EQ(out.after->spec.acquire_time, base + Duration(123456000));

  Lease created = body_for(f.a);
  created.spec.renew_time = base + Duration(1999);
  server.handle(create(created));
  EXPECT_EQ(server.lease(f.a)->spec.renew_time, base + Duration(1000));
}

TEST(ApiServer, InitialLeaseTimesAreTruncatedAndNegativeTimesFloor) {
  Fixture f;
  f.scenario.leases[0].spec.renew_time = WallInstant(-1);  // before the epoch: floors to -1us
  f.scenario.leases[0].spec.acquire_time = WallInstant(5999);
  ApiServer server(f.scenario);
  EXPECT_EQ(server.lease(f.b)->spec.renew_time, WallInstant(-1000));
  EXPECT_EQ(server.lease(f.b)->spec.acquire_time, WallInstant(5000));
}

TEST(ApiServer, ListFiltersByLabelSelectorInKeyOrder) {
  Fixture f;
  ApiServer server(f.scenario);
  Lease la = body_for(f.a);
  la.labels = {{"app", "x"}, {"zone", "1"}};
  Lease lc = body_for(f.c);
  lc.labels = {{"app", "x"}};
  server.handle(create(lc));  // created before "default/a" but sorts after it
  server.handle(create(la));

  // Empty selector: everything, sorted by "namespace/name" (default/a, default/b, kube-system/c).
  const ApiOutcome all = server.handle(list({}));
  EXPECT_EQ(all.response.result, ApiResult::Ok);
  EXPECT_EQ(all.response.tag, 11u);
  EXPECT_EQ(all.response.verb, Verb::List);
  EXPECT_FALSE(all.committed);
  ASSERT_EQ(all.response.items.size(), 3u);
  EXPECT_EQ(all.response.items[0].id, f.a);
  EXPECT_EQ(all.response.items[1].id, f.b);
  EXPECT_EQ(all.response.items[2].id, f.c);

  // Every selector label must match.
  const ApiOutcome app = server.handle(list({{"app", "x"}}));
  ASSERT_EQ(app.response.items.size(), 3u);
  const ApiOutcome zone = server.handle(list({{"app", "x"}, {"zone", "1"}}));
  ASSERT_EQ(zone.response.items.size(), 1u);
  EXPECT_EQ(zone.response.items[0].id, f.a);
  EXPECT_TRUE(server.handle(list({{"app", "y"}})).response.items.empty());
  EXPECT_TRUE(server.handle(list({{"missing", ""}})).response.items.empty());
}

TEST(ApiServer, ListSkipsDeletedLeases) {
  Fixture f;
  ApiServer server(f.scenario);
  server.handle(del(f.b));
  EXPECT_TRUE(server.handle(list({})).response.items.empty());
}

TEST(ApiServer, RequestForUnknownLeaseIdIsAnInvariantViolation) {
  Fixture f;
  ApiServer server(f.scenario);
  EXPECT_THROW(server.handle(get(99)), InvariantViolation);
}

TEST(ApiServer, IsACopyableValue) {
  Fixture f;
  ApiServer original(f.scenario);
  ApiServer copy = original;
  EXPECT_EQ(copy, original);
  copy.handle(update(body_for(f.b, 1)));
  EXPECT_NE(copy, original);
  EXPECT_EQ(original.resource_version(), 1u);
  EXPECT_EQ(original.lease(f.b)->spec.holder_identity, "old-pod");
  Hasher h1, h2;
  original.hash_into(h1);
  copy.hash_into(h2);
  EXPECT_NE(h1.digest(), h2.digest());
}

}  // namespace
}  // namespace leasesim
