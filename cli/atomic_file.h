// atomic_file.h: output files that appear whole or not at all.
//
// Contract (docs/cli.md section 4, last bullet): an AtomicFile streams into
// "<path>.tmp" next to the target (creating missing parent folders) and renames it over the
// target on commit(); if it is destroyed without commit() the temporary file is removed, so an
// interrupted run never leaves a truncated output behind. Errors are values (an error string).
#pragma once

#include <fstream>
#include <optional>
#include <string>

namespace leasesim {

class AtomicFile {
 public:
  // Opens the temporary file; on failure error() says why and stream() must not be used.
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ostream& stream() { return out_; }
  const std::optional<std::string>& error() const { return error_; }
  // Flushes, closes and renames; returns an error message on failure.
  std::optional<std::string> commit();

 private:
  std::string path_;
  std::string tmp_path_;
  std::ofstream out_;
  std::optional<std::string> error_;
  bool committed_ = false;
};

// Writes `content` to `path` atomically; returns an error message on failure.
std::optional<std::string> write_file_atomically(const std::string& path, const std::string& content);

}  // namespace leasesim
