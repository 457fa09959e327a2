// network.cc: see network.h.
// GCC 12 reports -Wmaybe-uninitialized inside Boost.Graph's own adjacency_list code (an
// optional<iterator pair> in its edge iterator) when it is inlined here; the warning is about
// Boost's internals, not ours, so it is silenced for this file only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "sim/network.h"

#include "core/check.h"

namespace leasesim {

Network::Network(uint32_t process_count) {
  State& state = state_.mut();
  state.cut_counts.assign(process_count, {0, 0});
  state.graph = Graph(process_count + 1);
  for (uint32_t p = 0; p < process_count; ++p) {
    boost::add_edge(p + 1, kServer, state.graph);
    boost::add_edge(kServer, p + 1, state.graph);
  }
}

void Network::adjust(State& state, uint32_t from, uint32_t to, int delta) {
  const uint32_t proc = (from == kServer ? to : from) - 1;
  uint16_t& count = state.cut_counts.at(proc)[from == kServer ? 1 : 0];
  if (delta > 0) {
    ++state.cuts;
    if (count++ == 0) boost::remove_edge(from, to, state.graph);
  } else {
    LS_CHECK(count > 0, "healing a link that is not cut");
    --state.cuts;
    if (--count == 0) boost::add_edge(from, to, state.graph);
  }
}

void Network::cut(uint32_t proc, Direction direction) {
  State& state = state_.mut();
  if (direction != Direction::Responses) adjust(state, proc + 1, kServer, +1);
  if (direction != Direction::Requests) adjust(state, kServer, proc + 1, +1);
}

void Network::heal(uint32_t proc, Direction direction) {
  State& state = state_.mut();
  if (direction != Direction::Responses) adjust(state, proc + 1, kServer, -1);
  if (direction != Direction::Requests) adjust(state, kServer, proc + 1, -1);
}

template <class H>
void Network::hash_into(H& h) const {
  for (const auto& c : state_->cut_counts) h.u64(static_cast<uint64_t>(c[0]) | (static_cast<uint64_t>(c[1]) << 32));
}

// The hashers this file serves: Hasher for published values, StateHasher for fingerprints.
template void Network::hash_into(Hasher&) const;
template void Network::hash_into(StateHasher&) const;

}  // namespace leasesim
