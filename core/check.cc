// check.cc: the out-of-line failure path of LS_CHECK (see check.h).
#include "core/check.h"

namespace leasesim {

void check_failed(const char* file, int line, const char* cond, const std::string& message) {
  throw InvariantViolation(std::string(file) + ":" + std::to_string(line) + ": invariant `" + cond +
                           "` failed: " + message);
}

}  // namespace leasesim
