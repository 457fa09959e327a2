// rest_api_test.cc: the Lease REST API as pure routing (live/rest_api.h) over a LeaseStore: the
// answers and Status errors a real kube-apiserver gives, each case naming the upstream rule.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "live/label_selector.h"
#include "live/lease_protobuf.h"
#include "live/rest_api.h"
#include "reports/lease_table.h"

namespace leasesim {
namespace {

using nlohmann::json;

const WallInstant kNow{1767225600LL * kNanosPerSecond};
constexpr const char* kLeases = "/apis/coordination.k8s.io/v1/namespaces/default/leases";

struct Fixture {
  Scenario scenario;
  std::vector<CommitRecord> commits;
  std::unique_ptr<LeaseStore> store;
  Fixture() {
    scenario.seed = 7;
    store = std::make_unique<LeaseStore>(
        scenario, [] { return kNow; }, [this](const CommitRecord& c) { commits.push_back(c); });
  }
  HttpAnswer call(const std::string& method, const std::string& target, const std::string& body = "",
                  const std::string& content_type = "application/json", const std::string& accept = "") {
    RestOutcome out = route(*store, HttpRequestView{method, target, content_type, accept, body}, 0, kNow, "127.0.0.1:1");
    EXPECT_TRUE(std::holds_alternative<HttpAnswer>(out)) << method << " " << target;
    return std::get<HttpAnswer>(out);
  }
};

json lease(const std::string& name, const std::string& holder, const std::string& rv = "") {
  json j{{"apiVersion", "coordination.k8s.io/v1"},
         {"kind", "Lease"},
         {"metadata", {{"name", name}, {"namespace", "default"}}},
         {"spec", {{"holderIdentity", holder}, {"leaseDurationSeconds", 15}}}};
  if (!rv.empty()) j["metadata"]["resourceVersion"] = rv;
  return j;
}

json body_of(const HttpAnswer& a) { return json::parse(a.body); }

TEST(RestApi, DiscoveryListsTheLeaseResource) {
  Fixture f;
  const json resources = body_of(f.call("GET", "/apis/coordination.k8s.io/v1"));
  ASSERT_EQ(resources["resources"].size(), 1u);
  EXPECT_EQ(resources["resources"][0]["name"], "leases");
  EXPECT_EQ(resources["resources"][0]["kind"], "Lease");
  EXPECT_EQ(body_of(f.call("GET", "/apis"))["groups"][0]["name"], "coordination.k8s.io");
  // No core versions: an announced version with no resources fails kubectl's discovery.
  EXPECT_TRUE(body_of(f.call("GET", "/api"))["versions"].empty());
  EXPECT_EQ(f.call("GET", "/apis/apps/v1").code, 404);
  EXPECT_EQ(body_of(f.call("GET", "/openapi/v3"))["paths"].size(), 1u);
}

TEST(RestApi, CreateGetAndConflictingCreate) {
  Fixture f;
  const HttpAnswer created = f.call("POST", kLeases, lease("a", "x").dump());
  EXPECT_EQ(created.code, 201);
  const json obj = body_of(created);
  EXPECT_EQ(obj["metadata"]["resourceVersion"], "1");
  EXPECT_EQ(obj["metadata"]["uid"].get<std::string>().size(), 36u);
  EXPECT_EQ(body_of(f.call("GET", std::string(kLeases) + "/a"))["spec"]["holderIdentity"], "x");
  // A second create of the same name: 409 AlreadyExists (registry Store.Create).
  const HttpAnswer again = f.call("POST", kLeases, lease("a", "y").dump());
  EXPECT_EQ(again.code, 409);
  EXPECT_EQ(body_of(again)["reason"], "AlreadyExists");
  EXPECT_EQ(body_of(again)["kind"], "Status");
  ASSERT_EQ(f.commits.size(), 1u);
  EXPECT_EQ(f.commits[0].client, 0);
}

TEST(RestApi, UpdateNeedsTheCurrentResourceVersion) {
  Fixture f;
  f.call("POST", kLeases, lease("a", "x").dump());
  // Leases disallow unconditional updates (lease strategy AllowUnconditionalUpdate = false).
  EXPECT_EQ(f.call("PUT", std::string(kLeases) + "/a", lease("a", "y").dump()).code, 422);
  const HttpAnswer stale = f.call("PUT", std::string(kLeases) + "/a", lease("a", "y", "7").dump());
  EXPECT_EQ(stale.code, 409);
  EXPECT_EQ(body_of(stale)["reason"], "Conflict");
  const HttpAnswer ok = f.call("PUT", std::string(kLeases) + "/a", lease("a", "y", "1").dump());
  EXPECT_EQ(ok.code, 200);
  EXPECT_EQ(body_of(ok)["metadata"]["resourceVersion"], "2");
}

TEST(RestApi, UidIsAPreconditionAndUpdateWithoutOneCreates) {
  Fixture f;
  // generic registry Store.Update: a uid in the body is checked against the stored object, an
  // empty one when nothing is stored, so it never creates: 409.
  json with_uid = lease("gone", "x");
  with_uid["metadata"]["uid"] = "11111111-2222-4333-8444-555555555555";
  const HttpAnswer missing = f.call("PUT", std::string(kLeases) + "/gone", with_uid.dump());
  EXPECT_EQ(missing.code, 409);
  EXPECT_NE(body_of(missing)["message"].get<std::string>().find("Precondition failed: UID in precondition"),
            std::string::npos);
  // Without a uid the Lease strategy's AllowCreateOnUpdate creates it.
  EXPECT_EQ(f.call("PUT", std::string(kLeases) + "/gone", lease("gone", "x").dump()).code, 201);
  // A wrong uid on an existing object: 409 too.
  json wrong = lease("gone", "y", "1");
  wrong["metadata"]["uid"] = "99999999-2222-4333-8444-555555555555";
  EXPECT_EQ(f.call("PUT", std::string(kLeases) + "/gone", wrong.dump()).code, 409);
  // A resourceVersion on a missing object: 404 (nothing to be conditional on).
  EXPECT_EQ(f.call("PUT", std::string(kLeases) + "/other", lease("other", "y", "3").dump()).code, 404);
}

TEST(RestApi, NameMismatchAndInvalidSpec) {
  Fixture f;
  EXPECT_EQ(f.call("PUT", std::string(kLeases) + "/a", lease("b", "x").dump()).code, 400);
  json invalid = lease("a", "x");
  invalid["spec"]["leaseDurationSeconds"] = 0;
  const HttpAnswer a = f.call("POST", kLeases, invalid.dump());
  EXPECT_EQ(a.code, 422);
  EXPECT_EQ(body_of(a)["reason"], "Invalid");
  json wrong_type = lease("a", "x");
  wrong_type["spec"]["leaseDurationSeconds"] = "15";
  EXPECT_EQ(f.call("POST", kLeases, wrong_type.dump()).code, 400);
}

TEST(RestApi, PatchesMergeJsonAndStrategic) {
  Fixture f;
  f.call("POST", kLeases, lease("a", "x").dump());
  const std::string item = std::string(kLeases) + "/a";
  HttpAnswer merged = f.call("PATCH", item, R"({"spec":{"holderIdentity":"m"}})", "application/merge-patch+json");
  EXPECT_EQ(merged.code, 200);
  EXPECT_EQ(body_of(merged)["spec"]["holderIdentity"], "m");
  HttpAnswer jp = f.call("PATCH", item, R"([{"op":"replace","path":"/spec/holderIdentity","value":"j"}])",
                         "application/json-patch+json");
  EXPECT_EQ(body_of(jp)["spec"]["holderIdentity"], "j");
  HttpAnswer smp = f.call("PATCH", item, R"({"$retainKeys":["spec"],"spec":{"leaseTransitions":3}})",
                          "application/strategic-merge-patch+json");
  EXPECT_EQ(body_of(smp)["spec"]["leaseTransitions"], 3);
  EXPECT_EQ(f.call("PATCH", item, "{}", "application/apply-patch+yaml").code, 415);
  EXPECT_EQ(f.call("PATCH", item, R"([{"op":"remove","path":"/nope"}])", "application/json-patch+json").code, 422);
  EXPECT_EQ(f.call("PATCH", std::string(kLeases) + "/missing", "{}", "application/merge-patch+json").code, 404);
}

// `kubectl annotate` is a merge patch that changes annotations only; a real server stores it as a
// new version (and a MODIFIED event). The twin: a patch that changes nothing keeps the version
// (GuaranteedUpdate's no-op), so the first check is not vacuous.
TEST(RestApi, AnnotationOnlyChangesAreWrites) {
  Fixture f;
  f.call("POST", kLeases, lease("a", "x").dump());
  const std::string item = std::string(kLeases) + "/a";
  HttpAnswer same = f.call("PATCH", item, R"({"spec":{"holderIdentity":"x"}})", "application/merge-patch+json");
  EXPECT_EQ(body_of(same)["metadata"]["resourceVersion"], "1");
  EXPECT_EQ(f.commits.size(), 1u);
  HttpAnswer annotated = f.call("PATCH", item, R"({"metadata":{"annotations":{"team":"infra"}}})",
                                "application/merge-patch+json");
  EXPECT_EQ(annotated.code, 200);
  EXPECT_EQ(body_of(annotated)["metadata"]["resourceVersion"], "2");
  EXPECT_EQ(body_of(f.call("GET", item))["metadata"]["annotations"]["team"], "infra");
  EXPECT_EQ(f.commits.size(), 2u);
  // Removing it is a write too (merge patch null deletes the key).
  HttpAnswer removed = f.call("PATCH", item, R"({"metadata":{"annotations":{"team":null}}})",
                              "application/merge-patch+json");
  EXPECT_EQ(body_of(removed)["metadata"]["resourceVersion"], "3");
  EXPECT_FALSE(body_of(f.call("GET", item))["metadata"].contains("annotations"));
}

TEST(RestApi, DeleteHonoursPreconditions) {
  Fixture f;
  f.call("POST", kLeases, lease("a", "x").dump());
  const std::string item = std::string(kLeases) + "/a";
  EXPECT_EQ(f.call("DELETE", item, R"({"preconditions":{"resourceVersion":"9"}})").code, 409);
  EXPECT_EQ(f.call("DELETE", item, R"({"preconditions":{"uid":"nope"}})").code, 409);
  const HttpAnswer ok = f.call("DELETE", item);
  EXPECT_EQ(ok.code, 200);
  EXPECT_EQ(body_of(ok)["status"], "Success");
  EXPECT_EQ(f.call("DELETE", item).code, 404);
  EXPECT_EQ(f.call("GET", item).code, 404);
}

TEST(RestApi, ListFiltersByLabelAndFieldAndRendersTables) {
  Fixture f;
  json a = lease("a", "x");
  a["metadata"]["labels"] = {{"app", "one"}};
  f.call("POST", kLeases, a.dump());
  f.call("POST", kLeases, lease("b", "y").dump());
  EXPECT_EQ(body_of(f.call("GET", std::string(kLeases) + "?labelSelector=app%3Done"))["items"].size(), 1u);
  EXPECT_EQ(body_of(f.call("GET", std::string(kLeases) + "?labelSelector=app%20notin%20(one)"))["items"].size(), 1u);
  EXPECT_EQ(body_of(f.call("GET", std::string(kLeases) + "?fieldSelector=metadata.name%3Db"))["items"].size(), 1u);
  EXPECT_EQ(f.call("GET", std::string(kLeases) + "?fieldSelector=spec.holderIdentity%3Dx").code, 400);
  EXPECT_EQ(body_of(f.call("GET", "/apis/coordination.k8s.io/v1/leases"))["items"].size(), 2u);
  const json table = body_of(f.call("GET", kLeases, "", "", "application/json;as=Table;v=v1;g=meta.k8s.io"));
  EXPECT_EQ(table["kind"], "Table");
  ASSERT_EQ(table["rows"].size(), 2u);
  EXPECT_EQ(table["rows"][0]["cells"][1], "x");
}

TEST(RestApi, WatchIsAPlanWithItsStartingPoint) {
  Fixture f;
  RestOutcome out = route(*f.store, HttpRequestView{"GET", std::string(kLeases) + "?watch=1&resourceVersion=5&allowWatchBookmarks=true", "", "", ""}, -1, kNow, "");
  ASSERT_TRUE(std::holds_alternative<WatchPlan>(out));
  const WatchPlan& plan = std::get<WatchPlan>(out);
  EXPECT_EQ(plan.from_rv, 5u);
  EXPECT_TRUE(plan.bookmarks);
  EXPECT_EQ(plan.ns, "default");
}

TEST(RestApi, StrictFieldValidationRejectsUnknownFields) {
  Fixture f;
  json extra = lease("a", "x");
  extra["spec"]["holder"] = "typo";
  EXPECT_EQ(f.call("POST", std::string(kLeases) + "?fieldValidation=Strict", extra.dump()).code, 400);
  EXPECT_EQ(f.call("POST", kLeases, extra.dump()).code, 201);  // Ignore (the default) drops it
}

// Encodes a length-delimited protobuf field.
std::string field(uint32_t number, const std::string& payload) {
  std::string out;
  auto varint = [&](uint64_t v) {
    while (v >= 0x80) {
      out.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out.push_back(static_cast<char>(v));
  };
  varint((uint64_t{number} << 3) | 2);
  varint(payload.size());
  return out + payload;
}
std::string varint_field(uint32_t number, uint64_t value) {
  std::string out(1, static_cast<char>(number << 3));
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
  return out;
}

TEST(RestApi, ProtobufLeaseBodiesAreReadLikeClientGoSendsThem) {
  Fixture f;
  const std::string meta = field(1, "pb") + field(3, "default");
  const std::string renew = varint_field(1, 1767225605) + varint_field(2, 123456000);
  const std::string spec = field(1, "holder-pb") + varint_field(2, 15) + field(4, renew);
  const std::string raw = field(1, meta) + field(2, spec);
  const std::string envelope = std::string("k8s\0", 4) + field(1, field(1, "coordination.k8s.io/v1") + field(2, "Lease")) +
                               field(2, raw);
  const HttpAnswer a = f.call("POST", kLeases, envelope, "application/vnd.kubernetes.protobuf");
  ASSERT_EQ(a.code, 201) << a.body;
  const json obj = body_of(a);
  EXPECT_EQ(obj["spec"]["holderIdentity"], "holder-pb");
  EXPECT_EQ(obj["spec"]["renewTime"], "2026-01-01T00:00:05.123456Z");
  EXPECT_EQ(f.call("POST", kLeases, "k8s\0garbage", "application/vnd.kubernetes.protobuf").code, 400);
}

// Whatever a client sends, route() answers; it never throws and never crashes.
RC_GTEST_PROP(RestApi, AnyRequestGetsAnAnswer, (const std::string& body, const std::string& suffix, int method)) {
  Fixture f;
  static const char* kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  static const char* kTypes[] = {"application/json", "application/merge-patch+json", "application/json-patch+json",
                                 "application/vnd.kubernetes.protobuf", "text/plain"};
  const size_t m = static_cast<size_t>(method < 0 ? -(method + 1) : method);
  const std::string target = std::string(kLeases) + suffix;
  RestOutcome out = route(*f.store, HttpRequestView{kMethods[m % 6], target, kTypes[m % 5], "", body}, 0, kNow, "");
  if (auto* a = std::get_if<HttpAnswer>(&out)) {
    RC_ASSERT(a->code >= 200);
    RC_ASSERT(a->code < 600);
    RC_ASSERT(!json::parse(a->body, nullptr, false).is_discarded() || a->content_type != "application/json");
  }
}

// Found by the property above: a name that is not UTF-8 is quoted in the Status message, and
// the answer is still JSON (the byte becomes U+FFFD) instead of an exception.
TEST(RestApi, NameThatIsNotUtf8GetsAStatusAnswer) {
  Fixture f;
  RestOutcome out = route(*f.store, HttpRequestView{"GET", std::string(kLeases) + "/\x90", "application/json", "", ""}, 0,
                          kNow, "");
  auto* a = std::get_if<HttpAnswer>(&out);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->code, 404);
  const json body = json::parse(a->body, nullptr, false);
  ASSERT_FALSE(body.is_discarded()) << a->body;
  EXPECT_EQ(body.value("kind", ""), "Status");
}

TEST(LabelSelector, ParsesEveryOperatorAsUpstream) {
  const auto parsed = parse_label_selector("a=1,b!=2,c in (x, y),d notin (z),e,!f");
  ASSERT_TRUE(std::holds_alternative<LabelSelector>(parsed));
  const LabelSelector& s = std::get<LabelSelector>(parsed);
  EXPECT_TRUE(s.matches({{"a", "1"}, {"c", "y"}, {"e", ""}}));
  EXPECT_FALSE(s.matches({{"a", "1"}, {"c", "y"}}));                    // e missing
  EXPECT_FALSE(s.matches({{"a", "1"}, {"c", "y"}, {"e", ""}, {"f", "1"}}));  // f present
  EXPECT_FALSE(s.matches({{"a", "1"}, {"b", "2"}, {"c", "y"}, {"e", ""}}));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_label_selector("a in (x")));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_label_selector("a ?? b")));
}

TEST(RestApi, HumanDurationMatchesKubectl) {
  EXPECT_EQ(kubectl_age(seconds(5)), "5s");
  EXPECT_EQ(kubectl_age(seconds(125)), "2m5s");
  EXPECT_EQ(kubectl_age(minutes(15)), "15m");
  EXPECT_EQ(kubectl_age(hours(5) + minutes(3)), "5h3m");
  EXPECT_EQ(kubectl_age(hours(30)), "30h");
  EXPECT_EQ(kubectl_age(hours(24 * 3 + 2)), "3d2h");
}

}  // namespace
}  // namespace leasesim
