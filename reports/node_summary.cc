// node_summary.cc: see node_summary.h.
#include "reports/node_summary.h"

#include <algorithm>
#include <map>
#include <string>

namespace leasesim {
namespace {

using json = nlohmann::ordered_json;

double seconds_of(int64_t ns) { return static_cast<double>(ns) / 1e9; }
json at_or_null(const std::optional<TrueInstant>& t) { return t ? json(seconds_of(t->ns)) : json(nullptr); }

struct TaintSpan {
  std::string key;
  std::string effect;
  TrueInstant at;
  std::optional<TrueInstant> until;
};

}  // namespace

void add_node_summary(const RunResult& run, json& out) {
  const Scenario& s = *run.scenario;
  if (s.node_names.empty()) return;
  const World& w = run.world;
  std::vector<json> changes(s.node_names.size(), json::array());
  std::vector<std::vector<TaintSpan>> taints(s.node_names.size());
  for (const NodeWrite& nw : w.history().node_writes) {
    const auto before = nw.before ? nw.before->ready() : std::nullopt;
    const auto after = nw.after.ready();
    if (after && after != before) {
      changes[nw.node].push_back(
          json{{"at", seconds_of(nw.t.ns)}, {"status", condition_status_name(*after)}, {"by", s.processes[nw.proc].name}});
    }
    auto& spans = taints[nw.node];
    for (const Taint& t : nw.after.taints) {
      if (nw.before && nw.before->has_taint(t.key.str(), t.effect)) continue;
      spans.push_back(TaintSpan{t.key.str(), taint_effect_name(t.effect), nw.t, std::nullopt});
    }
    for (TaintSpan& span : spans) {
      if (span.until) continue;
      bool kept = false;
      for (const Taint& t : nw.after.taints)
        if (t.key == span.key && span.effect == taint_effect_name(t.effect)) kept = true;
      if (!kept) span.until = nw.t;
    }
  }
  std::vector<int64_t> evicted(s.node_names.size(), 0), marked(s.node_names.size(), 0);
  int64_t evictions = 0;
  for (const PodWrite& pw : w.history().pod_writes) {
    if (pw.verb == Verb::Delete) {
      evicted[pw.node] += pw.pods;
      evictions += pw.pods;
    } else {
      marked[pw.node] += pw.pods;
    }
  }
  json nodes = json::array();
  for (NodeId n = 0; n < s.node_names.size(); ++n) {
    const std::optional<Node>& node = w.api_server().nodes().node(n);
    json taint_list = json::array();
    for (const TaintSpan& t : taints[n])
      taint_list.push_back(json{{"key", t.key}, {"effect", t.effect}, {"at", seconds_of(t.at.ns)}, {"until", at_or_null(t.until)}});
    const auto ready = node ? node->ready() : std::nullopt;
    json row{{"name", s.node_names[n]}, {"zone", node ? json(node->zone.str()) : json(nullptr)}};
    // A node's other labels only when it has some, so unlabelled runs print what they did.
    if (node && !node->labels.empty()) {
      json labels = json::object();
      for (const auto& [k, v] : node->labels) labels[k] = v;
      row["labels"] = labels;
    }
    row["ready"] = ready ? json(condition_status_name(*ready)) : json(nullptr);
    row["readyChanges"] = changes[n];
    row["taints"] = taint_list;
    row["podsEvicted"] = evicted[n];
    row["podsMarkedNotReady"] = marked[n];
    nodes.push_back(std::move(row));
  }
  out["nodes"] = nodes;
  out["evictions"] = evictions;
  json detections = json::array();
  for (const NodeDetection& d : run.evaluation.node_detections) {
    const auto detection = d.detection();
    detections.push_back(json{{"node", s.node_names[d.node]},
                              {"cause", d.cause},
                              {"faultAt", seconds_of(d.fault_at.ns)},
                              {"lastRenewalAt", at_or_null(d.last_renewal_at)},
                              {"unknownAt", at_or_null(d.unknown_at)},
                              {"detection", detection ? json(seconds_of(detection->ns)) : json(nullptr)}});
  }
  out["nodeDetections"] = detections;
}

void node_summary_text(const RunResult& run, std::ostream& o) {
  const Scenario& s = *run.scenario;
  if (s.node_names.empty()) return;
  const World& w = run.world;
  o << "\nnodes\n";
  size_t not_ready = 0;
  for (NodeId n = 0; n < s.node_names.size(); ++n) {
    const std::optional<Node>& node = w.api_server().nodes().node(n);
    const auto ready = node ? node->ready() : std::nullopt;
    if (!ready || *ready != ConditionStatus::True) ++not_ready;
  }
  o << "  " << s.node_names.size() << " nodes, " << (s.node_names.size() - not_ready) << " Ready at the end\n";
  int64_t evicted = 0, marked = 0;
  std::vector<bool> evicted_on(s.node_names.size(), false);
  for (const PodWrite& pw : w.history().pod_writes) {
    (pw.verb == Verb::Delete ? evicted : marked) += pw.pods;
    if (pw.verb == Verb::Delete && pw.pods > 0) evicted_on[pw.node] = true;
  }
  size_t no_execute = 0;
  for (const NodeWrite& nw : w.history().node_writes)
    for (const Taint& t : nw.after.taints)
      if (t.effect == TaintEffect::NoExecute && !(nw.before && nw.before->has_taint(t.key.str(), t.effect))) ++no_execute;
  o << "  " << no_execute << " NoExecute taints added; " << marked << " pods marked NotReady; " << evicted
    << " pods evicted from " << std::count(evicted_on.begin(), evicted_on.end(), true) << " nodes\n";
  size_t shown = 0;
  for (const NodeDetection& d : run.evaluation.node_detections) {
    if (++shown > 10) {
      o << "  ... and " << (run.evaluation.node_detections.size() - 10) << " more detections (see --format json)\n";
      break;
    }
    o << "  " << d.cause << " of " << s.node_names[d.node] << " at " << format_seconds(d.fault_at.ns) << "s: ";
    if (d.unknown_at) {
      o << "Ready=Unknown at " << format_seconds(d.unknown_at->ns) << "s, detection " << format_duration(*d.detection())
        << "\n";
    } else {
      o << "never Ready=Unknown\n";
    }
  }
}

}  // namespace leasesim
