// readers.cc: see readers.h.
#include "audit/readers.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <deque>
#include <memory>
#include <set>

#include "audit/audit_time.h"
#include "audit/json_values.h"
#include "audit/lease_json.h"

namespace leasesim {
namespace {

using nlohmann::json;

// Where leasesim's own traces are anchored: the scenario default startTime (the trace does not
// carry the scenario's startTime).
constexpr int64_t kTraceEpochNs = 1767225600LL * kNanosPerSecond;  // 2026-01-01T00:00:00Z

std::string str_or(const json& o, const char* key, std::string fallback = {}) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// "kube-controller-manager/v1.30.0 (linux/amd64) kubernetes/abc/leader-election" ->
// "kube-controller-manager": the product token of the User-Agent (RFC 9110 section 10.1.5).
std::string agent_product(const std::string& ua) {
  const size_t end = ua.find_first_of("/ ");
  return ua.substr(0, end);
}

class Reader {
 public:
  Reader(const std::string& file, const ReadOptions& options, const ObservationSink& sink,
         std::vector<std::string>* messages)
      : file_(file), options_(options), sink_(sink), messages_(messages) {
    stats_.file = file;
  }

  void malformed(uint64_t line, const std::string& why) {
    ++stats_.malformed;
    if (messages_ && stats_.malformed <= options_.max_messages)
      messages_->push_back(file_ + ":" + std::to_string(line) + ": " + why);
  }

  void note_time(WallInstant t) {
    if (!stats_.last_time || t > *stats_.last_time) stats_.last_time = t;
  }

  // The stageTimestamp of an unparsed audit line, when it has a valid one.
  void note_time_in(const std::string& text) {
    static const std::string key = "\"stageTimestamp\":\"";
    const size_t at = text.find(key);
    if (at == std::string::npos) return;
    const size_t from = at + key.size();
    const size_t end = text.find('"', from);
    if (end == std::string::npos) return;
    AuditTime t = parse_audit_time(std::string_view(text).substr(from, end - from));
    if (t.at) note_time(*t.at);
  }

  void format(const std::string& name) {
    if (formats_.insert(name).second) stats_.formats += (stats_.formats.empty() ? "" : ", ") + name;
  }

  // One record (a parsed top-level value).
  void record(const json& v, uint64_t line) {
    if (!v.is_object()) {
      malformed(line, "expected a JSON object, found " + std::string(v.type_name()));
      return;
    }
    const std::string api_version = str_or(v, "apiVersion");
    const std::string kind = str_or(v, "kind");
    if (api_version.rfind("audit.k8s.io/", 0) == 0) {
      if (api_version != "audit.k8s.io/v1" && api_version != "audit.k8s.io/v1beta1") {
        malformed(line, "apiVersion " + api_version + " is not supported (audit.k8s.io/v1 or v1beta1)");
        return;
      }
      if (kind == "Event") return audit_event(v, line, api_version);
      if (kind == "EventList") {
        auto items = v.find("items");
        if (items == v.end() || !items->is_array()) return malformed(line, "EventList without items");
        for (const json& e : *items) {
          if (e.is_object()) audit_event(e, line, api_version);
          else malformed(line, "EventList item is not an object");
        }
        return;
      }
      return malformed(line, "kind " + kind + " of " + api_version + " is not an audit Event");
    }
    if (v.contains("t") && v.contains("type") && v["type"].is_string()) return trace_line(v, line);
    if (kind == "List" || kind == "LeaseList") return snapshot(v, line, "kubectl list snapshot", "list");
    if (kind == "Lease") {
      format("kubectl watch stream");
      ++stats_.lease_records;
      return lease_object(v, line, "watch", ObsKind::Read, nullptr);
    }
    if (v.contains("object") && v.contains("type") && v["type"].is_string()) return watch_event(v, line);
    if (!kind.empty()) {
      ++stats_.other_records;
      return;
    }
    malformed(line,
              "not a record leasesim audit reads (an audit.k8s.io Event, a Lease, a List of Leases, a watch "
              "event or a leasesim trace line)");
  }

  // Sends one Lease object seen at rest (list item, watch object, get response).
  void lease_object(const json& obj, uint64_t line, const std::string& verb, ObsKind kind,
                    const std::optional<WallInstant>* snapshot_at) {
    LeaseJson lj = lease_from_json(obj, false);
    if (!lj.error.empty()) return malformed(line, lj.error);
    if (lj.name.empty()) return malformed(line, "metadata.name: missing");
    Observation o;
    o.ns = lj.ns;
    o.name = lj.name;
    o.kind = kind;
    o.verb = verb;
    const LeaseBody& b = lj.body;
    if (b.renew) o.at = *b.renew;
    else if (b.acquire) o.at = *b.acquire;
    else if (snapshot_at && *snapshot_at) o.at = **snapshot_at;
    else return malformed(line, "spec.renewTime: missing, and the format has no other time for this Lease");
    note_time(o.at);
    o.body = std::move(lj.body);
    o.where = {options_.file_index, line};
    sink_(std::move(o));
  }

  void snapshot(const json& v, uint64_t line, const std::string& format_name, const std::string& verb) {
    auto items = v.find("items");
    if (items == v.end() || !items->is_array()) return malformed(line, "items: expected an array of Leases");
    format(format_name);
    // A snapshot has no time of its own: Leases without renewTime or acquireTime are placed at
    // the newest renewTime of the snapshot.
    std::optional<WallInstant> newest;
    for (const json& item : *items) {
      if (!item.is_object()) continue;
      LeaseJson lj = lease_from_json(item, false);
      if (lj.error.empty() && lj.body.renew && (!newest || *lj.body.renew > *newest)) newest = lj.body.renew;
    }
    for (const json& item : *items) {
      if (!item.is_object() || str_or(item, "kind", "Lease") != "Lease") {
        ++stats_.other_records;
        continue;
      }
      ++stats_.lease_records;
      lease_object(item, line, verb, ObsKind::Read, &newest);
    }
  }

  void watch_event(const json& v, uint64_t line) {
    format("kubectl watch events");
    const std::string type = v["type"].get<std::string>();
    const json& obj = v["object"];
    if (type == "BOOKMARK" || type == "ERROR") {
      ++stats_.other_records;
      return;
    }
    if (type != "ADDED" && type != "MODIFIED" && type != "DELETED")
      return malformed(line, "watch event type \"" + type + "\" is not ADDED, MODIFIED, DELETED, BOOKMARK or ERROR");
    if (!obj.is_object() || str_or(obj, "kind", "Lease") != "Lease") {
      ++stats_.other_records;
      return;
    }
    ++stats_.lease_records;
    if (type == "DELETED") {
      LeaseJson lj = lease_from_json(obj, false);
      if (!lj.error.empty()) return malformed(line, "object." + lj.error);
      Observation o;
      o.ns = lj.ns;
      o.name = lj.name;
      o.kind = ObsKind::Write;
      o.verb = "delete";
      o.at = lj.body.renew ? *lj.body.renew : WallInstant(0);
      o.where = {options_.file_index, line};
      return sink_(std::move(o));
    }
    lease_object(obj, line, "watch", ObsKind::Read, nullptr);
  }

  void audit_event(const json& e, uint64_t line, const std::string& api_version) {
    format(api_version + " events");
    auto ref_it = e.find("objectRef");
    if (ref_it == e.end() || !ref_it->is_object() || str_or(*ref_it, "resource") != "leases" ||
        str_or(*ref_it, "apiGroup") != "coordination.k8s.io") {
      ++stats_.other_records;
      AuditTime t = parse_audit_time(str_or(e, "stageTimestamp"));
      if (t.at) note_time(*t.at);
      return;
    }
    const json& ref = *ref_it;
    ++stats_.lease_records;
    const std::string stage = str_or(e, "stage");
    if (!stage.empty() && stage != "ResponseComplete" && stage != "Panic") {
      ++stats_.stage_duplicates;
      return;
    }
    const std::string verb = str_or(e, "verb");
    if (verb.empty()) return malformed(line, "verb: missing");
    // Time: stageTimestamp, else requestReceivedTimestamp, else v1beta1's `timestamp`.
    std::string when_field = "stageTimestamp";
    std::string when = str_or(e, "stageTimestamp");
    if (when.empty()) {
      when_field = "requestReceivedTimestamp";
      when = str_or(e, "requestReceivedTimestamp");
    }
    if (when.empty()) {
      when_field = "timestamp";
      when = str_or(e, "timestamp");
    }
    if (when.empty()) return malformed(line, "stageTimestamp: missing");
    AuditTime at = parse_audit_time(when);
    if (!at.at) return malformed(line, when_field + ": " + at.error);
    note_time(*at.at);
    Observation o;
    o.at = *at.at;
    o.verb = verb;
    o.ns = str_or(ref, "namespace");
    o.name = str_or(ref, "name");
    o.where = {options_.file_index, line};
    if (auto u = e.find("user"); u != e.end() && u->is_object()) o.user = str_or(*u, "username");
    o.agent = agent_product(str_or(e, "userAgent"));
    if (const std::string rr = str_or(e, "requestReceivedTimestamp"); !rr.empty() && when_field == "stageTimestamp") {
      AuditTime received = parse_audit_time(rr);
      if (!received.at) return malformed(line, "requestReceivedTimestamp: " + received.error);
      if (*at.at >= *received.at) o.server_latency = *at.at - *received.at;
    }
    int code = 0;
    if (auto st = e.find("responseStatus"); st != e.end() && st->is_object()) {
      auto c = st->find("code");
      if (c != st->end() && c->is_number_integer()) code = c->get<int>();
    }
    if (stage == "Panic" && code == 0) code = 500;
    o.code = code;
    o.ok = code == 0 || (code >= 200 && code < 300);
    const json* request = nullptr;
    const json* response = nullptr;
    if (auto it = e.find("requestObject"); it != e.end() && it->is_object()) request = &*it;
    if (auto it = e.find("responseObject"); it != e.end() && it->is_object()) response = &*it;

    const bool write = verb == "create" || verb == "update" || verb == "patch" || verb == "delete" ||
                       verb == "deletecollection";
    if (!write) {
      if (response && o.ok && (str_or(*response, "kind") == "LeaseList" || str_or(*response, "kind") == "List")) {
        return snapshot(*response, line, api_version + " events", "list");
      }
      if (o.name.empty()) return;  // a list or watch without a response body names no Lease
      o.kind = ObsKind::Read;
      if (response && o.ok && looks_like_lease(*response)) {
        LeaseJson lj = lease_from_json(*response, false);
        if (!lj.error.empty()) return malformed(line, "responseObject." + lj.error);
        o.body = std::move(lj.body);
      }
      return sink_(std::move(o));
    }
    // A deletecollection names no Lease (it deletes by selector): nothing to attribute it to.
    if (verb == "deletecollection") return;
    o.kind = ObsKind::Write;
    // The body: what was stored (responseObject, RequestResponse level) or what was sent
    // (requestObject, Request level); a failed write keeps what was attempted, for the
    // candidates' identities.
    std::optional<LeaseJson> body;
    if (response && o.ok && looks_like_lease(*response) && verb != "delete") {
      body = lease_from_json(*response, false);
      if (!body->error.empty()) return malformed(line, "responseObject." + body->error);
    } else if (request && looks_like_lease(*request) && verb != "delete") {
      const bool partial = verb == "patch";
      body = lease_from_json(*request, partial);
      if (!body->error.empty()) return malformed(line, "requestObject." + body->error);
    }
    if (request && verb == "update") {
      if (auto m = request->find("metadata"); m != request->end() && m->is_object())
        o.precondition_rv = str_or(*m, "resourceVersion");
    }
    if (body) {
      if (o.name.empty()) o.name = body->name;  // a create names its object in the body only
      if (o.ns.empty()) o.ns = body->ns;
      o.body = std::move(body->body);
    }
    // A create logged below level Request may name its object nowhere; it is a valid event
    // that cannot be attributed to a Lease.
    if (o.name.empty()) return;
    sink_(std::move(o));
  }

  void trace_line(const json& v, uint64_t line) {
    format("leasesim trace");
    const std::string type = v["type"].get<std::string>();
    const json& t = v["t"];
    // Seconds of a run: finite and within a century, so the nanoseconds fit an int64.
    if (!t.is_number() || !(t.get<double>() >= 0 && t.get<double>() < 3.0e9))
      return malformed(line, "t: expected seconds since the start of the run (0 .. 3e9)");
    note_time(WallInstant(kTraceEpochNs + std::llround(t.get<double>() * 1e9)));
    if (type != "lease" && type != "api") {
      ++stats_.other_records;
      return;
    }
    const std::string object = str_or(v, "object");
    // An api line about something other than one Lease is another resource's record, not a
    // malformed one: a list or watch names its collection ("leases", "nodes",
    // "leasecandidates"; serve's discovery requests name nothing), and a simulated trace
    // names Nodes, the pods of a node and LeaseCandidates as "nodes/N", "pods/node=N" and
    // "leasecandidates/N" (docs/trace-format.md).
    if (type == "api" && (object.find('/') == std::string::npos || object.starts_with("nodes/") ||
                          object.starts_with("pods/") || object.starts_with("leasecandidates/"))) {
      ++stats_.other_records;
      return;
    }
    const size_t slash = object.find('/');
    if (slash == std::string::npos) return malformed(line, "object: expected NAMESPACE/NAME");
    ++stats_.lease_records;
    Observation o;
    o.ns = object.substr(0, slash);
    o.name = object.substr(slash + 1);
    o.at = WallInstant(kTraceEpochNs + std::llround(t.get<double>() * 1e9));
    o.agent = str_or(v, "proc");
    o.verb = str_or(v, "verb");
    o.complete = true;
    o.where = {options_.file_index, line};
    if (type == "lease") {
      o.kind = ObsKind::Write;
      o.code = o.verb == "create" ? 201 : 200;
      if (o.verb != "delete") {
        json spec = json::object();
        for (const char* k : {"holder", "transitions", "renewTime", "leaseDurationSeconds"}) {
          if (!v.contains(k) || v[k].is_null()) continue;
          spec[std::string(k) == "holder" ? "holderIdentity" : std::string(k) == "transitions" ? "leaseTransitions" : k] = v[k];
        }
        json obj = {{"metadata", {{"name", o.name}, {"namespace", o.ns}}}, {"spec", spec}};
        if (v.contains("rv") && v["rv"].is_number_integer())
          obj["metadata"]["resourceVersion"] = std::to_string(v["rv"].get<int64_t>());
        LeaseJson lj = lease_from_json(obj, false);
        if (!lj.error.empty()) return malformed(line, lj.error);
        o.body = std::move(lj.body);
      }
      return sink_(std::move(o));
    }
    const std::string result = str_or(v, "result");
    // serve's traces have patches too (kubectl patch, merge patches).
    const bool write = o.verb == "create" || o.verb == "update" || o.verb == "patch" || o.verb == "delete";
    if (!write) {
      o.kind = ObsKind::Read;
      return sink_(std::move(o));
    }
    if (result == "ok") return;  // its committed write is the `lease` line
    if (v.contains("applied") && v["applied"].is_boolean() && v["applied"].get<bool>()) return;
    o.kind = ObsKind::Write;
    o.ok = false;
    o.code = result == "conflict" ? 409 : result == "notFound" ? 404 : result == "invalid" ? 422
           : result == "unavailable" ? 503 : 0;
    sink_(std::move(o));
  }

  InputStats stats_;

 private:
  const std::string& file_;
  const ReadOptions& options_;
  const ObservationSink& sink_;
  std::vector<std::string>* messages_;
  std::set<std::string> formats_;
};

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

void parse_and_record(Reader& r, const std::string& text, uint64_t line) {
  json v = json::parse(text, nullptr, false);
  if (v.is_discarded()) {
    // Say where in the record it broke: nlohmann's exception carries the byte offset.
    try {
      json again = json::parse(text);
      r.malformed(line, "not valid JSON");
    } catch (const json::parse_error& e) {
      std::string what = e.what();
      const size_t colon = what.find(": ");
      r.malformed(line, "not valid JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2)));
    }
    return;
  }
  r.record(v, line);
}

}  // namespace

// The reading state of one input: the first line decides JSON Lines or concatenated values.
struct RecordReader::State {
  State(std::istream& in, const std::string& file_name, const ReadOptions& options, std::vector<std::string>* messages)
      : in(in), options(options), messages(messages),
        sink([this](Observation&& o) { ready->push_back(std::move(o)); }),
        reader(file_name, this->options, sink, messages) {}
  std::istream& in;
  ReadOptions options;
  std::vector<std::string>* messages;
  std::deque<Observation>* ready = nullptr;
  ObservationSink sink;
  Reader reader;
  enum class Mode { Start, Lines, Values, Done } mode = Mode::Start;
  bool audit_log = false;
  uint64_t line = 0;
  std::unique_ptr<JsonValueReader> values;
  std::string text;

  // Reads one record; false at the end of the input.
  bool step() {
    Reader& r = reader;
    switch (mode) {
      case Mode::Start: {
        while (std::getline(in, text)) {
          ++line;
          if (!blank(text)) break;
        }
        if (blank(text)) {
          r.stats_.formats = "empty";
          mode = Mode::Done;
          return false;
        }
        json probe = json::parse(text, nullptr, false);
        if (!probe.is_discarded()) {
          // JSON Lines: one record per line.
          audit_log = probe.is_object() && str_or(probe, "apiVersion").rfind("audit.k8s.io/", 0) == 0;
          mode = Mode::Lines;
          ++r.stats_.records;
          r.record(probe, line);
          return true;
        }
        // Concatenated (pretty-printed) values, starting again at the first line.
        values = std::make_unique<JsonValueReader>(in, text + "\n");
        mode = Mode::Values;
        return true;
      }
      case Mode::Lines: {
        if (!std::getline(in, text)) {
          mode = Mode::Done;
          return false;
        }
        ++line;
        if (blank(text)) return true;
        ++r.stats_.records;
        if (audit_log && text.find("\"leases\"") == std::string::npos) {
          // Another resource's event: not parsed, but it must still be one whole object.
          const size_t a = text.find_first_not_of(" \t\r");
          const size_t b = text.find_last_not_of(" \t\r");
          if (text[a] == '{' && text[b] == '}') {
            ++r.stats_.other_records;
            r.note_time_in(text);
          } else {
            r.malformed(line, "not a JSON object (a truncated or corrupted line?)");
          }
          return true;
        }
        parse_and_record(r, text, line);
        return true;
      }
      case Mode::Values: {
        JsonValueText value;
        if (!values->next(&value)) {
          mode = Mode::Done;
          return false;
        }
        const uint64_t at_line = value.line + line - 1;
        ++r.stats_.records;
        if (!value.error.empty()) r.malformed(at_line, value.error);
        else parse_and_record(r, value.text, at_line);
        return true;
      }
      case Mode::Done:
        return false;
    }
    return false;
  }
};

RecordReader::RecordReader(std::istream& in, const std::string& file_name, const ReadOptions& options,
                           std::vector<std::string>* messages)
    : file_name_(file_name), state_(std::make_unique<State>(in, file_name_, options, messages)) {}

RecordReader::~RecordReader() = default;

bool RecordReader::next(std::deque<Observation>* out) {
  state_->ready = out;
  const size_t before = out->size();
  while (out->size() == before) {
    if (!state_->step()) {
      finish();
      return out->size() > before;
    }
  }
  return true;
}

void RecordReader::finish() {
  if (finished_) return;
  finished_ = true;
  const InputStats& stats = state_->reader.stats_;
  if (state_->messages && stats.malformed > state_->options.max_messages)
    state_->messages->push_back(file_name_ + ": " + std::to_string(stats.malformed - state_->options.max_messages) +
                                " more malformed records not shown");
}

const InputStats& RecordReader::stats() const { return state_->reader.stats_; }

InputStats read_input(std::istream& in, const std::string& file_name, const ReadOptions& options,
                      const ObservationSink& sink, std::vector<std::string>* messages) {
  RecordReader reader(in, file_name, options, messages);
  std::deque<Observation> ready;
  while (reader.next(&ready)) {
    while (!ready.empty()) {
      sink(std::move(ready.front()));
      ready.pop_front();
    }
  }
  return reader.stats();
}

std::vector<InputStats> read_merged(const std::vector<std::istream*>& inputs, const std::vector<std::string>& names,
                                    const ObservationSink& sink, std::vector<std::string>* messages,
                                    uint64_t max_messages) {
  const size_t n = inputs.size();
  std::vector<std::unique_ptr<RecordReader>> readers;
  std::vector<std::deque<Observation>> heads(n);
  std::vector<bool> open(n, true);
  for (size_t i = 0; i < n; ++i) {
    ReadOptions ro;
    ro.file_index = static_cast<uint32_t>(i);
    ro.max_messages = max_messages;
    readers.push_back(std::make_unique<RecordReader>(*inputs[i], names[i], ro, messages));
  }
  for (;;) {
    // Refill every empty head, then hand on the earliest observation (ties: lower file index).
    size_t best = n;
    for (size_t i = 0; i < n; ++i) {
      if (heads[i].empty() && open[i]) open[i] = readers[i]->next(&heads[i]);
      if (heads[i].empty()) continue;
      if (best == n || heads[i].front().at < heads[best].front().at) best = i;
    }
    if (best == n) break;
    sink(std::move(heads[best].front()));
    heads[best].pop_front();
  }
  std::vector<InputStats> stats;
  for (auto& r : readers) stats.push_back(r->stats());
  return stats;
}


}  // namespace leasesim
