// serve_command.cc: `leasesim serve` (see commands.h and live/serve.h).
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <charconv>
#include <filesystem>
#include <iomanip>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "cli/atomic_file.h"
#include "cli/commands.h"
#include "cli/report_files.h"
#include "cli/scenario_loader.h"
#include "live/rest_api.h"
#include "reports/lease_table.h"
#include "live/serve.h"

namespace leasesim {
namespace {

using nlohmann::json;

std::optional<uint16_t> parse_listen(const std::string& text, std::string* error) {
  std::string port = text;
  if (const size_t colon = text.rfind(':'); colon != std::string::npos) {
    const std::string host = text.substr(0, colon);
    if (host != "127.0.0.1" && host != "localhost") {
      *error = "--listen: serve listens on loopback only (127.0.0.1:PORT), got \"" + text + "\"";
      return std::nullopt;
    }
    port = text.substr(colon + 1);
  }
  unsigned value = 0;
  const auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || p != port.data() + port.size() || value > 65535) {
    *error = "--listen: expected 127.0.0.1:PORT with PORT 0-65535 (0 = any free port), got \"" + text + "\"";
    return std::nullopt;
  }
  return static_cast<uint16_t>(value);
}

std::string secs(TrueInstant t) { return format_seconds(t.ns) + "s"; }

json summary(const LiveRun& run, const std::string& file) {
  const Scenario& sc = *run.scenario;
  json j;
  j["scenario"] = sc.name;
  j["file"] = file;
  j["mode"] = "live";
  j["covers"] = "one real-time run of real processes: not reproducible, no seed replays it";
  // The seed drew the latencies and uids; it does not replay a live run (see covers).
  j["seed"] = sc.seed;
  j["simulated"] = static_cast<double>(run.end.ns) / 1e9;
  j["events"] = run.trace.size();
  j["interrupted"] = run.interrupted;
  j["endpoint"] = "http://127.0.0.1:" + std::to_string(run.shared_port);
  j["kubeconfig"] = run.shared_kubeconfig;
  j["traceHash"] = [&] {
    std::ostringstream o;
    o << std::hex << std::setw(16) << std::setfill('0') << run.trace_hash;
    return o.str();
  }();
  j["passed"] = run.evaluation.passed;
  j["violated"] = run.evaluation.violated;
  json props = json::array();
  for (const PropertyResult& r : run.evaluation.results) {
    json v = json::array();
    // As run's summary: the interval and the processes of each violation (singleLeader names both).
    for (const Violation& x : r.violations) {
      json procs = json::array();
      for (uint32_t p : x.procs) procs.push_back(sc.processes[p].name);
      v.push_back({{"at", x.at.ns / 1e9},
                   {"until", x.until ? json(x.until->ns / 1e9) : json(nullptr)},
                   {"processes", procs},
                   {"message", x.message}});
    }
    json p{{"name", r.name}, {"lease", property_scope(sc.lease_keys, r)}, {"holds", r.holds}, {"violations", v}};
    if (!r.detail.empty()) p["detail"] = r.detail;
    props.push_back(std::move(p));
  }
  j["properties"] = props;
  json leaderships = json::array();
  for (const Leadership& l : run.history.leaderships)
    leaderships.push_back({{"process", sc.processes[l.proc].name},
                           {"lease", sc.lease_keys[l.lease]},
                           {"start", l.start.ns / 1e9},
                           {"end", l.end ? json(l.end->ns / 1e9) : json(nullptr)},
                           {"endCause", l.end ? json(l.end_cause) : json(nullptr)}});
  j["leaderships"] = leaderships;
  json failovers = json::array();
  for (const FailoverEpisode& e : run.evaluation.failovers) {
    json f{{"lease", sc.lease_keys[e.lease]}, {"from", sc.processes[e.from].name}, {"cause", e.cause},
           {"faultAt", e.fault_at.ns / 1e9}};
    f["to"] = e.to ? json(sc.processes[*e.to].name) : json(nullptr);
    f["newLeaderAt"] = e.new_leader_at ? json(e.new_leader_at->ns / 1e9) : json(nullptr);
    f["faultToLeader"] = e.fault_to_leader() ? json(e.fault_to_leader()->ns / 1e9) : json(nullptr);
    f["leaderlessGap"] = e.leaderless_gap() ? json(e.leaderless_gap()->ns / 1e9) : json(nullptr);
    failovers.push_back(f);
  }
  j["failovers"] = failovers;
  json procs = json::array();
  for (const LiveProcessReport& p : run.processes)
    procs.push_back({{"name", p.name}, {"port", p.port}, {"kubeconfig", p.kubeconfig}, {"log", p.log},
                     {"starts", p.starts}, {"exits", p.exits}});
  j["processes"] = procs;
  // Items of a list carry no apiVersion and kind; the summary's leases are whole objects.
  json leases = json::array();
  for (const json& l : run.final_leases) {
    json whole{{"apiVersion", "coordination.k8s.io/v1"}, {"kind", "Lease"}};
    whole.update(l);
    leases.push_back(std::move(whole));
  }
  j["leases"] = leases;
  j["api"] = run.api_by_verb;  // verb -> result -> requests, as `run` counts them
  j["http"] = run.api;         // "METHOD status" -> requests
  j["warnings"] = run.warnings;
  return j;
}

std::string summary_text(const LiveRun& run, const std::string& out_dir) {
  const Scenario& sc = *run.scenario;
  std::ostringstream o;
  o << "scenario   " << sc.name << " (live: real processes, real time)\n";
  o << "endpoint   http://127.0.0.1:" << run.shared_port << "  kubeconfig " << run.shared_kubeconfig << "\n";
  o << "ran        " << secs(run.end) << (run.interrupted ? " (interrupted)" : "") << "\n";
  for (const LiveProcessReport& p : run.processes) {
    o << "process    " << p.name << ": " << p.starts << (p.starts == 1 ? " start" : " starts");
    for (const std::string& e : p.exits) o << ", " << e;
    o << " (log " << p.log << ")\n";
  }
  for (const Leadership& l : run.history.leaderships)
    o << "leader     " << sc.processes[l.proc].name << " " << sc.lease_keys[l.lease] << " " << secs(l.start) << " - "
      << (l.end ? secs(*l.end) + " (" + l.end_cause + ")" : std::string("end")) << "\n";
  for (const FailoverEpisode& e : run.evaluation.failovers) {
    o << "failover   " << sc.lease_keys[e.lease] << " " << e.cause << " at " << secs(e.fault_at) << " of "
      << sc.processes[e.from].name << " -> "
      << (e.to ? sc.processes[*e.to].name + " after " + format_seconds(e.fault_to_leader()->ns) + "s"
               : std::string("no new leader"))
      << "\n";
  }
  for (const PropertyResult& r : run.evaluation.results) {
    o << "property   " << r.name << " " << property_scope(sc.lease_keys, r) << ": " << (r.holds ? "holds" : "VIOLATED") << "\n";
    for (const Violation& v : r.violations) o << "           " << secs(v.at) << " " << v.message << "\n";
  }
  if (!run.warnings.empty()) {
    o << "warnings\n";
    for (const std::string& w : run.warnings) o << "  - " << w << "\n";
  }
  o << "leases     (as `kubectl get lease -A` prints them)\n";
  o << "  " << std::left << std::setw(16) << "NAMESPACE" << std::setw(32) << "NAME" << std::setw(24) << "HOLDER"
    << "AGE\n";
  for (const json& l : run.final_leases) {
    const std::string holder = l["spec"].value("holderIdentity", "");
    const std::string created = l["metadata"].value("creationTimestamp", "");
    const auto t = parse_rfc3339(created);
    const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    o << "  " << std::setw(16) << l["metadata"].value("namespace", "") << std::setw(32)
      << l["metadata"].value("name", "") << std::setw(24) << (holder.empty() ? "<none>" : holder)
      << (t ? kubectl_age(Duration{now - t->ns}) : std::string("?")) << "\n";
  }
  o << "api       ";
  for (const auto& [verb, results] : run.api_by_verb)
    for (const auto& [result, n] : results) o << " " << verb << " " << result << ": " << n << ";";
  o << "\nhttp      ";
  for (const auto& [k, n] : run.api) o << " " << k << ": " << n << ";";
  o << "\n";
  o << "outputs    " << out_dir << "/summary.json, " << out_dir << "/trace.jsonl; report " << out_dir
    << "/report.html (and report.md, report.json)\n";
  o << "traceHash  " << std::hex << std::setw(16) << std::setfill('0') << run.trace_hash << std::dec
    << " (real time: differs from run to run)\n";
  o << "covers     one real-time run; not a proof and not reproducible by seed\n";
  o << "result     " << (run.evaluation.passed ? "PASS" : "FAIL");
  if (!run.evaluation.passed && !run.evaluation.violated.empty()) {
    o << " (violated:";
    for (const auto& v : run.evaluation.violated) o << " " << v;
    o << ")";
  }
  if (run.evaluation.passed && !run.warnings.empty()) o << " with warnings";
  o << "\n";
  return o.str();
}

}  // namespace

int serve_command(const ServeCommandOptions& options, std::ostream& out, std::ostream& err) {
  std::string error;
  const auto port = parse_listen(options.listen, &error);
  if (!port) {
    err << "leasesim serve: " << error << "\n";
    return 2;
  }
  LoadResult loaded = load_scenario_file(options.file);
  if (!loaded.ok()) {
    for (const Diagnostic& d : loaded.errors) err << d.format() << "\n";
    err << options.file << ": " << loaded.errors.size() << (loaded.errors.size() == 1 ? " error" : " errors") << "\n";
    return 2;
  }
  auto scenario = std::make_shared<const Scenario>(std::move(*loaded.scenario));
  if (const auto problems = serve_problems(*scenario); !problems.empty()) {
    for (const auto& p : problems) err << options.file << ": " << p << "\n";
    return 2;
  }
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) {
    err << "leasesim serve: cannot create " << options.out_dir << ": " << ec.message() << "\n";
    return 2;
  }
  std::mutex err_mu;
  ServeOptions serve_options;
  serve_options.listen_port = *port;
  serve_options.work_dir = options.out_dir;
  serve_options.progress = [&](const std::string& line) {
    std::lock_guard lock(err_mu);
    err << "serve: " << line << "\n" << std::flush;
  };
  LiveServe serve(scenario, serve_options);

  // Ctrl-C and SIGTERM end the run cleanly: the signals are blocked in every thread and one
  // thread waits for them, so no handler (and no global) is needed. A write to a closed socket
  // must not kill the server either.
  std::atomic<bool> done{false};
  std::thread waiter;
  sigset_t set, old;
  if (options.handle_signals) {
    ::signal(SIGPIPE, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    waiter = std::thread([&] {
      timespec tick{0, 100 * 1000 * 1000};
      while (!done.load()) {
        if (sigtimedwait(&set, nullptr, &tick) > 0) serve.interrupt();
      }
    });
  }
  auto result = serve.run();
  done.store(true);
  if (waiter.joinable()) waiter.join();
  if (options.handle_signals) pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (auto* e = std::get_if<std::string>(&result)) {
    err << "leasesim serve: " << *e << "\n";
    return 2;
  }
  const LiveRun& run = std::get<LiveRun>(result);
  const json j = summary(run, options.file);
  for (const auto& [name, text] : {std::pair<std::string, std::string>{"summary.json", j.dump(2) + "\n"},
                                   {"trace.jsonl", [&] {
                                      std::string t;
                                      for (const auto& l : run.trace) t += l + "\n";
                                      return t;
                                    }()}}) {
    AtomicFile f(options.out_dir + "/" + name);
    if (f.error()) {
      err << "leasesim serve: " << *f.error() << "\n";
      return 2;
    }
    f.stream() << text;
    if (auto e = f.commit()) {
      err << "leasesim serve: " << *e << "\n";
      return 2;
    }
  }
  // The report last, beside the summary: it says the same in words and pictures, for one run.
  if (auto e = write_live_report(run, options.file, options.out_dir)) {
    err << "leasesim serve: " << *e << "\n";
    return 2;
  }
  if (options.format == OutputFormat::Json) {
    out << j.dump(2) << "\n";
  } else {
    out << summary_text(run, options.out_dir);
  }
  if (!run.evaluation.passed) {
    err << "leasesim: properties " << (scenario->expect.present ? "did not match expect" : "violated")
        << " in this live run (real time: not reproducible by seed); trace in " << options.out_dir << "/trace.jsonl\n";
    return 1;
  }
  return 0;
}

}  // namespace leasesim
