// Tests of electsPreferred (properties/elects_preferred.h): it holds when the preferred
// candidate leads at the end, fails when another does (the twin), and says when it judged
// nothing.
#include <gtest/gtest.h>

#include "properties/elects_preferred.h"
#include "properties/evaluate.h"

namespace leasesim {
namespace {

TrueInstant sec(int64_t s) { return TrueInstant(seconds(s).ns); }

// "old" (emulation 1.33) and "new" (1.34), both coordinated on kube-system/kcm.
Scenario two_candidates() {
  Scenario s;
  s.name = "hand-built";
  const LeaseId lease = s.lease_id("kube-system/kcm");
  for (const char* name : {"new", "old"}) {
    ProcessSpec p;
    p.name = name;
    p.identity = name;
    ClientGoConfig c;
    c.coordinated = true;
    c.binary_version = "1.34.0";
    c.emulation_version = std::string(name) == "old" ? "1.33.0" : "1.34.0";
    p.model = c;
    p.lease = lease;
    s.processes.push_back(p);
  }
  s.properties.elects_preferred = true;
  s.properties.transitions_match = false;
  return s;
}

History led_by(uint32_t proc) {
  History h;
  Leadership l;
  l.proc = proc;
  l.lease = 0;
  l.start = sec(10);
  h.leaderships.push_back(l);
  return h;
}

TEST(ElectsPreferred, HoldsWhenTheOldestEmulationVersionLeads) {
  const Scenario s = two_candidates();
  std::string detail;
  EXPECT_TRUE(check_elects_preferred(s, led_by(1), 0, sec(120), &detail).empty());
  EXPECT_EQ(detail, "preferred old (emulationVersion 1.33.0, binaryVersion 1.34.0)");
}

TEST(ElectsPreferred, TwinFailsWhenANewerVersionLeads) {
  const Scenario s = two_candidates();
  std::string detail;
  const auto v = check_elects_preferred(s, led_by(0), 0, sec(120), &detail);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].message,
            "the candidate set was stable since 0s, yet at the end new leads instead of old (emulationVersion 1.33.0, "
            "binaryVersion 1.34.0)");
  const Evaluation ev = evaluate(s, led_by(0), sec(120), std::nullopt);
  EXPECT_EQ(ev.violated, std::vector<std::string>{"electsPreferred"});
}

TEST(ElectsPreferred, NobodyLeadingIsAViolation) {
  std::string detail;
  EXPECT_EQ(check_elects_preferred(two_candidates(), History{}, 0, sec(120), &detail).size(), 1u);
}

TEST(ElectsPreferred, NotJudgedWhenTheSetChangedWithinOneRound) {
  Scenario s = two_candidates();
  s.processes[1].start = seconds(100);  // "old" joins 20 s before the end: less than a round
  std::string detail;
  EXPECT_TRUE(check_elects_preferred(s, led_by(0), 0, sec(120), &detail).empty());
  EXPECT_EQ(detail.rfind("not judged: the candidate set last changed at 100s", 0), 0u) << detail;
}

}  // namespace
}  // namespace leasesim
