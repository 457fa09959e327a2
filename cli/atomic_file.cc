// atomic_file.cc: see atomic_file.h.
//
// Signal cleanup: a SIGINT or SIGTERM handler can only reach storage with static duration, so
// the temporary files in flight are kept in one fixed table local to this file (the one piece
// of process-wide state here, on purpose). The handler unlinks every registered path, which
// is async-signal-safe, then restores the default action and raises the signal again so the
// process still dies of it (exit status 130 or 143 in a shell).
#include "cli/atomic_file.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <system_error>

namespace leasesim {
namespace {

namespace fs = std::filesystem;

// One registry slot: state 0 free, 1 being filled, 2 holds a path the handler may unlink.
struct CleanupSlot {
  std::atomic<int> state{0};
  char path[PATH_MAX] = {};
};
constexpr size_t kCleanupSlots = 64;  // more live temporary files than this are not tracked

std::array<CleanupSlot, kCleanupSlots>& cleanup_slots() {
  static std::array<CleanupSlot, kCleanupSlots> slots;
  return slots;
}

extern "C" void remove_temporaries_and_reraise(int sig) {
  for (CleanupSlot& s : cleanup_slots())
    if (s.state.load() == 2) ::unlink(s.path);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// The process umask, read once (umask() can only be read by setting it, so it is set back at
// once; this happens before any worker thread creates files).
mode_t process_umask() {
  static const mode_t mask = [] {
    const mode_t m = ::umask(0);
    ::umask(m);
    return m;
  }();
  return mask;
}

void install_cleanup_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    (void)cleanup_slots();
    (void)process_umask();
    for (int sig : {SIGINT, SIGTERM}) {
      struct sigaction old {};
      ::sigaction(sig, nullptr, &old);
      // A signal the parent ignores (nohup, `trap '' TERM`) stays ignored.
      if (old.sa_handler == SIG_IGN) continue;
      struct sigaction sa {};
      sa.sa_handler = remove_temporaries_and_reraise;
      sigemptyset(&sa.sa_mask);
      ::sigaction(sig, &sa, nullptr);
    }
  });
}

int register_temporary(const std::string& path) {
  if (path.size() >= PATH_MAX) return -1;
  for (size_t i = 0; i < kCleanupSlots; ++i) {
    CleanupSlot& s = cleanup_slots()[i];
    int expected = 0;
    if (!s.state.compare_exchange_strong(expected, 1)) continue;
    std::memcpy(s.path, path.c_str(), path.size() + 1);
    s.state.store(2);
    return static_cast<int>(i);
  }
  return -1;
}

void unregister_temporary(int slot) {
  if (slot >= 0) cleanup_slots()[static_cast<size_t>(slot)].state.store(0);
}

// Follows symbolic links (a chain of at most 40, as the kernel does); a dangling link gives
// the path it points at. nullopt on a loop.
std::optional<fs::path> resolve_links(const fs::path& start) {
  fs::path p = start;
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(p, ec))) return p;
    const fs::path next = fs::read_symlink(p, ec);
    if (ec) return p;
    p = next.is_absolute() ? next : p.parent_path() / next;
  }
  return std::nullopt;
}

// The descriptor named by /dev/stdout, /dev/stderr, /dev/fd/N or /proc/self/fd/N; -1 otherwise.
int descriptor_of(const std::string& path) {
  if (path == "/dev/stdout") return 1;
  if (path == "/dev/stderr") return 2;
  for (const std::string_view prefix : {std::string_view("/dev/fd/"), std::string_view("/proc/self/fd/")}) {
    if (path.rfind(prefix, 0) != 0) continue;
    const std::string digits = path.substr(prefix.size());
    if (digits.empty() || digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos) return -1;
    return std::stoi(digits);
  }
  return -1;
}

bool is_special(const struct stat& st) { return S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode); }

}  // namespace

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  if (path_.empty()) {
    error_ = "empty output path";
    return;
  }
  // The kernel follows the links for stat(): that is what a write would reach.
  struct stat st {};
  bool exists = ::stat(path_.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) {
    error_ = "cannot write " + path_ + ": it is a folder";
    return;
  }
  // /dev/stdout, /dev/fd/N and /proc/self/fd/N name a descriptor this process holds: write
  // through a duplicate of it, so the bytes share its offset (opening the name again would
  // start at offset 0 of a redirected file and overwrite what the process printed).
  if (const int fd = descriptor_of(path_); fd >= 0 && exists) {
    target_ = path_;
    through_ = true;
    const int copy = ::dup(fd);
    if (copy < 0) error_ = "cannot write " + path_ + ": " + std::strerror(errno);
    else buf_.attach(copy);
    return;
  }
  if (exists && is_special(st)) {
    // /dev/null, a terminal, a FIFO: write to it directly, never replace it.
    target_ = path_;
    through_ = true;
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) error_ = "cannot write " + path_ + ": " + std::strerror(errno);
    else buf_.attach(fd);
    return;
  }
  const auto resolved = resolve_links(fs::path(path_));
  if (!resolved) {
    error_ = "cannot write " + path_ + ": too many levels of symbolic links";
    return;
  }
  target_ = resolved->string();
  exists = ::stat(target_.c_str(), &st) == 0;
  if (exists && !S_ISREG(st.st_mode)) {
    error_ = "cannot write " + path_ + ": not a regular file";
    return;
  }
  const fs::path target(target_);
  const fs::path parent = target.parent_path();
  std::error_code ec;
  if (!parent.empty()) fs::create_directories(parent, ec);
  if (ec) {
    error_ = "cannot create folder " + parent.string() + ": " + ec.message();
    return;
  }
  install_cleanup_handlers();
  std::string pattern = (parent / ("." + target.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) {
    error_ = "cannot write in " + (parent.empty() ? std::string(".") : parent.string()) + ": " + std::strerror(errno);
    return;
  }
  tmp_path_ = pattern;
  slot_ = register_temporary(tmp_path_);
  const mode_t mode = exists ? (st.st_mode & 07777) : (0666 & ~process_umask());
  ::fchmod(fd, mode);
  buf_.attach(fd);
}

AtomicFile::~AtomicFile() {
  buf_.close();
  if (!committed_ && !through_ && !tmp_path_.empty()) ::unlink(tmp_path_.c_str());
  unregister_temporary(slot_);
}

std::optional<std::string> AtomicFile::finish() {
  if (error_) return error_;
  if (finished_) return std::nullopt;
  out_.flush();
  const bool closed = buf_.close();
  if (!out_ || !closed)
    return "cannot write " + (through_ ? path_ : tmp_path_) + ": " + std::strerror(buf_.error_number());
  finished_ = true;
  return std::nullopt;
}

std::optional<std::string> AtomicFile::publish() {
  if (auto e = finish()) return e;
  if (committed_) return std::nullopt;
  if (!through_ && ::rename(tmp_path_.c_str(), target_.c_str()) != 0)
    return "cannot rename " + tmp_path_ + " to " + target_ + ": " + std::strerror(errno);
  committed_ = true;
  unregister_temporary(slot_);
  slot_ = -1;
  return std::nullopt;
}

std::optional<std::string> AtomicFile::commit() { return publish(); }

std::optional<std::string> write_file_atomically(const std::string& path, const std::string& content) {
  AtomicFile file(path);
  if (file.error()) return file.error();
  file.stream() << content;
  return file.commit();
}

bool same_existing_file(const std::string& a, const std::string& b) {
  struct stat sa {}, sb {};
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

}  // namespace leasesim
