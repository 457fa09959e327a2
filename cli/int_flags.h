// int_flags.h: strict integer command-line flags.
//
// Contract: CLI11 converts "-1" to an unsigned option by wrapping it (to 2^64-1) and saturates
// 2^64; integer_flag(min, max) is a validator that runs on the text before that conversion and
// accepts only plain decimal digits (no sign, no spaces, no 0x, no exponent) whose value lies in
// [min, max], so `--seed -1`, `--runs -1` or `--seeds 1e9` are usage errors (exit 2) naming the
// range, as the scenario loader does for integers in files.
// Leaves out: signed flags (leasesim has none).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace leasesim {

// Reads `text` as a decimal integer in [min, max]; nullopt with *error set otherwise.
std::optional<uint64_t> parse_flag_integer(std::string_view text, uint64_t min, uint64_t max, std::string* error);

CLI::Validator integer_flag(uint64_t min, uint64_t max);

}  // namespace leasesim
