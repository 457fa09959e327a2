// world_watch.cc: watches (list, then watch), the watchStall fault and Node writes: the parts
// of the World's event loop that serve informers (see world.h, "Watches").
#include <algorithm>

#include "core/check.h"
#include "sim/world.h"

namespace leasesim {
namespace {

// The `a` word of a WatchDeliver event that tells the process to list again.
constexpr uint64_t kRelistWatch = ~0ull;

uint8_t watch_bit(ObjectKind kind) { return static_cast<uint8_t>(1u << static_cast<unsigned>(kind)); }

bool is_alive(ProcStatus s) { return s == ProcStatus::Running || s == ProcStatus::Stopping; }

}  // namespace

void WorldCore::open_watch(const InFlight& f) {
  ProcessRuntime& pr = procs_[f.proc];
  // A List of an incarnation that has since died opens nothing: its watch died with it.
  if (pr.incarnation != f.incarnation || !is_alive(pr.status)) return;
  pr.watches |= watch_bit(f.request.kind);
  if (std::find(watchers_.begin(), watchers_.end(), f.proc) == watchers_.end()) watchers_.push_back(f.proc);
}

void WorldCore::notify_watchers(ObjectKind kind, uint32_t id, Chooser& chooser) {
  const uint64_t a = (static_cast<uint64_t>(kind) << 32) | id;
  const uint32_t rv = static_cast<uint32_t>(api_.resource_version());
  for (uint32_t w : watchers_) {
    if ((procs_[w].watches & watch_bit(kind)) == 0) continue;
    // The event travels to the watcher as a response does: one latency draw.
    push(now_ + draw_latency(chooser, w, subject(Subject::WatchLeg, w)), EventKind::WatchDeliver, w, a, rv);
  }
}

void WorldCore::watch_stall_end(uint32_t p) {
  ProcessRuntime& pr = procs_[p];
  if (pr.watch_stall == 0 || --pr.watch_stall > 0) return;
  // The stalled stream is noticed as dead now: the reflector lists again.
  if (pr.watches != 0 && is_alive(pr.status)) push(now_, EventKind::WatchDeliver, p, kRelistWatch, 0);
}

void WorldCore::partition_healed(uint32_t p, Direction direction) {
  ProcessRuntime& pr = procs_[p];
  // Only a cut of the responses lost watch events, and only once every such cut has healed
  // does the stream carry events again; a stall still running lists at its own end.
  if (direction == Direction::Requests || !network_.responses_reach_process(p)) return;
  if (pr.watch_stall > 0 || pr.watches == 0 || !is_alive(pr.status)) return;
  // The stream either died (HTTP/2's health check closes a connection that answers no ping for
  // about 45 s) or comes back with what it missed; either way the watcher's cache ends up as
  // fresh as a new list, which is what the relist gives it (docs/nodes.md, "Watches").
  push(now_, EventKind::WatchDeliver, p, kRelistWatch, 0);
}

void WorldCore::on_watch_deliver(const Event& e, Chooser& chooser, Trace* trace) {
  ProcessRuntime& pr = procs_[e.proc];
  if (pr.incarnation != e.incarnation || !is_alive(pr.status)) return;
  WatchDelivery event;
  if (e.a == kRelistWatch) {
    if (defer_if_paused(e)) return;
    event.type = WatchDelivery::Type::Relist;
  } else {
    const auto kind = static_cast<ObjectKind>(e.a >> 32);
    const auto id = static_cast<uint32_t>(e.a);
    if (pr.watch_stall > 0 || (pr.watches & watch_bit(kind)) == 0) return;  // dropped; a relist follows
    // A watch event is streamed to the watcher as a response is: a partition that cuts the
    // watcher's responses loses it, and the watcher lists again when the partition heals
    // (partition_healed).
    if (!network_.responses_reach_process(e.proc)) return;
    if (defer_if_paused(e)) return;
    if (kind == ObjectKind::Node) {
      const std::optional<Node>& node = api_.nodes().node(id);
      if (node && static_cast<uint32_t>(node->resource_version) != e.b) return;  // a newer version follows
      event.type = WatchDelivery::Type::Node;
      event.node_id = id;
      event.node = node ? &*node : nullptr;
    } else {
      const std::optional<Lease>& lease = api_.lease(id);
      if (lease && static_cast<uint32_t>(lease->resource_version) != e.b) return;
      event.type = WatchDelivery::Type::Lease;
      event.lease_id = id;
      event.lease = lease ? &*lease : nullptr;
    }
  }
  react_watch(e.proc, event, chooser, trace);
}

void WorldCore::record_node_write(const InFlight& f, const ApiOutcome& outcome, Trace* trace) {
  LS_CHECK(outcome.node_after.has_value(), "a committed Node write without its object");
  NodeWrite w;
  w.t = now_;
  w.node = f.request.node;
  w.proc = f.proc;
  w.verb = f.request.verb;
  w.before = outcome.node_before;
  w.after = *outcome.node_after;
  w.late = f.client_done;
  if (trace) {
    const std::string& node = scenario_->node_names[w.node];
    const std::string& proc = scenario_->processes[f.proc].name;
    const std::optional<ConditionStatus> before = w.before ? w.before->ready() : std::nullopt;
    const std::optional<ConditionStatus> after = w.after.ready();
    if (after && after != before) {
      const NodeCondition& c = w.after.condition(ConditionType::Ready);
      trace->line(now_, "node")
          .str("node", node)
          .str("proc", proc)
          .str("ready", condition_status_name(*after))
          .str("reason", c.reason)
          .unum("rv", w.after.resource_version)
          .end();
    }
    // Taints added and removed by this write.
    auto has = [](const Node* n, const Taint& t) { return n && n->has_taint(t.key.str(), t.effect); };
    const Node* old = w.before ? &*w.before : nullptr;
    for (const Taint& t : w.after.taints)
      if (!has(old, t))
        trace->line(now_, "taint").str("node", node).str("proc", proc).str("key", t.key).str("effect", taint_effect_name(t.effect)).str("change", "added").end();
    if (old)
      for (const Taint& t : old->taints)
        if (!has(&w.after, t))
          trace->line(now_, "taint").str("node", node).str("proc", proc).str("key", t.key).str("effect", taint_effect_name(t.effect)).str("change", "removed").end();
  }
  history_.mut().node_writes.push_back(std::move(w));
}

void WorldCore::record_pod_write(const InFlight& f, const ApiOutcome& outcome, Trace* trace) {
  PodWrite w;
  w.t = now_;
  w.node = f.request.node;
  w.proc = f.proc;
  w.verb = f.request.verb;
  w.pods = outcome.response.pod_count;
  if (trace) {
    // Deletions are the `eviction` type; MarkPodsNotReady is a `pods` line.
    TraceLine line = w.verb == Verb::Delete ? trace->line(now_, "eviction") : trace->line(now_, "podsNotReady");
    line.str("node", scenario_->node_names[w.node])
        .str("proc", scenario_->processes[f.proc].name)
        .num("pods", w.pods)
        .end();
  }
  history_.mut().pod_writes.push_back(std::move(w));
}

}  // namespace leasesim
