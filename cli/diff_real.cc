// diff_real.cc: see diff_real.h.
#include "cli/diff_real.h"

#include <algorithm>
#include <memory>
#include <tuple>
#include <ostream>
#include <sstream>

#include "cli/client_go_real_setup.h"
#include "cli/diff_real_choosers.h"
#include "cli/scenario_loader.h"
#include "sim/trace.h"
#include "sim/world.h"

namespace leasesim {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The exact value of a trace's seconds field ("sent":12.345678901) in nanoseconds.
std::optional<int64_t> seconds_field(const std::string& line, const std::string& key) {
  const std::string needle = "\"" + key + "\":";
  const size_t at = line.find(needle);
  if (at == std::string::npos) return std::nullopt;
  size_t i = at + needle.size();
  int64_t whole = 0, frac = 0, scale = 1'000'000'000;
  bool any = false;
  while (i < line.size() && line[i] >= '0' && line[i] <= '9') whole = whole * 10 + (line[i++] - '0'), any = true;
  if (i < line.size() && line[i] == '.') {
    ++i;
    while (i < line.size() && line[i] >= '0' && line[i] <= '9' && scale > 1) {
      scale /= 10;
      frac += (line[i++] - '0') * scale;
    }
  }
  if (!any) return std::nullopt;
  return whole * 1'000'000'000 + frac;
}

std::optional<std::string> string_field(const std::string& line, const std::string& key) {
  const std::string needle = "\"" + key + "\":\"";
  const size_t at = line.find(needle);
  if (at == std::string::npos) return std::nullopt;
  const size_t end = line.find('"', at + needle.size());
  return line.substr(at + needle.size(), end - at - needle.size());
}

// An end of leadership: the model notes a graceful stop's end after the release, backdated to
// the stop instant ("since"), where the real library's leader context ends at that instant; so
// these lines are compared by what they say (who, which lease, when leadership ended), not by
// where they stand. Their cause is the model's annotation (with the release's outcome) and is
// not compared: the release's requests are compared as every request is.
struct StopLine {
  std::string proc, lease;
  int64_t end = 0;
  std::string line;
  bool operator==(const StopLine& o) const { return proc == o.proc && lease == o.lease && end == o.end; }
};

bool is_stop(const std::string& line) {
  return line.find("\"type\":\"leader\"") != std::string::npos &&
         line.find("\"state\":\"stopped\"") != std::string::npos;
}

StopLine stop_of(const std::string& line) {
  StopLine s;
  s.proc = string_field(line, "proc").value_or("");
  s.lease = string_field(line, "lease").value_or("");
  s.end = seconds_field(line, "since").value_or(seconds_field(line, "t").value_or(0));
  s.line = line;
  return s;
}

// Events of different processes at one instant are concurrent: their order in a trace is the
// World's tie choice, and the two runs have different ties (the real run's helpers report through
// wake timers, the model sets timers of its own). Within each instant the lines are put in order
// of their process, keeping each process's own order; lines of no process (faults) go first, in
// text order.
void canonical_instants(std::vector<std::pair<size_t, std::string>>& lines) {
  auto key = [](const std::string& line) {
    const std::string proc = string_field(line, "proc").value_or("");
    return proc.empty() ? std::string("0") + line : "1" + proc;
  };
  size_t begin = 0;
  while (begin < lines.size()) {
    const auto t = seconds_field(lines[begin].second, "t");
    size_t end = begin + 1;
    while (end < lines.size() && seconds_field(lines[end].second, "t") == t) ++end;
    std::stable_sort(lines.begin() + static_cast<std::ptrdiff_t>(begin), lines.begin() + static_cast<std::ptrdiff_t>(end),
                     [&](const auto& a, const auto& b) { return key(a.second) < key(b.second); });
    begin = end;
  }
}

std::shared_ptr<const Scenario> reseeded(const Scenario& s, uint64_t seed) {
  auto copy = std::make_shared<Scenario>(s);
  copy->seed = seed;
  return copy;
}

}  // namespace

Scenario model_twin(const Scenario& real) {
  Scenario twin = real;
  for (ProcessSpec& p : twin.processes)
    if (const auto* c = std::get_if<ClientGoRealConfig>(&p.model)) p.model = ClientGoConfig(c->timings);
  return twin;
}

DiffRealResult diff_real_run(const Scenario& real, uint64_t seed, const Scenario* model) {
  DiffRealResult result;
  result.seed = seed;
  RecordedChoices record;
  std::ostringstream real_text;
  {
    Trace trace(&real_text);
    RecordingChooser chooser(seed, &record);
    World world(reseeded(real, seed));
    chooser.attach(&world);
    world.run(chooser, &trace);
    result.real_hash = trace.hash_hex();
  }
  const std::vector<std::string> real_lines = lines_of(real_text.str());
  // Each process's request instants, for the jitter (diff_real_choosers.h).
  record.sends.resize(real.processes.size());
  for (const std::string& line : real_lines) {
    const auto proc = string_field(line, "proc");
    const auto sent = seconds_field(line, "sent");
    if (!proc || !sent) continue;
    for (size_t p = 0; p < real.processes.size(); ++p)
      if (real.processes[p].name == *proc) record.sends[p].push_back(*sent);
  }
  for (auto& s : record.sends) std::sort(s.begin(), s.end());

  std::ostringstream model_text;
  {
    Trace trace(&model_text);
    DerivedChooser chooser(std::move(record));
    World world(reseeded(model ? *model : model_twin(real), seed));
    chooser.attach(&world);
    world.run(chooser, &trace);
    result.model_hash = trace.hash_hex();
    result.misses = chooser.misses();
  }
  const std::vector<std::string> model_lines = lines_of(model_text.str());
  result.real_lines = real_lines.size();
  result.model_lines = model_lines.size();
  // Every line but the ends of leadership, in order; then those, by instant.
  std::vector<std::pair<size_t, std::string>> real_rest, model_rest;
  std::vector<StopLine> real_stops, model_stops;
  for (size_t i = 0; i < real_lines.size(); ++i)
    if (is_stop(real_lines[i])) real_stops.push_back(stop_of(real_lines[i]));
    else real_rest.emplace_back(i, real_lines[i]);
  for (size_t i = 0; i < model_lines.size(); ++i)
    if (is_stop(model_lines[i])) model_stops.push_back(stop_of(model_lines[i]));
    else model_rest.emplace_back(i, model_lines[i]);
  canonical_instants(real_rest);
  canonical_instants(model_rest);
  const size_t n = std::max(real_rest.size(), model_rest.size());
  for (size_t i = 0; i < n; ++i) {
    const std::string a = i < real_rest.size() ? real_rest[i].second : "";
    const std::string b = i < model_rest.size() ? model_rest[i].second : "";
    if (a == b) continue;
    result.diverged_at = i < real_rest.size() ? real_rest[i].first : real_lines.size();
    result.real_line = a;
    result.model_line = b;
    return result;
  }
  auto by_end = [](const StopLine& x, const StopLine& y) { return std::tie(x.end, x.proc) < std::tie(y.end, y.proc); };
  std::stable_sort(real_stops.begin(), real_stops.end(), by_end);
  std::stable_sort(model_stops.begin(), model_stops.end(), by_end);
  const size_t m = std::max(real_stops.size(), model_stops.size());
  for (size_t i = 0; i < m; ++i) {
    if (i < real_stops.size() && i < model_stops.size() && real_stops[i] == model_stops[i]) continue;
    result.diverged_at = real_lines.size();
    result.real_line = i < real_stops.size() ? real_stops[i].line : "";
    result.model_line = i < model_stops.size() ? model_stops[i].line : "";
    return result;
  }
  return result;
}

int diff_real_command(const DiffRealOptions& options, std::ostream& out, std::ostream& err) {
  if (options.seeds < 1) {
    err << "leasesim diff-real: --seeds must be at least 1\n";
    return 2;
  }
  std::vector<std::pair<std::string, Scenario>> scenarios;
  for (const std::string& file : options.files) {
    LoadResult loaded = load_scenario_file(file);
    if (!loaded.ok()) {
      for (const Diagnostic& d : loaded.errors) err << d.format() << "\n";
      return 2;
    }
    Scenario s = std::move(*loaded.scenario);
    if (!uses_client_go_real(s)) {
      err << file << ": no process uses model client-go-real; diff-real compares those with client-go-elector\n";
      return 2;
    }
    for (const ProcessSpec& p : s.processes)
      if (const auto* c = std::get_if<ClientGoRealConfig>(&p.model); c && !c->helper.empty()) {
        err << file << ": process " << p.name << " runs its own helper (" << c->helper
            << "), which client-go-elector does not model; diff-real compares the built-in helper only\n";
        return 2;
      }
    if (auto refusal = setup_client_go_real(s, file, "diff-real")) {
      err << *refusal << "\n";
      return 2;
    }
    scenarios.emplace_back(file, std::move(s));
  }
  size_t runs = 0, diverged = 0;
  for (const auto& [file, scenario] : scenarios) {
    const uint64_t first = options.first_seed.value_or(scenario.seed);
    for (uint64_t k = 0; k < options.seeds; ++k) {
      const uint64_t seed = first + k;
      const DiffRealResult r = diff_real_run(scenario, seed);
      ++runs;
      if (!r.diverged()) {
        out << "same      " << file << " seed " << seed << ": " << r.real_lines << " trace lines, traceHash "
            << r.real_hash << "\n";
        continue;
      }
      ++diverged;
      out << "DIVERGES  " << file << " seed " << seed << " at trace line " << (*r.diverged_at + 1) << " (real "
          << r.real_lines << " lines, traceHash " << r.real_hash << "; model " << r.model_lines << " lines, traceHash "
          << r.model_hash << ")\n"
          << "  real:  " << r.real_line << "\n"
          << "  model: " << r.model_line << "\n";
      for (const std::string& m : r.misses) out << "  choice: " << m << "\n";
      out << "  reproduce: leasesim diff-real " << file << " --first-seed " << seed << " --seeds 1\n";
    }
  }
  out << "result    " << runs << " runs, " << diverged << " diverged"
      << (diverged == 0 ? " (model and real library agree request by request)" : "") << "\n";
  return diverged == 0 ? 0 : 1;
}

}  // namespace leasesim
