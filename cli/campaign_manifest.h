// campaign_manifest.h: checking a campaign.json before `report` trusts it.
//
// Contract: manifest_problem(m) returns nullopt when `m` is a well-formed manifest of format
// leasesim-campaign/v1 (cli/campaign_command.cc writes it), else the first problem, naming the
// field: every count and seed is a non-negative integer that fits 64 bits, seeds.count >= 1
// and first + count - 1 does not overflow, shard.index < shard.count, the shard's seeds lie
// inside the campaign's, and runs = shard.seeds x the number of valid points.
// ManifestSeeds gives the checked ranges, so `report` can refuse a results line whose seed lies
// outside its shard.
// Leaves out: the scenario text (the loader checks it) and the sweep (sweep_from_json).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace leasesim {

inline constexpr const char* kCampaignFormat = "leasesim-campaign/v1";

struct ManifestSeeds {
  uint64_t first = 0;        // the campaign's seeds: [first, first + count)
  uint64_t count = 0;
  uint64_t shard_first = 0;  // this shard's seeds: [shard_first, shard_first + shard_seeds)
  uint64_t shard_seeds = 0;
};

std::optional<std::string> manifest_problem(const nlohmann::ordered_json& m);
// Only for a manifest without problems.
ManifestSeeds manifest_seeds(const nlohmann::ordered_json& m);

}  // namespace leasesim
