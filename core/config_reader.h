// config_reader.h: the interface through which a model's `config:` mapping reads itself.
//
// Contract:
// - A model's configuration is read by the model layer (next to the config struct it fills),
//   not by the scenario loader: the loader implements ConfigReader over its YAML tree and
//   hands one reader per process entry to the model's read function. The model never sees
//   YAML, and adding a model does not grow the loader.
// - The set of keys a mapping may hold is declared up front (model_registry() in
//   model/process_model.h lists it per model); the reader has already rejected unknown keys,
//   with a "did you mean" hint, before any getter runs.
// - Every getter returns std::nullopt when the key is absent *or* its value is invalid. In the
//   second case the reader has already reported the problem with the file, line, column and
//   field path (spec.processes[2].config.retryPeriod) and failed() turns true, so one bad field
//   never hides another and a read function can simply skip what it could not read.
// - error() reports a problem found by the model's own validation (client-go's
//   "leaseDuration must be greater than renewDeadline"): it points at the named key when the
//   file sets it, else at the `config` mapping itself.
// Leaves out: nested mappings (a config is one flat mapping of scalars, lists of strings and
// string-to-string maps), which no model needs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.h"

namespace leasesim {

class ConfigReader {
 public:
  virtual ~ConfigReader() = default;

  // Whether the mapping sets `key` (to anything, valid or not).
  virtual bool has(std::string_view key) const = 0;

  // A duration with a unit ("1.5s"); negative values are rejected.
  virtual std::optional<Duration> duration(std::string_view key) = 0;
  // The same, or a bare whole number of seconds ("300"): for fields whose name ends in Seconds,
  // as the upstream flag of that name takes an integer (--default-unreachable-toleration-seconds).
  virtual std::optional<Duration> seconds_or_duration(std::string_view key) = 0;
  virtual std::optional<bool> boolean(std::string_view key) = 0;
  // An integer in [min, max]; out of range is an error naming the range.
  virtual std::optional<int64_t> integer(std::string_view key, int64_t min, int64_t max) = 0;
  // An exact non-negative decimal ("0.1", "0.55") as an integer count of 1/scale units
  // (scale 1'000'000'000: parts per billion), so no floating point enters a model. More
  // fraction digits than the scale holds are an error, never a silent rounding.
  virtual std::optional<int64_t> decimal(std::string_view key, int64_t scale) = 0;
  virtual std::optional<std::string> string(std::string_view key) = 0;
  // A string that must be one of `allowed`; otherwise "unknown <what> "x" (did you mean ...);
  // expected one of: ...", where `what` says what the value names ("preset").
  virtual std::optional<std::string> choice(std::string_view key, std::span<const std::string_view> allowed,
                                            std::string_view what) = 0;
  virtual std::optional<std::vector<std::string>> string_list(std::string_view key) = 0;
  virtual std::optional<std::map<std::string, std::string>> string_map(std::string_view key) = 0;

  // A problem the model found (see the contract above). `key` may be absent from the file.
  virtual void error(std::string_view key, std::string message) = 0;
  // A problem with one entry of the string map at `key` (a label whose key is malformed): it
  // points at that entry and its path (config.labels.<entry>) when the file has it. A reader
  // that cannot locate entries reports it at the map itself.
  virtual void error_entry(std::string_view key, std::string_view /*entry*/, std::string message) {
    error(key, std::move(message));
  }
  // True once any problem was reported through this reader.
  virtual bool failed() const = 0;
};

}  // namespace leasesim
