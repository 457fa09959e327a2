// atomic_file.h: output files that appear whole or not at all, without harming what they name.
//
// Contract (docs/hostile-input.md, "Output files"):
// - A regular file (or a path that does not exist yet) is written through a temporary file
//   made with mkstemp in the target's own folder (".NAME.XXXXXX", unique per writer, so two
//   writers never share an inode) and renamed over the target on commit(). Missing parent
//   folders are created. If the AtomicFile is destroyed without commit(), or the process gets
//   SIGINT or SIGTERM first, the temporary file is removed, so an interrupted run never leaves
//   a truncated output or a stray temporary file behind.
// - A symbolic link is resolved first (chains too, and a dangling link names the file to
//   create); the temporary file is made in the folder of the final target and renamed over
//   it, so the link stays a link and its target receives the bytes.
// - A character device, a FIFO or a socket (e.g. /dev/null, a terminal, a named pipe) is
//   written straight through: it cannot be replaced atomically and must never be replaced.
//   /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N write through a duplicate of that
//   descriptor, so they share its file offset with the process's own output (whatever the
//   shell redirected it to).
// - A folder is refused with an error. Errors are values (an error string).
// - The replacement file gets the mode of the file it replaces, or 0666 minus the umask for a
//   new file, as a plain open() would give.
// Leaves out: preserving the owner, ACLs or extended attributes of a replaced file; fsync
// (a crash of the machine may lose the file, never expose a torn one).
#pragma once

#include <sys/types.h>

#include <optional>
#include <ostream>
#include <string>

#include "cli/fd_stream.h"

namespace leasesim {

class AtomicFile {
 public:
  // Opens the temporary file (or the device); on failure error() says why and stream() must
  // not be used.
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ostream& stream() { return out_; }
  const std::optional<std::string>& error() const { return error_; }
  // Flushes and closes, then renames (a regular file); returns an error message on failure.
  std::optional<std::string> commit();
  // Steps 1 and 2 of commit() apart, for a caller that commits several files together
  // (campaign: results.jsonl and campaign.json): finish() flushes and closes; publish() renames.
  std::optional<std::string> finish();
  std::optional<std::string> publish();

  // The file the bytes end up in (the resolved target of a symbolic link).
  const std::string& target() const { return target_; }
  bool writes_through() const { return through_; }

 private:
  std::string path_;    // as given, for messages
  std::string target_;  // after resolving symbolic links
  std::string tmp_path_;
  FdStreamBuf buf_;
  std::ostream out_{&buf_};
  std::optional<std::string> error_;
  int slot_ = -1;        // the signal-cleanup registry slot of tmp_path_ (-1: none)
  bool through_ = false;  // a device, FIFO or socket: no temporary file
  bool finished_ = false;
  bool committed_ = false;
};

// Writes `content` to `path` atomically; returns an error message on failure.
std::optional<std::string> write_file_atomically(const std::string& path, const std::string& content);

// True when `a` and `b` name the same existing file (after symbolic links): used to refuse an
// output path that is one of the inputs.
bool same_existing_file(const std::string& a, const std::string& b);

}  // namespace leasesim
