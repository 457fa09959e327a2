// node_lifecycle_controller.cc: the node lifecycle controller of a kube-controller-manager
// replica, rule by rule (see the header; upstream
// pkg/controller/nodelifecycle/node_lifecycle_controller.go).
#include "model/node_lifecycle_controller.h"

#include <algorithm>

#include "core/check.h"

namespace leasesim {
namespace {

// A reflector's wait before listing again after a failed list (upstream backs off from 800 ms
// up to 30 s; one constant second here).
constexpr Duration kRelistDelay = seconds(1);

constexpr const char* kReasonUnknown = "NodeStatusUnknown";
constexpr const char* kReasonNeverUpdated = "NodeStatusNeverUpdated";

template <class T>
void grow_to(std::vector<T>& v, size_t n) {
  if (v.size() < n) v.resize(n);
}

}  // namespace

const char* zone_state_name(ZoneState s) {
  switch (s) {
    case ZoneState::Initial: return "Initial";
    case ZoneState::Normal: return "Normal";
    case ZoneState::FullDisruption: return "FullDisruption";
    case ZoneState::PartialDisruption: return "PartialDisruption";
  }
  return "?";
}

ZoneState compute_zone_state(int64_t ready, int64_t not_ready, int64_t unhealthy_threshold_ppb) {
  // upstream ComputeZoneState: no Ready node (and some node) = full disruption; more than two
  // not Ready and a not-Ready fraction of at least the threshold = partial. The fraction is
  // compared exactly: not_ready / total >= threshold  <=>  not_ready * 1e9 >= threshold * total.
  if (ready == 0 && not_ready > 0) return ZoneState::FullDisruption;
  if (not_ready > 2 && not_ready * kPartsPerBillion >= unhealthy_threshold_ppb * (ready + not_ready))
    return ZoneState::PartialDisruption;
  return ZoneState::Normal;
}

NodeLifecycleCore::NodeLifecycleCore(std::string identity, LeaseId lease, NodeLifecycleConfig config)
    : elector_(std::move(identity), lease, config.elector), config_(std::move(config)) {}

uint32_t NodeLifecycleCore::next_tag() {
  const uint32_t tag = next_tag_;
  next_tag_ = next_tag_ == UINT32_MAX ? (kTagBit | 1) : next_tag_ + 1;
  return tag;
}

void NodeLifecycleCore::on_start(const Now& now, Effects& out) {
  const size_t from = out.list().size();
  elector_.on_start(now, out);
  after_elector(from, now, out);
}

void NodeLifecycleCore::on_stop(const Now& now, Effects& out) {
  const size_t from = out.list().size();
  elector_.on_stop(now, out);
  after_elector(from, now, out);
}

void NodeLifecycleCore::on_timer(TimerId timer, const Now& now, Effects& out) {
  if (timer < kMonitorTimer) {
    const size_t from = out.list().size();
    elector_.on_timer(timer, now, out);
    after_elector(from, now, out);
    return;
  }
  if (!running_) return;
  switch (timer) {
    case kMonitorTimer:
      begin_pass(now, out);
      return;
    case kRelistTimer:
      if (!nodes_synced_ && list_nodes_tag_ == 0) send_list(ObjectKind::Node, out);
      if (!leases_synced_ && list_leases_tag_ == 0) send_list(ObjectKind::Lease, out);
      return;
    case kRetryTimer:
      if (step_ != Step::Sleeping) return;
      // PollImmediate's next try: GET the node from the API server (upstream re-reads it live
      // after a failed update), then tryUpdateNodeHealth again.
      step_ = Step::Getting;
      send_node(Verb::Get, std::nullopt, pass_node_, out);
      return;
    case kTaintTimer:
      tainting_pass(now, out);
      return;
    case kEvictTimer:
      evict_timer_at_.reset();
      evict_due(now, out);
      return;
    default:
      return;
  }
}

void NodeLifecycleCore::after_elector(size_t from, const Now& now, Effects& out) {
  // The elector's notes say when leadership starts and stops; the controller follows them.
  for (size_t i = from; i < out.list().size(); ++i) {
    const auto* note = std::get_if<Note>(&out.list()[i]);
    if (!note) continue;
    if (note->kind == NoteKind::StartedLeading && !running_) {
      start_controller(now, out);
    } else if ((note->kind == NoteKind::StoppedLeading || note->kind == NoteKind::Crashed ||
                note->kind == NoteKind::Exited) && running_) {
      stop_controller();
    }
  }
}

void NodeLifecycleCore::start_controller(const Now& /*now*/, Effects& out) {
  running_ = true;
  nodes_synced_ = leases_synced_ = monitor_started_ = false;
  send_list(ObjectKind::Node, out);
  send_list(ObjectKind::Lease, out);
  // wait.Until(doNoExecuteTaintingPass, 100ms) starts with the controller.
  out.set_timer(kTaintTimer, kTaintPassPeriod);
}

void NodeLifecycleCore::stop_controller() {
  // The process keeps nothing of the controller: kube-controller-manager exits when it stops
  // leading, and one that runs Run again starts its informers and health map afresh.
  running_ = false;
  nodes_synced_ = leases_synced_ = monitor_started_ = false;
  list_nodes_tag_ = list_leases_tag_ = 0;
  early_nodes_.clear();
  early_leases_.clear();
  nodes_.clear();
  lease_renew_.clear();
  lease_present_.clear();
  health_.clear();
  zones_.clear();
  in_pass_ = false;
  step_ = Step::Idle;
  step_tag_ = 0;
  working_.reset();
  // Taint queues, nodesToRetry, the worker lane and the eviction schedule are memory only.
  tainters_.clear();
  nodes_to_retry_.clear();
  jobs_.clear();
  job_in_flight_ = job_getting_ = false;
  job_tag_ = 0;
  job_attempt_ = 0;
  job_base_.reset();
  no_schedule_queued_.clear();
  evict_at_.clear();
  evict_timer_at_.reset();
}

void NodeLifecycleCore::send_list(ObjectKind kind, Effects& out) {
  ApiRequest request;
  request.tag = next_tag();
  request.verb = Verb::List;
  request.kind = kind;
  request.watch = true;
  if (kind == ObjectKind::Lease) request.list_namespace = Name("kube-node-lease");
  request.timeout = config_.elector.effective_request_timeout();
  (kind == ObjectKind::Node ? list_nodes_tag_ : list_leases_tag_) = request.tag;
  out.call(std::move(request));
}

void NodeLifecycleCore::send_node(Verb verb, std::optional<Node> body, NodeId id, Effects& out) {
  ApiRequest request;
  request.tag = next_tag();
  request.verb = verb;
  request.kind = ObjectKind::Node;
  request.node = id;
  request.node_body = std::move(body);
  request.timeout = config_.elector.effective_request_timeout();
  step_tag_ = request.tag;
  out.call(std::move(request));
}

void NodeLifecycleCore::on_response(const ApiResponse& response, const Now& now, Effects& out) {
  if ((response.tag & kTagBit) == 0) {
    const size_t from = out.list().size();
    elector_.on_response(response, now, out);
    after_elector(from, now, out);
    return;
  }
  if (!running_ || response.tag == 0) return;
  if (job_in_flight_ && response.tag == job_tag_) {
    job_response(response, now, out);
    return;
  }
  const bool ok = response.result == ApiResult::Ok;
  // A list's answer clears its tag; a failed list is tried again after kRelistDelay.
  const auto list_answered = [&](uint32_t& tag) {
    tag = 0;
    if (!ok) out.set_timer(kRelistTimer, kRelistDelay);
    return ok;
  };
  if (response.tag == list_nodes_tag_) {
    if (!list_answered(list_nodes_tag_)) return;
    nodes_.clear();
    for (const Node& n : response.node_items) {
      grow_to(nodes_, n.id + 1);
      nodes_[n.id] = n;
    }
    apply_early_nodes(response.node_items);
    nodes_synced_ = true;
    for (NodeId id = 0; id < nodes_.size(); ++id)
      if (nodes_[id]) on_node_cached(id, now, out);
    maybe_start_monitor(now, out);
    return;
  }
  if (response.tag == list_leases_tag_) {
    if (!list_answered(list_leases_tag_)) return;
    lease_renew_.clear();
    lease_present_.clear();
    for (const Lease& l : response.items) {
      grow_to(lease_renew_, l.id + 1);
      grow_to(lease_present_, l.id + 1);
      lease_renew_[l.id] = l.spec.renew_time;
      lease_present_[l.id] = true;
    }
    apply_early_leases(response.items);
    leases_synced_ = true;
    maybe_start_monitor(now, out);
    return;
  }
  if (!in_pass_ || response.tag != step_tag_) return;
  step_tag_ = 0;
  if (step_ == Step::Updating) {
    if (ok && response.node) {
      // upstream: after a successful UpdateStatus the health entry keeps its probe timestamp
      // and takes the written status, with a transition timestamp of now.
      Health& h = health_[pass_node_];
      h.saved_ready = response.node->condition(ConditionType::Ready);
      h.ready_transition = now.mono;
      record_zone(*response.node, response.node->ready());
      process_node(*working_, working_->ready(), response.node->ready(), now, out);
      node_done(now, out);
      return;
    }
    if (++attempt_ >= kUpdateAttempts) {
      // PollImmediate gave up: the node keeps its last observed condition in the zone counts.
      record_zone(*working_, working_->ready());
      node_done(now, out);
      return;
    }
    step_ = Step::Sleeping;
    out.set_timer(kRetryTimer, kRetrySleep);
    return;
  }
  if (step_ == Step::Getting) {
    if (!ok || !response.node) {
      // "Skipping - no pods will be evicted": a failed GET ends this node's visit.
      record_zone(*working_, working_->ready());
      node_done(now, out);
      return;
    }
    working_ = *response.node;
    if (auto update = try_update_health(*working_, now)) {
      step_ = Step::Updating;
      send_node(Verb::Update, std::move(update), pass_node_, out);
      return;
    }
    record_zone(*working_, working_->ready());
    process_node(*working_, working_->ready(), working_->ready(), now, out);
    node_done(now, out);
  }
}

void NodeLifecycleCore::on_watch(const WatchDelivery& event, const Now& now, Effects& out) {
  if (!running_) return;
  switch (event.type) {
    case WatchDelivery::Type::Relist:
      // The reflector lists again; the caches stay as they are until the lists answer, and the
      // monitor keeps its schedule (it reads whatever the caches hold).
      if (list_nodes_tag_ == 0) send_list(ObjectKind::Node, out);
      if (list_leases_tag_ == 0) send_list(ObjectKind::Lease, out);
      return;
    case WatchDelivery::Type::Node:
      if (list_nodes_tag_ != 0) {
        early_nodes_.push_back(EarlyNode{event.node_id, event.node ? std::optional<Node>(*event.node) : std::nullopt});
      }
      if (!nodes_synced_) return;
      grow_to(nodes_, event.node_id + 1);
      if (event.node) nodes_[event.node_id] = *event.node;
      else nodes_[event.node_id].reset();
      on_node_cached(event.node_id, now, out);
      return;
    case WatchDelivery::Type::Lease:
      if (list_leases_tag_ != 0) {
        EarlyLease e;
        e.id = event.lease_id;
        e.present = event.lease != nullptr;
        if (event.lease) {
          e.rv = event.lease->resource_version;
          e.renew = event.lease->spec.renew_time;
        }
        early_leases_.push_back(e);
      }
      if (!leases_synced_) return;
      grow_to(lease_renew_, event.lease_id + 1);
      grow_to(lease_present_, event.lease_id + 1);
      lease_present_[event.lease_id] = event.lease != nullptr;
      lease_renew_[event.lease_id] = event.lease ? event.lease->spec.renew_time : std::nullopt;
      return;
  }
  (void)now;
}

// The events kept while the list was in flight, in order, over the listed objects: an object
// replaces the cached one only when its resourceVersion is newer (an event committed before the
// list was served is already in it); a deletion always applies (it follows whatever it deletes).
void NodeLifecycleCore::apply_early_nodes(const std::vector<Node>& listed) {
  std::vector<uint64_t> rv;  // by NodeId: the cached object's resourceVersion, 0 = none
  for (const Node& n : listed) {
    grow_to(rv, n.id + 1);
    rv[n.id] = n.resource_version;
  }
  for (EarlyNode& e : early_nodes_) {
    grow_to(rv, e.id + 1);
    grow_to(nodes_, e.id + 1);
    if (!e.node) {
      nodes_[e.id].reset();
      rv[e.id] = 0;
    } else if (e.node->resource_version > rv[e.id]) {
      rv[e.id] = e.node->resource_version;
      nodes_[e.id] = std::move(e.node);
    }
  }
  early_nodes_.clear();
}

void NodeLifecycleCore::apply_early_leases(const std::vector<Lease>& listed) {
  std::vector<uint64_t> rv;  // by LeaseId, 0 = none
  for (const Lease& l : listed) {
    grow_to(rv, l.id + 1);
    rv[l.id] = l.resource_version;
  }
  for (const EarlyLease& e : early_leases_) {
    grow_to(rv, e.id + 1);
    grow_to(lease_renew_, e.id + 1);
    grow_to(lease_present_, e.id + 1);
    if (!e.present) {
      lease_present_[e.id] = false;
      lease_renew_[e.id].reset();
      rv[e.id] = 0;
    } else if (e.rv > rv[e.id]) {
      rv[e.id] = e.rv;
      lease_present_[e.id] = true;
      lease_renew_[e.id] = e.renew;
    }
  }
  early_leases_.clear();
}

void NodeLifecycleCore::maybe_start_monitor(const Now& now, Effects& out) {
  if (monitor_started_ || !nodes_synced_ || !leases_synced_) return;
  monitor_started_ = true;
  begin_pass(now, out);  // wait.Until runs its function at once
}

void NodeLifecycleCore::begin_pass(const Now& now, Effects& out) {
  if (in_pass_) return;
  in_pass_ = true;
  pass_node_ = 0;
  for (Zone& z : zones_) z.ready = z.not_ready = 0, z.seen = false;
  continue_pass(now, out);
}

void NodeLifecycleCore::continue_pass(const Now& now, Effects& out) {
  // Visits nodes until one needs a request (then the response continues the pass). A node that
  // needs none is read where the cache holds it: nothing in this loop changes the cache, so the
  // copy `working_` keeps (the object the current attempt started from) is made only for a node
  // that is sent, and once for the last node visited, which is what it held after the pass when
  // every node was copied (the same state, so the same fingerprints; docs/nodes.md, phase 11).
  std::optional<NodeId> last_visited;
  while (pass_node_ < nodes_.size()) {
    if (!nodes_[pass_node_]) {
      ++pass_node_;
      continue;
    }
    const Node& node = *nodes_[pass_node_];
    attempt_ = 0;
    if (auto update = try_update_health(node, now)) {
      working_ = node;
      step_ = Step::Updating;
      send_node(Verb::Update, std::move(update), pass_node_, out);
      return;
    }
    record_zone(node, node.ready());
    process_node(node, node.ready(), node.ready(), now, out);
    last_visited = pass_node_;
    ++pass_node_;
  }
  if (last_visited) working_ = *nodes_[*last_visited];
  end_pass(now, out);
}

void NodeLifecycleCore::node_done(const Now& now, Effects& out) {
  step_ = Step::Idle;
  working_.reset();
  ++pass_node_;
  continue_pass(now, out);
}

std::optional<Node> NodeLifecycleCore::try_update_health(const Node& node, const Now& now) {
  grow_to(health_, node.id + 1);
  Health& h = health_[node.id];
  const NodeCondition& current = node.condition(ConditionType::Ready);
  const Duration grace = current.present ? config_.node_monitor_grace_period : config_.node_startup_grace_period;
  // The observed Ready condition: the node's, or (never posted) a fake Unknown one.
  NodeCondition observed = current;
  if (!current.present) observed.status = ConditionStatus::Unknown;

  const bool had = h.known;
  const NodeCondition saved = h.saved_ready;
  const bool had_lease = had && h.lease_renew.has_value();
  const WallInstant saved_lease = had_lease ? *h.lease_renew : WallInstant{};
  auto fresh = [&] {
    // A new nodeHealthData: probe and transition now, no saved Lease.
    h = Health{};
    h.known = true;
    h.probe = now.mono;
    h.ready_transition = now.mono;
  };
  if (!had) {
    fresh();
  } else if (!saved.present && current.present) {
    fresh();
  } else if (saved.present && !current.present) {
    fresh();
  } else if (saved.present && current.present && saved.last_heartbeat != current.last_heartbeat) {
    const LocalInstant transition = saved.last_transition != current.last_transition ? now.mono : h.ready_transition;
    // upstream builds the new nodeHealthData without its lease; the comparison below still
    // uses the lease saved before it.
    fresh();
    h.ready_transition = transition;
  }
  h.saved_ready = current;
  // Always a fresh probe when the node's Lease was renewed (renewTime strictly after the saved
  // one, or no saved one). Only the order of successive renewTimes matters, never their value
  // against this controller's clock.
  const LeaseId lease = node.lease;
  if (lease < lease_present_.size() && lease_present_[lease] && lease_renew_[lease]) {
    const WallInstant observed_renew = *lease_renew_[lease];
    if (!had_lease || saved_lease < observed_renew) {
      h.lease_renew = observed_renew;
      h.probe = now.mono;
    }
  }

  if (!(now.mono > h.probe + grace)) return std::nullopt;
  // Past the grace period: Ready and the pressure conditions become Unknown.
  Node updated = node;
  for (size_t i = 0; i < kConditionCount; ++i) {
    NodeCondition& c = updated.conditions[i];
    if (!c.present) {
      c.present = true;
      c.status = ConditionStatus::Unknown;
      c.reason = Name(kReasonNeverUpdated);
      c.last_heartbeat = WallInstant{};  // upstream: node.CreationTimestamp (not modelled)
      c.last_transition = now.wall;
    } else if (c.status != ConditionStatus::Unknown) {
      c.status = ConditionStatus::Unknown;
      c.reason = Name(kReasonUnknown);
      c.last_transition = now.wall;
    }
  }
  const NodeCondition& after = updated.condition(ConditionType::Ready);
  // apiequality.Semantic.DeepEqual(currentReadyCondition, observedReadyCondition).
  const bool same = current.present && after.status == observed.status && after.reason == observed.reason &&
                    after.last_heartbeat == observed.last_heartbeat && after.last_transition == observed.last_transition;
  if (same) return std::nullopt;
  return updated;
}

void NodeLifecycleCore::record_zone(const Node& node, std::optional<ConditionStatus> ready) {
  // upstream monitorNodeHealth adds a node's Ready condition to zoneToNodeConditions only when
  // isNodeExcludedFromDisruptionChecks is false. An excluded node therefore counts neither in
  // its zone's state nor in the zone size that setLimiterInZone compares with
  // largeClusterSizeThreshold, and a zone whose nodes are all excluded has no state this pass.
  // Everything else still applies to it: its health update, taints, MarkPodsNotReady and
  // eviction, at the rate of its zone's queue.
  if (node.excluded_from_disruption()) return;
  auto it = zone_place(zones_, node.zone, [](const Zone& z) -> const Name& { return z.name; });
  if (it == zones_.end() || it->name != node.zone) {
    Zone z;
    z.name = node.zone;
    it = zones_.insert(it, z);
  }
  it->seen = true;
  if (ready && *ready == ConditionStatus::True) ++it->ready;
  else ++it->not_ready;
}

std::optional<ZoneState> NodeLifecycleCore::zone_state(std::string_view zone) const {
  for (const Zone& z : zones_)
    if (z.name.str() == zone) return z.state;
  return std::nullopt;
}

void NodeLifecycleCore::end_pass(const Now& now, Effects& out) {
  in_pass_ = false;
  step_ = Step::Idle;
  handle_disruption(now, out);
  out.set_timer(kMonitorTimer, config_.node_monitor_period);  // sliding: from the end of the pass
}

void NodeLifecycleCore::handle_disruption(const Now& now, Effects& out) {
  // upstream handleDisruption. zones_ holds the zones of this pass (seen) and, from earlier
  // passes, their states; a zone without a node in this pass is forgotten.
  bool all_are_full = true;
  for (const Zone& z : zones_)
    if (z.seen && compute_zone_state(z.ready, z.not_ready, config_.unhealthy_zone_threshold_ppb) != ZoneState::FullDisruption)
      all_are_full = false;
  zones_.erase(std::remove_if(zones_.begin(), zones_.end(), [](const Zone& z) { return !z.seen; }), zones_.end());
  bool all_were_full = true;
  for (const Zone& z : zones_)
    if (z.state != ZoneState::FullDisruption) all_were_full = false;
  if (all_are_full && all_were_full) return;
  auto new_state = [&](const Zone& z) { return compute_zone_state(z.ready, z.not_ready, config_.unhealthy_zone_threshold_ppb); };
  if (all_are_full) {
    // Every zone lost every node: more likely the control plane's own network than the nodes.
    // Remove every NoExecute taint and stop all tainting until some node is Ready again.
    for (const auto& n : nodes_)
      if (n) mark_reachable(*n, out, now);
    for (Zone& z : zones_) {
      tainter(z.name, now).swap(0, now.mono);
      z.state = ZoneState::FullDisruption;
    }
    return;
  }
  if (all_were_full) {
    // Leaving that mode: a fresh grace period for every node (the guard of upstream #24200 /
    // #77864), and limiters for the new states.
    for (Health& h : health_) {
      if (!h.known) continue;
      h.probe = now.mono;
      h.ready_transition = now.mono;
    }
    for (Zone& z : zones_) {
      z.state = new_state(z);
      set_limiter(z.name, z.ready + z.not_ready, z.state, now);
    }
    return;
  }
  for (Zone& z : zones_) {
    const ZoneState s = new_state(z);
    if (s == z.state) continue;
    set_limiter(z.name, z.ready + z.not_ready, s, now);
    z.state = s;
  }
}

template <class H>
void NodeLifecycleCore::hash_into(H& h, const HashFrame& frame) const {
  elector_.hash_into(h, frame);
  h.u64(static_cast<uint64_t>(running_) | (static_cast<uint64_t>(nodes_synced_) << 1) |
        (static_cast<uint64_t>(leases_synced_) << 2) | (static_cast<uint64_t>(monitor_started_) << 3) |
        (static_cast<uint64_t>(in_pass_) << 4) | (static_cast<uint64_t>(step_) << 8) |
        (static_cast<uint64_t>(attempt_) << 16) | (static_cast<uint64_t>(pass_node_) << 32));
  h.u64(list_nodes_tag_ | (static_cast<uint64_t>(list_leases_tag_) << 32)).u64(step_tag_);
  if (!frame.canonical) h.u64(next_tag_);
  h.u64(nodes_.size());
  for (const auto& n : nodes_) {
    h.boolean(n.has_value());
    if (n) n->hash_into(h, frame);
  }
  h.u64(lease_renew_.size());
  for (size_t i = 0; i < lease_renew_.size(); ++i) {
    h.u64(static_cast<uint64_t>(lease_present_[i]) | (static_cast<uint64_t>(lease_renew_[i].has_value()) << 1));
    if (lease_renew_[i]) h.i64(frame.at(*lease_renew_[i]));
  }
  h.u64(early_nodes_.size());
  for (const EarlyNode& e : early_nodes_) {
    h.u64(e.id).boolean(e.node.has_value());
    if (e.node) e.node->hash_into(h, frame);
  }
  h.u64(early_leases_.size());
  for (const EarlyLease& e : early_leases_) {
    h.u64(e.id).u64(static_cast<uint64_t>(e.present) | (static_cast<uint64_t>(e.renew.has_value()) << 1)).u64(e.rv);
    if (e.renew) h.i64(frame.at(*e.renew));
  }
  h.u64(health_.size());
  for (const Health& x : health_) {
    h.boolean(x.known);
    if (!x.known) continue;
    h.i64(frame.at(x.probe)).i64(frame.at(x.ready_transition));
    h.u64(static_cast<uint64_t>(x.saved_ready.present) | (static_cast<uint64_t>(x.saved_ready.status) << 8) |
          (static_cast<uint64_t>(x.lease_renew.has_value()) << 16));
    h.i64(frame.at(x.saved_ready.last_heartbeat)).i64(frame.at(x.saved_ready.last_transition));
    if (x.lease_renew) h.i64(frame.at(*x.lease_renew));
  }
  h.boolean(working_.has_value());
  if (working_) working_->hash_into(h, frame);
  h.u64(zones_.size());
  for (const Zone& z : zones_) {
    hash_name(h, z.name);
    h.u64(static_cast<uint64_t>(z.state)).i64(z.ready).i64(z.not_ready).boolean(z.seen);
  }
  hash_taints(h, frame);
}

template void NodeLifecycleCore::hash_into(Hasher&, const HashFrame&) const;
template void NodeLifecycleCore::hash_into(StateHasher&, const HashFrame&) const;

}  // namespace leasesim
