// go_helper_test.cc: the client-go-real protocol's Lease object (live/go_helper.h) keeps every
// field and the difference between absent and zero, both ways; needs no Go.
#include <gtest/gtest.h>

#include "live/go_helper.h"

namespace leasesim {
namespace {

TEST(GoHelperWire, LeaseRoundTripKeepsEveryFieldAndAbsence) {
  Lease lease;
  lease.id = 3;
  lease.resource_version = 42;
  lease.uid = 7;
  lease.labels = Labels{{"app", "kcm"}};
  lease.spec.holder_identity = Name("kcm-a");
  lease.spec.lease_duration_seconds = 15;
  lease.spec.acquire_time = WallInstant(1767225600123456000);
  lease.spec.renew_time = WallInstant(1767225601000001000);
  lease.spec.lease_transitions = 0;  // present and zero: not the same as absent
  const std::string wire = lease_to_wire(lease, "kube-system/kube-controller-manager");
  EXPECT_NE(wire.find("\"namespace\":\"kube-system\""), std::string::npos) << wire;
  EXPECT_NE(wire.find("\"transitions\":0"), std::string::npos) << wire;
  EXPECT_EQ(wire.find("strategy"), std::string::npos) << wire;
  EXPECT_EQ(lease_from_wire(wire, 3), lease);

  Lease empty_holder;
  empty_holder.id = 1;
  empty_holder.spec.holder_identity = Name("");  // a released lease: present but empty
  const Lease back = lease_from_wire(lease_to_wire(empty_holder, "ns/l"), 1);
  ASSERT_TRUE(back.spec.holder_identity.has_value());
  EXPECT_EQ(back, empty_holder);
}

TEST(GoHelperWire, TwinABodyThatIsNotAnObjectIsAnError) {
  EXPECT_THROW(lease_from_wire("[1,2]", 0), std::runtime_error);
  EXPECT_THROW(lease_from_wire("{\"lds\":\"fifteen\"}", 0), std::runtime_error);
}

}  // namespace
}  // namespace leasesim
