// `leasesim audit` end to end: the gallery's known violations come back as findings when their
// runs are converted into Kubernetes audit logs (tests/audit/trace_to_audit.h), a healthy run
// gives none of them, exit codes, malformed and unreadable input, determinism of every output,
// and --scenario-out producing a scenario that `validate` and `run` accept.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sys/wait.h>
#include <sstream>

#include "cli/commands.h"
#include "tests/cli/cli_harness.h"
#include "cli/scenario_loader.h"
#include "properties/run.h"
#include "tests/audit/trace_to_audit.h"

namespace leasesim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The command line in process (tests/cli/cli_harness.h).
using Result = testing::CliResult;
Result cli(const std::vector<std::string>& args) { return testing::run_cli(args); }

fs::path source(const std::string& rel) { return fs::path(LEASESIM_SOURCE_DIR) / rel; }

fs::path temp_dir(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("leasesim-audit-test-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

// The scenario's spec.leases as Lease JSON, as the API server would serve them (resourceVersion 1).
std::map<std::string, json> initial_leases(const fs::path& scenario) {
  std::map<std::string, json> out;
  YAML::Node root = YAML::LoadFile(scenario.string());
  for (const YAML::Node& l : root["spec"]["leases"]) {
    json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                  {"kind", "Lease"},
                  {"metadata",
                   {{"name", l["metadata"]["name"].as<std::string>()},
                    {"namespace", l["metadata"]["namespace"].as<std::string>()},
                    {"resourceVersion", "1"}}},
                  {"spec", json::object()}};
    const YAML::Node spec = l["spec"];
    if (spec["holderIdentity"]) lease["spec"]["holderIdentity"] = spec["holderIdentity"].as<std::string>();
    if (spec["leaseDurationSeconds"]) lease["spec"]["leaseDurationSeconds"] = spec["leaseDurationSeconds"].as<int>();
    if (spec["leaseTransitions"]) lease["spec"]["leaseTransitions"] = spec["leaseTransitions"].as<int>();
    out[l["metadata"]["namespace"].as<std::string>() + "/" + l["metadata"]["name"].as<std::string>()] = lease;
  }
  return out;
}

// Runs a scenario, writes its trace and the trace as an audit log; returns (trace, audit log).
std::pair<fs::path, fs::path> converted(const std::string& rel, const fs::path& dir,
                                        const testing::TraceToAuditOptions& options = {}) {
  LoadResult loaded = load_scenario_file(source(rel).string());
  EXPECT_TRUE(loaded.ok()) << rel;
  auto scenario = std::make_shared<const Scenario>(std::move(*loaded.scenario));
  std::ostringstream trace;
  run_scenario(scenario, scenario->seed, &trace);
  const std::string stem = fs::path(rel).stem().string();
  const fs::path trace_path = dir / (stem + ".trace.jsonl");
  const fs::path audit_path = dir / (stem + ".audit.jsonl");
  write(trace_path, trace.str());
  write(audit_path, testing::trace_to_audit(trace.str(), initial_leases(source(rel)), options));
  return {trace_path, audit_path};
}

std::set<std::string> finding_kinds(const Result& r) {
  std::set<std::string> kinds;
  json j = json::parse(r.out);
  for (const json& f : j["findings"]) kinds.insert(f["kind"].get<std::string>());
  return kinds;
}

TEST(AuditCommand, GalleryViolationsComeBackAsFindingsFromAuditLogs) {
  const fs::path dir = temp_dir("gallery");
  struct Case {
    std::string scenario;
    std::set<std::string> must;
  };
  const std::vector<Case> cases = {
      {"scenarios/gallery/tutorial-transitions-never-move.yaml", {"transitionsMismatch"}},
      {"scenarios/gallery/tutorial-clock-offset-two-leaders.yaml", {"overlappingHolders", "transitionsMismatch"}},
      {"scenarios/gallery/client-go-clock-rate-outside-tolerance.yaml", {"overlappingHolders"}},
      {"scenarios/gallery/client-go-no-conflict-check.yaml", {"overlappingHolders", "transitionsMismatch"}},
  };
  for (const Case& c : cases) {
    auto [trace, audit] = converted(c.scenario, dir);
    Result r = cli({"audit", audit.string(), "--format", "json"});
    EXPECT_EQ(r.code, 1) << c.scenario << "\n" << r.err;
    const std::set<std::string> kinds = finding_kinds(r);
    for (const std::string& k : c.must) EXPECT_TRUE(kinds.count(k)) << c.scenario << " lacks " << k << "\n" << r.out;
    EXPECT_FALSE(kinds.count("multipleWriters")) << c.scenario;  // replicas share one account
    json j = json::parse(r.out);
    EXPECT_EQ(j["totals"]["malformed"], 0) << c.scenario;
    // Every finding cites lines of the converted log.
    for (const json& f : j["findings"])
      for (const json& e : f["evidence"])
        EXPECT_EQ(e["at"].get<std::string>().rfind(audit.string() + ":", 0), 0u) << e.dump();
  }
}

TEST(AuditCommand, TwoLeaderRunsAtRequestLevelAndInV1beta1AndFromTheTraceItself) {
  const fs::path dir = temp_dir("levels");
  const std::string rel = "scenarios/gallery/client-go-no-conflict-check.yaml";
  testing::TraceToAuditOptions request;
  request.level = "Request";
  request.api_version = "audit.k8s.io/v1beta1";
  auto [trace, audit] = converted(rel, dir, request);
  Result r = cli({"audit", audit.string(), "--format", "json"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(finding_kinds(r).count("overlappingHolders"));
  EXPECT_TRUE(finding_kinds(r).count("transitionsMismatch"));
  Result t = cli({"audit", trace.string(), "--format", "json"});
  EXPECT_EQ(t.code, 1) << t.err;
  EXPECT_TRUE(finding_kinds(t).count("overlappingHolders"));
  EXPECT_NE(json::parse(t.out)["inputs"][0]["formats"].get<std::string>().find("leasesim trace"), std::string::npos);
}

TEST(AuditCommand, LeaderStuckToTheEndOfTheTraceIsAStuckLeader) {
  // The tutorial's replicas wait forever on requests lost in an outage: the lease names the old
  // leader to the end of the run and nobody takes over (docs/side-by-side.md: "nothing flags
  // it"). The trace goes on (faults, process lines) after the last write: that is the end.
  const fs::path dir = temp_dir("stuck");
  auto [trace, audit] = converted("scenarios/tutorial/apiserver-outage-longer-than-rd.yaml", dir);
  Result r = cli({"audit", trace.string(), "--format", "json"});
  EXPECT_EQ(r.code, 1);
  json j = json::parse(r.out);
  bool open_stuck = false;
  for (const json& f : j["findings"]) open_stuck |= f["kind"] == "stuckLeader" && f["until"].is_null();
  EXPECT_TRUE(open_stuck) << r.out;
  // Twin: the healthy quickstart trace has no stuck leader at its end.
  auto [qtrace, qaudit] = converted("scenarios/quickstart.yaml", dir);
  Result q = cli({"audit", qtrace.string(), "--format", "json"});
  EXPECT_FALSE(finding_kinds(q).count("stuckLeader")) << q.out;
}

TEST(AuditCommand, HealthyRunGivesNoTwoLeaderOrTransitionFinding) {
  const fs::path dir = temp_dir("healthy");
  for (const char* rel : {"scenarios/quickstart.yaml", "scenarios/client-go/leader-crash-2-standbys.yaml"}) {
    auto [trace, audit] = converted(rel, dir);
    Result r = cli({"audit", audit.string(), "--format", "json"});
    const std::set<std::string> kinds = finding_kinds(r);
    EXPECT_FALSE(kinds.count("overlappingHolders")) << rel << "\n" << r.out;
    EXPECT_FALSE(kinds.count("transitionsMismatch")) << rel << "\n" << r.out;
    EXPECT_FALSE(kinds.count("multipleWriters")) << rel;
    json j = json::parse(r.out);
    ASSERT_EQ(j["leases"].size(), 1u) << rel;
    EXPECT_EQ(j["leases"][0]["use"], "leaderElection");
    EXPECT_GE(j["leases"][0]["transitions"]["counted"].get<int>(), 1) << rel;
    EXPECT_EQ(j["leases"][0]["transitions"]["counted"], j["leases"][0]["transitions"]["recorded"]) << rel;
  }
}

TEST(AuditCommand, ExitCodes) {
  const fs::path dir = temp_dir("exit");
  const std::string healthy = source("tests/audit/fixtures/kcm-failover-v1.jsonl").string();
  const std::string mismatch = source("tests/audit/fixtures/kcm-transitions-not-counted-v1.jsonl").string();
  EXPECT_EQ(cli({"audit", healthy}).code, 0);
  EXPECT_EQ(cli({"audit", mismatch}).code, 1);
  Result missing = cli({"audit", (dir / "nope.jsonl").string()});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("cannot open"), std::string::npos);
  write(dir / "garbage.txt", "this is not\nan audit log\n");
  Result garbage = cli({"audit", (dir / "garbage.txt").string()});
  EXPECT_EQ(garbage.code, 2);
  EXPECT_NE(garbage.err.find("garbage.txt:1: "), std::string::npos) << garbage.err;
  EXPECT_NE(garbage.err.find("no readable record"), std::string::npos) << garbage.err;
  write(dir / "empty.jsonl", "");
  EXPECT_EQ(cli({"audit", (dir / "empty.jsonl").string()}).code, 2);
  EXPECT_EQ(cli({"audit", healthy, "--lease", "nonamespace"}).code, 2);
  // A lease the input never mentions is a typo, not "no findings": exit 2 naming the leases seen.
  const Result typo = cli({"audit", healthy, "--lease", "default/nosuch"});
  EXPECT_EQ(typo.code, 2) << typo.out;
  EXPECT_NE(typo.err.find("--lease default/nosuch: no record of this lease in the input (leases seen: "),
            std::string::npos)
      << typo.err;
  EXPECT_EQ(cli({"audit", healthy, "--stale-percent", "120"}).code, 2);
  EXPECT_EQ(cli({"audit"}).code, 2);
}

TEST(AuditCommand, StandardInputIsAnInput) {
  const fs::path dir = temp_dir("stdin");
  const std::string command = "cat '" + source("tests/audit/fixtures/watch-events.json").string() + "' | '" +
                              std::string(LEASESIM_BINARY) + "' audit - --format json > '" + (dir / "out.json").string() +
                              "' 2> '" + (dir / "err.txt").string() + "'";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  std::ifstream in(dir / "out.json");
  json j = json::parse(in);
  EXPECT_EQ(j["inputs"][0]["file"], "-");
  EXPECT_EQ(j["totals"]["byKind"]["overlappingHolders"], 2);
  EXPECT_EQ(cli({"audit", "-", "-"}).code, 2);
}

TEST(AuditCommand, MalformedLinesAreSkippedAndTheAuditGoesOn) {
  const fs::path dir = temp_dir("malformed");
  std::ifstream in(source("tests/audit/fixtures/kcm-transitions-not-counted-v1.jsonl"));
  std::string line, text;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (n == 5) text += line.substr(0, line.size() / 2) + "\n";  // truncated
    else if (n == 9) text += "\x01\x02 binary \xff\n";
    else text += line + "\n";
  }
  write(dir / "audit.log", text);
  Result r = cli({"audit", (dir / "audit.log").string(), "--format", "json"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("audit.log:5: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("audit.log:9: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("skipped 2 malformed record(s)"), std::string::npos) << r.err;
  EXPECT_TRUE(finding_kinds(r).count("transitionsMismatch"));
  EXPECT_EQ(json::parse(r.out)["totals"]["malformed"], 2);
}

TEST(AuditCommand, SeveralApiServersLogsAreMergedInTimeOrder) {
  // Two API servers each log the requests they served: split one log by line parity and give
  // the halves in reverse order. The record and the findings must be those of the whole log.
  const fs::path dir = temp_dir("merge");
  const fs::path whole = source("tests/audit/fixtures/kcm-stale-renewal-v1.jsonl");
  std::ifstream in(whole);
  std::string line, odd, even;
  for (int n = 1; std::getline(in, line); ++n) (n % 2 ? odd : even) += line + "\n";
  write(dir / "apiserver-1.log", odd);
  write(dir / "apiserver-2.log", even);
  Result one = cli({"audit", whole.string(), "--format", "json"});
  Result two = cli({"audit", (dir / "apiserver-2.log").string(), (dir / "apiserver-1.log").string(), "--format", "json"});
  EXPECT_EQ(one.code, 1);
  EXPECT_EQ(two.code, 1);
  json a = json::parse(one.out), b = json::parse(two.out);
  EXPECT_EQ(a["leases"], b["leases"]);
  ASSERT_EQ(a["findings"].size(), b["findings"].size());
  for (size_t i = 0; i < a["findings"].size(); ++i) {
    EXPECT_EQ(a["findings"][i]["kind"], b["findings"][i]["kind"]);
    EXPECT_EQ(a["findings"][i]["at"], b["findings"][i]["at"]);
  }
  EXPECT_EQ(b["leases"][0]["late"], 0);
}

TEST(AuditCommand, SnapshotsInOrderShowTheHolderChangeWithoutATransition) {
  Result r = cli({"audit", source("tests/audit/fixtures/leases-snapshot-1.json").string(),
                  source("tests/audit/fixtures/leases-snapshot-2.json").string(),
                  source("tests/audit/fixtures/leases-snapshot-3.json").string(), "--format", "json"});
  EXPECT_EQ(r.code, 1);
  json j = json::parse(r.out);
  ASSERT_EQ(j["findings"].size(), 1u) << r.out;
  EXPECT_EQ(j["findings"][0]["kind"], "transitionsMismatch");
  EXPECT_EQ(j["findings"][0]["lease"], "kube-system/kube-scheduler");
  std::map<std::string, std::string> uses;
  for (const json& l : j["leases"]) uses[l["name"]] = l["use"];
  EXPECT_EQ(uses["worker-a"], "nodeHeartbeat");
  EXPECT_EQ(uses["kube-scheduler"], "leaderElection");
  EXPECT_EQ(uses["apiserver-xk4nbdwqyqsx3hkaxvuzk7zqvi"], "apiServerIdentity");
}

TEST(AuditCommand, LeaseFilterAndMetadataLevel) {
  const std::string meta = source("tests/audit/fixtures/metadata-level-v1.jsonl").string();
  Result all = cli({"audit", meta, "--format", "json"});
  EXPECT_EQ(all.code, 1);
  EXPECT_EQ(json::parse(all.out)["leases"].size(), 3u);
  Result one = cli({"audit", meta, "--lease", "kube-node-lease/worker-a", "--format", "json"});
  EXPECT_EQ(one.code, 0) << one.out;
  json j = json::parse(one.out);
  ASSERT_EQ(j["leases"].size(), 1u);
  EXPECT_EQ(j["leases"][0]["use"], "nodeHeartbeat");
  EXPECT_EQ(j["leases"][0]["bodies"], false);
  EXPECT_EQ(j["leases"][0]["writers"][0]["user"], "system:node:worker-a");
  EXPECT_EQ(j["leases"][0]["renewInterval"]["count"], 19);
}

TEST(AuditCommand, OutputsAreDeterministicAndTheReportHasATimeline) {
  const fs::path dir = temp_dir("report");
  const std::string f = source("tests/audit/fixtures/kcm-stale-renewal-v1.jsonl").string();
  const std::string w = source("tests/audit/fixtures/watch-events.json").string();
  Result a = cli({"audit", f, w, "--report", (dir / "a").string()});
  Result b = cli({"audit", f, w, "--report", (dir / "b").string()});
  EXPECT_EQ(a.code, 1);
  EXPECT_EQ(a.out, b.out);
  for (const char* name : {"report.json", "report.md", "report.html"}) {
    std::ifstream x(dir / "a" / name), y(dir / "b" / name);
    std::stringstream xs, ys;
    xs << x.rdbuf();
    ys << y.rdbuf();
    EXPECT_FALSE(xs.str().empty()) << name;
    EXPECT_EQ(xs.str(), ys.str()) << name;
  }
  std::ifstream html(dir / "a" / "report.html");
  std::stringstream hs;
  hs << html.rdbuf();
  EXPECT_NE(hs.str().find("<svg"), std::string::npos);
  EXPECT_NE(hs.str().find("staleRenewal"), std::string::npos);
  EXPECT_NE(hs.str().find("overlappingHolders"), std::string::npos);
  EXPECT_EQ(hs.str().find("<script"), std::string::npos);
  EXPECT_NE(a.out.find("staleRenewal kube-system/kube-controller-manager"), std::string::npos) << a.out;
}

TEST(AuditCommand, ScenarioOutValidatesAndRuns) {
  const fs::path dir = temp_dir("scenario");
  const fs::path out = dir / "observed.yaml";
  Result r = cli({"audit", source("tests/audit/fixtures/kcm-failover-v1.jsonl").string(), "--scenario-out", out.string()});
  EXPECT_EQ(r.code, 0) << r.err;
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  EXPECT_NE(text.find("count: 2"), std::string::npos) << text;
  EXPECT_NE(text.find("leaseDuration: 15s"), std::string::npos) << text;
  EXPECT_NE(text.find("retryPeriod: 2.008s"), std::string::npos) << text;
  EXPECT_NE(text.find("latency: {min: 4ms, max: 4ms}"), std::string::npos) << text;
  EXPECT_EQ(cli({"validate", out.string()}).code, 0);
  Result run = cli({"run", out.string()});
  EXPECT_EQ(run.code, 0) << run.out << run.err;  // the crash of the leader is followed by a failover
}

// A node Lease snapshotted every 60 s (`kubectl get leases -o json` from a cron job), its 40 s
// lease renewed all the while: what happened between two snapshots left no record, so their gap
// is no evidence of a stuck leader. Twin: the same states as a watch stream, where every change
// is seen, do show a 60 s gap in renewals.
TEST(AuditCommand, SnapshotGapsAreNotStuckLeadersButWatchGapsAre) {
  const fs::path dir = temp_dir("snapshot-gaps");
  auto lease = [](int minute) {
    return std::string(R"({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "node-1", )") +
           R"("namespace": "kube-node-lease", "resourceVersion": ")" + std::to_string(10 + minute) +
           R"("}, "spec": {"holderIdentity": "node-1", "leaseDurationSeconds": 40, "renewTime": "2026-05-01T10:0)" +
           std::to_string(minute) + R"(:00.000000Z"}})";
  };
  std::vector<std::string> args = {"audit"};
  std::string stream;
  for (int m = 0; m < 4; ++m) {
    const fs::path snap = dir / ("snap-" + std::to_string(m) + ".json");
    write(snap, R"({"apiVersion": "v1", "kind": "List", "items": [)" + lease(m) + "]}");
    args.push_back(snap.string());
    stream += lease(m) + "\n";
  }
  const Result snapshots = cli(args);
  EXPECT_EQ(snapshots.code, 0) << snapshots.out << snapshots.err;
  EXPECT_EQ(snapshots.out.find("stuckLeader"), std::string::npos) << snapshots.out;
  const fs::path watch = dir / "watch.jsonl";
  write(watch, stream);
  const Result watched = cli({"audit", watch.string()});
  EXPECT_EQ(watched.code, 1) << watched.out << watched.err;
  EXPECT_NE(watched.out.find("stuckLeader kube-node-lease/node-1"), std::string::npos) << watched.out;
}

// One holder seen (a kubectl snapshot): the scenario still has a standby to fail over to, so
// failoverWithin: auto has its analytic bound and the file validates. Twin reading: the note
// says the second candidate is a stand-in.
TEST(AuditCommand, ScenarioOutOfALoneHolderStillValidates) {
  const fs::path dir = temp_dir("lone-holder");
  const fs::path snapshot = dir / "snapshot.json";
  write(snapshot, R"({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
    "metadata": {"name": "ctrl", "namespace": "prod", "resourceVersion": "10"},
    "spec": {"holderIdentity": "p1", "leaseDurationSeconds": 15, "leaseTransitions": 0,
             "renewTime": "2026-05-01T10:01:40Z", "acquireTime": "2026-05-01T10:00:50Z"}})");
  const fs::path out = dir / "observed.yaml";
  const Result r = cli({"audit", snapshot.string(), "--scenario-out", out.string()});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_NE(ss.str().find("count: 2"), std::string::npos) << ss.str();
  EXPECT_NE(ss.str().find("a second candidate stands in for the standbys"), std::string::npos) << ss.str();
  const Result v = cli({"validate", out.string()});
  EXPECT_EQ(v.code, 0) << v.out << v.err;
}

}  // namespace
}  // namespace leasesim
