// event_queue.cc: the slow, ordered view of the queue (see event_queue.h).
#include "sim/event_queue.h"

#include <algorithm>

namespace leasesim {

std::vector<Event> EventQueue::sorted() const {
  std::vector<Event> out(heap_.begin(), heap_.end());
  std::sort(out.begin(), out.end(), [](const Event& x, const Event& y) { return x.before(y); });
  return out;
}

}  // namespace leasesim
