// fd_stream.h: an output stream buffer over a POSIX file descriptor.
//
// Contract: FdStreamBuf buffers writes and hands them to write(2), retrying short writes and
// EINTR; it owns the descriptor and closes it in close() or its destructor. An error sticks:
// once a write fails, sync() and overflow() report failure and the caller's stream goes bad,
// and error_number() tells why. It exists because AtomicFile must write through descriptors
// it did not open by name (mkstemp's, a dup of standard output), which std::ofstream cannot.
// Leaves out: reading, seeking.
#pragma once

#include <array>
#include <streambuf>

namespace leasesim {

class FdStreamBuf : public std::streambuf {
 public:
  FdStreamBuf() { setp(buffer_.data(), buffer_.data() + buffer_.size()); }
  ~FdStreamBuf() override { close(); }
  FdStreamBuf(const FdStreamBuf&) = delete;
  FdStreamBuf& operator=(const FdStreamBuf&) = delete;

  void attach(int fd) { fd_ = fd; }
  bool is_open() const { return fd_ >= 0; }
  // Flushes and closes; false when a write or the close failed.
  bool close();
  int error_number() const { return errno_; }

 protected:
  int_type overflow(int_type c) override;
  int sync() override;

 private:
  bool drain();

  std::array<char, 1 << 16> buffer_{};
  int fd_ = -1;
  int errno_ = 0;
};

}  // namespace leasesim
