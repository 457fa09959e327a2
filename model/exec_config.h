// exec_config.h: the `model: exec` process, a real OS process that `leasesim serve` starts
// against its live API server (live/). It has no simulated model: `run`, `check`, `campaign`
// and `fuzz` refuse scenarios that use it, and say to use `serve`.
//
// Contract: `command` is the argv (the first element is looked up on PATH); `env` is added to
// the environment leasesim runs in (KUBECONFIG is set by serve to the process's own endpoint);
// `leaderPattern` and `followerPattern` are ECMAScript regular expressions matched against
// each line the process writes to stdout or stderr: a match of the first marks the start of
// acting leadership, of the second its end (the process also stops acting when it exits).
// `stopGracePeriod` is how long serve waits after SIGTERM, at a `stop` fault or at the end of
// the run, before it sends SIGKILL.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/config_reader.h"
#include "model/tutorial_elector.h"  // ConfigError
#include "core/time.h"

namespace leasesim {

struct ExecConfig {
  std::vector<std::string> command;
  std::map<std::string, std::string> env;
  std::string leader_pattern;
  std::string follower_pattern;
  Duration stop_grace_period = seconds(5);

  bool operator==(const ExecConfig&) const = default;
};

// The checks read_exec_config makes on values, for configs built in code (the fuzzer's shrinker
// checks every model's config this way).
std::optional<ConfigError> validate(const ExecConfig& config);

// Reads `config:` (command, env, leaderPattern, followerPattern, stopGracePeriod, quiesce):
// command must be a non-empty list, leaderPattern is required, both patterns must compile.
std::optional<ExecConfig> read_exec_config(ConfigReader& reader, Duration* quiesce);

}  // namespace leasesim
