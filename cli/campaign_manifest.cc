// campaign_manifest.cc: see campaign_manifest.h.
#include "cli/campaign_manifest.h"

namespace leasesim {
namespace {

using Json = nlohmann::ordered_json;

// The unsigned integer at m[object][key] (object "" = m itself), or nullopt with *problem set.
std::optional<uint64_t> u64_at(const Json& m, const char* object, const char* key, std::string* problem) {
  const std::string path = std::string(object).empty() ? key : std::string(object) + "." + key;
  const Json* holder = &m;
  if (*object) {
    auto it = m.find(object);
    if (it == m.end() || !it->is_object()) {
      *problem = "\"" + std::string(object) + "\" must be an object";
      return std::nullopt;
    }
    holder = &*it;
  }
  auto it = holder->find(key);
  if (it == holder->end() || !it->is_number_unsigned()) {
    *problem = "\"" + path + "\" must be a non-negative integer below 2^64";
    return std::nullopt;
  }
  return it->get<uint64_t>();
}

}  // namespace

std::optional<std::string> manifest_problem(const Json& m) {
  if (!m.is_object() || m.value("format", "") != kCampaignFormat)
    return std::string("not a campaign.json of format ") + kCampaignFormat;
  for (const char* key : {"scenarioYaml", "scenarioHash"})
    if (!m.contains(key) || !m[key].is_string()) return "\"" + std::string(key) + "\" must be a string";
  if (m.contains("resultsHash") && !m["resultsHash"].is_string()) return std::string("\"resultsHash\" must be a string");
  if (!m.contains("points") || !m["points"].is_array()) return std::string("\"points\" must be an array");
  std::string problem;
  const auto runs = u64_at(m, "", "runs", &problem);
  const auto first = u64_at(m, "seeds", "first", &problem);
  const auto count = first ? u64_at(m, "seeds", "count", &problem) : std::nullopt;
  const auto index = count ? u64_at(m, "shard", "index", &problem) : std::nullopt;
  const auto shards = index ? u64_at(m, "shard", "count", &problem) : std::nullopt;
  const auto shard_first = shards ? u64_at(m, "shard", "first", &problem) : std::nullopt;
  const auto shard_seeds = shard_first ? u64_at(m, "shard", "seeds", &problem) : std::nullopt;
  if (!runs || !shard_seeds) return problem;
  if (*count == 0) return std::string("\"seeds.count\" must be at least 1");
  if (*first > UINT64_MAX - (*count - 1)) return std::string("\"seeds.first\" + \"seeds.count\" overflows 64-bit seeds");
  if (*shards == 0 || *index >= *shards)
    return "\"shard.index\" " + std::to_string(*index) + " must be below \"shard.count\" " + std::to_string(*shards);
  const unsigned __int128 campaign_end = static_cast<unsigned __int128>(*first) + *count;
  if (*shard_first < *first || static_cast<unsigned __int128>(*shard_first) + *shard_seeds > campaign_end)
    return std::string("the shard's seeds (\"shard.first\", \"shard.seeds\") lie outside the campaign's (\"seeds\")");
  uint64_t valid = 0;
  for (const Json& p : m["points"]) {
    if (!p.is_object() || !p.contains("valid") || !p["valid"].is_boolean())
      return std::string("\"points[]\" must be objects with a boolean \"valid\"");
    valid += p["valid"].get<bool>();
  }
  if (static_cast<unsigned __int128>(*shard_seeds) * valid != *runs)
    return "\"runs\" " + std::to_string(*runs) + " is not shard.seeds (" + std::to_string(*shard_seeds) + ") x " +
           std::to_string(valid) + " valid points";
  return std::nullopt;
}

ManifestSeeds manifest_seeds(const Json& m) {
  return ManifestSeeds{m["seeds"]["first"].get<uint64_t>(), m["seeds"]["count"].get<uint64_t>(),
                       m["shard"]["first"].get<uint64_t>(), m["shard"]["seeds"].get<uint64_t>()};
}

}  // namespace leasesim
