// json_values.h: splits a byte stream into top-level JSON values without parsing them.
//
// Contract: `kubectl get lease -w -o json` prints pretty-printed objects one after another with
// no separator, and `kubectl get leases -A -o json` one pretty-printed List; neither is JSON
// Lines. JsonValueReader finds where each top-level object or array ends by counting brackets
// outside strings (escapes honoured), and hands back its text and the line it starts on, so a
// broken value costs only itself: the next value is found where the next top-level '{' or '['
// begins. Memory is one value at a time; a value longer than `max_value_bytes` is reported
// and skipped. Bytes between values other than whitespace are reported once per run.
// Leaves out: top-level scalars (no input format has them).
#pragma once

#include <cstdint>
#include <istream>
#include <string>

namespace leasesim {

struct JsonValueText {
  std::string text;
  uint64_t line = 0;   // where the value starts (1-based)
  std::string error;   // set when the value is unusable (unterminated, stray bytes, too long)
};

class JsonValueReader {
 public:
  // `prefix` is read before `in` (a reader that already consumed the first line hands it back).
  JsonValueReader(std::istream& in, std::string prefix, uint64_t max_value_bytes = 64u << 20);

  // The next value (or an error record); false at the end of input.
  bool next(JsonValueText* out);

 private:
  int get();   // next byte or -1
  int peek();  // without consuming
  std::istream& in_;
  std::string prefix_;
  size_t prefix_pos_ = 0;
  uint64_t line_ = 1;
  uint64_t max_bytes_;
};

}  // namespace leasesim
