// fd_stream.cc: see fd_stream.h.
#include "cli/fd_stream.h"

#include <unistd.h>

#include <cerrno>

namespace leasesim {

bool FdStreamBuf::drain() {
  const char* p = pbase();
  while (p < pptr()) {
    if (fd_ < 0 || errno_ != 0) break;
    const ssize_t n = ::write(fd_, p, static_cast<size_t>(pptr() - p));
    if (n < 0) {
      if (errno == EINTR) continue;
      errno_ = errno;
      break;
    }
    p += n;
  }
  setp(buffer_.data(), buffer_.data() + buffer_.size());
  return errno_ == 0 && fd_ >= 0;
}

FdStreamBuf::int_type FdStreamBuf::overflow(int_type c) {
  if (!drain()) return traits_type::eof();
  if (!traits_type::eq_int_type(c, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
  }
  return traits_type::not_eof(c);
}

int FdStreamBuf::sync() { return drain() ? 0 : -1; }

bool FdStreamBuf::close() {
  if (fd_ < 0) return errno_ == 0;
  const bool drained = drain();
  const int rc = ::close(fd_);
  if (rc != 0 && errno_ == 0) errno_ = errno;
  fd_ = -1;
  return drained && rc == 0;
}

}  // namespace leasesim
