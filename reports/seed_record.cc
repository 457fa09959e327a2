// seed_record.cc: see seed_record.h.
#include "reports/seed_record.h"

#include <algorithm>

#include "core/hash.h"
#include "properties/identity.h"
#include "properties/node_detection.h"

namespace leasesim {
namespace {

using ojson = nlohmann::ordered_json;
using json = nlohmann::ordered_json;  // parsed in file order, so a record reads back ==

constexpr Verb kVerbs[] = {Verb::Get, Verb::List, Verb::Create, Verb::Update, Verb::Delete};
constexpr ApiResult kResults[] = {ApiResult::Ok,      ApiResult::Conflict, ApiResult::NotFound,
                                  ApiResult::Invalid, ApiResult::Timeout,  ApiResult::Unavailable,
                                  ApiResult::Cancelled};

bool is_write_verb(const std::string& verb) { return verb == "create" || verb == "update" || verb == "delete"; }

// Leaderless time of one lease: from its first acting leader to `end`, minus the union of
// acting intervals. Intervals are merged after sorting by start, so overlaps (two leaders) count once.
int64_t leaderless_ns(const History& h, LeaseId lease, TrueInstant end) {
  std::vector<std::pair<int64_t, int64_t>> spans;
  for (const Leadership& l : h.leaderships)
    if (l.lease == lease) spans.emplace_back(l.start.ns, l.end ? l.end->ns : end.ns);
  if (spans.empty()) return 0;
  std::sort(spans.begin(), spans.end());
  int64_t covered = 0;
  int64_t cur_start = spans.front().first, cur_end = spans.front().second;
  for (const auto& [s, e] : spans) {
    if (s > cur_end) {
      covered += cur_end - cur_start;
      cur_start = s;
      cur_end = e;
    } else {
      cur_end = std::max(cur_end, e);
    }
  }
  covered += cur_end - cur_start;
  return (end.ns - spans.front().first) - covered;
}

// Small typed readers that name the field in their error.
struct Reader {
  const json& j;
  std::string* error;
  bool ok = true;

  const json* field(const char* key, bool required = true) {
    auto it = j.find(key);
    if (it == j.end() || (it->is_null() && required)) {
      if (required) fail(std::string("missing field \"") + key + "\"");
      return nullptr;
    }
    if (it->is_null()) return nullptr;
    return &*it;
  }
  void fail(const std::string& message) {
    if (ok) *error = message;
    ok = false;
  }
  std::string str(const char* key) {
    const json* v = field(key);
    if (!v) return {};
    if (!v->is_string()) {
      fail(std::string("field \"") + key + "\" must be a string");
      return {};
    }
    return v->get<std::string>();
  }
  bool boolean(const char* key) {
    const json* v = field(key);
    if (!v) return false;
    if (!v->is_boolean()) {
      fail(std::string("field \"") + key + "\" must be true or false");
      return false;
    }
    return v->get<bool>();
  }
  uint64_t u64(const char* key) {
    const json* v = field(key);
    if (!v) return 0;
    if (!v->is_number_unsigned()) {
      fail(std::string("field \"") + key + "\" must be a non-negative integer");
      return 0;
    }
    return v->get<uint64_t>();
  }
  int64_t i64(const char* key) {
    const json* v = field(key);
    if (!v) return 0;
    if (!v->is_number_integer()) {
      fail(std::string("field \"") + key + "\" must be an integer");
      return 0;
    }
    return v->get<int64_t>();
  }
  // A time or a length of time in nanoseconds: never negative (true time starts at 0).
  int64_t ns(const char* key) {
    const int64_t v = i64(key);
    if (v < 0) fail(std::string("field \"") + key + "\" must not be negative (nanoseconds of true time)");
    return v;
  }
  std::optional<int64_t> opt_ns(const char* key) {
    const std::optional<int64_t> v = opt_i64(key);
    if (v && *v < 0) fail(std::string("field \"") + key + "\" must not be negative (nanoseconds of true time)");
    return v;
  }
  std::optional<int64_t> opt_i64(const char* key) {
    const json* v = field(key, false);
    if (!v) return std::nullopt;
    if (!v->is_number_integer()) {
      fail(std::string("field \"") + key + "\" must be an integer or null");
      return std::nullopt;
    }
    return v->get<int64_t>();
  }
  const json& array(const char* key, bool required = true) {
    static const json kEmpty = json::array();
    const json* v = field(key, required);
    if (!v) return kEmpty;
    if (!v->is_array()) {
      fail(std::string("field \"") + key + "\" must be an array");
      return kEmpty;
    }
    return *v;
  }
  // Reads every element of the array `key` with `each`, on a Reader of its own; the elements
  // must be objects ("<what>[] must be objects" ends the loop), and an element that fails
  // fails this reader too.
  template <class Each>
  void objects(const char* key, const char* what, Each each, bool required = true) {
    for (const json& e : array(key, required)) {
      if (!e.is_object()) {
        fail(std::string(what) + "[] must be objects");
        break;
      }
      Reader er{e, error};
      each(er);
      if (!er.ok) ok = false;
    }
  }
  // Reads the optional object field `key` with `read` on a Reader of its own; false when the
  // field is absent.
  template <class Read>
  bool object(const char* key, Read read) {
    const json* v = field(key, false);
    if (!v) return false;
    if (!v->is_object()) {
      fail(std::string("field \"") + key + "\" must be an object");
      return true;
    }
    Reader sub{*v, error};
    read(sub);
    if (!sub.ok) ok = false;
    return true;
  }
  std::vector<std::string> strings(const char* key) {
    std::vector<std::string> out;
    for (const json& e : array(key)) {
      if (!e.is_string()) {
        fail(std::string("field \"") + key + "\" must be an array of strings");
        return {};
      }
      out.push_back(e.get<std::string>());
    }
    return out;
  }
};

// The run's evictions (see nodes.evictions in the header).
RecordedEvictions recorded_evictions(const History& h) {
  RecordedEvictions e;
  for (const PodWrite& w : h.pod_writes) {
    if (w.verb != Verb::Delete) continue;
    ++e.writes;
    e.pods += static_cast<uint64_t>(std::max<int64_t>(w.pods, 0));
    if (w.pods > 0 && !e.first_at_ns) e.first_at_ns = w.t.ns;
  }
  std::optional<int64_t> first_fault;
  for (const FaultRecord& f : h.faults) {
    if (f.is_end || !f.skipped.empty()) continue;
    first_fault = f.t.ns;
    break;  // the records are in time order
  }
  if (e.first_at_ns && first_fault) e.first_after_fault_ns = *e.first_at_ns - *first_fault;
  return e;
}

}  // namespace

uint64_t SeedRecord::api_requests(bool writes_only) const {
  uint64_t n = 0;
  for (const ApiCount& c : api)
    if (!writes_only || is_write_verb(c.verb)) n += c.count;
  return n;
}

std::string scenario_hash(const std::string& canonical_text) {
  char buf[17];
  return std::string(hex64(Hasher().bytes(canonical_text).digest(), buf));
}

RunFacts run_facts(const RunResult& run) {
  const World& w = run.world;
  RunFacts f;
  f.scenario = run.scenario;
  f.history = &w.history();
  f.evaluation = &run.evaluation;
  f.end = w.now();
  f.seed = run.seed;
  f.trace_hash = run.trace_hash_hex();
  for (Verb v : kVerbs)
    for (ApiResult res : kResults)
      if (const uint64_t n = w.api_count(v, res)) f.api.push_back({verb_name(v), result_name(res), n});
  f.events = w.events_processed();
  f.stopped_by = step_status_name(run.stopped_by);
  return f;
}

SeedRecord seed_record(const RunResult& run, uint32_t point, const std::string& hash) {
  return seed_record(run_facts(run), point, hash);
}

SeedRecord seed_record(const RunFacts& facts, uint32_t point, const std::string& hash) {
  const Scenario& s = *facts.scenario;
  const History& h = *facts.history;
  const Evaluation& ev = *facts.evaluation;
  SeedRecord r;
  r.point = point;
  r.seed = facts.seed;
  r.scenario_hash = hash;
  r.trace_hash = facts.trace_hash;
  r.passed = ev.passed;
  r.violated = ev.violated;
  for (const PropertyResult& p : ev.results) {
    RecordedProperty rp{p.name, property_scope(s.lease_keys, p), p.holds, p.violations.size(), {}};
    for (size_t i = 0; i < p.violations.size() && i < kMaxRecordedViolations; ++i) {
      const Violation& v = p.violations[i];
      RecordedViolation rv{v.at.ns, std::nullopt, {}, v.message};
      if (v.until) rv.until_ns = v.until->ns;
      for (uint32_t proc : v.procs) rv.processes.push_back(s.processes[proc].name);
      rp.violations.push_back(std::move(rv));
    }
    r.properties.push_back(std::move(rp));
  }
  for (const FailoverEpisode& e : ev.failovers) {
    RecordedFailover f;
    f.lease = s.lease_keys[e.lease];
    f.from = s.processes[e.from].name;
    f.to = e.to ? s.processes[*e.to].name : std::string();
    f.cause = e.cause;
    f.fault_at_ns = e.fault_at.ns;
    if (e.new_leader_at) f.new_leader_at_ns = e.new_leader_at->ns;
    if (auto d = e.fault_to_leader()) f.fault_to_leader_ns = d->ns;
    if (auto d = e.leaderless_gap()) f.leaderless_gap_ns = d->ns;
    r.failovers.push_back(std::move(f));
  }
  for (LeaseId lease : elected_leases(s)) r.leaderless_ns += leaderless_ns(h, lease, facts.end);
  for (const LeaseWrite& wr : h.writes)
    if (wr.before && wr.after && holder_changed(*wr.before, *wr.after)) ++r.holder_changes;
  for (const NodeLeaseWrite& wr : h.node_lease_writes) r.holder_changes += wr.holder_changed ? 1 : 0;
  r.leaderships = h.leaderships.size();
  r.api = facts.api;
  r.committed_writes = h.writes.size() + h.node_lease_writes.size();
  r.simulated_ns = facts.end.ns;
  r.events = facts.events;
  r.stopped_by = facts.stopped_by;
  const std::vector<LeaseId> identity = identity_leases(s);
  if (!identity.empty()) {
    r.identity = true;
    for (const StaleIdentity& e : stale_identities(s, h))
      r.stale_identities.push_back({s.processes[e.proc].name, s.lease_keys[e.lease], e.down_at.ns, e.last_renewal.ns,
                                    e.deleted_at ? std::optional<int64_t>(e.deleted_at->ns) : std::nullopt});
    for (const LeaseWrite& wr : h.writes)
      if (std::find(identity.begin(), identity.end(), wr.lease) != identity.end()) ++r.identity_writes;
  }
  if (!s.node_names.empty()) {
    r.nodes = true;
    for (const NodeDetection& d : ev.node_detections)
      r.node_detections.push_back({s.node_names[d.node], d.cause, d.fault_at.ns,
                                   d.fault_end ? std::optional<int64_t>(d.fault_end->ns) : std::nullopt,
                                   d.unknown_at ? std::optional<int64_t>(d.unknown_at->ns) : std::nullopt});
    r.evictions = recorded_evictions(h);
  }
  return r;
}

ojson seed_record_json(const SeedRecord& r) {
  ojson out;
  out["point"] = r.point;
  out["seed"] = r.seed;
  out["scenarioHash"] = r.scenario_hash;
  out["traceHash"] = r.trace_hash;
  out["passed"] = r.passed;
  out["violated"] = r.violated;
  ojson props = ojson::array();
  for (const RecordedProperty& p : r.properties) {
    ojson vs = ojson::array();
    for (const RecordedViolation& v : p.violations) {
      vs.push_back(ojson{{"atNs", v.at_ns},
                         {"untilNs", v.until_ns ? ojson(*v.until_ns) : ojson(nullptr)},
                         {"processes", v.processes},
                         {"message", v.message}});
    }
    ojson entry{{"name", p.name}, {"lease", p.lease}, {"holds", p.holds}, {"violationCount", p.violation_count}};
    if (!vs.empty()) entry["violations"] = vs;  // left out when empty: most lines of a campaign
    props.push_back(entry);
  }
  out["properties"] = props;
  ojson fos = ojson::array();
  for (const RecordedFailover& f : r.failovers) {
    auto opt = [](const std::optional<int64_t>& v) { return v ? ojson(*v) : ojson(nullptr); };
    fos.push_back(ojson{{"lease", f.lease},
                        {"from", f.from},
                        {"to", f.to.empty() ? ojson(nullptr) : ojson(f.to)},
                        {"cause", f.cause},
                        {"faultAtNs", f.fault_at_ns},
                        {"newLeaderAtNs", opt(f.new_leader_at_ns)},
                        {"faultToLeaderNs", opt(f.fault_to_leader_ns)},
                        {"leaderlessGapNs", opt(f.leaderless_gap_ns)}});
  }
  out["failovers"] = fos;
  out["leaderlessNs"] = r.leaderless_ns;
  out["holderChanges"] = r.holder_changes;
  out["leaderships"] = r.leaderships;
  ojson api = ojson::object();
  for (const ApiCount& c : r.api) api[c.verb][c.result] = c.count;
  out["api"] = api;
  out["committedWrites"] = r.committed_writes;
  out["simulatedNs"] = r.simulated_ns;
  out["events"] = r.events;
  out["stoppedBy"] = r.stopped_by;
  if (r.identity) {
    ojson stale = ojson::array();
    for (const RecordedStaleIdentity& e : r.stale_identities)
      stale.push_back(ojson{{"proc", e.proc},
                            {"lease", e.lease},
                            {"downAtNs", e.down_at_ns},
                            {"lastRenewalAtNs", e.last_renewal_ns},
                            {"deletedAtNs", e.deleted_at_ns ? ojson(*e.deleted_at_ns) : ojson(nullptr)}});
    out["identity"] = ojson{{"stale", stale}, {"writes", r.identity_writes}};
  }
  if (r.nodes) {
    ojson detections = ojson::array();
    for (const RecordedNodeDetection& d : r.node_detections)
      detections.push_back(ojson{{"node", d.node},
                                 {"cause", d.cause},
                                 {"faultAtNs", d.fault_at_ns},
                                 {"faultEndNs", d.fault_end_ns ? ojson(*d.fault_end_ns) : ojson(nullptr)},
                                 {"unknownAtNs", d.unknown_at_ns ? ojson(*d.unknown_at_ns) : ojson(nullptr)}});
    out["nodes"] = ojson{{"detections", detections}};
    if (r.evictions) {
      auto opt = [](const std::optional<int64_t>& v) { return v ? ojson(*v) : ojson(nullptr); };
      out["nodes"]["evictions"] = ojson{{"writes", r.evictions->writes},
                                        {"pods", r.evictions->pods},
                                        {"firstAtNs", opt(r.evictions->first_at_ns)},
                                        {"firstAfterFaultNs", opt(r.evictions->first_after_fault_ns)}};
    }
  }
  return out;
}

std::string seed_record_line(const SeedRecord& record) { return seed_record_json(record).dump(); }

std::optional<SeedRecord> parse_seed_record(const json& j, std::string* error) {
  if (!j.is_object()) {
    *error = "a results line must be a JSON object";
    return std::nullopt;
  }
  Reader rd{j, error};
  SeedRecord r;
  const uint64_t point = rd.u64("point");
  if (point > UINT32_MAX) rd.fail("field \"point\" is out of range");
  r.point = static_cast<uint32_t>(point);
  r.seed = rd.u64("seed");
  r.scenario_hash = rd.str("scenarioHash");
  r.trace_hash = rd.str("traceHash");
  r.passed = rd.boolean("passed");
  r.violated = rd.strings("violated");
  rd.objects("properties", "properties", [&](Reader& pr) {
    RecordedProperty p;
    p.name = pr.str("name");
    p.lease = pr.str("lease");
    p.holds = pr.boolean("holds");
    p.violation_count = pr.u64("violationCount");
    pr.objects(
        "violations", "violations",
        [&](Reader& vr) {
          RecordedViolation v;
          v.at_ns = vr.ns("atNs");
          v.until_ns = vr.opt_ns("untilNs");
          v.processes = vr.strings("processes");
          v.message = vr.str("message");
          p.violations.push_back(std::move(v));
        },
        false);
    r.properties.push_back(std::move(p));
  });
  rd.objects("failovers", "failovers", [&](Reader& fr) {
    RecordedFailover f;
    f.lease = fr.str("lease");
    f.from = fr.str("from");
    if (const json* to = fr.field("to", false)) {
      if (to->is_string())
        f.to = to->get<std::string>();
      else
        fr.fail("field \"to\" must be a string or null");
    }
    f.cause = fr.str("cause");
    f.fault_at_ns = fr.ns("faultAtNs");
    f.new_leader_at_ns = fr.opt_ns("newLeaderAtNs");
    f.fault_to_leader_ns = fr.opt_ns("faultToLeaderNs");
    f.leaderless_gap_ns = fr.opt_ns("leaderlessGapNs");
    r.failovers.push_back(std::move(f));
  });
  r.leaderless_ns = rd.ns("leaderlessNs");
  r.holder_changes = rd.u64("holderChanges");
  r.leaderships = rd.u64("leaderships");
  if (const json* api = rd.field("api")) {
    if (!api->is_object())
      rd.fail("field \"api\" must be an object");
    else
      for (const auto& [verb, results] : api->items()) {
        if (!results.is_object()) {
          rd.fail("api." + verb + " must be an object");
          break;
        }
        for (const auto& [result, n] : results.items()) {
          if (!n.is_number_unsigned()) {
            rd.fail("api." + verb + "." + result + " must be a non-negative integer");
            break;
          }
          r.api.push_back({verb, result, n.get<uint64_t>()});
        }
      }
  }
  r.committed_writes = rd.u64("committedWrites");
  r.simulated_ns = rd.ns("simulatedNs");
  r.events = rd.u64("events");
  r.stopped_by = rd.str("stoppedBy");
  r.identity = rd.object("identity", [&](Reader& ir) {
    ir.objects("stale", "identity.stale", [&](Reader& er) {
      RecordedStaleIdentity e;
      e.proc = er.str("proc");
      e.lease = er.str("lease");
      e.down_at_ns = er.i64("downAtNs");
      e.last_renewal_ns = er.i64("lastRenewalAtNs");
      e.deleted_at_ns = er.opt_i64("deletedAtNs");
      r.stale_identities.push_back(std::move(e));
    });
    r.identity_writes = ir.u64("writes");
  });
  r.nodes = rd.object("nodes", [&](Reader& nr) {
    nr.objects("detections", "nodes.detections", [&](Reader& dr) {
      RecordedNodeDetection d;
      d.node = dr.str("node");
      d.cause = dr.str("cause");
      d.fault_at_ns = dr.ns("faultAtNs");
      d.fault_end_ns = dr.opt_ns("faultEndNs");
      d.unknown_at_ns = dr.opt_ns("unknownAtNs");
      r.node_detections.push_back(std::move(d));
    });
    // Absent in lines written before seed records carried evictions.
    nr.object("evictions", [&](Reader& er) {
      RecordedEvictions e;
      e.writes = er.u64("writes");
      e.pods = er.u64("pods");
      e.first_at_ns = er.opt_ns("firstAtNs");
      // A difference of two instants: negative when pods went before the first fault.
      e.first_after_fault_ns = er.opt_i64("firstAfterFaultNs");
      if (e.pods > 0 && !e.first_at_ns) er.fail("field \"firstAtNs\" must be set when pods were evicted");
      if (e.first_after_fault_ns && !e.first_at_ns)
        er.fail("field \"firstAfterFaultNs\" must be null when \"firstAtNs\" is");
      // Its fields' names ("writes", "pods") are not unique in a line: say where they are.
      if (!er.ok) *error = "nodes.evictions: " + *error;
      r.evictions = std::move(e);
    });
  });
  if (!rd.ok) return std::nullopt;
  return r;
}

}  // namespace leasesim
