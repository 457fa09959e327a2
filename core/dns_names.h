// dns_names.h: the DNS-1123 name shapes Kubernetes uses for object names, namespaces and the
// prefixes of label keys.
//
// Contract: is_dns_label(s, max) is a DNS-1123 label of at most `max` characters (lower-case
// letters, digits and '-', beginning and ending with a letter or digit); is_dns_subdomain(s) is
// dot-separated labels, at most 253 characters in all (upstream
// k8s.io/apimachinery/pkg/util/validation, IsDNS1123Label and IsDNS1123Subdomain). Pure
// functions over the text. Leaves out: the error messages, which each caller words for its field.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace leasesim {

inline bool is_dns_label(std::string_view s, size_t max_length) {
  if (s.empty() || s.size() > max_length) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(s.front()) || !alnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return alnum(c) || c == '-'; });
}

inline bool is_dns_subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (true) {
    const size_t dot = s.find('.', start);
    const std::string_view label = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!is_dns_label(label, 253)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

}  // namespace leasesim
