// node_taints.cc: the node lifecycle controller's taints, MarkPodsNotReady and taint-based
// eviction (see node_lifecycle_controller.h, "Taints, pods and eviction"; upstream
// pkg/controller/nodelifecycle/node_lifecycle_controller.go: processTaintBaseEviction,
// markNodeForTainting, markNodeAsReachable, doNoExecuteTaintingPass, doNoScheduleTaintingPass,
// setLimiterInZone; pkg/controller/util/node/controller_utils.go: MarkPodsNotReady,
// SwapNodeControllerTaint; pkg/controller/tainteviction/taint_eviction.go: handleNodeUpdate,
// processPodOnNode).
#include <algorithm>

#include "model/node_lifecycle_controller.h"

namespace leasesim {
namespace {

// upstream retry.RetryOnConflict(UpdateTaintBackoff) and the eviction worker's retries.
constexpr int kJobAttempts = 5;

bool is_no_execute(const Taint& t) {
  return t.effect == TaintEffect::NoExecute && (t.key.str() == kTaintNotReady || t.key.str() == kTaintUnreachable);
}

// The NoSchedule taint a Ready status asks for (doNoScheduleTaintingPass's nodeConditionToTaintKeyStatusMap).
const char* no_schedule_key(std::optional<ConditionStatus> ready) {
  if (!ready || *ready == ConditionStatus::True) return nullptr;
  return *ready == ConditionStatus::False ? kTaintNotReady : kTaintUnreachable;
}

// Sets `key` with `effect` present or absent on `node`; whether that changed it.
bool set_taint(Node& node, const char* key, TaintEffect effect, bool present, WallInstant now) {
  const bool has = node.has_taint(key, effect);
  if (has == present) return false;
  if (present) {
    node.taints.push_back(Taint{Name(key), effect, now});
  } else {
    node.taints.erase(std::remove_if(node.taints.begin(), node.taints.end(),
                                     [&](const Taint& t) { return t.effect == effect && t.key.str() == key; }),
                      node.taints.end());
  }
  return true;
}

}  // namespace

RateLimitedQueue& NodeLifecycleCore::tainter(const Name& zone, const Now& now) {
  auto it = zone_place(tainters_, zone, [](const RateLimitedQueue& q) -> const Name& { return q.zone(); });
  if (it == tainters_.end() || it->zone() != zone)
    // addPodEvictorForNewZone: a new zone's queue starts at nodeEvictionRate, its bucket full.
    it = tainters_.insert(it, RateLimitedQueue(zone, config_.node_eviction_rate_ppb, now.mono));
  return *it;
}

void NodeLifecycleCore::set_limiter(const Name& zone, int64_t size, ZoneState state, const Now& now) {
  int64_t rate = config_.node_eviction_rate_ppb;  // Normal, and FullDisruption (HealthyQPSFunc)
  if (state == ZoneState::PartialDisruption)
    // ReducedQPSFunc: a small zone stops; a large one slows to the secondary rate.
    rate = size > config_.large_cluster_size_threshold ? config_.secondary_node_eviction_rate_ppb : 0;
  if (state == ZoneState::Initial) return;
  tainter(zone, now).swap(rate, now.mono);
}

void NodeLifecycleCore::process_node(const Node& node, std::optional<ConditionStatus> observed,
                                           std::optional<ConditionStatus> current, const Now& now, Effects& out) {
  if (!current) return;  // currentReadyCondition == nil: nothing to decide yet
  // A node that never posted Ready is observed as Unknown.
  const ConditionStatus seen = observed.value_or(ConditionStatus::Unknown);
  process_taint_based_eviction(node, seen, now, out);
  auto retry = std::lower_bound(nodes_to_retry_.begin(), nodes_to_retry_.end(), node.id);
  const bool needs_retry = retry != nodes_to_retry_.end() && *retry == node.id;
  if (needs_retry) nodes_to_retry_.erase(retry);
  // MarkPodsNotReady on the edge this pass made, or again while a failed one awaits a retry;
  // a failure of the write puts the node back in nodesToRetry (job_response).
  if ((*current != ConditionStatus::True && seen == ConditionStatus::True) ||
      (needs_retry && seen != ConditionStatus::True))
    enqueue(JobKind::MarkPods, node.id, now, out);
}

void NodeLifecycleCore::process_taint_based_eviction(const Node& node, ConditionStatus observed, const Now& now,
                                                           Effects& out) {
  switch (observed) {
    case ConditionStatus::False:
      // Swap at once when the node carries the opposite taint; else queue it for tainting.
      if (node.has_taint(kTaintUnreachable, TaintEffect::NoExecute)) enqueue(JobKind::NoExecute, node.id, now, out);
      else mark_for_tainting(node, observed, now);
      return;
    case ConditionStatus::Unknown:
      if (node.has_taint(kTaintNotReady, TaintEffect::NoExecute)) enqueue(JobKind::NoExecute, node.id, now, out);
      else mark_for_tainting(node, observed, now);
      return;
    case ConditionStatus::True:
      mark_reachable(node, out, now);
      return;
  }
}

void NodeLifecycleCore::mark_for_tainting(const Node& node, ConditionStatus status, const Now& now) {
  RateLimitedQueue& q = tainter(node.zone, now);
  // A node that lacks the taint its status asks for goes to the back of the queue again.
  const char* key = status == ConditionStatus::False ? kTaintNotReady : kTaintUnreachable;
  if (!node.has_taint(key, TaintEffect::NoExecute)) q.remove(node.id);
  q.add(node.id, now.mono);
}

void NodeLifecycleCore::mark_reachable(const Node& node, Effects& out, const Now& now) {
  if (std::any_of(node.taints.begin(), node.taints.end(), is_no_execute)) enqueue(JobKind::Reachable, node.id, now, out);
  tainter(node.zone, now).remove(node.id);
}

void NodeLifecycleCore::tainting_pass(const Now& now, Effects& out) {
  for (RateLimitedQueue& q : tainters_) {
    while (auto id = q.try_take(now.mono)) {
      const Node* node = cached_node(*id);
      // A node that is gone, never posted Ready, or is Ready again leaves the queue untainted.
      if (!node || !node->ready() || *node->ready() == ConditionStatus::True) continue;
      enqueue(JobKind::NoExecute, *id, now, out);
    }
  }
  out.set_timer(kTaintTimer, kTaintPassPeriod);
}

void NodeLifecycleCore::on_node_cached(NodeId id, const Now& now, Effects& out) {
  if (no_schedule_queued_.size() <= id) no_schedule_queued_.resize(id + 1, false);
  if (evict_at_.size() <= id) evict_at_.resize(id + 1);
  const Node* node = cached_node(id);
  // doNoScheduleTaintingPass for the node the informer delivered (deduplicated as a workqueue).
  if (node && !no_schedule_queued_[id]) {
    // Each of the two keys is wrong when its presence differs from what Ready asks: so a node
    // that is Ready again loses whichever of them it carries (taintsToDel upstream).
    const char* want = no_schedule_key(node->ready());
    const bool wrong = node->has_taint(kTaintNotReady, TaintEffect::NoSchedule) != (want == kTaintNotReady) ||
                       node->has_taint(kTaintUnreachable, TaintEffect::NoSchedule) != (want == kTaintUnreachable);
    if (wrong) {
      no_schedule_queued_[id] = true;
      enqueue(JobKind::NoSchedule, id, now, out);
    }
  }
  // The taint eviction controller: a NoExecute taint both default tolerations tolerate for
  // defaultUnreachableTolerationSeconds schedules the pods' deletion; an existing schedule is
  // kept (processPodOnNode keeps the earlier trigger); no NoExecute taint cancels it.
  const bool tainted = node && std::any_of(node->taints.begin(), node->taints.end(), is_no_execute);
  if (tainted == evict_at_[id].has_value()) return;
  if (tainted) evict_at_[id] = now.mono + config_.default_unreachable_toleration;
  else evict_at_[id].reset();
  schedule_eviction_timer(now, out);
}

void NodeLifecycleCore::schedule_eviction_timer(const Now& now, Effects& out) {
  std::optional<LocalInstant> first;
  for (const auto& at : evict_at_)
    if (at && (!first || *at < *first)) first = at;
  if (first == evict_timer_at_) return;
  evict_timer_at_ = first;
  if (!first) {
    out.cancel_timer(kEvictTimer);
    return;
  }
  out.set_timer(kEvictTimer, *first > now.mono ? *first - now.mono : Duration{});
}

void NodeLifecycleCore::evict_due(const Now& now, Effects& out) {
  for (NodeId id = 0; id < evict_at_.size(); ++id) {
    if (!evict_at_[id] || *evict_at_[id] > now.mono) continue;
    evict_at_[id].reset();
    enqueue(JobKind::Evict, id, now, out);
  }
  schedule_eviction_timer(now, out);
}

void NodeLifecycleCore::enqueue(JobKind kind, NodeId node, const Now& now, Effects& out) {
  const Job job{kind, node};
  // One waiting copy of a job is enough (the front one may be in flight).
  if (std::find(jobs_.begin() + (job_in_flight_ ? 1 : 0), jobs_.end(), job) == jobs_.end()) jobs_.push_back(job);
  pump_jobs(now, out);
}

std::optional<Node> NodeLifecycleCore::job_body(const Job& job, const Node& base, const Now& now) const {
  Node node = base;
  bool changed = false;
  const std::optional<ConditionStatus> ready = base.ready();
  switch (job.kind) {
    case JobKind::NoSchedule: {
      const char* want = no_schedule_key(ready);
      changed |= set_taint(node, kTaintNotReady, TaintEffect::NoSchedule, want == kTaintNotReady, WallInstant{});
      changed |= set_taint(node, kTaintUnreachable, TaintEffect::NoSchedule, want == kTaintUnreachable, WallInstant{});
      break;
    }
    case JobKind::NoExecute: {
      // SwapNodeControllerTaint: the taint of the cached condition, the opposite one removed.
      if (!ready || *ready == ConditionStatus::True) return std::nullopt;
      const bool not_ready = *ready == ConditionStatus::False;
      changed |= set_taint(node, kTaintNotReady, TaintEffect::NoExecute, not_ready, now.wall);
      changed |= set_taint(node, kTaintUnreachable, TaintEffect::NoExecute, !not_ready, now.wall);
      break;
    }
    case JobKind::Reachable:
      changed |= set_taint(node, kTaintNotReady, TaintEffect::NoExecute, false, now.wall);
      changed |= set_taint(node, kTaintUnreachable, TaintEffect::NoExecute, false, now.wall);
      break;
    case JobKind::MarkPods:
    case JobKind::Evict:
      return std::nullopt;
  }
  if (!changed) return std::nullopt;
  return node;
}

void NodeLifecycleCore::pump_jobs(const Now& now, Effects& out) {
  while (!job_in_flight_ && !jobs_.empty()) {
    const Job job = jobs_.front();
    ApiRequest request;
    request.node = job.node;
    request.timeout = config_.elector.effective_request_timeout();
    if (job.kind == JobKind::MarkPods || job.kind == JobKind::Evict) {
      request.kind = ObjectKind::Pod;
      request.verb = job.kind == JobKind::MarkPods ? Verb::Update : Verb::Delete;
    } else {
      if (job.kind == JobKind::NoSchedule && job.node < no_schedule_queued_.size()) no_schedule_queued_[job.node] = false;
      const Node* cached = job_base_ ? &*job_base_ : cached_node(job.node);
      std::optional<Node> body = cached ? job_body(job, *cached, now) : std::nullopt;
      if (!body) {
        job_done(now, out);
        continue;
      }
      request.kind = ObjectKind::Node;
      request.verb = Verb::Update;
      request.node_body = std::move(body);
    }
    request.tag = next_tag();
    job_tag_ = request.tag;
    job_in_flight_ = true;
    job_getting_ = false;
    out.call(std::move(request));
  }
}

void NodeLifecycleCore::job_done(const Now& /*now*/, Effects& /*out*/) {
  jobs_.erase(jobs_.begin());
  job_in_flight_ = job_getting_ = false;
  job_tag_ = 0;
  job_attempt_ = 0;
  job_base_.reset();
}

void NodeLifecycleCore::job_response(const ApiResponse& response, const Now& now, Effects& out) {
  const Job job = jobs_.front();
  const bool ok = response.result == ApiResult::Ok;
  job_in_flight_ = false;
  job_tag_ = 0;
  if (job.kind == JobKind::MarkPods || job.kind == JobKind::Evict) {
    if (!ok && job.kind == JobKind::MarkPods) {
      // nodesToRetry: the next pass that sees the node not Ready marks its pods again.
      auto it = std::lower_bound(nodes_to_retry_.begin(), nodes_to_retry_.end(), job.node);
      if (it == nodes_to_retry_.end() || *it != job.node) nodes_to_retry_.insert(it, job.node);
    }
    if (!ok && job.kind == JobKind::Evict && ++job_attempt_ < kJobAttempts) {
      pump_jobs(now, out);  // the same job again
      return;
    }
    job_done(now, out);
    pump_jobs(now, out);
    return;
  }
  if (job_getting_) {
    job_getting_ = false;
    if (ok && response.node) {
      job_base_ = *response.node;
      pump_jobs(now, out);  // the write again, from the fresh object
      return;
    }
  } else if (ok) {
    // Our own write: the cache takes it if the informer has not delivered anything newer.
    if (response.node && job.node < nodes_.size() && nodes_[job.node] &&
        nodes_[job.node]->resource_version < response.node->resource_version)
      nodes_[job.node] = *response.node;
    job_done(now, out);
    pump_jobs(now, out);
    return;
  } else if (response.result == ApiResult::Conflict && ++job_attempt_ < kJobAttempts) {
    // RetryOnConflict: GET the node, then the write again from it.
    ApiRequest get;
    get.tag = next_tag();
    get.verb = Verb::Get;
    get.kind = ObjectKind::Node;
    get.node = job.node;
    get.timeout = config_.elector.effective_request_timeout();
    job_tag_ = get.tag;
    job_in_flight_ = job_getting_ = true;
    out.call(std::move(get));
    return;
  }
  // Given up. A NoExecute node goes back to its zone's queue, as a failed Try callback does.
  const Node* node = cached_node(job.node);
  job_done(now, out);
  if (job.kind == JobKind::NoExecute && node) {
    RateLimitedQueue& q = tainter(node->zone, now);
    q.remove(job.node);
    q.add(job.node, now.mono);
  }
  pump_jobs(now, out);
}

template <class H>
void NodeLifecycleCore::hash_taints_impl(H& h, const HashFrame& frame) const {
  h.u64(tainters_.size());
  for (const RateLimitedQueue& q : tainters_) q.hash_into(h, frame);
  h.u64(nodes_to_retry_.size());
  for (NodeId n : nodes_to_retry_) h.u64(n);
  h.u64(jobs_.size());
  for (const Job& j : jobs_) h.u64(static_cast<uint64_t>(j.kind) | (static_cast<uint64_t>(j.node) << 8));
  h.u64(static_cast<uint64_t>(job_in_flight_) | (static_cast<uint64_t>(job_getting_) << 1) |
        (static_cast<uint64_t>(job_attempt_) << 8));
  h.u64(frame.tag(job_tag_));
  h.boolean(job_base_.has_value());
  if (job_base_) job_base_->hash_into(h, frame);
  h.u64(no_schedule_queued_.size());
  for (size_t i = 0; i < no_schedule_queued_.size(); ++i)
    if (no_schedule_queued_[i]) h.u64(i);
  h.u64(evict_at_.size());
  for (size_t i = 0; i < evict_at_.size(); ++i)
    if (evict_at_[i]) h.u64(i).i64(frame.at(*evict_at_[i]));
}

void NodeLifecycleCore::hash_taints(Hasher& h, const HashFrame& frame) const { hash_taints_impl(h, frame); }
void NodeLifecycleCore::hash_taints(StateHasher& h, const HashFrame& frame) const { hash_taints_impl(h, frame); }

}  // namespace leasesim
