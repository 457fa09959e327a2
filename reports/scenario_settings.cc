// scenario_settings.cc: see scenario_settings.h.
#include "reports/scenario_settings.h"

#include <variant>

namespace leasesim {
namespace {

std::string rate_text(int64_t ppb) { return format_seconds(ppb); }  // ppb as an exact decimal

std::string config_text(const ModelConfig& model) {
  if (const auto* c = std::get_if<ClientGoConfig>(&model)) {
    return "leaseDuration " + format_duration(c->lease_duration) + ", renewDeadline " +
           format_duration(c->renew_deadline) + ", retryPeriod " + format_duration(c->retry_period) +
           ", releaseOnCancel " + (c->release_on_cancel ? "true" : "false") + ", request timeout " +
           format_duration(c->effective_request_timeout()) + (c->rejoin_after_loss ? ", rejoins after a loss" : ", exits after a loss");
  }
  const auto& t = std::get<TutorialConfig>(model);
  return "loopPeriod " + format_duration(t.loop_period) + (t.crash_on_error ? ", dies on any error" : ", logs errors and goes on") +
         (t.request_timeout.ns > 0 ? ", request timeout " + format_duration(t.request_timeout) : ", no request timeout");
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
  out.emplace_back("horizon", format_duration(s.duration) + " of simulated time per seed");
  // Groups of consecutive processes alike in everything but their name.
  for (size_t i = 0; i < s.processes.size();) {
    size_t j = i + 1;
    const ProcessSpec& p = s.processes[i];
    auto alike = [&](const ProcessSpec& q) {
      return q.model == p.model && q.clock == p.clock && q.start == p.start && q.lease == p.lease && q.quiesce == p.quiesce;
    };
    while (j < s.processes.size() && alike(s.processes[j])) ++j;
    const std::string names = j - i == 1 ? p.name : p.name + " .. " + s.processes[j - 1].name + " (" + std::to_string(j - i) + ")";
    std::string text = std::string(model_name(p.model)) + " on " + s.lease_keys[p.lease] + ": " + config_text(p.model) +
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
  std::string expect;
  for (const std::string& v : s.expect.violated) expect += (expect.empty() ? "" : ", ") + v;
  out.emplace_back("properties", (props.empty() ? std::string("none") : props) +
                                     (s.expect.present ? "; expected to violate: [" + expect + "]" : ""));
  return out;
}

}  // namespace leasesim
