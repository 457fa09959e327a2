// network.cc: see network.h.
// GCC 12 reports -Wmaybe-uninitialized inside Boost.Graph's own adjacency_list code (an
// optional<iterator pair> in its edge iterator) when it is inlined here; the warning is about
// Boost's internals, not ours, so it is silenced for this file only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "sim/network.h"

#include "sim/core/check.h"

namespace leasesim {

Network::Network(uint32_t process_count) : cut_counts_(process_count, {0, 0}) { rebuild(); }

Network::Network(const Network& other) : cut_counts_(other.cut_counts_) { rebuild(); }

Network& Network::operator=(const Network& other) {
  if (this != &other) {
    cut_counts_ = other.cut_counts_;
    rebuild();
  }
  return *this;
}

Network::Network(Network&& other) noexcept : cut_counts_(std::move(other.cut_counts_)) { graph_.swap(other.graph_); }

Network& Network::operator=(Network&& other) noexcept {
  cut_counts_ = std::move(other.cut_counts_);
  graph_.swap(other.graph_);
  return *this;
}

Network::~Network() = default;

void Network::rebuild() {
  const uint32_t n = static_cast<uint32_t>(cut_counts_.size());
  Graph fresh(n + 1);
  for (uint32_t p = 0; p < n; ++p) {
    if (cut_counts_[p][0] == 0) boost::add_edge(p + 1, kServer, fresh);
    if (cut_counts_[p][1] == 0) boost::add_edge(kServer, p + 1, fresh);
  }
  graph_.swap(fresh);
}

void Network::adjust(uint32_t from, uint32_t to, int delta) {
  const uint32_t proc = (from == kServer ? to : from) - 1;
  uint16_t& count = cut_counts_.at(proc)[from == kServer ? 1 : 0];
  if (delta > 0) {
    if (count++ == 0) boost::remove_edge(from, to, graph_);
  } else {
    LS_CHECK(count > 0, "healing a link that is not cut");
    if (--count == 0) boost::add_edge(from, to, graph_);
  }
}

void Network::cut(uint32_t proc, Direction direction) {
  if (direction != Direction::Responses) adjust(proc + 1, kServer, +1);
  if (direction != Direction::Requests) adjust(kServer, proc + 1, +1);
}

void Network::heal(uint32_t proc, Direction direction) {
  if (direction != Direction::Responses) adjust(proc + 1, kServer, -1);
  if (direction != Direction::Requests) adjust(kServer, proc + 1, -1);
}

template <class H>
void Network::hash_into(H& h) const {
  for (const auto& c : cut_counts_) h.u64(c[0]).u64(c[1]);
}

// The hashers this file serves: Hasher for published values, StateHasher for fingerprints.
template void Network::hash_into(Hasher&) const;
template void Network::hash_into(StateHasher&) const;

}  // namespace leasesim
