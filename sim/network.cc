// network.cc: see network.h.
#include "sim/network.h"

#include "sim/core/check.h"

namespace leasesim {

Network::Network(uint32_t process_count) : graph_(process_count + 1), cut_counts_(process_count, {0, 0}) {
  for (uint32_t p = 0; p < process_count; ++p) {
    boost::add_edge(p + 1, kServer, graph_);
    boost::add_edge(kServer, p + 1, graph_);
  }
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

void Network::hash_into(Hasher& h) const {
  for (const auto& c : cut_counts_) h.u64(c[0]).u64(c[1]);
}

}  // namespace leasesim
