// node.cc: names and stable hashing of Node values (see node.h).
#include "model/node.h"

namespace leasesim {

const char* condition_type_name(ConditionType t) {
  switch (t) {
    case ConditionType::Ready: return "Ready";
    case ConditionType::MemoryPressure: return "MemoryPressure";
    case ConditionType::DiskPressure: return "DiskPressure";
    case ConditionType::PIDPressure: return "PIDPressure";
  }
  return "?";
}

const char* condition_status_name(ConditionStatus s) {
  switch (s) {
    case ConditionStatus::True: return "True";
    case ConditionStatus::False: return "False";
    case ConditionStatus::Unknown: return "Unknown";
  }
  return "?";
}

const char* taint_effect_name(TaintEffect e) { return e == TaintEffect::NoSchedule ? "NoSchedule" : "NoExecute"; }

bool Node::has_taint(std::string_view key, TaintEffect effect) const {
  for (const Taint& t : taints)
    if (t.effect == effect && t.key == key) return true;
  return false;
}

template <class H>
void Node::hash_into(H& h, const HashFrame& frame) const {
  h.u64(id | (static_cast<uint64_t>(lease) << 32)).u64(frame.rv(resource_version));
  hash_name(h, zone);
  for (const NodeCondition& c : conditions) {
    h.u64(static_cast<uint64_t>(c.present) | (static_cast<uint64_t>(c.status) << 8));
    if (!c.present) continue;
    hash_name(h, c.reason);
    h.i64(frame.at(c.last_heartbeat)).i64(frame.at(c.last_transition));
  }
  h.u64(taints.size());
  for (const Taint& t : taints) {
    hash_name(h, t.key);
    h.u64(static_cast<uint64_t>(t.effect)).i64(frame.at(t.time_added));
  }
  // Labels are fed only when there are some, so the hashes of unlabelled Nodes (every scenario
  // before labels existed) stay as they were; the marker word keeps a labelled Node from
  // reading like an unlabelled one followed by other data.
  if (!labels.empty()) {
    h.u64(0x6c6162656c73ull).u64(labels.size());  // "labels"
    for (const auto& [k, v] : labels) h.bytes(k).bytes(v);
  }
}

template void Node::hash_into(Hasher&, const HashFrame&) const;
template void Node::hash_into(StateHasher&, const HashFrame&) const;

}  // namespace leasesim
