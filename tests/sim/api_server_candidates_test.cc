// Tests of the LeaseCandidate store of the simulated API server (sim/api_server_candidates.cc).
#include <gtest/gtest.h>

#include "sim/api_server.h"

namespace leasesim {
namespace {

LeaseCandidate body(const char* name, const char* binary = "1.34.0", const char* emulation = "1.33.0") {
  LeaseCandidate c;
  c.name = name;
  c.lease = 0;
  c.binary_version = binary;
  c.emulation_version = emulation;
  c.strategy = kOldestEmulationVersion;
  c.renew_time = WallInstant(1234567);
  return c;
}

ApiRequest req(Verb verb, std::optional<LeaseCandidate> b, const char* name = "") {
  ApiRequest r;
  r.kind = ObjectKind::LeaseCandidate;
  r.verb = verb;
  r.candidate_body = std::move(b);
  r.candidate_name = name;
  return r;
}

Scenario one_lease() {
  Scenario s;
  s.lease_id("kube-system/kube-controller-manager");
  return s;
}

TEST(ApiServerCandidates, CreateGetUpdateListDelete) {
  ApiServer api(one_lease());
  const ApiOutcome created = api.handle(req(Verb::Create, body("b")));
  ASSERT_TRUE(created.committed);
  EXPECT_TRUE(created.candidate_write);
  EXPECT_EQ(created.response.candidate->creation_rv, 1u);
  EXPECT_EQ(created.response.candidate->renew_time, WallInstant(1234000));  // MicroTime
  EXPECT_EQ(api.handle(req(Verb::Create, body("b"))).response.result, ApiResult::Conflict);
  api.handle(req(Verb::Create, body("a")));
  const ApiOutcome listed = api.handle(req(Verb::List, std::nullopt));
  ASSERT_EQ(listed.response.candidates.size(), 2u);
  EXPECT_EQ(listed.response.candidates[0].name, Name("a"));  // by name
  LeaseCandidate stale = *created.response.candidate;
  stale.ping_time = WallInstant(5000);
  EXPECT_EQ(api.handle(req(Verb::Update, stale)).response.result, ApiResult::Ok);
  EXPECT_EQ(api.handle(req(Verb::Update, stale)).response.result, ApiResult::Conflict);  // old resourceVersion
  const ApiOutcome got = api.handle(req(Verb::Get, std::nullopt, "b"));
  EXPECT_EQ(got.response.candidate->ping_time, WallInstant(5000));
  EXPECT_EQ(got.response.candidate->creation_rv, 1u);  // kept by updates
  EXPECT_TRUE(api.handle(req(Verb::Delete, std::nullopt, "b")).committed);
  EXPECT_EQ(api.handle(req(Verb::Get, std::nullopt, "b")).response.result, ApiResult::NotFound);
  EXPECT_EQ(api.lease(0), std::nullopt);  // Leases untouched
}

TEST(ApiServerCandidates, ValidationAsV1beta1) {
  ApiServer api(one_lease());
  const ApiOutcome bad = api.handle(req(Verb::Create, body("x", "1.33.0", "1.34.0")));
  EXPECT_EQ(bad.response.result, ApiResult::Invalid);
  EXPECT_EQ(bad.response.message, "spec.emulationVersion: Invalid value: \"1.34.0\": must be less than or equal to binaryVersion");
  EXPECT_EQ(api.handle(req(Verb::Create, body("y", "v1"))).response.result, ApiResult::Invalid);
}

}  // namespace
}  // namespace leasesim
