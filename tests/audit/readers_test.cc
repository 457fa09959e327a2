// The input formats of `leasesim audit`, detected by content (audit/readers.h), on fixtures built
// from the published formats: audit.k8s.io/v1 and v1beta1 Events (k8s.io/apiserver
// pkg/apis/audit/v1/types.go), `kubectl get leases -A -o json` lists and `kubectl get lease -w
// -o json` streams with and without --output-watch-events; and malformed input.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "audit/readers.h"

namespace leasesim {
namespace {

std::string fixture(const std::string& name) {
  return std::string(LEASESIM_SOURCE_DIR) + "/tests/audit/fixtures/" + name;
}

struct Read {
  InputStats stats;
  std::vector<Observation> obs;
  std::vector<std::string> messages;
};

Read read_text(const std::string& text, const std::string& name = "input") {
  Read r;
  std::istringstream in(text);
  r.stats = read_input(in, name, ReadOptions{}, [&](Observation&& o) { r.obs.push_back(std::move(o)); }, &r.messages);
  return r;
}

Read read_file(const std::string& name) {
  std::ifstream in(fixture(name));
  std::stringstream ss;
  ss << in.rdbuf();
  return read_text(ss.str(), name);
}

TEST(Readers, AuditV1RequestResponse) {
  Read r = read_file("kcm-failover-v1.jsonl");
  EXPECT_EQ(r.stats.formats, "audit.k8s.io/v1 events");
  EXPECT_EQ(r.stats.malformed, 0u);
  EXPECT_GT(r.stats.stage_duplicates, 0u);  // RequestReceived copies are skipped
  EXPECT_GT(r.stats.other_records, 0u);     // the pods events
  ASSERT_FALSE(r.obs.empty());
  uint64_t failed = 0, with_body = 0;
  for (const Observation& o : r.obs) {
    EXPECT_EQ(o.ns, "kube-system");
    EXPECT_EQ(o.name, "kube-controller-manager");
    EXPECT_EQ(o.user, "system:kube-controller-manager");
    EXPECT_EQ(o.agent, "kube-controller-manager");
    failed += o.kind == ObsKind::Write && !o.ok;
    with_body += o.body.has_value();
    if (o.kind == ObsKind::Write && o.ok) {
      ASSERT_TRUE(o.body);
      EXPECT_FALSE(o.body->resource_version.empty());  // from the responseObject
      EXPECT_FALSE(o.precondition_rv.empty());         // from the requestObject
      ASSERT_TRUE(o.server_latency);
      EXPECT_EQ(o.server_latency->ns, 4000000);
    }
    if (o.kind == ObsKind::Write && !o.ok) {
      EXPECT_EQ(o.code, 409);
    }
  }
  EXPECT_GT(failed, 0u);
  EXPECT_GT(with_body, 0u);
}

TEST(Readers, AuditV1beta1RequestLevel) {
  Read r = read_file("kcm-failover-v1beta1-request.jsonl");
  EXPECT_EQ(r.stats.formats, "audit.k8s.io/v1beta1 events");
  EXPECT_EQ(r.stats.malformed, 0u);
  for (const Observation& o : r.obs) {
    if (o.kind == ObsKind::Write && o.ok) {
      ASSERT_TRUE(o.body);
      EXPECT_TRUE(o.body->resource_version.empty() || !o.precondition_rv.empty());
    }
    if (o.kind == ObsKind::Read) {
      EXPECT_FALSE(o.body);  // Request level: no responseObject
    }
  }
}

TEST(Readers, MetadataLevelGivesWhoAndWhenOnly) {
  Read r = read_file("metadata-level-v1.jsonl");
  ASSERT_EQ(r.obs.size(), 80u);
  for (const Observation& o : r.obs) EXPECT_FALSE(o.body);
  EXPECT_EQ(r.obs[0].ns, "kube-node-lease");
  EXPECT_EQ(r.obs[0].agent, "kubelet");
}

TEST(Readers, KubectlListSnapshot) {
  Read r = read_file("leases-snapshot-1.json");
  EXPECT_EQ(r.stats.formats, "kubectl list snapshot");
  EXPECT_EQ(r.stats.records, 1u);
  ASSERT_EQ(r.obs.size(), 3u);
  EXPECT_EQ(r.obs[2].body->identity_label, true);
  EXPECT_EQ(r.obs[1].body->holder, "cp-1_aa11");
}

TEST(Readers, WatchStreamsWithAndWithoutEvents) {
  Read plain = read_file("watch-plain.json");
  Read events = read_file("watch-events.json");
  EXPECT_EQ(plain.stats.formats, "kubectl watch stream");
  EXPECT_EQ(events.stats.formats, "kubectl watch events");
  EXPECT_EQ(plain.obs.size(), 30u);
  ASSERT_EQ(events.obs.size(), 31u);
  EXPECT_EQ(events.obs.back().verb, "delete");
  EXPECT_EQ(plain.stats.malformed + events.stats.malformed, 0u);
  EXPECT_EQ(plain.obs[0].where.line, 1u);
  for (size_t i = 1; i < plain.obs.size(); ++i) EXPECT_GT(plain.obs[i].where.line, plain.obs[i - 1].where.line);
}

TEST(Readers, MalformedLinesAreReportedWithFileAndLineAndSkipped) {
  const std::string good =
      R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","stage":"ResponseComplete","verb":"update",)"
      R"("user":{"username":"u"},"objectRef":{"resource":"leases","namespace":"ns","name":"l","apiGroup":"coordination.k8s.io"},)"
      R"("responseStatus":{"code":200},"stageTimestamp":"2026-01-01T00:00:01.000000Z"})";
  std::string text = good + "\n";
  text += R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"update","objectRef":{"resource":"leases")" "\n";
  text += good.substr(0, good.find("2026")) + "2026-02-30T00:00:00Z\"}\n";
  text += R"({"kind":"Event","apiVersion":"audit.k8s.io/v2","verb":"get","objectRef":{"resource":"leases"}})" "\n";
  text += "garbage with leases in it\n";
  text += "\n";
  text += R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","objectRef":{"resource":"pods"}})" "\n";
  text += "not json about pods\n";
  text += good + "\n";
  Read r = read_text(text, "audit.log");
  EXPECT_EQ(r.obs.size(), 2u);
  EXPECT_EQ(r.stats.records, 8u);
  EXPECT_EQ(r.stats.malformed, 5u);
  ASSERT_EQ(r.messages.size(), 5u);
  EXPECT_EQ(r.messages[0].rfind("audit.log:2: not valid JSON", 0), 0u) << r.messages[0];
  EXPECT_EQ(r.messages[1], "audit.log:3: stageTimestamp: \"2026-02-30T00:00:00Z\" is not an RFC 3339 time: day 30 does not exist in 2026-02");
  EXPECT_EQ(r.messages[2].rfind("audit.log:4: apiVersion audit.k8s.io/v2 is not supported", 0), 0u);
  EXPECT_EQ(r.messages[3].rfind("audit.log:5: not a JSON object", 0), 0u);
  EXPECT_EQ(r.messages[4].rfind("audit.log:8: not a JSON object", 0), 0u);
  EXPECT_EQ(r.obs[1].where.line, 9u);
}

TEST(Readers, BrokenValueInAPrettyPrintedStreamCostsOnlyItself) {
  std::string obj = "{\n    \"kind\": \"Lease\",\n    \"metadata\": {\"name\": \"l\", \"namespace\": \"ns\"},\n"
                    "    \"spec\": {\"holderIdentity\": \"a\", \"renewTime\": \"2026-01-01T00:00:01.000000Z\"}\n}\n";
  std::string cut = obj.substr(0, obj.size() - 4) + "\n";  // cut off mid-object, at the end of a line
  Read r = read_text(obj + cut + obj + "trailing junk\n");
  EXPECT_EQ(r.obs.size(), 2u);
  EXPECT_EQ(r.stats.malformed, 2u);
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[0], "input:6: value cut short: a new object starts at line 10");
  EXPECT_EQ(r.messages[1].rfind("input:15: unexpected text", 0), 0u) << r.messages[1];
  EXPECT_EQ(r.obs[1].where.line, 10u);
}

TEST(Readers, OutOfRangeNumbersAreMalformedNotOverflowed) {
  const std::string lease = R"({"kind":"Lease","metadata":{"name":"l","namespace":"ns"},"spec":{"holderIdentity":"a",)"
                            R"("renewTime":"2026-01-01T00:00:01Z","leaseDurationSeconds":)";
  Read r = read_text(lease + "9223372036854775807}}\n" + lease + "-1}}\n" + lease + "15}}\n" +
                     R"({"t":1e300,"type":"lease","object":"a/b"})" "\n");
  EXPECT_EQ(r.obs.size(), 1u);
  ASSERT_EQ(r.messages.size(), 3u);
  EXPECT_EQ(r.messages[0], "input:1: spec.leaseDurationSeconds: 9223372036854775807 is outside 0..2147483647");
  EXPECT_EQ(r.messages[1], "input:2: spec.leaseDurationSeconds: -1 is outside 0..2147483647");
  EXPECT_EQ(r.messages[2].rfind("input:4: t: expected seconds", 0), 0u) << r.messages[2];
}

TEST(Readers, MessagesAreBoundedButCounted) {
  std::string text = "{\"t\":0,\"type\":\"process\"}\n";
  for (int i = 0; i < 50; ++i) text += "{broken\n";
  Read r = read_text(text, "trace.jsonl");
  EXPECT_EQ(r.stats.malformed, 50u);
  ASSERT_EQ(r.messages.size(), 21u);
  EXPECT_EQ(r.messages.back(), "trace.jsonl: 30 more malformed records not shown");
}

TEST(Readers, LeasesimTrace) {
  const std::string trace =
      R"({"t":0.01,"type":"lease","object":"default/x","proc":"a","verb":"update","rv":2,"holder":"a","transitions":null,"renewTime":"2026-01-01T00:00:00.010000Z","leaseDurationSeconds":30,"late":false})" "\n"
      R"({"t":0.02,"type":"api","proc":"a","verb":"update","object":"default/x","result":"ok","rv":2,"sent":0,"applied":true})" "\n"
      R"({"t":0.03,"type":"api","proc":"b","verb":"update","object":"default/x","result":"conflict","rv":2,"sent":0,"applied":false})" "\n"
      R"({"t":0.04,"type":"leader","proc":"a","lease":"default/x","state":"started","rv":2})" "\n";
  Read r = read_text(trace);
  EXPECT_EQ(r.stats.formats, "leasesim trace");
  ASSERT_EQ(r.obs.size(), 2u);
  EXPECT_TRUE(r.obs[0].complete);
  EXPECT_EQ(r.obs[0].body->holder, "a");
  EXPECT_FALSE(r.obs[0].body->transitions);
  EXPECT_EQ(r.obs[0].at.ns, 1767225600LL * kNanosPerSecond + 10000000);
  EXPECT_FALSE(r.obs[1].ok);
  EXPECT_EQ(r.obs[1].code, 409);
}

// api lines about anything but one Lease (lists, Nodes, pods, LeaseCandidates of a simulated
// trace; serve's discovery and collection requests) are other resources' records: neither
// malformed nor Leases named "nodes/node-0". The twin in the same input: Lease lines still count,
// and a failed patch (serve) is an attempt.
TEST(Readers, TraceLinesAboutOtherResourcesAreNotLeases) {
  const std::string trace =
      R"({"t":0.01,"type":"api","proc":"gc","verb":"list","object":"leases","result":"ok","rv":null,"sent":0,"applied":false})" "\n"
      R"({"t":0.02,"type":"api","proc":"node-0","verb":"update","object":"nodes/node-0","result":"ok","rv":3,"sent":0,"applied":true})" "\n"
      R"({"t":0.03,"type":"api","proc":"nlc","verb":"list","object":"pods/node=node-0","result":"ok","rv":null,"sent":0,"applied":false})" "\n"
      R"({"t":0.04,"type":"api","proc":"kcm","verb":"update","object":"leasecandidates/kcm","result":"conflict","rv":null,"sent":0,"applied":false})" "\n"
      R"({"t":0.05,"type":"api","proc":"external","verb":"discovery","object":"","result":"ok","method":"GET","target":"/api","status":200,"delivery":"served"})" "\n"
      R"({"t":0.06,"type":"api","proc":"b","verb":"patch","object":"default/x","result":"conflict","method":"PATCH","target":"/apis/coordination.k8s.io/v1/namespaces/default/leases/x","status":409,"delivery":"served"})" "\n"
      R"({"t":0.07,"type":"api","proc":"a","verb":"get","object":"default/x","result":"ok","rv":2,"sent":0,"applied":false})" "\n";
  Read r = read_text(trace);
  EXPECT_EQ(r.stats.malformed, 0u) << (r.messages.empty() ? "" : r.messages[0]);
  EXPECT_EQ(r.stats.other_records, 5u);
  ASSERT_EQ(r.obs.size(), 2u);
  for (const Observation& o : r.obs) EXPECT_EQ(o.ns + "/" + o.name, "default/x");
  EXPECT_EQ(r.obs[0].kind, ObsKind::Write);
  EXPECT_FALSE(r.obs[0].ok);
  EXPECT_EQ(r.obs[0].code, 409);
  EXPECT_EQ(r.obs[1].kind, ObsKind::Read);
}

}  // namespace
}  // namespace leasesim

namespace leasesim {
namespace {

std::string metadata_update(int64_t second, const std::string& user) {
  char ts[32];
  std::snprintf(ts, sizeof ts, "2026-01-0%dT%02d:%02d:%02dZ", static_cast<int>(1 + second / 86400),
                static_cast<int>(second / 3600 % 24), static_cast<int>(second / 60 % 60), static_cast<int>(second % 60));
  return R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","stage":"ResponseComplete","verb":"update",)"
         R"("user":{"username":")" + user + R"("},"objectRef":{"resource":"leases","namespace":"ns","name":"l",)"
         R"("apiGroup":"coordination.k8s.io"},"responseStatus":{"code":200},"stageTimestamp":")" + std::string(ts) + "\"}\n";
}

TEST(ReadMerged, InterleavesInputsInTimeOrderBeyondAnyReorderWindow) {
  // Two API servers' logs, each longer than the Auditor's reorder window.
  std::string a, b;
  for (int64_t i = 0; i < 5000; ++i) {
    a += metadata_update(2 * i, "x");
    b += metadata_update(2 * i + 1, "y");
  }
  std::istringstream ia(a), ib(b);
  std::vector<Observation> merged;
  std::vector<InputStats> stats = read_merged({&ib, &ia}, {"b", "a"}, [&](Observation&& o) { merged.push_back(std::move(o)); },
                                              nullptr);
  ASSERT_EQ(merged.size(), 10000u);
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[0].file, "b");
  for (size_t i = 1; i < merged.size(); ++i) ASSERT_LT(merged[i - 1].at, merged[i].at) << i;
  EXPECT_EQ(merged[0].where.file, 1u);  // "a" holds second 0
  EXPECT_EQ(merged[1].where.file, 0u);

  // Twin: reading the inputs one after the other is not in time order, so the merge is needed.
  std::istringstream ia2(a), ib2(b);
  std::vector<Observation> sequential;
  for (std::istringstream* in : {&ib2, &ia2})
    read_input(*in, "f", ReadOptions{}, [&](Observation&& o) { sequential.push_back(std::move(o)); }, nullptr);
  bool ordered = true;
  for (size_t i = 1; i < sequential.size(); ++i) ordered &= sequential[i - 1].at < sequential[i].at;
  EXPECT_FALSE(ordered);
}

}  // namespace
}  // namespace leasesim
