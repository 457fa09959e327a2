// exec_config.cc: see exec_config.h.
#include "model/exec_config.h"

#include <regex>

namespace leasesim {
namespace {

// A pattern that std::regex cannot compile is a config error naming the key.
bool check_pattern(ConfigReader& reader, const char* key, const std::string& pattern) {
  try {
    std::regex compiled(pattern, std::regex::ECMAScript);
    return true;
  } catch (const std::regex_error& e) {
    reader.error(key, std::string(key) + " is not a valid regular expression: " + e.what());
    return false;
  }
}

}  // namespace

std::optional<ConfigError> validate(const ExecConfig& config) {
  if (config.command.empty() || config.command.front().empty())
    return ConfigError{"command", "command is required: the program and its arguments, e.g. [\"./elector\", \"--id=a\"]"};
  if (config.leader_pattern.empty())
    return ConfigError{"leaderPattern",
                       "leaderPattern is required: a regular expression matching the line the process prints when it "
                       "starts leading"};
  return std::nullopt;
}

std::optional<ExecConfig> read_exec_config(ConfigReader& reader, Duration* quiesce) {
  ExecConfig config;
  if (auto argv = reader.string_list("command")) config.command = std::move(*argv);
  if (auto env = reader.string_map("env")) config.env = std::move(*env);
  if (auto p = reader.string("leaderPattern")) config.leader_pattern = std::move(*p);
  if (auto p = reader.string("followerPattern")) config.follower_pattern = std::move(*p);
  if (auto d = reader.duration("stopGracePeriod")) config.stop_grace_period = *d;
  if (auto d = reader.duration("quiesce")) *quiesce = *d;
  if (reader.failed()) return std::nullopt;
  if (const auto problem = validate(config)) {
    reader.error(problem->field, problem->message);
    return std::nullopt;
  }
  for (const auto& [key, value] : config.env) {
    if (key.empty() || key.find('=') != std::string::npos) {
      reader.error("env", "environment variable name \"" + key + "\" is invalid (empty or contains '=')");
      return std::nullopt;
    }
  }
  if (!check_pattern(reader, "leaderPattern", config.leader_pattern)) return std::nullopt;
  if (!config.follower_pattern.empty() && !check_pattern(reader, "followerPattern", config.follower_pattern))
    return std::nullopt;
  return config;
}

}  // namespace leasesim
