// network.h: who can reach whom, as a directed reachability graph (Boost.Graph).
//
// Contract: vertex 0 is the API server, vertex p+1 is process p. An edge p->server means p's
// requests get through; server->p means responses get through. Partition faults cut edges by
// direction (`requests`, `responses`, `both`); overlapping partitions nest (a per-edge cut
// count), so an edge returns only when every partition on it has ended. Reachability is decided
// when a message would be delivered, so a message in flight when a partition starts is lost.
// The graph form is kept so later topologies (several API servers, process-to-process links)
// fit without changing callers. Leaves out: latency per link (the World draws latency from the
// API server's range), packet reordering beyond what latency ranges produce.
// Copies are cheap: copies share one immutable state (cut counts and graph), and cut/heal build
// a fresh state first when another copy still shares it (copy-on-write). The explorer copies a
// World per successor, while partitions change only at fault starts and ends.
#pragma once

#include <array>
#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <vector>

#include "core/cow.h"
#include "core/hash.h"
#include "sim/scenario.h"

namespace leasesim {

class Network {
 public:
  explicit Network(uint32_t process_count);

  bool requests_reach_server(uint32_t proc) const { return connected(proc + 1, kServer); }
  bool responses_reach_process(uint32_t proc) const { return connected(kServer, proc + 1); }

  void cut(uint32_t proc, Direction direction);
  void heal(uint32_t proc, Direction direction);

  // Feeds every field to a Hasher or a StateHasher (instantiated for both in the .cc).
  template <class H>
  void hash_into(H& h) const;
  bool operator==(const Network& o) const { return state_ == o.state_; }

 private:
  using Graph = boost::adjacency_list<boost::setS, boost::vecS, boost::directedS>;
  static constexpr uint32_t kServer = 0;

  struct State {
    // Cut count per directed link, indexed [proc][0 = requests, 1 = responses]; the graph
    // holds an edge exactly when the count is zero.
    std::vector<std::array<uint16_t, 2>> cut_counts;
    // The sum of cut_counts: zero in most of a run, when every link is up without reading the
    // per-process counts (an array of 4 bytes a process, which a cluster of thousands of
    // kubelets keeps out of the cache; docs/nodes.md, phase 11).
    uint64_t cuts = 0;
    Graph graph;
    bool operator==(const State& o) const { return cut_counts == o.cut_counts; }
  };

  // The graph holds an edge exactly when its cut count is zero, so the count answers in O(1);
  // asking the graph costs a set lookup in the server's 2N edges (a profile of 5,000 kubelets
  // found 12% of the run there).
  bool connected(uint32_t from, uint32_t to) const {
    if (state_->cuts == 0) return true;
    const uint32_t proc = (from == kServer ? to : from) - 1;
    return state_->cut_counts[proc][from == kServer ? 1 : 0] == 0;
  }
  void adjust(State& state, uint32_t from, uint32_t to, int delta);

  Cow<State> state_;
};

}  // namespace leasesim
