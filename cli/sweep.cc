// sweep.cc: see sweep.h.
#include "cli/sweep.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli/scenario_loader.h"
#include "cli/scenario_writer.h"

namespace leasesim {
namespace {

using Json = nlohmann::ordered_json;

enum class Kind { ClientGoConfig, Rate, Latency };

struct Known {
  const char* name;
  Kind kind;
  const char* field;  // the scenario-file key it sets
};

constexpr Known kKnown[] = {
    {"leaseDuration", Kind::ClientGoConfig, "leaseDuration"},
    {"renewDeadline", Kind::ClientGoConfig, "renewDeadline"},
    {"retryPeriod", Kind::ClientGoConfig, "retryPeriod"},
    {"clockRate", Kind::Rate, "rate"},
    {"latencyMin", Kind::Latency, "min"},
    {"latencyMax", Kind::Latency, "max"},
};

const Known* find_known(const std::string& name) {
  for (const Known& k : kKnown)
    if (name == k.name) return &k;
  return nullptr;
}

// A decimal such as 1, 1.0 or 1.0001 (the loader checks the range).
bool looks_like_rate(const std::string& v) {
  size_t i = 0, digits = 0;
  while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i, ++digits;
  if (i < v.size() && v[i] == '.') {
    ++i;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i, ++digits;
  }
  return digits > 0 && i == v.size();
}

// Which processes a per-process parameter touches.
bool applies_to(const Known& k, const Scenario& s, uint32_t p, const std::string& target) {
  if (!target.empty() && s.processes[p].name != target) return false;
  // The election timings of a client-go elector, and of a kube-controller-manager replica
  // (node-lifecycle-controller), whose config holds every client-go key.
  if (k.kind == Kind::ClientGoConfig)
    return std::holds_alternative<ClientGoConfig>(s.processes[p].model) ||
           std::holds_alternative<NodeLifecycleConfig>(s.processes[p].model);
  if (k.kind == Kind::Rate) return !target.empty() || p > 0;
  return false;
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t at = text.find(sep, start);
    out.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

}  // namespace

std::optional<SweepSpec> parse_sweep(const std::vector<std::string>& args, const std::string& target,
                                     const Scenario& base, std::string* error) {
  SweepSpec spec;
  spec.target = target;
  if (!target.empty() && !base.find_process(target)) {
    *error = "--sweep-target: no process named \"" + target + "\" in the scenario";
    return std::nullopt;
  }
  if (!target.empty() && args.empty()) {
    *error = "--sweep-target needs at least one --sweep";
    return std::nullopt;
  }
  size_t points = 1;
  for (const std::string& arg : args) {
    const size_t eq = arg.find('=');
    const std::string name = arg.substr(0, eq);
    const Known* k = find_known(name);
    if (eq == std::string::npos || !k) {
      *error = "--sweep " + arg +
               ": expected NAME=V1,V2,... with NAME one of leaseDuration, renewDeadline, "
               "retryPeriod, clockRate, latencyMin, latencyMax";
      return std::nullopt;
    }
    for (const SweepParameter& p : spec.parameters)
      if (p.name == name) {
        *error = "--sweep " + name + " is given twice; list every value in one --sweep " + name + "=V1,V2,...";
        return std::nullopt;
      }
    SweepParameter param{name, split(arg.substr(eq + 1), ',')};
    for (const std::string& v : param.values) {
      std::string problem;
      if (v.empty())
        problem = "an empty value";
      else if (k->kind == Kind::Rate && !looks_like_rate(v))
        problem = "\"" + v + "\" is not a decimal rate such as 1.0001";
      else if (k->kind != Kind::Rate && !parse_duration(v, false, &problem))
        problem = "\"" + v + "\": " + problem;
      if (!problem.empty()) {
        *error = "--sweep " + name + ": " + problem;
        return std::nullopt;
      }
    }
    if (k->kind != Kind::Latency) {
      bool any = false;
      for (uint32_t p = 0; p < base.processes.size(); ++p) any |= applies_to(*k, base, p, target);
      if (!any) {
        *error = "--sweep " + name + ": no process to apply it to (" +
                 (k->kind == Kind::ClientGoConfig ? std::string("it sets the election config of client-go-elector and node-lifecycle-controller processes")
                                                  : std::string("clockRate applies to every process but the first")) +
                 (target.empty() ? "" : "; --sweep-target " + target) + ")";
        return std::nullopt;
      }
    }
    points *= param.values.size();
    if (points > kMaxSweepPoints) {
      *error = "--sweep: more than " + std::to_string(kMaxSweepPoints) + " points; sweep fewer values";
      return std::nullopt;
    }
    spec.parameters.push_back(std::move(param));
  }
  return spec;
}

std::vector<SweepPoint> sweep_points(const Scenario& base, const SweepSpec& spec) {
  std::vector<SweepPoint> points;
  if (spec.parameters.empty()) {
    SweepPoint p;
    p.scenario = std::make_shared<const Scenario>(base);
    p.canonical_yaml = scenario_to_yaml(base);
    p.hash = scenario_hash(p.canonical_yaml);
    points.push_back(std::move(p));
    return points;
  }
  const Json base_json = Json::parse(scenario_to_json(base));
  std::vector<size_t> digit(spec.parameters.size(), 0);
  for (;;) {
    SweepPoint point;
    Json doc = base_json;
    std::string description;
    for (size_t i = 0; i < spec.parameters.size(); ++i) {
      const SweepParameter& param = spec.parameters[i];
      const std::string& value = param.values[digit[i]];
      point.settings.push_back({param.name, value});
      description += (description.empty() ? "" : " ") + param.name + "=" + value;
      const Known& k = *find_known(param.name);
      if (k.kind == Kind::Latency) {
        doc["spec"]["apiServer"]["latency"][k.field] = value;
        continue;
      }
      Json& procs = doc["spec"]["processes"];
      for (uint32_t p = 0; p < base.processes.size(); ++p) {
        if (!applies_to(k, base, p, spec.target)) continue;
        if (k.kind == Kind::Rate)
          procs[p]["clock"]["rate"] = value;
        else
          procs[p]["config"][k.field] = value;
      }
    }
    doc["metadata"]["description"] = "sweep point of " + base.name + ": " + description;
    LoadResult loaded = load_scenario_text(doc.dump(2, ' ', false, Json::error_handler_t::replace), "sweep-point.json");
    if (loaded.ok()) {
      Scenario s = std::move(*loaded.scenario);
      s.source_path = base.source_path;
      point.canonical_yaml = scenario_to_yaml(s);
      point.hash = scenario_hash(point.canonical_yaml);
      point.scenario = std::make_shared<const Scenario>(std::move(s));
    } else {
      // One line per distinct message: a setting applied to N processes fails N times alike.
      std::vector<std::pair<std::string, size_t>> seen;   // message -> index into parts
      std::vector<std::pair<std::string, size_t>> parts;  // first "path: message", repeats
      for (const Diagnostic& d : loaded.errors) {
        auto it = std::find_if(seen.begin(), seen.end(), [&](const auto& e) { return e.first == d.message; });
        if (it != seen.end()) {
          ++parts[it->second].second;
          continue;
        }
        seen.emplace_back(d.message, parts.size());
        parts.emplace_back((d.path.empty() ? "" : d.path + ": ") + d.message, 0);
      }
      for (const auto& [text, repeats] : parts)
        point.error += (point.error.empty() ? "" : "; ") + text +
                       (repeats ? " (and " + std::to_string(repeats) + " more alike)" : "");
    }
    points.push_back(std::move(point));
    // Odometer: the last parameter turns fastest.
    size_t i = spec.parameters.size();
    while (i > 0) {
      --i;
      if (++digit[i] < spec.parameters[i].values.size()) break;
      digit[i] = 0;
      if (i == 0) return points;
    }
  }
}

}  // namespace leasesim
