// Tests of the run summary (reports/summary.h): a passing run with warnings says so on its
// result line and carries the same warnings in JSON; a clean run says plain PASS; a coordinated
// run lists the final LeaseCandidates next to the Leases (and a plain run does not).
#include "reports/summary.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "model/apiserver_identity.h"

namespace leasesim {
namespace {

std::shared_ptr<Scenario> tutorial(bool with_lease) {
  auto s = std::make_shared<Scenario>();
  s->name = "summary-test";
  s->properties.transitions_match = false;
  const LeaseId id = s->lease_id("default/tutorial");
  if (with_lease) {
    InitialLease lease;
    lease.id = id;
    lease.spec.holder_identity = "";
    lease.spec.lease_duration_seconds = 30;
    s->leases.push_back(lease);
  }
  ProcessSpec p;
  p.name = "replica";
  p.identity = "replica";
  p.model = TutorialConfig{};
  p.lease = id;
  s->processes.push_back(p);
  return s;
}

TEST(Summary, PassWithWarningsOnTheResultLineAndInJson) {
  const RunResult r = run_scenario(tutorial(false), 1);
  const std::string text = summary_text(r);
  EXPECT_NE(text.find("\nwarnings\n  processExited  replica died on its own"), std::string::npos) << text;
  EXPECT_NE(text.find("result     PASS with warnings (2)"), std::string::npos) << text;
  const auto json = summary_json(r);
  ASSERT_EQ(json["warnings"].size(), 2u);
  EXPECT_EQ(json["warnings"][0]["kind"], "processExited");
  EXPECT_EQ(json["warnings"][1]["kind"], "leaseNeverLed");
  EXPECT_EQ(json["passed"], true);
}

TEST(Summary, CleanRunSaysPlainPass) {
  const RunResult r = run_scenario(tutorial(true), 1);
  const std::string text = summary_text(r);
  EXPECT_EQ(text.find("warnings"), std::string::npos) << text;
  EXPECT_NE(text.find("result     PASS\n"), std::string::npos) << text;
  EXPECT_TRUE(summary_json(r)["warnings"].empty());
}

// One kube-apiserver running the election controller and two coordinated candidates.
std::shared_ptr<Scenario> coordinated() {
  auto s = std::make_shared<Scenario>();
  s->name = "summary-coordinated";
  s->duration = seconds(40);
  s->properties.transitions_match = false;
  ProcessSpec api;
  api.name = api.identity = "cp-1";
  KubeApiserverConfig k;
  k.hostname = "cp-1";
  k.coordinated_leader_election = true;
  api.lease = s->lease_id("kube-system/leader-election-controller");
  k.identity_lease = s->lease_id(identity_lease_key("cp-1"));
  api.model = k;
  s->processes.push_back(api);
  const LeaseId kcm = s->lease_id("kube-system/kube-controller-manager");
  for (const char* version : {"1.34.0", "1.33.0"}) {
    ProcessSpec p;
    p.name = p.identity = std::string("kcm-") + version;
    ClientGoConfig c;
    c.coordinated = true;
    c.rejoin_after_loss = true;
    c.binary_version = c.emulation_version = version;
    p.model = c;
    p.lease = kcm;
    p.start = seconds(1);
    s->processes.push_back(p);
  }
  return s;
}

TEST(Summary, CoordinatedRunListsTheFinalLeaseCandidates) {
  const RunResult r = run_scenario(coordinated(), 1);
  const std::string text = summary_text(r);
  const size_t table = text.find("\nlease candidates (as kubectl get leasecandidate -A, with renewTime and pingTime)\n"
                                 "  NAMESPACE     NAME         LEASENAME                 BINARYVERSION   EMULATIONVERSION");
  ASSERT_NE(table, std::string::npos) << text;
  EXPECT_GT(table, text.find("leases (as kubectl get lease -A)"));
  EXPECT_NE(text.find("  kube-system   kcm-1.33.0   kube-controller-manager   1.33.0          1.33.0             2026-01-01T"),
            std::string::npos)
      << text;
  const auto json = summary_json(r);
  ASSERT_TRUE(json.contains("leaseCandidates"));
  ASSERT_EQ(json["leaseCandidates"].size(), 2u);
  const auto& first = json["leaseCandidates"][0];
  EXPECT_EQ(first["apiVersion"], "coordination.k8s.io/v1beta1");
  EXPECT_EQ(first["kind"], "LeaseCandidate");
  EXPECT_EQ(first["metadata"]["name"], "kcm-1.33.0");
  EXPECT_EQ(first["spec"]["leaseName"], "kube-controller-manager");
  EXPECT_EQ(first["spec"]["strategy"], "OldestEmulationVersion");
  EXPECT_TRUE(first["spec"].contains("renewTime"));
  // The controller inside cp-1 leads its lock, and the older candidate leads the lease.
  ASSERT_FALSE(r.world.history().leaderships.empty());
  EXPECT_EQ(r.world.history().leaderships[0].proc, 0u);
}

// The twin: a run without coordinated processes has neither the table nor the JSON field.
TEST(Summary, TwinPlainRunHasNoCandidates) {
  const RunResult r = run_scenario(tutorial(true), 1);
  EXPECT_EQ(summary_text(r).find("lease candidates"), std::string::npos);
  EXPECT_FALSE(summary_json(r).contains("leaseCandidates"));
}

}  // namespace
}  // namespace leasesim
