// scenario.cc: names and lookups of the typed scenario (see scenario.h).
#include "sim/scenario.h"

namespace leasesim {

const char* fault_type_name(FaultType t) {
  switch (t) {
    case FaultType::Crash: return "crash";
    case FaultType::Restart: return "restart";
    case FaultType::Stop: return "stop";
    case FaultType::Pause: return "pause";
    case FaultType::Partition: return "partition";
    case FaultType::ClockJump: return "clockJump";
    case FaultType::ApiServerOutage: return "apiServerOutage";
    case FaultType::ApiServerSlow: return "apiServerSlow";
    case FaultType::WatchStall: return "watchStall";
  }
  return "?";
}

const char* direction_name(Direction d) {
  switch (d) {
    case Direction::Both: return "both";
    case Direction::Requests: return "requests";
    case Direction::Responses: return "responses";
  }
  return "?";
}

const char* outage_mode_name(OutageMode m) { return m == OutageMode::Refuse ? "refuse" : "blackhole"; }

LeaseId Scenario::lease_id(const std::string& key) {
  if (auto found = find_lease(key)) return *found;
  lease_keys.push_back(key);
  return static_cast<LeaseId>(lease_keys.size() - 1);
}

std::optional<LeaseId> Scenario::find_lease(const std::string& key) const {
  for (size_t i = 0; i < lease_keys.size(); ++i)
    if (lease_keys[i] == key) return static_cast<LeaseId>(i);
  return std::nullopt;
}

std::optional<uint32_t> Scenario::find_process(const std::string& name) const {
  for (size_t i = 0; i < processes.size(); ++i)
    if (processes[i].name == name) return static_cast<uint32_t>(i);
  return std::nullopt;
}

}  // namespace leasesim
