// serve.cc: see serve.h. One mutex guards everything the threads share (the History, the
// trace, the fault state and the processes); HTTP connection threads, process output readers,
// process waiters and the scheduler loop in run() all take it briefly.
#include "live/serve.h"

#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <optional>
#include <regex>

#include "core/hash.h"
#include "core/rng.h"
#include "live/exec_process.h"
#include "live/http_server.h"
#include "live/lease_store.h"
#include "live/request_kind.h"
#include "properties/run.h"

namespace leasesim {
namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

std::string seconds_text(TrueInstant t) { return format_seconds(t.ns); }
// Trace times are numbers of seconds, as in a simulated run's trace.
double seconds_number(TrueInstant t) { return static_cast<double>(t.ns) / 1e9; }

std::string kubeconfig_text(const std::string& name, uint16_t port) {
  const std::string server = "http://127.0.0.1:" + std::to_string(port);
  return "apiVersion: v1\nkind: Config\nclusters:\n- name: leasesim\n  cluster:\n    server: " + server +
         "\ncontexts:\n- name: " + name + "\n  context:\n    cluster: leasesim\n    user: " + name +
         "\n    namespace: default\ncurrent-context: " + name + "\nusers:\n- name: " + name + "\n  user: {}\n";
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

// The FAKETIME value for a clock: an offset in seconds and a rate ("+25.000000000 x1.000100000").
std::string faketime_spec(const ClockSpec& clock) {
  const int64_t off = clock.offset.ns;
  const int64_t abs = off < 0 ? -off : off;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%c%lld.%09lld x%lld.%09lld", off < 0 ? '-' : '+',
                static_cast<long long>(abs / kNanosPerSecond), static_cast<long long>(abs % kNanosPerSecond),
                static_cast<long long>(clock.rate_ppb / kRateOne), static_cast<long long>(clock.rate_ppb % kRateOne));
  return buf;
}

bool has_clock(const ClockSpec& c) { return c.offset.ns != 0 || c.rate_ppb != kRateOne; }

}  // namespace

std::vector<std::string> serve_problems(const Scenario& scenario) {
  std::vector<std::string> problems;
  for (size_t i = 0; i < scenario.processes.size(); ++i) {
    const ProcessSpec& p = scenario.processes[i];
    const std::string where = "spec.processes[" + std::to_string(i) + "] (" + p.name + ")";
    const auto* exec = std::get_if<ExecConfig>(&p.model);
    if (!exec) {
      problems.push_back(where + ": model " + model_name(p.model) +
                         " is simulated; `leasesim serve` starts real programs (model: exec). Run simulated "
                         "scenarios with `leasesim run`");
      continue;
    }
    if (has_clock(p.clock)) {
      const auto go = is_go_binary(exec->command.front());
      if (go && *go) {
        problems.push_back(where + ".clock: " + exec->command.front() +
                           " is a Go program: Go reads the clock through the vDSO, which libfaketime does not "
                           "intercept, so its clock cannot be offset or slowed; remove the clock or skew a program "
                           "that reads time through libc");
      } else if (find_libfaketime().empty()) {
        problems.push_back(where + ".clock: needs libfaketime to offset or scale a real process's clock; install it "
                                   "(apt-get install libfaketime) or remove the clock");
      }
    }
  }
  if (scenario.properties.failover_within_auto)
    problems.push_back("spec.properties.failoverWithin: \"auto\" needs a simulated model's analytic bound; give a "
                       "duration for real processes");
  return problems;
}

struct LiveServe::Impl {
  std::shared_ptr<const Scenario> scenario;
  ServeOptions options;
  std::mutex mu;
  std::condition_variable wake;
  bool interrupted = false;
  bool shutting_down = false;  // the run's end: exits from here on are serve's own doing
  SteadyClock::time_point t0;
  Rng rng;
  History history;
  std::vector<std::string> trace;
  std::map<std::string, uint64_t> api;
  std::map<std::string, std::map<std::string, uint64_t>> api_by_verb;
  std::vector<std::string> warnings;
  std::unique_ptr<LeaseStore> store;
  std::unique_ptr<HttpServer> http;

  struct Proc {
    const ExecConfig* config = nullptr;
    std::optional<std::regex> leader_re;
    std::optional<std::regex> follower_re;
    LiveProcessReport report;
    std::unique_ptr<ExecProcess> exec;
    std::optional<size_t> open_leadership;  // index into history.leaderships
    std::string pending_end_cause;          // why we are about to end it (crash, stop)
    bool paused = false;
    std::ofstream log;
  };
  std::vector<Proc> procs;

  // Fault state, read by the HTTP policy.
  std::map<uint32_t, Direction> partitions;  // process -> direction
  std::optional<OutageMode> outage;
  std::optional<LatencyRange> slow;

  explicit Impl(std::shared_ptr<const Scenario> s, ServeOptions o)
      : scenario(std::move(s)), options(std::move(o)), rng(scenario->seed) {}

  TrueInstant now() const {
    return TrueInstant{std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now() - t0).count()};
  }
  static WallInstant wall_now() {
    return WallInstant{std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count()};
  }
  void progress(const std::string& line) {
    if (options.progress) options.progress(line);
  }
  // Trace lines keep `t` and `type` first, as a simulated run's trace does.
  void add_trace(const json& line) {
    nlohmann::ordered_json ordered;
    ordered["t"] = line.at("t");
    ordered["type"] = line.at("type");
    for (const auto& [k, v] : line.items())
      if (k != "t" && k != "type") ordered[k] = v;
    trace.push_back(ordered.dump());
  }

  Duration draw(const LatencyRange& r) {
    if (r.max.ns <= r.min.ns) return r.min;
    return Duration{r.min.ns + static_cast<int64_t>(rng.next() % static_cast<uint64_t>(r.max.ns - r.min.ns + 1))};
  }

  RequestPolicy policy(int client) {
    std::lock_guard lock(mu);
    RequestPolicy p;
    const LatencyRange range = slow ? *slow : scenario->api_server.latency;
    p.request_delay = draw(range);
    p.response_delay = draw(range);
    if (outage) p.action = *outage == OutageMode::Refuse ? RequestPolicy::Action::Refuse : RequestPolicy::Action::DropRequest;
    if (client >= 0) {
      const auto it = partitions.find(static_cast<uint32_t>(client));
      if (it != partitions.end() && p.action == RequestPolicy::Action::Serve)
        p.action = it->second == Direction::Responses ? RequestPolicy::Action::DropResponse
                                                      : RequestPolicy::Action::DropRequest;
    }
    return p;
  }

  void on_request(const RequestLog& r) {
    std::lock_guard lock(mu);
    const char* action = delivery_name(r.action);
    const std::string proc = r.client >= 0 ? procs[static_cast<size_t>(r.client)].report.name : "external";
    ++api[r.method + " " + (r.status ? std::to_string(r.status) : std::string(action))];
    // The simulated trace's fields (verb, object, result), then the HTTP view.
    const RequestKind kind = classify_request(r.method, r.target);
    const char* result = live_result(r.status, r.action);
    ++api_by_verb[kind.verb][result];
    add_trace(json{{"t", seconds_number(now())}, {"type", "api"}, {"proc", proc}, {"verb", kind.verb},
                   {"object", kind.object}, {"result", result}, {"method", r.method}, {"target", r.target},
                   {"status", r.status}, {"delivery", action}});
  }

  void on_commit(const CommitRecord& c) {
    // Called by the store under its own lock; the History has its own (ours).
    std::lock_guard lock(mu);
    const TrueInstant t = now();
    if (c.client >= 0) {
      LeaseWrite w;
      w.t = t;
      w.lease = c.lease;
      w.proc = static_cast<uint32_t>(c.client);
      w.verb = c.verb;
      w.rv = c.rv;
      w.before = c.before;
      w.after = c.after;
      history.writes.push_back(w);
    }
    json line{{"t", seconds_number(t)}, {"type", "lease"}, {"object", c.key}, {"verb", verb_name(c.verb)},
              {"rv", c.rv},
              {"proc", c.client >= 0 ? procs[static_cast<size_t>(c.client)].report.name : "external"}};
    if (c.after) {
      line["holder"] = holder_or_empty(*c.after).str();
      line["transitions"] = transitions_or_zero(*c.after);
      if (c.after->renew_time) line["renewTime"] = format_rfc3339_micro(*c.after->renew_time);
      if (c.after->lease_duration_seconds) line["leaseDurationSeconds"] = *c.after->lease_duration_seconds;
    }
    add_trace(line);
  }

  // Leadership bookkeeping (under mu).
  void start_leading(uint32_t i, TrueInstant t) {
    Proc& p = procs[i];
    if (p.open_leadership) return;
    Leadership l;
    l.proc = i;
    l.lease = scenario->processes[i].lease;
    l.start = t;
    p.open_leadership = history.leaderships.size();
    history.leaderships.push_back(l);
    add_trace(json{{"t", seconds_number(t)}, {"type", "leader"}, {"proc", p.report.name},
                   {"lease", scenario->lease_keys[l.lease]}, {"state", "started"}});
    progress(seconds_text(t) + "s  " + p.report.name + " started leading " + scenario->lease_keys[l.lease]);
  }
  void stop_leading(uint32_t i, TrueInstant t, const std::string& cause) {
    Proc& p = procs[i];
    if (!p.open_leadership) return;
    Leadership& l = history.leaderships.mut(*p.open_leadership);
    l.end = t;
    l.end_cause = cause;
    p.open_leadership.reset();
    add_trace(json{{"t", seconds_number(t)}, {"type", "leader"}, {"proc", p.report.name},
                   {"lease", scenario->lease_keys[l.lease]}, {"state", "stopped"}, {"cause", cause}});
    progress(seconds_text(t) + "s  " + p.report.name + " stopped leading (" + cause + ")");
  }

  void on_line(uint32_t i, const std::string& line) {
    std::lock_guard lock(mu);
    Proc& p = procs[i];
    if (p.log) p.log << line << "\n" << std::flush;
    const TrueInstant t = now();
    if (p.leader_re && std::regex_search(line, *p.leader_re)) start_leading(i, t);
    else if (p.follower_re && std::regex_search(line, *p.follower_re)) stop_leading(i, t, "follower");
  }

  void on_exit(uint32_t i, const std::string& how) {
    std::lock_guard lock(mu);
    Proc& p = procs[i];
    const TrueInstant t = now();
    p.report.exits.push_back(how);
    // A PASS must not hide a process that died on its own (not by a crash or stop fault, nor
    // by the end of the run).
    if (p.pending_end_cause.empty() && !shutting_down)
      warnings.push_back(p.report.name + " exited on its own at " + seconds_text(t) + "s: " + how);
    const std::string cause = p.pending_end_cause.empty() ? "exited (" + how + ")" : p.pending_end_cause;
    stop_leading(i, t, cause);
    add_trace(json{{"t", seconds_number(t)}, {"type", "process"}, {"proc", p.report.name}, {"state", "exited"},
                   {"how", how}});
    progress(seconds_text(t) + "s  " + p.report.name + " exited: " + how);
  }

  // Starts process i (under mu); an error is a warning of the run (and the trace).
  void start_process(uint32_t i) {
    Proc& p = procs[i];
    if (p.exec && p.exec->running()) return;
    if (p.exec) {
      // The previous incarnation has exited: join its threads outside our lock.
      std::unique_ptr<ExecProcess> old = std::move(p.exec);
      mu.unlock();
      old->join();
      old.reset();
      mu.lock();
    }
    const ProcessSpec& spec = scenario->processes[i];
    ExecSpec e;
    e.argv = p.config->command;
    e.env = p.config->env;
    e.env["KUBECONFIG"] = p.report.kubeconfig;
    e.env["LEASESIM_PROCESS"] = spec.name;
    e.env["LEASESIM_IDENTITY"] = spec.identity;
    e.env["LEASESIM_LEASE"] = scenario->lease_keys[spec.lease];
    e.env["LEASESIM_ENDPOINT"] = "http://127.0.0.1:" + std::to_string(p.report.port);
    if (has_clock(spec.clock)) {
      e.env["LD_PRELOAD"] = find_libfaketime();
      e.env["FAKETIME"] = faketime_spec(spec.clock);
      e.env["FAKETIME_DONT_RESET"] = "1";
    }
    p.pending_end_cause.clear();
    p.paused = false;
    auto started = ExecProcess::start(
        e, [this, i](const std::string& line) { on_line(i, line); },
        [this, i](const std::string& how) { on_exit(i, how); });
    const TrueInstant t = now();
    if (auto* error = std::get_if<std::string>(&started)) {
      warnings.push_back(spec.name + ": " + *error);
      add_trace(json{{"t", seconds_number(t)}, {"type", "process"}, {"proc", spec.name}, {"state", "failedToStart"},
                     {"error", *error}});
      progress(seconds_text(t) + "s  " + spec.name + ": " + *error);
      return;
    }
    p.exec = std::move(std::get<std::unique_ptr<ExecProcess>>(started));
    ++p.report.starts;
    add_trace(json{{"t", seconds_number(t)}, {"type", "process"}, {"proc", spec.name}, {"state", "started"},
                   {"pid", p.exec->pid()}});
    progress(seconds_text(t) + "s  started " + spec.name + " (pid " + std::to_string(p.exec->pid()) + ", port " +
             std::to_string(p.report.port) + ")");
  }

  std::optional<uint32_t> acting_leader() const {
    std::optional<uint32_t> best;
    TrueInstant best_start{INT64_MAX};
    for (uint32_t i = 0; i < procs.size(); ++i) {
      if (!procs[i].open_leadership) continue;
      const TrueInstant s = history.leaderships[*procs[i].open_leadership].start;
      if (s < best_start) {
        best_start = s;
        best = i;
      }
    }
    return best;
  }

  // Applies fault `index` (start or end) now (under mu).
  void apply_fault(uint32_t index, bool is_end) {
    const FaultSpec& f = scenario->faults[index];
    FaultRecord record;
    record.t = now();
    record.index = index;
    record.spec = f;
    record.is_end = is_end;
    if (f.target.kind == FaultTarget::Kind::Process) record.target = f.target.process;
    if (f.target.kind == FaultTarget::Kind::Leader) {
      // A window's end hits the process its start hit.
      if (is_end) {
        for (const FaultRecord& r : history.faults)
          if (r.index == index && !r.is_end) record.target = r.target;
      } else {
        record.target = acting_leader();
      }
    }
    if (!is_end) {
      for (uint32_t i = 0; i < procs.size(); ++i)
        if (procs[i].open_leadership) record.acting_leaders_hit.emplace_back(scenario->processes[i].lease, i);
    }
    const bool needs_target = f.type == FaultType::Crash || f.type == FaultType::Stop || f.type == FaultType::Pause ||
                              f.type == FaultType::Partition || f.type == FaultType::Restart ||
                              f.type == FaultType::ClockJump;
    if (needs_target && !record.target) {
      record.skipped = "no acting leader";
    } else {
      switch (f.type) {
        case FaultType::Crash: {
          Proc& p = procs[*record.target];
          if (p.exec && p.exec->running()) {
            p.pending_end_cause = "crash";
            stop_leading(*record.target, record.t, "crash");
            p.exec->signal(SIGKILL);
            p.exec->signal(SIGCONT);
          } else {
            record.skipped = "not running";
          }
          break;
        }
        case FaultType::Stop: {
          Proc& p = procs[*record.target];
          if (p.exec && p.exec->running()) {
            p.pending_end_cause = "stopped";
            p.exec->signal(SIGTERM);
            p.exec->signal(SIGCONT);
          } else {
            record.skipped = "not running";
          }
          break;
        }
        case FaultType::Restart:
          if (procs[*record.target].exec && procs[*record.target].exec->running()) {
            record.skipped = "already running";
          } else {
            start_process(*record.target);
          }
          break;
        case FaultType::Pause: {
          Proc& p = procs[*record.target];
          if (!p.exec || !p.exec->running()) {
            record.skipped = "not running";
          } else {
            p.exec->signal(is_end ? SIGCONT : SIGSTOP);
            p.paused = !is_end;
          }
          break;
        }
        case FaultType::Partition:
          if (is_end) partitions.erase(*record.target);
          else partitions[*record.target] = f.direction;
          break;
        case FaultType::ApiServerOutage:
          if (is_end) outage.reset();
          else outage = f.mode;
          break;
        case FaultType::ApiServerSlow:
          if (is_end) slow.reset();
          else slow = f.latency;
          break;
        case FaultType::ClockJump:
          record.skipped = "a running process's clock cannot be stepped by serve (libfaketime reads FAKETIME once)";
          break;
        case FaultType::WatchStall:
          record.skipped = "serve has no watches of its own to stall";
          break;
      }
    }
    json line{{"t", seconds_number(record.t)}, {"type", "fault"}, {"fault", fault_type_name(f.type)},
              {"phase", is_end ? "end" : "start"}, {"index", index}};
    if (record.target) line["target"] = procs[*record.target].report.name;
    if (!record.skipped.empty()) {
      line["skipped"] = record.skipped;
      warnings.push_back("fault " + std::to_string(index) + " (" + fault_type_name(f.type) + ") skipped: " +
                         record.skipped);
    }
    add_trace(line);
    progress(seconds_text(record.t) + "s  fault " + fault_type_name(f.type) + (is_end ? " ends" : "") +
             (record.target ? " on " + procs[*record.target].report.name : "") +
             (record.skipped.empty() ? "" : " (skipped: " + record.skipped + ")"));
    history.faults.push_back(record);
  }
};

LiveServe::LiveServe(std::shared_ptr<const Scenario> scenario, ServeOptions options)
    : impl_(std::make_unique<Impl>(std::move(scenario), std::move(options))) {}

LiveServe::~LiveServe() = default;

void LiveServe::interrupt() {
  std::lock_guard lock(impl_->mu);
  impl_->interrupted = true;
  impl_->wake.notify_all();
}

std::variant<LiveRun, std::string> LiveServe::run() {
  Impl& s = *impl_;
  const Scenario& sc = *s.scenario;
  if (const auto problems = serve_problems(sc); !problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "\n") + p;
    return all;
  }
  if (s.options.work_dir.empty()) return std::string("serve needs a folder for kubeconfigs and logs (--out)");
  s.store = std::make_unique<LeaseStore>(sc, &Impl::wall_now, [&s](const CommitRecord& c) { s.on_commit(c); });
  s.http = std::make_unique<HttpServer>(
      *s.store, [&s](int client) { return s.policy(client); }, &Impl::wall_now,
      [&s](const RequestLog& r) { s.on_request(r); });
  LiveRun out;
  out.scenario = s.scenario;
  auto shared = s.http->listen(-1, s.options.listen_port);
  if (auto* e = std::get_if<std::string>(&shared)) return *e;
  out.shared_port = std::get<uint16_t>(shared);
  out.shared_kubeconfig = s.options.work_dir + "/kubeconfig";
  if (!write_file(out.shared_kubeconfig, kubeconfig_text("leasesim", out.shared_port)))
    return "cannot write " + out.shared_kubeconfig;
  s.procs.resize(sc.processes.size());
  for (uint32_t i = 0; i < sc.processes.size(); ++i) {
    Impl::Proc& p = s.procs[i];
    p.config = &std::get<ExecConfig>(sc.processes[i].model);
    p.leader_re.emplace(p.config->leader_pattern, std::regex::ECMAScript);
    if (!p.config->follower_pattern.empty()) p.follower_re.emplace(p.config->follower_pattern, std::regex::ECMAScript);
    p.report.name = sc.processes[i].name;
    auto port = s.http->listen(static_cast<int>(i), 0);
    if (auto* e = std::get_if<std::string>(&port)) return *e;
    p.report.port = std::get<uint16_t>(port);
    p.report.kubeconfig = s.options.work_dir + "/" + p.report.name + ".kubeconfig";
    p.report.log = s.options.work_dir + "/" + p.report.name + ".log";
    if (!write_file(p.report.kubeconfig, kubeconfig_text(p.report.name, p.report.port)))
      return "cannot write " + p.report.kubeconfig;
    p.log.open(p.report.log, std::ios::trunc);
  }

  // The schedule: process starts, fault starts and ends, the end of the run.
  struct Action {
    Duration at;
    int kind;  // 0 start process, 1 fault start, 2 fault end
    uint32_t index;
  };
  std::vector<Action> actions;
  for (uint32_t i = 0; i < sc.processes.size(); ++i) actions.push_back({sc.processes[i].start, 0, i});
  for (uint32_t i = 0; i < sc.faults.size(); ++i) {
    actions.push_back({sc.faults[i].at, 1, i});
    if (sc.faults[i].for_) actions.push_back({sc.faults[i].at + *sc.faults[i].for_, 2, i});
  }
  std::stable_sort(actions.begin(), actions.end(), [](const Action& a, const Action& b) { return a.at < b.at; });

  s.t0 = SteadyClock::now();
  s.progress("serving on http://127.0.0.1:" + std::to_string(out.shared_port) + " (kubeconfig " +
             out.shared_kubeconfig + "); running " + format_duration(sc.duration) + " in real time");
  {
    std::unique_lock lock(s.mu);
    size_t next = 0;
    for (;;) {
      const Duration due = next < actions.size() ? std::min(actions[next].at, sc.duration) : sc.duration;
      const auto deadline = s.t0 + std::chrono::nanoseconds(due.ns);
      s.wake.wait_until(lock, deadline, [&] { return s.interrupted; });
      if (s.interrupted) break;
      if (SteadyClock::now() < deadline) continue;
      if (next >= actions.size() || actions[next].at >= sc.duration) break;
      const Action a = actions[next++];
      if (a.kind == 0) s.start_process(a.index);
      else s.apply_fault(a.index, a.kind == 2);
    }
    out.interrupted = s.interrupted;
    out.end = s.now();
    // Leadership still open stays open (end = nullopt: "still acting when the run ended"), so
    // the exits of the shutdown below do not close it.
    for (auto& p : s.procs) p.open_leadership.reset();
    s.shutting_down = true;
  }
  // Every process ends: SIGTERM, then SIGKILL after its grace period.
  for (auto& p : s.procs)
    if (p.exec) p.exec->terminate(p.config->stop_grace_period);
  for (auto& p : s.procs)
    if (p.exec) p.exec->join();
  s.http->stop();
  {
    std::lock_guard lock(s.mu);
    for (auto& p : s.procs) {
      p.exec.reset();
      out.processes.push_back(p.report);
    }
    uint64_t rv = 0;
    LeaseStore::Filter all;
    out.final_leases = s.store->list("", all, &rv).body["items"];
    out.history = s.history;
    out.trace = s.trace;
    out.api = s.api;
    out.api_by_verb = s.api_by_verb;
    out.warnings = s.warnings;
  }
  for (uint32_t i = 0; i < s.procs.size(); ++i)
    if (!s.procs[i].report.exits.empty() && s.procs[i].report.starts == 0)
      out.warnings.push_back(s.procs[i].report.name + ": never started");
  out.evaluation = evaluate(sc, out.history, out.end, std::nullopt);
  for (const PropertyResult& r : out.evaluation.results)
    for (const Violation& v : r.violations)
      out.trace.push_back(nlohmann::ordered_json{{"t", seconds_number(v.at)},
                                                 {"type", "violation"},
                                                 {"property", r.name},
                                                 {"lease", property_scope(sc.lease_keys, r)},
                                                 {"message", v.message}}
                              .dump());
  Hasher h;
  for (const std::string& line : out.trace) h.bytes(line).u64(0x0a);
  out.trace_hash = h.digest();
  return out;
}

}  // namespace leasesim
