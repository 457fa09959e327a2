// trace_to_audit.h: test utility: a `leasesim run --trace` JSON Lines trace as a Kubernetes audit
// log, so simulated runs with known violations can be fed to `leasesim audit` the way a real
// cluster's log would be.
//
// The log is what kube-apiserver's log backend would write for the run's Lease requests under a
// policy that logs leases at `level` (Metadata, Request or RequestResponse):
// - each committed write (`lease` line) is an update (create for a create) with stage
//   ResponseComplete, code 200/201, the new Lease as responseObject (RequestResponse) and as
//   requestObject carrying the previous resourceVersion as its precondition, as client-go sends it;
// - each successful get is a get whose responseObject is the Lease as stored at that moment (the
//   scenario's initial Leases are given, since the trace starts after them);
// - each rejected write (conflict, notFound, invalid) is an event with that status and no body;
//   requests that never reached the server (blackholed, timed out unanswered) are absent, as in
//   a real log; every write also gets a RequestReceived duplicate, and every fourth event is
//   followed by a pods list, so the reader's filters are exercised.
// All processes share one service account and one product: like replicas of one deployment.
// Times: the trace's seconds after 2026-01-01T00:00:00Z (leasesim's default startTime).
#pragma once

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "core/time.h"

namespace leasesim::testing {

struct TraceToAuditOptions {
  std::string level = "RequestResponse";
  std::string api_version = "audit.k8s.io/v1";
};

inline std::string trace_time(double t) {
  const int64_t ns = 1767225600LL * 1000000000LL + std::llround(t * 1e9);
  return format_rfc3339_micro(WallInstant(ns));
}

// `initial`: "ns/name" -> the Lease JSON present at t=0 (spec.leases of the scenario).
inline std::string trace_to_audit(const std::string& trace, std::map<std::string, nlohmann::json> initial,
                                  const TraceToAuditOptions& options = {}) {
  using nlohmann::json;
  std::map<std::string, json>& state = initial;
  std::map<std::string, int64_t> rv;
  std::istringstream in(trace);
  std::ostringstream out;
  std::string line;
  uint64_t n = 0;
  auto base = [&](const std::string& verb, const std::string& object, const std::string& proc, double t, int code,
                  const std::string& stage) {
    const size_t slash = object.find('/');
    json e = {{"kind", "Event"},
              {"apiVersion", options.api_version},
              {"level", options.level},
              {"auditID", "00000000-0000-4000-8000-" + std::to_string(100000000000 + n++)},
              {"stage", stage},
              {"requestURI", "/apis/coordination.k8s.io/v1/namespaces/" + object.substr(0, slash) + "/leases/" +
                                 object.substr(slash + 1)},
              {"verb", verb},
              {"user", {{"username", "system:serviceaccount:default:leasesim"}, {"groups", {"system:serviceaccounts"}}}},
              {"sourceIPs", {"10.1.0." + std::to_string(proc.size())}},
              {"userAgent", "leasesim-elector/v0.1.0 (linux/amd64) " + proc + "/leader-election"},
              {"objectRef",
               {{"resource", "leases"},
                {"namespace", object.substr(0, slash)},
                {"name", object.substr(slash + 1)},
                {"apiGroup", "coordination.k8s.io"},
                {"apiVersion", "v1"}}}};
    if (stage != "RequestReceived") e["responseStatus"] = {{"metadata", json::object()}, {"code", code}};
    e["requestReceivedTimestamp"] = trace_time(t - 0.001);
    e["stageTimestamp"] = trace_time(stage == "RequestReceived" ? t - 0.001 : t);
    if (options.api_version == "audit.k8s.io/v1beta1") e["timestamp"] = trace_time(t).substr(0, 19) + "Z";
    return e;
  };
  auto emit = [&](const json& e) {
    out << e.dump() << "\n";
    if (n % 4 == 0)
      out << R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"pods-)" << n
          << R"(","stage":"ResponseComplete","requestURI":"/api/v1/pods","verb":"list","user":{"username":"admin"},)"
          << R"("objectRef":{"resource":"pods","apiVersion":"v1"},"responseStatus":{"code":200},)"
          << R"("requestReceivedTimestamp":"2026-01-01T00:00:00.000000Z","stageTimestamp":"2026-01-01T00:00:00.000000Z"})"
          << "\n";
  };
  const bool bodies = options.level != "Metadata";
  const bool responses = options.level == "RequestResponse";
  while (std::getline(in, line)) {
    json v = json::parse(line);
    const std::string type = v["type"];
    const double t = v["t"].get<double>();
    if (type == "lease") {
      const std::string object = v["object"];
      const std::string verb = v["verb"];
      const size_t slash = object.find('/');
      json lease = state.count(object) ? state[object]
                                       : json{{"apiVersion", "coordination.k8s.io/v1"}, {"kind", "Lease"},
                                              {"metadata", {{"name", object.substr(slash + 1)}, {"namespace", object.substr(0, slash)}}},
                                              {"spec", json::object()}};
      const int64_t before = rv.count(object) ? rv[object] : 1;
      json request = lease;
      request["metadata"]["resourceVersion"] = std::to_string(before);
      json& spec = request["spec"];
      auto set = [&](const char* from, const char* to) {
        if (v.contains(from) && !v[from].is_null()) spec[to] = v[from];
        else spec.erase(to);
      };
      set("holder", "holderIdentity");
      set("transitions", "leaseTransitions");
      set("renewTime", "renewTime");
      set("leaseDurationSeconds", "leaseDurationSeconds");
      json response = request;
      response["metadata"]["resourceVersion"] = std::to_string(v["rv"].get<int64_t>());
      const std::string audit_verb = verb == "create" ? "create" : verb == "delete" ? "delete" : "update";
      json received = base(audit_verb, object, v.value("proc", ""), t, 0, "RequestReceived");
      if (bodies && audit_verb != "delete") received["requestObject"] = request;
      emit(received);
      json e = base(audit_verb, object, v.value("proc", ""), t, audit_verb == "create" ? 201 : 200, "ResponseComplete");
      if (bodies && audit_verb != "delete") e["requestObject"] = request;
      if (responses && audit_verb != "delete") e["responseObject"] = response;
      emit(e);
      rv[object] = v["rv"].get<int64_t>();
      if (audit_verb == "delete") state.erase(object);
      else state[object] = response;
    } else if (type == "api") {
      const std::string verb = v["verb"];
      const std::string result = v["result"];
      const std::string object = v["object"];
      if (verb == "get" && result == "ok") {
        json e = base("get", object, v["proc"], t, 200, "ResponseComplete");
        if (responses && state.count(object)) e["responseObject"] = state[object];
        emit(e);
      } else if ((verb == "update" || verb == "create" || verb == "delete") &&
                 (result == "conflict" || result == "notFound" || result == "invalid")) {
        emit(base(verb, object, v["proc"], t, result == "conflict" ? 409 : result == "notFound" ? 404 : 422,
                  "ResponseComplete"));
      }
    }
  }
  return out.str();
}

}  // namespace leasesim::testing
