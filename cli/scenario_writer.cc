// scenario_writer.cc: canonical scenario files (see scenario_writer.h for the contract).
//
// One document tree (nlohmann::ordered_json, so key order is the schema's order) is built from
// the Scenario and then either dumped as JSON or walked into a yaml-cpp Emitter; both formats
// therefore always carry the same content.
#include "cli/scenario_writer.h"

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>

#include "sim/replay.h"

namespace leasesim {
namespace {

using Json = nlohmann::ordered_json;

// Objects whose values are all scalars and that have at most this many entries are written in
// YAML flow style ({min: 1ms, max: 5ms}), which keeps small groups on one line.
constexpr size_t kMaxFlowEntries = 3;

// The exact decimal of a rate in parts per billion: 1000100000 -> "1.0001", 1e9 -> "1.0".
std::string rate_text(int64_t ppb) {
  std::string fraction = std::to_string(ppb % kRateOne);
  fraction.insert(0, 9 - fraction.size(), '0');
  while (fraction.size() > 1 && fraction.back() == '0') fraction.pop_back();
  return std::to_string(ppb / kRateOne) + "." + fraction;
}

// RFC 3339 keeping every nanosecond, so startTime survives a round trip exactly.
std::string exact_time(WallInstant t) {
  const WallInstant whole = truncate_to_seconds(t);
  std::string text = format_rfc3339_seconds(whole);  // "...:SSZ"
  const int64_t nanos = (t - whole).ns;
  if (nanos == 0) return text;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%09lld", static_cast<long long>(nanos));
  std::string fraction(buf);
  while (fraction.back() == '0') fraction.pop_back();
  text.insert(text.size() - 1, "." + fraction);
  return text;
}

Json latency_json(const LatencyRange& l) {
  return Json{{"min", format_duration(l.min)}, {"max", format_duration(l.max)}};
}

std::pair<std::string, std::string> split_key(const std::string& key) {
  const size_t slash = key.find('/');
  return {key.substr(0, slash), key.substr(slash + 1)};
}

Json lease_json(const Scenario& s, const InitialLease& lease) {
  const auto [name_space, name] = split_key(s.lease_keys.at(lease.id));
  Json metadata{{"name", name}, {"namespace", name_space}};
  if (!lease.labels.empty()) {
    Json labels = Json::object();
    for (const auto& [k, v] : lease.labels) labels[k] = v;  // std::map: sorted, deterministic
    metadata["labels"] = labels;
  }
  const LeaseSpec& ls = lease.spec;
  Json spec = Json::object();
  if (ls.holder_identity) spec["holderIdentity"] = *ls.holder_identity;
  if (ls.lease_duration_seconds) spec["leaseDurationSeconds"] = *ls.lease_duration_seconds;
  if (ls.acquire_time) spec["acquireTime"] = format_rfc3339_micro(*ls.acquire_time);
  if (ls.renew_time) spec["renewTime"] = format_rfc3339_micro(*ls.renew_time);
  if (ls.lease_transitions) spec["leaseTransitions"] = *ls.lease_transitions;
  if (ls.strategy) spec["strategy"] = *ls.strategy;
  if (ls.preferred_holder) spec["preferredHolder"] = *ls.preferred_holder;
  return Json{{"apiVersion", "coordination.k8s.io/v1"}, {"kind", "Lease"}, {"metadata", metadata}, {"spec", spec}};
}

// A decimal from parts per billion, as a number (the loader reads decimals from plain
// scalars only). YAML output writes it back as its exact decimal text (emit, below). JSON
// prints the shortest text that reads back as the same double, which for the rates and
// thresholds users write ("0.1", "0.55") is that text; below 0.0001 nlohmann prints an
// exponent ("1e-05"), which the loader does not read: a known limit of JSON output.
double ppb_text(int64_t ppb) { return static_cast<double>(ppb) / 1e9; }

Json node_lifecycle_config_json(const NodeLifecycleConfig& n) {
  const ClientGoConfig& c = n.elector;
  Json config = Json::object();
  if (!c.preset.empty()) config["preset"] = c.preset;
  config["leaseDuration"] = format_duration(c.lease_duration);
  config["renewDeadline"] = format_duration(c.renew_deadline);
  config["retryPeriod"] = format_duration(c.retry_period);
  config["releaseOnCancel"] = c.release_on_cancel;
  config["requestTimeout"] = format_duration(c.request_timeout);
  config["afterLeadershipLoss"] = c.rejoin_after_loss ? "rejoin" : "exit";
  config["nodeMonitorPeriod"] = format_duration(n.node_monitor_period);
  config["nodeMonitorGracePeriod"] = format_duration(n.node_monitor_grace_period);
  config["nodeStartupGracePeriod"] = format_duration(n.node_startup_grace_period);
  config["nodeEvictionRate"] = ppb_text(n.node_eviction_rate_ppb);
  config["secondaryNodeEvictionRate"] = ppb_text(n.secondary_node_eviction_rate_ppb);
  config["largeClusterSizeThreshold"] = n.large_cluster_size_threshold;
  config["unhealthyZoneThreshold"] = ppb_text(n.unhealthy_zone_threshold_ppb);
  config["defaultUnreachableTolerationSeconds"] = format_duration(n.default_unreachable_toleration);
  return config;
}

Json config_json(const ProcessSpec& p) {
  Json config = Json::object();
  if (const auto* t = std::get_if<TutorialConfig>(&p.model)) {
    config["loopPeriod"] = format_duration(t->loop_period);
    config["crashOnError"] = t->crash_on_error;
    config["requestTimeout"] = format_duration(t->request_timeout);
  } else if (const auto* n = std::get_if<NodeLifecycleConfig>(&p.model)) {
    config = node_lifecycle_config_json(*n);
  } else if (const auto* c = std::get_if<ClientGoConfig>(&p.model)) {
    // The preset is written first and every field after it, so loading reproduces both the
    // values and the recorded preset name.
    if (!c->preset.empty()) config["preset"] = c->preset;
    config["leaseDuration"] = format_duration(c->lease_duration);
    config["renewDeadline"] = format_duration(c->renew_deadline);
    config["retryPeriod"] = format_duration(c->retry_period);
    config["releaseOnCancel"] = c->release_on_cancel;
    config["requestTimeout"] = format_duration(c->request_timeout);
    config["afterLeadershipLoss"] = c->rejoin_after_loss ? "rejoin" : "exit";
    if (c->coordinated) {
      config["coordinated"] = true;
      config["binaryVersion"] = c->binary_version;
      config["emulationVersion"] = c->emulation_version;
    }
  } else if (const auto* cle = std::get_if<CleControllerConfig>(&p.model)) {
    config["leaseDuration"] = format_duration(cle->lock.lease_duration);
    config["renewDeadline"] = format_duration(cle->lock.renew_deadline);
    config["retryPeriod"] = format_duration(cle->lock.retry_period);
    config["requestTimeout"] = format_duration(cle->lock.request_timeout);
    config["afterLeadershipLoss"] = cle->lock.rejoin_after_loss ? "rejoin" : "exit";
  } else if (const auto* e = std::get_if<ExecConfig>(&p.model)) {
    config["command"] = e->command;
    Json env = Json::object();
    for (const auto& [k, v] : e->env) env[k] = v;  // std::map: sorted, deterministic
    config["env"] = env;
    config["leaderPattern"] = e->leader_pattern;
    if (!e->follower_pattern.empty()) config["followerPattern"] = e->follower_pattern;
    config["stopGracePeriod"] = format_duration(e->stop_grace_period);
  } else if (const auto* k = std::get_if<KubeApiserverConfig>(&p.model)) {
    config["hostname"] = k->hostname;
    config["identityLeaseDurationSeconds"] = k->identity_lease_duration_seconds;
    config["identityLeaseRenewInterval"] = format_duration(k->identity_lease_renew_interval);
    config["gcPeriod"] = format_duration(k->gc_period);
    config["gc"] = k->gc;
    config["requestTimeout"] = format_duration(k->request_timeout);
    if (k->coordinated_leader_election) config["coordinatedLeaderElection"] = true;
    return config;  // no quiesce key
  } else if (const auto* kl = std::get_if<KubeletConfig>(&p.model)) {
    config["nodeLeaseDurationSeconds"] = kl->node_lease_duration_seconds;
    config["nodeStatusUpdateFrequency"] = format_duration(kl->node_status_update_frequency);
    config["nodeStatusReportFrequency"] = format_duration(kl->node_status_report_frequency);
    config["zone"] = kl->zone;
    if (!kl->labels.empty()) {
      Json labels = Json::object();
      for (const auto& [k, v] : kl->labels) labels[k] = v;
      config["labels"] = labels;
    }
    config["pods"] = kl->pods;
    return config;  // no quiesce: it never leads
  }
  config["quiesce"] = format_duration(p.quiesce);
  return config;
}

Json process_json(const Scenario& s, const ProcessSpec& p) {
  if (model_entry(p.model).implied_lease) {
    // The model derives its lease and holder from its config (kube-apiserver: the hostname).
    return Json{{"name", p.name},
                {"model", model_name(p.model)},
                {"config", config_json(p)},
                {"clock", Json{{"offset", format_duration(p.clock.offset)}, {"rate", rate_text(p.clock.rate_ppb)}}},
                {"start", format_duration(p.start)}};
  }
  return Json{{"name", p.name},
              {"identity", p.identity},
              {"model", model_name(p.model)},
              {"lease", s.lease_keys.at(p.lease)},
              {"config", config_json(p)},
              {"clock", Json{{"offset", format_duration(p.clock.offset)}, {"rate", rate_text(p.clock.rate_ppb)}}},
              {"start", format_duration(p.start)}};
}

Json fault_json(const Scenario& s, const FaultSpec& f) {
  Json fault{{"at", format_duration(f.at)}};
  if (f.for_) fault["for"] = format_duration(*f.for_);
  fault["type"] = fault_type_name(f.type);
  if (f.target.kind == FaultTarget::Kind::Leader) fault["target"] = "leader";
  if (f.target.kind == FaultTarget::Kind::Process) fault["target"] = s.processes.at(f.target.process).name;
  if (f.type == FaultType::Partition) fault["direction"] = direction_name(f.direction);
  if (f.type == FaultType::ClockJump) fault["by"] = format_duration(f.by);
  if (f.type == FaultType::ApiServerOutage) fault["mode"] = outage_mode_name(f.mode);
  if (f.type == FaultType::ApiServerSlow) fault["latency"] = latency_json(f.latency);
  return fault;
}

Json properties_json(const PropertySpec& p) {
  Json out{{"singleLeader", p.single_leader}, {"transitionsMatch", p.transitions_match}};
  if (p.failover_within_auto)
    out["failoverWithin"] = "auto";
  else if (p.failover_within)
    out["failoverWithin"] = format_duration(*p.failover_within);
  if (p.eventually_leader) out["eventuallyLeader"] = format_duration(*p.eventually_leader);
  if (p.elects_preferred) out["electsPreferred"] = true;
  if (!p.no_live_identity_deleted) out["noLiveIdentityDeleted"] = false;
  if (p.stale_identity_collected_within_auto)
    out["staleIdentityCollectedWithin"] = "auto";
  else if (p.stale_identity_collected_within)
    out["staleIdentityCollectedWithin"] = format_duration(*p.stale_identity_collected_within);
  if (p.node_not_ready_within_auto)
    out["nodeNotReadyWithin"] = "auto";
  else if (p.node_not_ready_within)
    out["nodeNotReadyWithin"] = format_duration(*p.node_not_ready_within);
  if (p.no_false_not_ready) out["noFalseNotReady"] = true;
  if (p.max_pod_evictions) out["maxPodEvictions"] = *p.max_pod_evictions;
  return out;
}

// Only what is set: an explore block exists for `check` bounds and counterexample replays.
Json explore_json(const Scenario& s, const ExploreSpec& e) {
  Json out = Json::object();
  if (e.depth) out["depth"] = *e.depth;
  if (e.max_states) out["maxStates"] = *e.max_states;
  if (e.horizon) out["horizon"] = format_duration(*e.horizon);
  if (e.latency_points) out["latencyPoints"] = point_names(e.latency_points);
  if (e.jitter_points) out["jitterPoints"] = point_names(e.jitter_points);
  if (e.faults != ExploreFaults{}) {
    Json faults{{"max", e.faults.max}, {"at", Json::array()}, {"candidates", Json::array()}};
    for (Duration at : e.faults.at) faults["at"].push_back(format_duration(at));
    for (const FaultSpec& c : e.faults.candidates) {
      Json candidate = fault_json(s, c);
      candidate.erase("at");
      faults["candidates"].push_back(candidate);
    }
    out["faults"] = faults;
  }
  if (!e.replay.empty()) {
    out["replay"] = Json::array();
    for (const ReplayChoice& c : e.replay) out["replay"].push_back(format_replay_choice(c));
  }
  return out;
}

Json scenario_json(const Scenario& s) {
  Json metadata{{"name", s.name}};
  if (!s.description.empty()) metadata["description"] = s.description;
  Json spec{{"seed", s.seed},
            {"duration", format_duration(s.duration)},
            {"startTime", exact_time(s.start_time)},
            {"apiServer",
             Json{{"latency", latency_json(s.api_server.latency)}, {"conflictCheck", s.api_server.conflict_check}}}};
  spec["leases"] = Json::array();
  for (const InitialLease& lease : s.leases) spec["leases"].push_back(lease_json(s, lease));
  spec["processes"] = Json::array();
  for (const ProcessSpec& p : s.processes) spec["processes"].push_back(process_json(s, p));
  spec["faults"] = Json::array();
  for (const FaultSpec& f : s.faults) spec["faults"].push_back(fault_json(s, f));
  spec["properties"] = properties_json(s.properties);
  if (s.expect.present) spec["expect"] = Json{{"violated", s.expect.violated}};
  spec["bounds"] = Json{{"maxEvents", s.max_events}};
  if (s.explore != ExploreSpec{}) spec["explore"] = explore_json(s, s.explore);
  return Json{{"apiVersion", "leasesim/v1alpha1"}, {"kind", "Scenario"}, {"metadata", metadata}, {"spec", spec}};
}

// ---------------------------------------------------------------------------------------------
// YAML emission of the document tree.

// Strings the YAML reader would take for null, a boolean or a number, or that would vanish,
// are quoted, and so are timestamps (as kubectl prints them), so that other YAML tools read the
// file the same way; yaml-cpp quotes whatever else a plain scalar cannot carry. The clock rate
// is the one string written as a plain number, because it is one (kept as text for exactness).
bool needs_quotes(const std::string& s, std::string_view key) {
  static constexpr std::string_view kAmbiguous[] = {
      "~",  "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES",
      "no", "No",   "NO",   "on",   "On",   "ON",   "off",  "Off",   "OFF",   "y",     "Y",   "n",   "N"};
  if (s.empty()) return true;
  for (std::string_view word : kAmbiguous)
    if (s == word) return true;
  const bool numeric =
      s.find_first_not_of("0123456789.eE+-") == std::string::npos && s.find_first_of("0123456789") != std::string::npos;
  if (numeric) return key != "rate";
  const bool timestamp = s[0] >= '0' && s[0] <= '9' && s.find(':') != std::string::npos;
  return timestamp;
}

bool is_flat(const Json& j) {
  for (const auto& element : j)
    if (element.is_structured()) return false;
  return true;
}

// `flow` forces flow style for a whole subtree: each fault is written on one line, as in the
// spec's examples, whatever fields it has.
void emit(YAML::Emitter& out, const Json& j, std::string_view key, bool flow) {
  switch (j.type()) {
    case Json::value_t::object:
      if (flow || (is_flat(j) && j.size() <= kMaxFlowEntries)) out << YAML::Flow;
      out << YAML::BeginMap;
      for (const auto& [k, value] : j.items()) {
        out << YAML::Key << k << YAML::Value;
        emit(out, value, k, flow);
      }
      out << YAML::EndMap;
      return;
    case Json::value_t::array:
      if (flow || is_flat(j)) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const auto& element : j) emit(out, element, "", flow);
      out << YAML::EndSeq;
      return;
    case Json::value_t::string: {
      const auto& text = j.get_ref<const std::string&>();
      if (needs_quotes(text, key)) out << YAML::DoubleQuoted;
      out << text;
      return;
    }
    case Json::value_t::boolean:
      out << (j.get<bool>() ? "true" : "false");
      return;
    case Json::value_t::number_unsigned:
      out << j.get<uint64_t>();
      return;
    case Json::value_t::number_integer:
      out << j.get<int64_t>();
      return;
    case Json::value_t::number_float: {
      // The only floats in the tree are the node lifecycle controller's rates and threshold,
      // exact decimals in parts per billion (ppb_text): written back as that exact decimal
      // text, which the loader reads without floating point.
      const int64_t ppb = std::llround(j.get<double>() * 1e9);
      std::string text = std::to_string(ppb / 1000000000) + "." + std::to_string(1000000000 + ppb % 1000000000).substr(1);
      while (text.back() == '0' && text[text.size() - 2] != '.') text.pop_back();
      out << text;
      return;
    }
    default:  // the tree holds no nulls or binary values
      out << YAML::Null;
      return;
  }
}

// The document, with the faults list item by item in flow style.
void emit_document(YAML::Emitter& out, const Json& doc) {
  out << YAML::BeginMap;
  for (const auto& [key, value] : doc.items()) {
    out << YAML::Key << key << YAML::Value;
    if (key != "spec") {
      emit(out, value, key, false);
      continue;
    }
    out << YAML::BeginMap;
    for (const auto& [spec_key, spec_value] : value.items()) {
      out << YAML::Key << spec_key << YAML::Value;
      if (spec_key == "faults" && !spec_value.empty()) {
        out << YAML::BeginSeq;
        for (const auto& fault : spec_value) emit(out, fault, "", true);
        out << YAML::EndSeq;
      } else {
        emit(out, spec_value, spec_key, false);
      }
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
}

}  // namespace

std::string scenario_to_json(const Scenario& scenario) {
  // replace: a stray invalid UTF-8 byte in a description must not make the writer throw.
  return scenario_json(scenario).dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string scenario_to_yaml(const Scenario& scenario) {
  YAML::Emitter out;
  out.SetIndent(2);
  emit_document(out, scenario_json(scenario));
  return std::string(out.c_str()) + "\n";
}

}  // namespace leasesim
