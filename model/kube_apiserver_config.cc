// kube_apiserver_config.cc: reading and validating `model: kube-apiserver`'s config.
#include "model/kube_apiserver_config.h"

#include <cctype>

namespace leasesim {
namespace {

// A Kubernetes label value (the hostname becomes the kubernetes.io/hostname label): at most 63
// characters of [A-Za-z0-9-_.], beginning and ending with an alphanumeric character.
bool is_label_value(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  for (char c : s)
    if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
  return alnum(s.front()) && alnum(s.back());
}

}  // namespace

std::vector<ConfigError> config_problems(const KubeApiserverConfig& c) {
  std::vector<ConfigError> out;
  if (!c.hostname.empty() && !is_label_value(c.hostname))
    out.push_back({"hostname",
                   "hostname \"" + c.hostname +
                       "\" is not a valid label value (kubernetes.io/hostname): at most 63 characters of "
                       "letters, digits, '-', '_' and '.', beginning and ending with a letter or digit"});
  if (c.identity_lease_renew_interval.ns <= 0)
    out.push_back({"identityLeaseRenewInterval", "identityLeaseRenewInterval must be greater than zero"});
  if (c.gc_period.ns <= 0) out.push_back({"gcPeriod", "gcPeriod must be greater than zero"});
  return out;
}

std::optional<ConfigError> validate(const KubeApiserverConfig& c) {
  return first_problem(config_problems(c));
}

std::optional<KubeApiserverConfig> read_kube_apiserver_config(ConfigReader& reader) {
  KubeApiserverConfig config;
  if (auto s = reader.string("hostname")) config.hostname = *s;
  if (reader.has("hostname") && config.hostname.empty() && !reader.failed())
    reader.error("hostname", "hostname must not be empty");
  // leaseDurationSeconds is an int32 that the API server requires to be positive.
  if (auto n = reader.integer("identityLeaseDurationSeconds", 1, 2147483647))
    config.identity_lease_duration_seconds = static_cast<int32_t>(*n);
  if (auto d = reader.duration("identityLeaseRenewInterval")) config.identity_lease_renew_interval = *d;
  if (auto d = reader.duration("gcPeriod")) config.gc_period = *d;
  if (auto b = reader.boolean("gc")) config.gc = *b;
  if (auto d = reader.duration("requestTimeout")) config.request_timeout = *d;
  if (auto b = reader.boolean("coordinatedLeaderElection")) config.coordinated_leader_election = *b;
  // One message per problem (a field the reader refused keeps its valid default).
  for (const ConfigError& problem : config_problems(config)) reader.error(problem.field, problem.message);
  if (reader.failed()) return std::nullopt;
  return config;
}

}  // namespace leasesim
