// Tests of the kubelet model's labels (model/kubelet_config.h, model/kubelet.h, model/node.h):
// label key and value syntax, the reserved namespaces a kubelet may not set on its own Node, the
// Node the kubelet registers carries its labels, and Node::excluded_from_disruption reads the
// upstream label whatever its value. Each check has its twin: a valid label passes.
#include "model/kubelet_config.h"

#include <gtest/gtest.h>

#include "model/kubelet.h"
#include "tests/model/effect_lists.h"

namespace leasesim {
namespace {

KubeletConfig with_label(const std::string& key, const std::string& value) {
  KubeletConfig c;
  c.labels = Labels{{key, value}};
  return c;
}

TEST(KubeletLabels, KeySyntax) {
  // Valid: a plain name, a prefixed one, the exclusion label.
  EXPECT_EQ(label_key_problem("tier"), std::nullopt);
  EXPECT_EQ(label_key_problem("example.com/tier_1.a-b"), std::nullopt);
  EXPECT_EQ(label_key_problem(kLabelExcludeDisruption), std::nullopt);
  // Invalid: empty, a name that ends in '-', a name of 64 characters, an upper-case prefix, an
  // empty prefix, two slashes.
  EXPECT_NE(label_key_problem(""), std::nullopt);
  EXPECT_NE(label_key_problem("tier-"), std::nullopt);
  EXPECT_NE(label_key_problem(std::string(64, 'a')), std::nullopt);
  EXPECT_EQ(label_key_problem(std::string(63, 'a')), std::nullopt);
  EXPECT_NE(label_key_problem("Example.com/tier"), std::nullopt);
  EXPECT_NE(label_key_problem("/tier"), std::nullopt);
  EXPECT_NE(label_key_problem("a/b/c"), std::nullopt);
  EXPECT_NE(label_key_problem("a..b/c"), std::nullopt);
}

TEST(KubeletLabels, ValueSyntax) {
  EXPECT_EQ(label_value_problem(""), std::nullopt);  // an empty value is valid
  EXPECT_EQ(label_value_problem("true"), std::nullopt);
  EXPECT_EQ(label_value_problem("A.b_c-1"), std::nullopt);
  EXPECT_NE(label_value_problem("-x"), std::nullopt);
  EXPECT_NE(label_value_problem("a b"), std::nullopt);
  EXPECT_NE(label_value_problem(std::string(64, 'v')), std::nullopt);
}

TEST(KubeletLabels, ReservedNamespacesFollowIsKubeletLabel) {
  // Allowed: the node.kubernetes.io and kubelet.kubernetes.io namespaces (and their
  // subdomains), the well-known keys, and any key outside kubernetes.io and k8s.io.
  for (const char* ok : {"node.kubernetes.io/exclude-disruption", "x.node.kubernetes.io/a", "kubelet.kubernetes.io/b",
                         "kubernetes.io/hostname", "topology.kubernetes.io/region", "example.com/a", "plain"})
    EXPECT_EQ(label_problem(with_label(ok, "")), std::nullopt) << ok;
  // Refused: other keys of the reserved namespaces, and the zone (set by `zone`).
  for (const char* bad : {"kubernetes.io/role", "node-restriction.kubernetes.io/a", "k8s.io/a", "x.k8s.io/a",
                          "topology.kubernetes.io/zone"}) {
    const auto problem = label_problem(with_label(bad, ""));
    ASSERT_NE(problem, std::nullopt) << bad;
    EXPECT_EQ(problem->field, bad);
  }
  // A namespace that merely ends in the same letters is not reserved.
  EXPECT_EQ(label_problem(with_label("notkubernetes.io/a", "")), std::nullopt);
  // The first bad label is reported, by key; a bad value names the key too.
  const auto value = label_problem(with_label("tier", "a b"));
  ASSERT_NE(value, std::nullopt);
  EXPECT_EQ(value->field, "tier");
  EXPECT_NE(value->message.find("label value \"a b\""), std::string::npos) << value->message;
}

TEST(KubeletLabels, TheRegisteredNodeCarriesThemAndTheExclusionIsRead) {
  KubeletConfig c = with_label(kLabelExcludeDisruption, "");
  c.zone = "zone-b";
  Kubelet k("n", 0, c);
  Effects out;
  k.on_start(Now{LocalInstant(0), WallInstant(0)}, out);
  const ApiRequest* create = nullptr;
  const auto requests = testing_effects::calls(out);
  for (const ApiRequest& r : requests)
    if (r.kind == ObjectKind::Node && r.verb == Verb::Create) create = &r;
  ASSERT_NE(create, nullptr) << "the kubelet registers its Node at start";
  ASSERT_TRUE(create->node_body.has_value());
  EXPECT_EQ(create->node_body->zone.str(), "zone-b");
  EXPECT_EQ(create->node_body->labels, c.labels);
  EXPECT_TRUE(create->node_body->excluded_from_disruption());

  // Twin: without the label (or with another one) the node counts.
  Node plain = *create->node_body;
  plain.labels = Labels{};
  EXPECT_FALSE(plain.excluded_from_disruption());
  plain.labels = Labels{{"example.com/exclude-disruption", "true"}};
  EXPECT_FALSE(plain.excluded_from_disruption());
  // Any value excludes, "false" included: upstream tests only the key's presence.
  plain.labels = Labels{{kLabelExcludeDisruption, "false"}};
  EXPECT_TRUE(plain.excluded_from_disruption());
}

TEST(KubeletLabels, LabelsEnterTheNodeHashOnlyWhenPresent) {
  Node a;
  a.zone = Name("z");
  Node b = a;
  b.labels = Labels{{"tier", "1"}};
  Hasher ha, hb;
  a.hash_into(ha);
  b.hash_into(hb);
  EXPECT_NE(ha.digest(), hb.digest());
  // Twin: the same labels hash alike.
  Node c = b;
  Hasher hc;
  c.hash_into(hc);
  EXPECT_EQ(hb.digest(), hc.digest());
}

}  // namespace
}  // namespace leasesim
