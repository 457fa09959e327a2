// check.h: invariant checks for our own code.
//
// Contract: LS_CHECK(cond, msg) guards invariants of leasesim itself (never user input, which
// is reported as an error value). A failed check throws InvariantViolation carrying the file,
// line and message; the command line turns it into exit code 3 with a request to report the
// scenario and seed. Checks stay on in release builds: a simulator that silently continues
// after breaking its own invariant produces wrong verdicts.
#pragma once

#include <stdexcept>
#include <string>

namespace leasesim {

class InvariantViolation : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

[[noreturn]] void check_failed(const char* file, int line, const char* cond, const std::string& message);

}  // namespace leasesim

#define LS_CHECK(cond, msg)                                                   \
  do {                                                                        \
    if (!(cond)) [[unlikely]] ::leasesim::check_failed(__FILE__, __LINE__, #cond, (msg)); \
  } while (0)
