// lease_store.cc: see lease_store.h.
#include "live/lease_store.h"

#include <chrono>
#include <cstdio>

namespace leasesim {
namespace {

using nlohmann::json;

const char* reason_for(int code) {
  switch (code) {
    case 400: return "BadRequest";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 406: return "NotAcceptable";
    case 409: return "Conflict";
    case 410: return "Expired";
    case 413: return "RequestEntityTooLarge";
    case 415: return "UnsupportedMediaType";
    case 422: return "Invalid";
    case 429: return "TooManyRequests";
    case 503: return "ServiceUnavailable";
    case 504: return "Timeout";
    default: return "InternalError";
  }
}

std::string describe(const std::string& name) { return "leases.coordination.k8s.io \"" + name + "\""; }

Labels to_labels(const std::map<std::string, std::string>& m) { return Labels(Labels::Map(m.begin(), m.end())); }

// A request body for the simulated store. The live server keeps its own uids (RFC 4122 text,
// checked here before the store is asked), so the store's numeric uid precondition stays unset.
Lease body_lease(LeaseId id, uint64_t resource_version, const LeaseRequestBody& body) {
  Lease lease;
  lease.id = id;
  lease.resource_version = resource_version;
  lease.labels = to_labels(body.labels);
  lease.spec = body.spec;
  return lease;
}

std::map<std::string, std::string> label_map(const Labels& labels) {
  return std::map<std::string, std::string>(labels.begin(), labels.end());
}

}  // namespace

json status_failure(int code, const std::string& reason, const std::string& message, const std::string& name) {
  json s = {{"kind", "Status"},       {"apiVersion", "v1"}, {"metadata", json::object()},
            {"status", "Failure"},    {"message", message}, {"reason", reason.empty() ? reason_for(code) : reason},
            {"code", code}};
  if (!name.empty()) s["details"] = {{"name", name}, {"group", "coordination.k8s.io"}, {"kind", "leases"}};
  return s;
}

RestReply failure_reply(int code, const std::string& reason, const std::string& message, const std::string& name) {
  return RestReply{code, status_failure(code, reason, message, name)};
}

LeaseStore::LeaseStore(const Scenario& scenario, std::function<WallInstant()> now,
                       std::function<void(const CommitRecord&)> on_commit)
    : server_(scenario), rng_(scenario.seed ^ 0x6c697665ULL), now_(std::move(now)), on_commit_(std::move(on_commit)) {
  // The scenario's initial Leases exist from the start, each with its own uid.
  for (const InitialLease& initial : scenario.leases) meta_[initial.id] = LiveMeta{new_uid(), now_(), {}};
}

std::string LeaseStore::new_uid() {
  const uint64_t a = rng_.next();
  const uint64_t b = rng_.next();
  char buf[40];
  // RFC 4122 version 4 layout: the version nibble 4 and the variant bits 10.
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

LeaseId LeaseStore::id_for(const std::string& ns, const std::string& name) {
  return server_.add_key(ns + "/" + name);
}

json LeaseStore::render(LeaseId id) {
  const auto& lease = server_.lease(id);
  const std::string& key = server_.key(id);
  const size_t slash = key.find('/');
  return lease_object(*lease, key.substr(0, slash), key.substr(slash + 1), meta_[id]);
}

RestReply LeaseStore::get(const std::string& ns, const std::string& name) {
  std::lock_guard lock(mu_);
  const auto id = server_.find_key(ns + "/" + name);
  if (!id || !server_.lease(*id)) return failure_reply(404, "NotFound", describe(name) + " not found", name);
  return RestReply{200, render(*id)};
}

std::optional<json> LeaseStore::object(const std::string& ns, const std::string& name) {
  std::lock_guard lock(mu_);
  const auto id = server_.find_key(ns + "/" + name);
  if (!id || !server_.lease(*id)) return std::nullopt;
  return render(*id);
}

RestReply LeaseStore::list(const std::string& ns, const Filter& filter, uint64_t* rv_out) {
  std::lock_guard lock(mu_);
  ApiRequest request;
  request.verb = Verb::List;
  const ApiOutcome outcome = server_.handle(request);
  json items = json::array();
  for (const Lease& lease : outcome.response.items) {
    const std::string& key = server_.key(lease.id);
    const size_t slash = key.find('/');
    const std::string lease_ns = key.substr(0, slash);
    const std::string name = key.substr(slash + 1);
    if (!ns.empty() && lease_ns != ns) continue;
    if (filter.labels && !filter.labels(label_map(lease.labels))) continue;
    if (filter.fields && !filter.fields(name, lease_ns)) continue;
    // Items of a list carry no kind or apiVersion, as the real server's lists.
    items.push_back(lease_object(lease, lease_ns, name, meta_[lease.id], false));
  }
  if (rv_out) *rv_out = server_.resource_version();
  return RestReply{200, json{{"kind", "LeaseList"},
                             {"apiVersion", "coordination.k8s.io/v1"},
                             {"metadata", {{"resourceVersion", std::to_string(server_.resource_version())}}},
                             {"items", items}}};
}

RestReply LeaseStore::commit_reply(const ApiOutcome& outcome, const std::string& ns, const std::string& name, int code,
                                   int client, Verb verb) {
  const ApiResponse& r = outcome.response;
  switch (r.result) {
    case ApiResult::Ok: break;
    case ApiResult::NotFound: return failure_reply(404, "NotFound", r.message, name);
    case ApiResult::Conflict:
      return failure_reply(409, r.message.find("already exists") != std::string::npos ? "AlreadyExists" : "Conflict",
                           r.message, name);
    case ApiResult::Invalid:
      return failure_reply(422, "Invalid", "Lease.coordination.k8s.io \"" + name + "\" is invalid: " + r.message, name);
    case ApiResult::Timeout:
    case ApiResult::Cancelled:
    case ApiResult::Unavailable: return failure_reply(503, "ServiceUnavailable", r.message, name);
  }
  if (!outcome.committed) return RestReply{code, r.object ? render(r.object->id) : json::object()};
  const LeaseId id = outcome.after ? outcome.after->id : outcome.before->id;
  WatchEvent event;
  event.rv = server_.resource_version();
  event.ns = ns;
  event.name = name;
  if (outcome.after) {
    event.type = outcome.before ? "MODIFIED" : "ADDED";
    event.labels = label_map(outcome.after->labels);
    event.object = render(id);
  } else {
    event.type = "DELETED";
    event.labels = label_map(outcome.before->labels);
    Lease last = *outcome.before;
    last.resource_version = event.rv;
    event.object = lease_object(last, ns, name, meta_[id]);
  }
  events_.push_back(event);
  while (events_.size() > kMaxEvents) {
    events_.pop_front();
    oldest_retained_rv_ = events_.front().rv;
  }
  if (on_commit_) {
    CommitRecord record{ns + "/" + name, id, verb, event.rv, std::nullopt, std::nullopt, client};
    if (outcome.before) record.before = outcome.before->spec;
    if (outcome.after) record.after = outcome.after->spec;
    on_commit_(record);
  }
  cv_.notify_all();
  if (!outcome.after) {
    const std::string uid = meta_[id].uid;
    meta_.erase(id);
    return RestReply{200, json{{"kind", "Status"},
                               {"apiVersion", "v1"},
                               {"metadata", json::object()},
                               {"status", "Success"},
                               {"details", {{"name", name}, {"group", "coordination.k8s.io"}, {"kind", "leases"},
                                            {"uid", uid}}}}};
  }
  return RestReply{code, event.object};
}

RestReply LeaseStore::create(const std::string& ns, const LeaseRequestBody& body, int client) {
  std::lock_guard lock(mu_);
  if (body.name.empty())
    return failure_reply(422, "Invalid", "Lease.coordination.k8s.io \"\" is invalid: metadata.name: Required value: name or generateName is required");
  if (!body.ns.empty() && body.ns != ns)
    return failure_reply(400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request");
  if (body.resource_version != 0)
    return failure_reply(500, "InternalError", "resourceVersion should not be set on objects to be created");
  if (!server_.find_key(ns + "/" + body.name) && meta_.size() >= kMaxLeases)
    return failure_reply(429, "TooManyRequests", "this live server holds at most " + std::to_string(kMaxLeases) + " Leases");
  const LeaseId id = id_for(ns, body.name);
  const bool existed = server_.lease(id).has_value();
  ApiRequest request;
  request.verb = Verb::Create;
  request.lease = id;
  request.body = body_lease(id, 0, body);
  const ApiOutcome outcome = server_.handle(request);
  if (outcome.committed && !existed) meta_[id] = LiveMeta{new_uid(), now_(), body.annotations};
  return commit_reply(outcome, ns, body.name, 201, client, Verb::Create);
}

RestReply LeaseStore::update(const std::string& ns, const std::string& name, const LeaseRequestBody& body, int client) {
  std::lock_guard lock(mu_);
  if (!body.name.empty() && body.name != name)
    return failure_reply(400, "BadRequest",
                         "the name of the object (" + body.name + ") does not match the name on the URL (" + name + ")");
  if (!body.ns.empty() && body.ns != ns)
    return failure_reply(400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request");
  const auto found = server_.find_key(ns + "/" + name);
  const bool exists = found && server_.lease(*found).has_value();
  const std::string stored_uid = exists ? meta_[*found].uid : "";
  // Store.Update: the body's uid is a precondition checked against the stored object, or
  // against an empty object when none is stored (so a uid never creates).
  if (!body.uid.empty() && body.uid != stored_uid)
    return failure_reply(409, "Conflict",
                         "Operation cannot be fulfilled on " + describe(name) + ": Precondition failed: UID in precondition: " +
                             body.uid + ", UID in object meta: " + stored_uid,
                         name);
  if (!exists) {
    if (body.resource_version != 0) return failure_reply(404, "NotFound", describe(name) + " not found", name);
    if (meta_.size() >= kMaxLeases)
      return failure_reply(429, "TooManyRequests", "this live server holds at most " + std::to_string(kMaxLeases) + " Leases");
    // AllowCreateOnUpdate: the update creates the Lease.
    const LeaseId id = id_for(ns, name);
    ApiRequest request;
    request.verb = Verb::Create;
    request.lease = id;
    request.body = body_lease(id, 0, body);
    const ApiOutcome outcome = server_.handle(request);
    if (outcome.committed) meta_[id] = LiveMeta{new_uid(), now_(), body.annotations};
    return commit_reply(outcome, ns, name, 201, client, Verb::Update);
  }
  ApiRequest request;
  request.verb = Verb::Update;
  request.lease = *found;
  request.body = body_lease(*found, body.resource_version, body);
  // Annotations live here, not in the model's Lease: a change of them alone is still a write
  // (a new resourceVersion and a MODIFIED event), as `kubectl annotate` expects.
  request.write_unchanged = body.annotations != meta_[*found].annotations;
  const ApiOutcome outcome = server_.handle(request);
  if (outcome.committed) meta_[*found].annotations = body.annotations;
  return commit_reply(outcome, ns, name, 200, client, Verb::Update);
}

RestReply LeaseStore::remove(const std::string& ns, const std::string& name, const DeletePreconditions& pre, int client) {
  std::lock_guard lock(mu_);
  const auto found = server_.find_key(ns + "/" + name);
  if (!found || !server_.lease(*found)) return failure_reply(404, "NotFound", describe(name) + " not found", name);
  const std::string& uid = meta_[*found].uid;
  if (!pre.uid.empty() && pre.uid != uid)
    return failure_reply(409, "Conflict",
                         "Operation cannot be fulfilled on " + describe(name) + ": Precondition failed: UID in precondition: " +
                             pre.uid + ", UID in object meta: " + uid,
                         name);
  ApiRequest request;
  request.verb = Verb::Delete;
  request.lease = *found;
  request.delete_precondition_rv = pre.resource_version;
  return commit_reply(server_.handle(request), ns, name, 200, client, Verb::Delete);
}

uint64_t LeaseStore::resource_version() {
  std::lock_guard lock(mu_);
  return server_.resource_version();
}

std::vector<WatchEvent> LeaseStore::snapshot_events(uint64_t* rv_out) {
  std::lock_guard lock(mu_);
  ApiRequest request;
  request.verb = Verb::List;
  std::vector<WatchEvent> out;
  for (const Lease& lease : server_.handle(request).response.items) {
    const std::string& key = server_.key(lease.id);
    const size_t slash = key.find('/');
    out.push_back(WatchEvent{lease.resource_version, "ADDED", key.substr(0, slash), key.substr(slash + 1),
                             label_map(lease.labels), render(lease.id)});
  }
  *rv_out = server_.resource_version();
  return out;
}

std::vector<WatchEvent> LeaseStore::wait_events(uint64_t after, int64_t deadline_ms_from_now, bool* gone) {
  std::unique_lock lock(mu_);
  *gone = oldest_retained_rv_ != 0 && after + 1 < oldest_retained_rv_;
  if (*gone) return {};
  const auto ready = [&] { return stopped_ || (!events_.empty() && events_.back().rv > after); };
  cv_.wait_for(lock, std::chrono::milliseconds(deadline_ms_from_now), ready);
  std::vector<WatchEvent> out;
  for (const WatchEvent& e : events_)
    if (e.rv > after) out.push_back(e);
  return out;
}

void LeaseStore::stop() {
  std::lock_guard lock(mu_);
  stopped_ = true;
  cv_.notify_all();
}

}  // namespace leasesim
