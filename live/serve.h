// serve.h: `leasesim serve`: a scenario run in real time, with real processes against a real
// HTTP API server whose store is the simulated API server's.
//
// Contract:
// - Every process of the scenario must use `model: exec` (model/exec_config.h); simulated
//   models need the deterministic World and run with `leasesim run`. A scenario without
//   processes just serves its Leases, for kubectl and client experiments.
// - Each process gets an endpoint of its own (127.0.0.1, a free port) and a kubeconfig naming it
//   (KUBECONFIG in its environment; also LEASESIM_PROCESS, LEASESIM_IDENTITY, LEASESIM_LEASE
//   "namespace/name", LEASESIM_ENDPOINT), so partitions, latency and outages apply per process
//   at the HTTP layer. Tools share one more endpoint (`--listen`).
// - Time is real: t = 0 when serving starts; `start`, fault times and `duration` are seconds of
//   the wall clock on this machine, so a scenario is only as fast as its timings (choose short
//   leaseDuration/renewDeadline/retryPeriod to shorten a run). Each one-way trip waits a delay
//   drawn from spec.apiServer.latency (or an apiServerSlow window's range).
// - Faults: crash = SIGKILL to the process group, stop = SIGTERM (SIGKILL after
//   stopGracePeriod), pause = SIGSTOP until the window ends (then SIGCONT), restart = start
//   again, partition / apiServerOutage / apiServerSlow at the HTTP layer, `leader` = the
//   process acting as leader at that instant. clockJump cannot move a running process's clock
//   and is recorded as skipped with that reason. A process's clock offset and rate are applied
//   through libfaketime (LD_PRELOAD, FAKETIME), which works for programs that read the time
//   through libc; a Go program reads it through the vDSO, so serve refuses a clock on a Go
//   binary with that explanation instead of pretending.
// - Acting leadership is read from each process's output: a line matching leaderPattern starts
//   it, followerPattern or the process's exit ends it. Committed writes are recorded with the
//   writing process (by endpoint); writes through the shared endpoint are traced but are not
//   any process's. The properties of the scenario are judged over that History, as for a
//   simulated run.
// - Not reproducible: the trace hash is printed but differs run to run (real scheduling).
// - interrupt() (Ctrl-C) ends the run early; every child is killed and reaped before run()
//   returns, in every case.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "properties/evaluate.h"
#include "sim/history.h"
#include "sim/scenario.h"

namespace leasesim {

struct ServeOptions {
  uint16_t listen_port = 0;  // the shared endpoint (0 = any free port)
  std::string work_dir;      // kubeconfigs and process logs go here (created); required
  std::function<void(const std::string&)> progress;  // one human-readable line per event
};

struct LiveProcessReport {
  std::string name;
  uint16_t port = 0;
  std::string kubeconfig;
  std::string log;
  uint32_t starts = 0;
  std::vector<std::string> exits;  // one description per incarnation that ended
};

struct LiveRun {
  std::shared_ptr<const Scenario> scenario;
  History history;
  Evaluation evaluation;
  TrueInstant end;
  bool interrupted = false;
  std::vector<std::string> trace;        // JSON Lines, in order
  uint64_t trace_hash = 0;               // not reproducible (real time)
  nlohmann::json final_leases;           // the Lease objects at the end, as the API returns them
  std::map<std::string, uint64_t> api;   // "METHOD status" -> requests (the HTTP view)
  // verb -> result -> requests, as a simulated run's summary counts them (live/request_kind.h).
  std::map<std::string, std::map<std::string, uint64_t>> api_by_verb;
  uint16_t shared_port = 0;
  std::string shared_kubeconfig;
  std::vector<LiveProcessReport> processes;
  std::vector<std::string> warnings;
};

class LiveServe {
 public:
  LiveServe(std::shared_ptr<const Scenario> scenario, ServeOptions options);
  ~LiveServe();
  LiveServe(const LiveServe&) = delete;
  LiveServe& operator=(const LiveServe&) = delete;

  // Checks the scenario and the machine (every process exec, programs found, libfaketime where
  // a clock is set); the error says what to change. Then runs in real time until the
  // scenario's duration or interrupt().
  std::variant<LiveRun, std::string> run();
  // Thread-safe, also from a signal-waiting thread.
  void interrupt();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The problems that keep a scenario from being served (empty: it can be): each names the
// process and the field.
std::vector<std::string> serve_problems(const Scenario& scenario);

}  // namespace leasesim
