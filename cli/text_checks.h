// text_checks.h: checks on the raw text of an input file, before and beside its parser.
//
// Contract (docs/hostile-input.md):
// - check_text: the whole file must be UTF-8 (no overlong forms, no surrogates, nothing above
//   U+10FFFF) and hold no NUL or other C0 control character besides tab, line feed and carriage
//   return (YAML 1.2 allows no others in a stream, and JSON none outside strings). The first
//   problem is returned with its 1-based line and column (columns count characters).
// - check_nesting: flow collections ('[' and '{', outside quoted strings and comments) nested
//   deeper than kMaxNesting are refused before a recursive parser could exhaust the stack.
// - check_json_text: a .json file is strict JSON (RFC 8259, as nlohmann's parser reads it):
//   one value, nothing after it but whitespace, no comments, no YAML-only syntax.
// - check_flow_root_end: a YAML document whose root is a flow collection ends at its closing
//   bracket; anything after it but blanks and comments is an error (yaml-cpp ignores it).
// - check_scalar: a string value (after the parser resolved escapes such as "\0" or "\ud800")
//   must be valid UTF-8 without control characters; `allow_line_breaks` admits tab and line
//   feed (free text such as a description), names admit neither.
// Leaves out: Unicode normalisation, and checks of what characters a particular field allows
// (the loader's field readers do that).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace leasesim {

inline constexpr int kMaxNesting = 64;

struct TextProblem {
  int line = 0;    // 1-based
  int column = 0;  // 1-based, in characters
  std::string message;
};

std::optional<TextProblem> check_text(std::string_view text);
std::optional<TextProblem> check_nesting(std::string_view text);
std::optional<TextProblem> check_json_text(std::string_view text);
// `line` and `column` (1-based) are where the root collection starts.
std::optional<TextProblem> check_flow_root_end(std::string_view text, int line, int column);
std::optional<std::string> check_scalar(std::string_view value, bool allow_line_breaks);

// Length in bytes of the valid UTF-8 sequence at the start of `s`, or 0 when it is not one.
size_t utf8_sequence_length(std::string_view s);

}  // namespace leasesim
