// model_slots_test.cc: the models that keep their state out of line, so that no model slot is
// larger than a kubelet's (model/process_model.h), behave as their state held inline would.
// CleController and NodeLifecycleController are driven side by side with their Core (the
// unwrapped controller) through the same starts, refused calls and timers: same requests, same
// timers, same digest after every reaction. And copies stay values: a copy that reacts never
// changes the model it was copied from (copy on write), for the wrappers and for a
// coordinated client-go elector, whose candidate loop is held the same way.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "core/hash.h"
#include "model/cle_controller.h"
#include "model/embedded_cle.h"
#include "model/node_lifecycle_controller.h"
#include "model/process_model.h"

#include "tests/model/effect_lists.h"

namespace leasesim {
namespace {

using testing_effects::calls;
using testing_effects::timers;

Now at(int64_t ms) { return Now{LocalInstant(ms * 1000000), WallInstant(1767225600LL * kNanosPerSecond + ms * 1000000)}; }

template <class M>
uint64_t digest(const M& m) {
  Hasher h;
  m.hash_into(h);
  return h.digest();
}

// What a model did: every request it sent, every timer it set (id and delays), and its digest
// after each reaction.
struct Record {
  std::vector<ApiRequest> sent;
  std::vector<int64_t> timers;
  std::vector<uint64_t> digests;
  bool operator==(const Record&) const = default;
};

// Starts the model, then for `rounds` rounds refuses every call it made (Unavailable) and fires
// every timer it set, each reaction 10 ms after the previous one.
template <class M>
Record drive(M& m, int rounds) {
  Record r;
  int64_t ms = 0;
  Effects out;
  m.on_start(at(ms), out);
  for (int round = 0; round <= rounds; ++round) {
    const std::vector<ApiRequest> sent = calls(out);
    const std::vector<SetTimer> set = timers(out);
    r.digests.push_back(digest(m));
    out = Effects();
    if (round == rounds) break;
    for (const ApiRequest& request : sent) {
      r.sent.push_back(request);
      ApiResponse response;
      response.tag = request.tag;
      response.verb = request.verb;
      response.result = ApiResult::Unavailable;
      m.on_response(response, at(ms += 10), out);
    }
    for (const SetTimer& t : set) {
      r.timers.insert(r.timers.end(), {t.id, t.delay_min.ns, t.delay_max.ns});
      m.on_timer(t.id, at(ms += 10), out);
    }
  }
  return r;
}

TEST(ModelSlots, NoModelIsLargerThanAKubelet) {
  EXPECT_LE(sizeof(ModelState), sizeof(Kubelet) + alignof(Kubelet));
  // The wrappers are one pointer; their Core is what they used to be.
  EXPECT_EQ(sizeof(CleController), sizeof(void*));
  EXPECT_EQ(sizeof(NodeLifecycleController), sizeof(void*));
  EXPECT_GT(sizeof(CleControllerCore), sizeof(Kubelet));
  EXPECT_GT(sizeof(NodeLifecycleCore), sizeof(Kubelet));
}

TEST(ModelSlots, CleControllerActsAsItsCore) {
  const CleControllerConfig config = EmbeddedCle::lock_config();
  CleController wrapped("cle-1", 3, config);
  CleControllerCore core("cle-1", 3, config);
  const Record a = drive(wrapped, 4);
  const Record b = drive(core, 4);
  EXPECT_FALSE(a.sent.empty());
  EXPECT_EQ(a, b);
  EXPECT_EQ(wrapped.is_leader(), core.is_leader());
  EXPECT_EQ(wrapped.tag_origin(), core.tag_origin());
  EXPECT_EQ(wrapped.backdate_floor(), core.backdate_floor());
  EXPECT_TRUE(wrapped.lock() == core.lock());
}

TEST(ModelSlots, NodeLifecycleControllerActsAsItsCore) {
  NodeLifecycleConfig config;
  NodeLifecycleController wrapped("kcm-1", 2, config);
  NodeLifecycleCore core("kcm-1", 2, config);
  const Record a = drive(wrapped, 4);
  const Record b = drive(core, 4);
  EXPECT_FALSE(a.sent.empty());
  EXPECT_EQ(a, b);
  EXPECT_EQ(wrapped.running(), core.running());
  EXPECT_EQ(wrapped.identity(), core.identity());
  EXPECT_TRUE(wrapped.elector() == core.elector());
}

// A copy shares the state until it reacts; then only the copy changes.
template <class M>
void expect_copy_on_write(M original) {
  drive(original, 1);
  const uint64_t before = digest(original);
  M copy = original;
  EXPECT_TRUE(copy == original);
  Effects out;
  copy.on_stop(at(100000), out);
  EXPECT_EQ(digest(original), before);
  EXPECT_FALSE(copy == original);
  // And the original still reacts on its own.
  M again = original;
  Effects out2;
  original.on_stop(at(100000), out2);
  EXPECT_TRUE(copy == original);
  EXPECT_FALSE(again == original);
}

TEST(ModelSlots, CopiesAreValues) {
  const CleControllerConfig cle = EmbeddedCle::lock_config();
  expect_copy_on_write(CleController("cle-1", 3, cle));
  expect_copy_on_write(NodeLifecycleController("kcm-1", 2, NodeLifecycleConfig{}));
  // The kube-apiserver's embedded controller is a CleController too.
  KubeApiserverConfig kas;
  kas.hostname = "cp-1";
  kas.coordinated_leader_election = true;
  kas.identity_lease = 4;
  expect_copy_on_write(KubeApiserver(7, kas, 1));
  // A coordinated elector's candidate loop is shared the same way.
  ClientGoConfig coordinated = EmbeddedCle::lock_config().lock;
  coordinated.coordinated = true;
  coordinated.binary_version = "1.33.0";
  coordinated.emulation_version = "1.33.0";
  ClientGoElector elector("a", 5, coordinated);
  ASSERT_TRUE(elector.coordinated());
  expect_copy_on_write(elector);
}

}  // namespace
}  // namespace leasesim
