// label_selector.cc: see label_selector.h.
#include "live/label_selector.h"

#include <algorithm>

namespace leasesim {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits on commas that are not inside parentheses (so `a in (x,y),b` is two requirements).
std::variant<std::vector<std::string_view>, std::string> split_requirements(std::string_view text) {
  std::vector<std::string_view> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '(') ++depth;
    if (text[i] == ')' && --depth < 0) return std::string("unbalanced ')' in selector");
    if (text[i] == ',' && depth == 0) {
      out.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  if (depth != 0) return std::string("unbalanced '(' in selector");
  out.push_back(text.substr(start));
  return out;
}

bool valid_key(std::string_view key) {
  if (key.empty() || key.size() > 317) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == '/';
  });
}

std::variant<LabelRequirement, std::string> parse_requirement(std::string_view raw) {
  const std::string_view text = trim(raw);
  LabelRequirement r;
  if (text.empty()) return std::string("empty requirement in label selector");
  if (text.front() == '!') {
    r.key = std::string(trim(text.substr(1)));
    r.op = LabelRequirement::Op::NotExists;
    if (!valid_key(r.key)) return "invalid label key \"" + r.key + "\"";
    return r;
  }
  // Set-based: `key in (a,b)` / `key notin (a,b)`.
  const size_t paren = text.find('(');
  if (paren != std::string_view::npos) {
    if (text.back() != ')') return "expected ')' at the end of \"" + std::string(text) + "\"";
    const std::string_view head = trim(text.substr(0, paren));
    const size_t space = head.find_last_of(" \t");
    if (space == std::string_view::npos) return "expected 'in' or 'notin' in \"" + std::string(text) + "\"";
    const std::string_view op = head.substr(space + 1);
    r.key = std::string(trim(head.substr(0, space)));
    if (op == "in") {
      r.op = LabelRequirement::Op::In;
    } else if (op == "notin") {
      r.op = LabelRequirement::Op::NotIn;
    } else {
      return "unknown operator \"" + std::string(op) + "\" in \"" + std::string(text) + "\" (expected in or notin)";
    }
    if (!valid_key(r.key)) return "invalid label key \"" + r.key + "\"";
    std::string_view inner = text.substr(paren + 1, text.size() - paren - 2);
    size_t start = 0;
    for (size_t i = 0; i <= inner.size(); ++i) {
      if (i == inner.size() || inner[i] == ',') {
        r.values.emplace_back(trim(inner.substr(start, i - start)));
        start = i + 1;
      }
    }
    return r;
  }
  // Equality-based.
  size_t pos = text.find("!=");
  size_t op_len = 2;
  if (pos != std::string_view::npos) {
    r.op = LabelRequirement::Op::NotEquals;
  } else if ((pos = text.find("==")) != std::string_view::npos) {
    r.op = LabelRequirement::Op::Equals;
  } else if ((pos = text.find('=')) != std::string_view::npos) {
    r.op = LabelRequirement::Op::Equals;
    op_len = 1;
  } else {
    r.key = std::string(text);
    r.op = LabelRequirement::Op::Exists;
    if (!valid_key(r.key)) return "invalid label key \"" + r.key + "\"";
    return r;
  }
  r.key = std::string(trim(text.substr(0, pos)));
  if (!valid_key(r.key)) return "invalid label key \"" + r.key + "\"";
  r.values.emplace_back(trim(text.substr(pos + op_len)));
  return r;
}

}  // namespace

bool LabelSelector::matches(const std::map<std::string, std::string>& labels) const {
  for (const LabelRequirement& r : requirements) {
    const auto it = labels.find(r.key);
    const bool has = it != labels.end();
    const auto in_values = [&] {
      return has && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end();
    };
    switch (r.op) {
      case LabelRequirement::Op::Equals:
      case LabelRequirement::Op::In:
        if (!in_values()) return false;
        break;
      case LabelRequirement::Op::NotEquals:
      case LabelRequirement::Op::NotIn:
        if (in_values()) return false;
        break;
      case LabelRequirement::Op::Exists:
        if (!has) return false;
        break;
      case LabelRequirement::Op::NotExists:
        if (has) return false;
        break;
    }
  }
  return true;
}

std::variant<LabelSelector, std::string> parse_label_selector(std::string_view text) {
  LabelSelector out;
  if (trim(text).empty()) return out;
  auto parts = split_requirements(text);
  if (auto* error = std::get_if<std::string>(&parts)) return *error;
  for (std::string_view part : std::get<std::vector<std::string_view>>(parts)) {
    auto r = parse_requirement(part);
    if (auto* error = std::get_if<std::string>(&r)) return "unable to parse requirement: " + *error;
    out.requirements.push_back(std::move(std::get<LabelRequirement>(r)));
  }
  return out;
}

bool FieldSelector::matches(std::string_view name, std::string_view ns) const {
  for (const Term& t : terms) {
    const std::string_view actual = t.field == "metadata.name" ? name : ns;
    if ((actual == t.value) != t.equals) return false;
  }
  return true;
}

std::variant<FieldSelector, std::string> parse_field_selector(std::string_view text) {
  FieldSelector out;
  if (trim(text).empty()) return out;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i != text.size() && text[i] != ',') continue;
    const std::string_view part = trim(text.substr(start, i - start));
    start = i + 1;
    FieldSelector::Term term;
    size_t pos = part.find("!=");
    size_t len = 2;
    if (pos != std::string_view::npos) {
      term.equals = false;
    } else if ((pos = part.find("==")) == std::string_view::npos) {
      pos = part.find('=');
      len = 1;
    }
    if (pos == std::string_view::npos) return "invalid field selector \"" + std::string(part) + "\": expected field=value";
    term.field = std::string(trim(part.substr(0, pos)));
    term.value = std::string(trim(part.substr(pos + len)));
    if (term.field != "metadata.name" && term.field != "metadata.namespace")
      return "field label not supported: " + term.field + " (supported: metadata.name, metadata.namespace)";
    out.terms.push_back(std::move(term));
  }
  return out;
}

}  // namespace leasesim
