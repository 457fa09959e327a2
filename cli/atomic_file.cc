// atomic_file.cc: see atomic_file.h.
#include "cli/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace leasesim {

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)), tmp_path_(path_ + ".tmp") {
  const std::filesystem::path parent = std::filesystem::path(path_).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) {
    error_ = "cannot create folder " + parent.string() + ": " + ec.message();
    return;
  }
  out_.open(tmp_path_, std::ios::binary | std::ios::trunc);
  if (!out_) error_ = "cannot write " + tmp_path_ + ": " + std::strerror(errno);
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    out_.close();
    std::error_code ec;
    std::filesystem::remove(tmp_path_, ec);
  }
}

std::optional<std::string> AtomicFile::commit() {
  if (error_) return error_;
  out_.flush();
  if (!out_) return "cannot write " + tmp_path_;
  out_.close();
  std::error_code ec;
  std::filesystem::rename(tmp_path_, path_, ec);
  if (ec) return "cannot rename " + tmp_path_ + " to " + path_ + ": " + ec.message();
  committed_ = true;
  return std::nullopt;
}

std::optional<std::string> write_file_atomically(const std::string& path, const std::string& content) {
  AtomicFile file(path);
  if (file.error()) return file.error();
  file.stream() << content;
  return file.commit();
}

}  // namespace leasesim
