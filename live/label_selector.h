// label_selector.h: Kubernetes label and field selectors, parsed and matched.
//
// Contract:
// - Label selectors follow k8s.io/apimachinery/pkg/labels/selector.go (Parse): comma-separated
//   requirements, each `key=value`, `key==value`, `key!=value`, `key`, `!key`,
//   `key in (a,b)` or `key notin (a,b)`. Every requirement must hold. `!=` and `notin` also
//   match objects without the key, as upstream does.
// - Field selectors follow k8s.io/apimachinery/pkg/fields/selector.go (ParseSelector) for the
//   two fields every namespaced object supports: `metadata.name` and `metadata.namespace`, with
//   `=`, `==` and `!=`. Any other field is an error naming the supported ones, as the real
//   server answers "field label not supported".
// - A parse error is a value (std::string message) the REST layer turns into a 400 Status.
// Leaves out: label value syntax validation beyond non-emptiness of keys, and the escaping
// rules of field selector values (backslash escapes).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace leasesim {

struct LabelRequirement {
  enum class Op { Equals, NotEquals, Exists, NotExists, In, NotIn };
  std::string key;
  Op op = Op::Equals;
  std::vector<std::string> values;
};

struct LabelSelector {
  std::vector<LabelRequirement> requirements;
  bool matches(const std::map<std::string, std::string>& labels) const;
};

// Parses `text` ("" selects everything); a string is the error message.
std::variant<LabelSelector, std::string> parse_label_selector(std::string_view text);

struct FieldSelector {
  struct Term {
    std::string field;  // "metadata.name" or "metadata.namespace"
    bool equals = true;
    std::string value;
  };
  std::vector<Term> terms;
  bool matches(std::string_view name, std::string_view ns) const;
};

std::variant<FieldSelector, std::string> parse_field_selector(std::string_view text);

}  // namespace leasesim
