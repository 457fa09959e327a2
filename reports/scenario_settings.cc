// scenario_settings.cc: see scenario_settings.h.
#include "reports/scenario_settings.h"

#include <algorithm>
#include <type_traits>
#include <variant>

#include "model/process_model.h"

namespace leasesim {
namespace {

std::string rate_text(int64_t ppb) { return format_seconds(ppb); }  // ppb as an exact decimal

std::string client_go_text(const ClientGoConfig& c) {
  return "leaseDuration " + format_duration(c.lease_duration) + ", renewDeadline " + format_duration(c.renew_deadline) +
         ", retryPeriod " + format_duration(c.retry_period) + ", releaseOnCancel " +
         (c.release_on_cancel ? "true" : "false") + ", request timeout " + format_duration(c.effective_request_timeout()) +
         (c.rejoin_after_loss ? ", rejoins after a loss" : ", exits after a loss");
}

// One alternative of ModelConfig in words. Every alternative has its own branch, and a new one
// fails to compile here instead of failing at run time (earlier builds knew only client-go and
// the tutorial elector, and `report` on a node, identity or coordinated scenario ended in an
// internal error).
template <class C>
std::string model_text(const C& c) {
  if constexpr (std::is_same_v<C, ClientGoConfig>) {
    return client_go_text(c);
  } else if constexpr (std::is_same_v<C, TutorialConfig>) {
    return "loopPeriod " + format_duration(c.loop_period) +
           (c.crash_on_error ? ", dies on any error" : ", logs errors and goes on") +
           (c.request_timeout.ns > 0 ? ", request timeout " + format_duration(c.request_timeout) : ", no request timeout");
  } else if constexpr (std::is_same_v<C, CleControllerConfig>) {
    return "its own election: " + client_go_text(c.lock);
  } else if constexpr (std::is_same_v<C, KubeApiserverConfig>) {
    return "hostname " + c.hostname + ", identityLeaseDurationSeconds " +
           std::to_string(c.identity_lease_duration_seconds) + ", identityLeaseRenewInterval " +
           format_duration(c.identity_lease_renew_interval) + ", gcPeriod " + format_duration(c.gc_period) +
           (c.gc ? "" : " (gc off)") + ", request timeout " + format_duration(c.request_timeout) +
           (c.coordinated_leader_election ? ", coordinatedLeaderElection" : "");
  } else if constexpr (std::is_same_v<C, NodeLifecycleConfig>) {
    return client_go_text(c.elector) + "; nodeMonitorPeriod " + format_duration(c.node_monitor_period) +
           ", nodeMonitorGracePeriod " + format_duration(c.node_monitor_grace_period) + ", nodeStartupGracePeriod " +
           format_duration(c.node_startup_grace_period) + ", nodeEvictionRate " + rate_text(c.node_eviction_rate_ppb) +
           ", secondaryNodeEvictionRate " + rate_text(c.secondary_node_eviction_rate_ppb) +
           ", largeClusterSizeThreshold " + std::to_string(c.large_cluster_size_threshold) +
           ", unhealthyZoneThreshold " + rate_text(c.unhealthy_zone_threshold_ppb) +
           ", defaultUnreachableTolerationSeconds " + format_duration(c.default_unreachable_toleration);
  } else if constexpr (std::is_same_v<C, KubeletConfig>) {
    std::string labels;
    for (const auto& [k, v] : c.labels) labels += (labels.empty() ? "" : ", ") + k + "=" + v;
    return "nodeLeaseDurationSeconds " + std::to_string(c.node_lease_duration_seconds) + ", nodeStatusUpdateFrequency " +
           format_duration(c.node_status_update_frequency) + ", nodeStatusReportFrequency " +
           format_duration(c.node_status_report_frequency) + ", zone " + c.zone +
           (labels.empty() ? "" : ", labels " + labels) + ", " + std::to_string(c.pods) + " pods";
  } else if constexpr (std::is_same_v<C, ClientGoRealConfig>) {
    return client_go_text(c.timings) + (c.helper.empty() ? "; the built-in helper" : "; helper " + c.helper);
  } else {
    static_assert(std::is_same_v<C, ExecConfig>, "a model config without words in the report");
    std::string command;
    for (const std::string& a : c.command) command += (command.empty() ? "" : " ") + a;
    return "command " + command + ", leaderPattern " + c.leader_pattern;
  }
}

std::string config_text(const ModelConfig& model) {
  return std::visit([](const auto& c) { return model_text(c); }, model);
}

// Processes alike for the report's groups: the same model and config, except a kubelet's
// NodeId, which the loader gives each kubelet (so a thousand equal kubelets form one group).
bool same_model(const ModelConfig& a, const ModelConfig& b) {
  const auto* ka = std::get_if<KubeletConfig>(&a);
  const auto* kb = std::get_if<KubeletConfig>(&b);
  if (!ka || !kb) return a == b;
  KubeletConfig x = *ka, y = *kb;
  x.node = y.node = 0;
  return x == y;
}

std::string target_text(const Scenario& s, const FaultTarget& t) {
  switch (t.kind) {
    case FaultTarget::Kind::Leader: return "the acting leader";
    case FaultTarget::Kind::Process: return s.processes.at(t.process).name;
    case FaultTarget::Kind::None: break;
  }
  return "the API server";
}

std::string fault_text(const Scenario& s, const FaultSpec& f) {
  std::string out = std::string(fault_type_name(f.type)) + " at " + format_duration(f.at);
  if (f.type != FaultType::ApiServerOutage && f.type != FaultType::ApiServerSlow) out += " of " + target_text(s, f.target);
  if (f.type == FaultType::Partition) out += std::string(" (") + direction_name(f.direction) + ")";
  if (f.type == FaultType::ClockJump) out += " by " + format_duration(f.by);
  if (f.type == FaultType::ApiServerOutage) out += std::string(" (") + outage_mode_name(f.mode) + ")";
  if (f.type == FaultType::ApiServerSlow)
    out += " (latency " + format_duration(f.latency.min) + "-" + format_duration(f.latency.max) + ")";
  if (f.type == FaultType::Pause || f.type == FaultType::Partition || f.type == FaultType::ApiServerOutage ||
      f.type == FaultType::ApiServerSlow)
    out += f.for_ ? " for " + format_duration(*f.for_) : " to the end";
  return out;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> scenario_settings(const Scenario& s) {
  std::vector<std::pair<std::string, std::string>> out;
  // A scenario with real programs (model: exec) only runs live, under `serve`: one run, real time.
  const bool live = std::any_of(s.processes.begin(), s.processes.end(),
                                [](const ProcessSpec& p) { return runs_live_only(p.model); });
  out.emplace_back("horizon", format_duration(s.duration) +
                                  (live ? " of real time, in one live run" : " of simulated time per seed"));
  // Groups of consecutive processes alike in everything but their name (and a kubelet's lease).
  for (size_t i = 0; i < s.processes.size();) {
    size_t j = i + 1;
    const ProcessSpec& p = s.processes[i];
    auto alike = [&](const ProcessSpec& q) {
      // A kubelet's lease is its own (kube-node-lease/<name>): kubelets group across leases.
      const bool own_lease = std::holds_alternative<KubeletConfig>(p.model);
      return same_model(q.model, p.model) && q.clock == p.clock && q.start == p.start &&
             (q.lease == p.lease || own_lease) && q.quiesce == p.quiesce;
    };
    while (j < s.processes.size() && alike(s.processes[j])) ++j;
    const std::string names = j - i == 1 ? p.name : p.name + " .. " + s.processes[j - 1].name + " (" + std::to_string(j - i) + ")";
    const std::string lease =
        j - i > 1 && std::holds_alternative<KubeletConfig>(p.model) ? "their own leases in kube-node-lease" : s.lease_keys[p.lease];
    std::string text = std::string(model_name(p.model)) + " on " + lease + ": " + config_text(p.model) +
                       "; clock rate " + rate_text(p.clock.rate_ppb) + ", offset " + format_duration(p.clock.offset) +
                       "; starts at " + format_duration(p.start);
    if (p.quiesce.ns > 0) text += "; quiesce " + format_duration(p.quiesce);
    out.emplace_back("processes " + names, text);
    i = j;
  }
  out.emplace_back("API server", "one-way latency " + format_duration(s.api_server.latency.min) + "-" +
                                     format_duration(s.api_server.latency.max) + " per request and per response; conflict check " +
                                     (s.api_server.conflict_check ? "on" : "off (what-if)"));
  std::string faults;
  for (const FaultSpec& f : s.faults) faults += (faults.empty() ? "" : "; ") + fault_text(s, f);
  out.emplace_back("faults", faults.empty() ? "none" : faults);
  std::string props;
  auto add = [&](const std::string& p) { props += (props.empty() ? "" : ", ") + p; };
  if (s.properties.single_leader) add("singleLeader");
  if (s.properties.transitions_match) add("transitionsMatch");
  if (s.properties.failover_within_auto) add("failoverWithin auto (each episode against its cause's analytic bound)");
  else if (s.properties.failover_within) add("failoverWithin " + format_duration(*s.properties.failover_within));
  if (s.properties.eventually_leader) add("eventuallyLeader " + format_duration(*s.properties.eventually_leader));
  if (s.properties.elects_preferred) add("electsPreferred");
  // The identity properties judge kube-apiserver identity leases; they are on by default, so
  // they are named only where such processes run.
  const bool identity = std::any_of(s.processes.begin(), s.processes.end(), [](const ProcessSpec& p) {
    return std::holds_alternative<KubeApiserverConfig>(p.model);
  });
  if (identity && s.properties.no_live_identity_deleted) add("noLiveIdentityDeleted");
  if (s.properties.stale_identity_collected_within_auto) add("staleIdentityCollectedWithin auto (the analytic bound)");
  else if (s.properties.stale_identity_collected_within)
    add("staleIdentityCollectedWithin " + format_duration(*s.properties.stale_identity_collected_within));
  if (s.properties.node_not_ready_within_auto) add("nodeNotReadyWithin auto (the analytic bound)");
  else if (s.properties.node_not_ready_within)
    add("nodeNotReadyWithin " + format_duration(*s.properties.node_not_ready_within));
  if (s.properties.no_false_not_ready) add("noFalseNotReady");
  if (s.properties.max_pod_evictions) add("maxPodEvictions " + std::to_string(*s.properties.max_pod_evictions));
  std::string expect;
  for (const std::string& v : s.expect.violated) expect += (expect.empty() ? "" : ", ") + v;
  out.emplace_back("properties", (props.empty() ? std::string("none") : props) +
                                     (s.expect.present ? "; expected to violate: [" + expect + "]" : ""));
  return out;
}

}  // namespace leasesim
