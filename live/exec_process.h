// exec_process.h: one real OS process started by `leasesim serve` (model: exec).
//
// Contract:
// - start() forks, puts the child in a process group of its own (so signals reach whatever it
//   spawns), restores the default signal mask and dispositions, connects stdout and stderr to
//   one pipe, adds `env` to the inherited environment and execs argv[0] through PATH. A
//   program that cannot be started is an error value with the OS's reason, not an exit later.
// - A reader thread hands every output line (without its newline, at most 64 KiB each) to
//   on_line; a waiter thread reaps the child and calls on_exit with a description ("exit 1",
//   "signal 9 (Killed)"). Both callbacks run on those threads.
// - signal() delivers to the whole process group; terminate() sends SIGTERM (and SIGCONT, so
//   a paused process can act on it), waits up to `grace`, then SIGKILL. The destructor kills and
//   reaps, so no child outlives its ExecProcess (and `serve` reaps every child on exit, Ctrl-C
//   included).
// Leaves out: stdin (the child reads /dev/null), resource limits, user switching.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "core/time.h"

namespace leasesim {

struct ExecSpec {
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;  // added to (and overriding) the inherited environment
  std::string working_dir;                  // "" = leasesim's own
};

class ExecProcess {
 public:
  using LineFn = std::function<void(const std::string& line)>;
  using ExitFn = std::function<void(const std::string& how)>;

  static std::variant<std::unique_ptr<ExecProcess>, std::string> start(const ExecSpec& spec, LineFn on_line,
                                                                       ExitFn on_exit);
  ~ExecProcess();
  ExecProcess(const ExecProcess&) = delete;
  ExecProcess& operator=(const ExecProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running() const { return !exited_.load(); }
  void signal(int sig);
  void terminate(Duration grace);
  // Blocks until the reader and waiter threads are done (after the child exited).
  void join();

 private:
  ExecProcess() = default;
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::atomic<bool> exited_{false};
  std::thread reader_;
  std::thread waiter_;
};

// Whether the file at `path` (or found on PATH) is a Go program, whose clock libfaketime
// cannot move (Go reads the time through the vDSO, not libc); nullopt when it cannot be read.
std::optional<bool> is_go_binary(const std::string& program);

// The path of libfaketime's shared object, or "" when it is not installed.
std::string find_libfaketime();

}  // namespace leasesim
