// client_go_config.cc: presets and validation of client-go's election config (spec 1.2, 1.3).
#include "model/client_go_config.h"

#include <array>

#include "model/lease_candidate.h"

namespace leasesim {

bool apply_client_go_preset(const std::string& name, ClientGoConfig* config) {
  // spec 1.3: both core components use 15s/10s/2s; only the scheduler releases on cancel.
  if (name == "kube-controller-manager") {
    *config = ClientGoConfig{seconds(15), seconds(10), seconds(2), false, Duration{}, name, false, false, {}, {}};
    return true;
  }
  if (name == "kube-scheduler") {
    *config = ClientGoConfig{seconds(15), seconds(10), seconds(2), true, Duration{}, name, false, false, {}, {}};
    return true;
  }
  return false;
}

std::vector<ConfigError> config_problems(const ClientGoConfig& c) {
  // spec 1.2, checks 1-5 in order. Check 2 compares against Duration(1.2 * RP) as Go does:
  // float64 multiplication of the nanosecond count, converted back by truncation.
  std::vector<ConfigError> out;
  if (c.lease_duration <= c.renew_deadline)
    out.push_back({"leaseDuration", "leaseDuration must be greater than renewDeadline"});
  const int64_t jittered = static_cast<int64_t>(1.2 * static_cast<double>(c.retry_period.ns));
  if (c.renew_deadline.ns <= jittered)
    out.push_back({"renewDeadline", "renewDeadline must be greater than retryPeriod*JitterFactor"});
  if (c.lease_duration.ns < 1) out.push_back({"leaseDuration", "leaseDuration must be greater than zero"});
  if (c.renew_deadline.ns < 1) out.push_back({"renewDeadline", "renewDeadline must be greater than zero"});
  if (c.retry_period.ns < 1) out.push_back({"retryPeriod", "retryPeriod must be greater than zero"});
  if (c.request_timeout.ns < 0) out.push_back({"requestTimeout", "requestTimeout must not be negative"});
  return out;
}

std::optional<ConfigError> validate(const ClientGoConfig& c) {
  return first_problem(config_problems(c));
}

namespace {

// coordinated, binaryVersion, emulationVersion (docs/models/coordinated-election.md section 3):
// the versions must parse as MAJOR.MINOR[.PATCH] and emulation may not exceed binary, as the
// LeaseCandidate validation demands; an emulationVersion left out equals binaryVersion.
bool read_coordinated_keys(ConfigReader& reader, ClientGoConfig* config) {
  if (auto b = reader.boolean("coordinated")) config->coordinated = *b;
  if (auto v = reader.string("binaryVersion")) config->binary_version = *v;
  if (auto v = reader.string("emulationVersion")) config->emulation_version = *v;
  if (!config->coordinated) {
    if (!config->binary_version.empty() || !config->emulation_version.empty()) {
      reader.error(config->binary_version.empty() ? "emulationVersion" : "binaryVersion",
                   "versions are only used with coordinated: true");
      return false;
    }
    return true;
  }
  if (config->binary_version.empty()) {
    reader.error("coordinated", "coordinated: true needs binaryVersion (semver, e.g. 1.33.0)");
    return false;
  }
  if (config->emulation_version.empty()) config->emulation_version = config->binary_version;
  const auto binary = parse_semver(config->binary_version);
  const auto emulation = parse_semver(config->emulation_version);
  if (!binary) {
    reader.error("binaryVersion", "binaryVersion \"" + config->binary_version + "\" is not a semantic version MAJOR.MINOR[.PATCH]");
    return false;
  }
  if (!emulation) {
    reader.error("emulationVersion",
                 "emulationVersion \"" + config->emulation_version + "\" is not a semantic version MAJOR.MINOR[.PATCH]");
    return false;
  }
  if (*binary < *emulation) {
    reader.error("emulationVersion", "emulationVersion must be less than or equal to binaryVersion");
    return false;
  }
  return true;
}

}  // namespace

std::optional<ClientGoConfig> read_client_go_config(ConfigReader& reader, Duration* quiesce) {
  static constexpr std::array<std::string_view, 2> kPresets{"kube-controller-manager", "kube-scheduler"};
  static constexpr std::array<std::string_view, 2> kAfterLoss{"exit", "rejoin"};
  ClientGoConfig config;
  // The preset goes first so that explicit fields override it (spec 1.3).
  if (auto name = reader.choice("preset", kPresets, "preset")) apply_client_go_preset(*name, &config);
  if (auto d = reader.duration("leaseDuration")) config.lease_duration = *d;
  if (auto d = reader.duration("renewDeadline")) config.renew_deadline = *d;
  if (auto d = reader.duration("retryPeriod")) config.retry_period = *d;
  if (auto b = reader.boolean("releaseOnCancel")) config.release_on_cancel = *b;
  if (auto d = reader.duration("requestTimeout")) config.request_timeout = *d;
  if (auto after = reader.choice("afterLeadershipLoss", kAfterLoss, "afterLeadershipLoss value"))
    config.rejoin_after_loss = *after == "rejoin";
  if (auto d = reader.duration("quiesce")) *quiesce = *d;
  const bool versions_ok = read_coordinated_keys(reader, &config);
  // One message per problem: every failing check, on what was read (a field the reader refused
  // keeps its preset or default value, which passes the checks alone).
  for (const ConfigError& problem : config_problems(config)) reader.error(problem.field, problem.message);
  if (!versions_ok || reader.failed()) return std::nullopt;
  return config;
}

}  // namespace leasesim
