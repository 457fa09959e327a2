// summary.cc: see summary.h.
#include "reports/summary.h"
#include "reports/node_summary.h"

#include <sstream>

#include "core/shell_quote.h"
#include "properties/analytic.h"
#include "properties/warnings.h"
#include "reports/candidate_table.h"
#include "reports/identity_summary.h"
#include "reports/lease_table.h"

namespace leasesim {
namespace {

using json = nlohmann::ordered_json;

double secs(int64_t ns) { return static_cast<double>(ns) / 1e9; }
json secs_or_null(const std::optional<TrueInstant>& t) { return t ? json(secs(t->ns)) : json(nullptr); }
json dur_or_null(const std::optional<Duration>& d) { return d ? json(secs(d->ns)) : json(nullptr); }
std::string text_secs(int64_t ns) { return format_seconds(ns) + "s"; }

json violation_json(const Scenario& s, const Violation& v) {
  json out;
  out["at"] = secs(v.at.ns);
  out["until"] = secs_or_null(v.until);
  json procs = json::array();
  for (uint32_t p : v.procs) procs.push_back(s.processes[p].name);
  out["processes"] = procs;
  out["message"] = v.message;
  return out;
}

std::optional<Duration> worst_fault_to_leader(const Evaluation& ev) {
  std::optional<Duration> worst;
  for (const FailoverEpisode& e : ev.failovers)
    if (auto d = e.fault_to_leader(); d && (!worst || *d > *worst)) worst = d;
  return worst;
}

// A ratio kept in parts per billion, as an exact decimal ("1.25").
std::string ratio_text(int64_t ppb) { return format_seconds(ppb); }

}  // namespace

json lease_json(const Scenario& scenario, const Lease& lease) {
  const std::string& key = scenario.lease_keys[lease.id];
  const size_t slash = key.find('/');
  json out;
  out["apiVersion"] = "coordination.k8s.io/v1";
  out["kind"] = "Lease";
  json meta;
  meta["name"] = key.substr(slash + 1);
  meta["namespace"] = key.substr(0, slash);
  meta["resourceVersion"] = std::to_string(lease.resource_version);
  if (!lease.labels.empty()) meta["labels"] = lease.labels.map();
  out["metadata"] = meta;
  json spec = json::object();
  const LeaseSpec& sp = lease.spec;
  if (sp.acquire_time) spec["acquireTime"] = format_rfc3339_micro(*sp.acquire_time);
  if (sp.holder_identity) spec["holderIdentity"] = *sp.holder_identity;
  if (sp.lease_duration_seconds) spec["leaseDurationSeconds"] = *sp.lease_duration_seconds;
  if (sp.lease_transitions) spec["leaseTransitions"] = *sp.lease_transitions;
  if (sp.preferred_holder) spec["preferredHolder"] = *sp.preferred_holder;
  if (sp.renew_time) spec["renewTime"] = format_rfc3339_micro(*sp.renew_time);
  if (sp.strategy) spec["strategy"] = *sp.strategy;
  out["spec"] = spec;
  return out;
}

std::string reproduce_command(const RunResult& run) {
  const std::string file = run.scenario->source_path.empty() ? "SCENARIO" : run.scenario->source_path;
  return "leasesim run " + shell_quote(file) + " --seed " + std::to_string(run.seed);
}

json summary_json(const RunResult& run) {
  const Scenario& s = *run.scenario;
  const World& w = run.world;
  const Evaluation& ev = run.evaluation;
  json out;
  out["scenario"] = s.name;
  out["file"] = s.source_path;
  out["seed"] = run.seed;
  out["simulated"] = secs(w.now().ns);
  out["events"] = w.events_processed();
  out["stoppedBy"] = step_status_name(run.stopped_by);
  out["traceHash"] = run.trace_hash_hex();
  out["passed"] = ev.passed;
  out["violated"] = ev.violated;
  out["expect"] = s.expect.present ? json{{"violated", s.expect.violated}} : json(nullptr);
  json warnings = json::array();
  for (const RunWarning& wn : run_warnings(run)) {
    warnings.push_back(json{{"kind", wn.kind},
                            {"at", secs(wn.at.ns)},
                            {"process", wn.process ? json(s.processes[*wn.process].name) : json(nullptr)},
                            {"message", wn.message}});
  }
  out["warnings"] = warnings;

  json props = json::array();
  for (const PropertyResult& r : ev.results) {
    json p;
    p["name"] = r.name;
    p["lease"] = property_scope(s.lease_keys, r);
    p["holds"] = r.holds;
    if (!r.detail.empty()) p["detail"] = r.detail;
    json vs = json::array();
    for (const Violation& v : r.violations) vs.push_back(violation_json(s, v));
    p["violations"] = vs;
    props.push_back(p);
  }
  out["properties"] = props;

  json leaderships = json::array();
  for (const Leadership& l : w.history().leaderships) {
    leaderships.push_back(json{{"process", s.processes[l.proc].name},
                               {"lease", s.lease_keys[l.lease]},
                               {"start", secs(l.start.ns)},
                               {"end", secs_or_null(l.end)},
                               {"endCause", l.end ? json(l.end_cause) : json(nullptr)}});
  }
  out["leaderships"] = leaderships;

  json failovers = json::array();
  for (size_t i = 0; i < ev.failovers.size(); ++i) {
    const FailoverEpisode& e = ev.failovers[i];
    const EpisodeBound* bound = i < ev.episode_bounds.size() ? &ev.episode_bounds[i] : nullptr;
    failovers.push_back(json{{"lease", s.lease_keys[e.lease]},
                             {"from", s.processes[e.from].name},
                             {"to", e.to ? json(s.processes[*e.to].name) : json(nullptr)},
                             {"cause", e.cause},
                             {"faultAt", secs(e.fault_at.ns)},
                             {"newLeaderAt", secs_or_null(e.new_leader_at)},
                             {"faultToLeader", dur_or_null(e.fault_to_leader())},
                             {"leaderlessGap", dur_or_null(e.leaderless_gap())},
                             {"bound", bound ? dur_or_null(bound->bound) : json(nullptr)},
                             {"boundBasis", bound && !bound->basis.empty() ? json(bound->basis) : json(nullptr)}});
  }
  out["failovers"] = failovers;

  json leases = json::array();
  for (LeaseId id = 0; id < w.api_server().lease_count(); ++id)
    if (const auto& lease = w.api_server().lease(id)) leases.push_back(lease_json(s, *lease));
  out["leases"] = leases;
  if (has_candidates(run)) out["leaseCandidates"] = candidate_json(run);

  json api = json::object();
  for (Verb v : {Verb::Get, Verb::List, Verb::Create, Verb::Update, Verb::Delete}) {
    json by_result = json::object();
    for (ApiResult r : {ApiResult::Ok, ApiResult::Conflict, ApiResult::NotFound, ApiResult::Invalid, ApiResult::Timeout,
                        ApiResult::Unavailable, ApiResult::Cancelled}) {
      if (const uint64_t n = w.api_count(v, r)) by_result[result_name(r)] = n;
    }
    if (!by_result.empty()) api[verb_name(v)] = by_result;
  }
  out["api"] = api;
  if (json identity = identity_json(run); !identity.is_null()) out["identity"] = std::move(identity);

  // docs/models/client-go-elector.md section 5, for the scenario's configs, clock rates and latency range.
  if (const std::optional<AnalyticBounds> b = analytic_bounds(s)) {
    const std::optional<Duration> worst = worst_fault_to_leader(ev);
    out["analytic"] = json{{"crashToLeaderMax", secs(b->crash_to_leader_max.ns)},
                           {"stopToLeaderMax", secs(b->stop_to_leader_max.ns)},
                           {"safetyMargin", secs(b->safety_margin.ns)},
                           {"rateRatioLimit", static_cast<double>(b->rate_ratio_limit_ppb) / 1e9},
                           {"rateRatio", static_cast<double>(b->rate_ratio_ppb) / 1e9},
                           {"noOverlapExpected", b->no_overlap},
                           {"releaseVoidsSafety", b->release_voids_safety},
                           {"assumesNoRequestTimeouts", b->assumes_no_request_timeouts},
                           {"measuredFaultToLeaderMax", dur_or_null(worst)}};
    // The bounds above hold at the scenario's own latency; an apiServerSlow window widens it.
    const LatencyRange slow = slow_latency_envelope(s);
    if (slow != s.api_server.latency) {
      const AnalyticBounds sb = *analytic_bounds(s, slow);
      out["analytic"]["duringSlow"] = json{{"latencyMin", secs(slow.min.ns)},
                                           {"latencyMax", secs(slow.max.ns)},
                                           {"crashToLeaderMax", secs(sb.crash_to_leader_max.ns)},
                                           {"stopToLeaderMax", secs(sb.stop_to_leader_max.ns)},
                                           {"safetyMargin", secs(sb.safety_margin.ns)},
                                           {"rateRatioLimit", static_cast<double>(sb.rate_ratio_limit_ppb) / 1e9},
                                           {"noOverlapExpected", sb.no_overlap}};
    }
  } else {
    out["analytic"] = nullptr;
  }

  json procs = json::array();
  for (uint32_t p = 0; p < w.process_count(); ++p) {
    const ProcessSpec& spec = s.processes[p];
    procs.push_back(json{{"name", spec.name},
                         {"identity", spec.identity},
                         {"model", model_name(spec.model)},
                         {"lease", s.lease_keys[spec.lease]},
                         {"status", proc_status_name(w.process(p).status)},
                         {"starts", w.process(p).starts}});
  }
  out["processes"] = procs;
  add_node_summary(run, out);
  out["reproduce"] = reproduce_command(run);
  return out;
}

std::string summary_text(const RunResult& run) {
  const Scenario& s = *run.scenario;
  const World& w = run.world;
  const Evaluation& ev = run.evaluation;
  std::ostringstream o;
  o << "scenario   " << s.name;
  if (!s.source_path.empty()) o << " (" << s.source_path << ")";
  o << "\nseed       " << run.seed << "\nsimulated  " << text_secs(w.now().ns) << " of true time, " << w.events_processed()
    << " events, stopped by " << step_status_name(run.stopped_by) << "\n\nproperties\n";
  for (const PropertyResult& r : ev.results) {
    o << "  " << (r.holds ? "holds     " : "VIOLATED  ") << r.name << "  " << property_scope(s.lease_keys, r);
    if (!r.detail.empty()) o << "  (" << r.detail << ")";
    o << "\n";
    size_t shown = 0;
    for (const Violation& v : r.violations) {
      if (++shown > 5) {
        o << "      ... and " << (r.violations.size() - 5) << " more (see --format json)\n";
        break;
      }
      o << "      at " << text_secs(v.at.ns) << ": " << v.message << "\n";
    }
  }
  o << "\nleaderships\n";
  size_t shown = 0;
  const auto& ls = w.history().leaderships;
  for (const Leadership& l : ls) {
    if (++shown > 20) {
      o << "  ... and " << (ls.size() - 20) << " more\n";
      break;
    }
    o << "  " << s.processes[l.proc].name << "  " << s.lease_keys[l.lease] << "  " << text_secs(l.start.ns) << " -> "
      << (l.end ? text_secs(l.end->ns) + " (" + l.end_cause + ")" : std::string("end of run")) << "\n";
  }
  if (ls.empty()) o << (elected_leases(s).empty() ? "  (no process elects a leader)\n" : "  (nobody led)\n");
  if (!ev.failovers.empty()) {
    o << "\nfailovers\n";
    for (size_t i = 0; i < ev.failovers.size(); ++i) {
      const FailoverEpisode& e = ev.failovers[i];
      o << "  " << e.cause << " of " << s.processes[e.from].name << " at " << text_secs(e.fault_at.ns) << ": ";
      if (e.new_leader_at) {
        o << s.processes[*e.to].name << " led at " << text_secs(e.new_leader_at->ns) << ", fault-to-leader "
          << format_duration(*e.fault_to_leader()) << ", leaderless " << format_duration(*e.leaderless_gap());
      } else {
        o << "no new leader by the end of the run";
      }
      if (i < ev.episode_bounds.size() && s.properties.failover_within_auto) {
        const EpisodeBound& b = ev.episode_bounds[i];
        o << (b.bound ? "; bound " + format_duration(*b.bound) + " (" + b.basis + ")" : "; not judged, " + b.basis);
      }
      o << "\n";
    }
  }
  o << "\nleases (as kubectl get lease -A)\n";
  std::istringstream table(lease_table(run));
  for (std::string line; std::getline(table, line);) o << "  " << line << "\n";
  if (has_candidates(run)) {
    o << "\nlease candidates (as kubectl get leasecandidate -A, with renewTime and pingTime)\n";
    std::istringstream candidates(candidate_table(run));
    for (std::string line; std::getline(candidates, line);) o << "  " << line << "\n";
  }
  o << identity_text(run);
  if (const std::optional<AnalyticBounds> b = analytic_bounds(s)) {
    const std::optional<Duration> worst = worst_fault_to_leader(ev);
    o << "\nanalytic (client-go spec 5)\n  failover   <= " << format_duration(b->crash_to_leader_max) << " after a crash, <= "
      << format_duration(b->stop_to_leader_max) << " after a stop; measured worst here: "
      << (worst ? format_duration(*worst) : std::string("no failover")) << "\n  safety     margin "
      << format_duration(b->safety_margin) << "; clock-rate ratio " << ratio_text(b->rate_ratio_ppb)
      << " vs tolerated < " << ratio_text(b->rate_ratio_limit_ppb) << ": "
      << overlap_verdict(*b)
      << (b->release_voids_safety ? " (releaseOnCancel: hazard 2.4a voids it)" : "") << "\n";
    const LatencyRange slow = slow_latency_envelope(s);
    if (slow != s.api_server.latency) {
      const AnalyticBounds sb = *analytic_bounds(s, slow);
      o << "  at apiServerSlow latency " << format_duration(slow.min) << "-" << format_duration(slow.max)
        << ": failover <= " << format_duration(sb.crash_to_leader_max) << " after a crash, <= "
        << format_duration(sb.stop_to_leader_max) << " after a stop; margin " << format_duration(sb.safety_margin)
        << ", tolerated ratio < " << ratio_text(sb.rate_ratio_limit_ppb) << ": " << overlap_verdict(sb) << "\n";
    }
  }
  const std::vector<RunWarning> warnings = run_warnings(run);
  if (!warnings.empty()) {
    o << "\nwarnings\n";
    for (const RunWarning& wn : warnings) o << "  " << wn.kind << "  " << wn.message << "\n";
  }
  node_summary_text(run, o);
  o << "\nresult     " << (ev.passed ? "PASS" : "FAIL");
  if (!warnings.empty()) o << " with warnings (" << warnings.size() << ")";
  if (s.expect.present) {
    o << " (expected violations: [";
    for (size_t i = 0; i < s.expect.violated.size(); ++i) o << (i ? ", " : "") << s.expect.violated[i];
    o << "]; observed: [";
    for (size_t i = 0; i < ev.violated.size(); ++i) o << (i ? ", " : "") << ev.violated[i];
    o << "])";
  }
  o << "\ntraceHash  " << run.trace_hash_hex() << "\nreproduce  " << reproduce_command(run) << "\n";
  return o.str();
}

}  // namespace leasesim
