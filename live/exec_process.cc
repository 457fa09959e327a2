// exec_process.cc: see exec_process.h.
#include "live/exec_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <optional>

namespace leasesim {
namespace {

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* name = strsignal(sig);
    return "signal " + std::to_string(sig) + (name ? std::string(" (") + name + ")" : "");
  }
  return "status " + std::to_string(status);
}

// Resolves a program name through PATH as execvp does.
std::string resolve(const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t colon = dirs.find(':', start);
    const std::string dir = dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return program;
}

}  // namespace

std::variant<std::unique_ptr<ExecProcess>, std::string> ExecProcess::start(const ExecSpec& spec, LineFn on_line,
                                                                           ExitFn on_exit) {
  if (spec.argv.empty()) return std::string("no command to start");
  int out[2];
  int err_pipe[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    return std::string("pipe: ") + std::strerror(errno);
  }
  // Everything the child needs is built before fork: after it only async-signal-safe calls.
  std::map<std::string, std::string> env_map;
  for (char** e = environ; *e; ++e) {
    const std::string entry(*e);
    const size_t eq = entry.find('=');
    if (eq != std::string::npos) env_map[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [k, v] : spec.env) env_map[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env_map) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_strings = spec.argv;
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  const std::string program = resolve(spec.argv.front());

  const pid_t pid = ::fork();
  if (pid < 0) {
    for (int fd : {out[0], out[1], err_pipe[0], err_pipe[1]}) ::close(fd);
    return std::string("fork: ") + std::strerror(errno);
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP}) ::signal(sig, SIG_DFL);
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    ::dup2(out[1], 1);
    ::dup2(out[1], 2);
    if (!spec.working_dir.empty() && ::chdir(spec.working_dir.c_str()) != 0) {
      const int e = errno;
      (void)!::write(err_pipe[1], &e, sizeof e);
      ::_exit(127);
    }
    ::execve(program.c_str(), argv.data(), envp.data());
    const int e = errno;
    (void)!::write(err_pipe[1], &e, sizeof e);
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also from the parent, so signals work even before the child runs
  ::close(out[1]);
  ::close(err_pipe[1]);
  int child_errno = 0;
  const ssize_t n = ::read(err_pipe[0], &child_errno, sizeof child_errno);
  ::close(err_pipe[0]);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    ::close(out[0]);
    int status;
    ::waitpid(pid, &status, 0);
    return "cannot start " + spec.argv.front() + ": " + std::strerror(child_errno);
  }
  std::unique_ptr<ExecProcess> p(new ExecProcess());
  p->pid_ = pid;
  p->out_fd_ = out[0];
  ExecProcess* raw = p.get();
  p->reader_ = std::thread([raw, on_line = std::move(on_line)] {
    std::string pending;
    char buf[4096];
    for (;;) {
      const ssize_t got = ::read(raw->out_fd_, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      pending.append(buf, static_cast<size_t>(got));
      size_t nl;
      while ((nl = pending.find('\n')) != std::string::npos) {
        if (on_line) on_line(pending.substr(0, nl));
        pending.erase(0, nl + 1);
      }
      if (pending.size() > 65536) {  // a line without end: hand over what there is
        if (on_line) on_line(pending);
        pending.clear();
      }
    }
    if (!pending.empty() && on_line) on_line(pending);
  });
  p->waiter_ = std::thread([raw, on_exit = std::move(on_exit)] {
    int status = 0;
    pid_t r;
    do {
      r = ::waitpid(raw->pid_, &status, 0);
    } while (r < 0 && errno == EINTR);
    raw->exited_.store(true);
    if (on_exit) on_exit(r < 0 ? std::string("lost (waitpid failed)") : describe_status(status));
  });
  return p;
}

void ExecProcess::signal(int sig) {
  if (!exited_.load()) ::kill(-pid_, sig);
}

void ExecProcess::terminate(Duration grace) {
  if (exited_.load()) return;
  ::kill(-pid_, SIGTERM);
  ::kill(-pid_, SIGCONT);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(grace.ns);
  while (!exited_.load() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (!exited_.load()) ::kill(-pid_, SIGKILL);
}

void ExecProcess::join() {
  if (waiter_.joinable()) waiter_.join();
  if (reader_.joinable()) reader_.join();
}

ExecProcess::~ExecProcess() {
  if (!exited_.load()) {
    ::kill(-pid_, SIGKILL);
    ::kill(-pid_, SIGCONT);
  }
  if (waiter_.joinable()) waiter_.join();
  // The group may hold children that keep the pipe open: kill the group for good, then read
  // to the end.
  ::kill(-pid_, SIGKILL);
  if (reader_.joinable()) reader_.join();
  if (out_fd_ >= 0) ::close(out_fd_);
}

std::optional<bool> is_go_binary(const std::string& program) {
  std::ifstream in(resolve(program), std::ios::binary);
  if (!in) return std::nullopt;
  // Go (1.13 and later) writes its build information under this magic string; scanning the
  // first 32 MiB finds it in any Go executable and never in a C program's.
  static constexpr char kMagic[] = "\xff Go buildinf:";
  constexpr size_t kMagicLen = sizeof kMagic - 1;
  std::string window;
  char buf[1 << 16];
  size_t total = 0;
  while (in && total < (32u << 20)) {
    in.read(buf, sizeof buf);
    const auto got = static_cast<size_t>(in.gcount());
    if (got == 0) break;
    total += got;
    window.append(buf, got);
    if (window.find(kMagic, 0, kMagicLen) != std::string::npos) return true;
    window.erase(0, window.size() > kMagicLen ? window.size() - kMagicLen : 0);
  }
  return false;
}

std::string find_libfaketime() {
  for (const char* p : {"/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
                        "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1", "/usr/lib/faketime/libfaketimeMT.so.1",
                        "/usr/lib/faketime/libfaketime.so.1", "/usr/local/lib/faketime/libfaketimeMT.so.1"}) {
    struct stat st;
    if (::stat(p, &st) == 0) return p;
  }
  return "";
}

}  // namespace leasesim
