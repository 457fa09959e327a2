// int_flags.cc: see int_flags.h.
#include "cli/int_flags.h"

namespace leasesim {

std::optional<uint64_t> parse_flag_integer(std::string_view text, uint64_t min, uint64_t max, std::string* error) {
  const std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  bool digits = !text.empty();
  unsigned __int128 value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      digits = false;
      break;
    }
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > max) break;  // also keeps the 128-bit value from overflowing
  }
  if (!digits) {
    *error = "expected " + range + ", got \"" + std::string(text) + "\"";
    return std::nullopt;
  }
  if (value < min || value > max) {
    *error = "must be " + range + ", got " + std::string(text);
    return std::nullopt;
  }
  return static_cast<uint64_t>(value);
}

CLI::Validator integer_flag(uint64_t min, uint64_t max) {
  return CLI::Validator(
      [min, max](std::string& text) {
        std::string error;
        return parse_flag_integer(text, min, max, &error) ? std::string() : error;
      },
      "INT in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
}

}  // namespace leasesim
