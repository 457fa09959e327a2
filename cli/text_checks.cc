// text_checks.cc: see text_checks.h.
#include "cli/text_checks.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace leasesim {
namespace {

std::string hex_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", c);
  return buf;
}

std::string code_point(unsigned c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", c);
  return buf;
}

// Line and column (both 1-based, the column in characters) of byte `offset` in `text`.
TextProblem at_offset(std::string_view text, size_t offset, std::string message) {
  TextProblem p{1, 1, std::move(message)};
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++p.column;
    }
  }
  return p;
}

// Byte offset of 1-based (line, column) in `text`, columns counted in characters.
size_t offset_of(std::string_view text, int line, int column) {
  size_t i = 0;
  for (int l = 1; l < line && i < text.size(); ++i)
    if (text[i] == '\n') ++l;
  for (int c = 1; c < column && i < text.size(); ++c) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
  }
  return i;
}

bool token_start(std::string_view text, size_t i) {
  if (i == 0) return true;
  const char p = text[i - 1];
  return p == ' ' || p == '\t' || p == '\n' || p == '\r' || p == '[' || p == '{' || p == ',' || p == ':';
}

// Index just past a quoted string starting at text[i] ('"' with backslash escapes, or '\''
// with '' as the escape); text.size() when it does not end.
size_t skip_quoted(std::string_view text, size_t i) {
  const char q = text[i];
  for (++i; i < text.size(); ++i) {
    if (q == '"' && text[i] == '\\') {
      ++i;
      continue;
    }
    if (text[i] == q) {
      if (q == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;
        continue;
      }
      return i + 1;
    }
  }
  return text.size();
}

size_t skip_comment(std::string_view text, size_t i) {
  while (i < text.size() && text[i] != '\n') ++i;
  return i;
}

}  // namespace

size_t utf8_sequence_length(std::string_view s) {
  if (s.empty()) return 0;
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  size_t n;
  unsigned min, cp;
  if ((c & 0xE0) == 0xC0) {
    n = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

std::optional<TextProblem> check_text(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0)
      return at_offset(text, i, "the file holds a NUL byte: it is not UTF-8 text (a binary file, or UTF-16?)");
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
      return at_offset(text, i, "control character " + code_point(c) + " is not allowed in a scenario file");
    if (c == 0x7F) return at_offset(text, i, "control character U+007F is not allowed in a scenario file");
    const size_t n = utf8_sequence_length(text.substr(i));
    if (n == 0) return at_offset(text, i, "the file is not UTF-8: invalid byte " + hex_byte(c) + " here");
    i += n;
  }
  return std::nullopt;
}

std::optional<TextProblem> check_nesting(std::string_view text) {
  int depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((c == '"' || c == '\'') && token_start(text, i)) {
      i = skip_quoted(text, i) - 1;
    } else if (c == '#' && token_start(text, i)) {
      i = skip_comment(text, i);
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxNesting)
        return at_offset(text, i,
                         "nesting too deep: more than " + std::to_string(kMaxNesting) +
                             " lists or mappings inside each other (a scenario needs at most 6)");
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

std::optional<TextProblem> check_json_text(std::string_view text) {
  try {
    const nlohmann::json parsed = nlohmann::json::parse(text.begin(), text.end());
    (void)parsed;
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based: the byte at which the parser stopped.
    std::string what = e.what();
    const size_t colon = what.find("syntax error");
    if (colon != std::string::npos) what = what.substr(colon);
    return at_offset(text, e.byte > 0 ? e.byte - 1 : 0,
                     "not strict JSON (a .json scenario must be one JSON value; YAML syntax belongs in .yaml): " +
                         what);
  }
  return std::nullopt;
}

std::optional<TextProblem> check_flow_root_end(std::string_view text, int line, int column) {
  size_t i = offset_of(text, line, column);
  if (i >= text.size() || (text[i] != '[' && text[i] != '{')) return std::nullopt;
  int depth = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if ((c == '"' || c == '\'') && token_start(text, i)) {
      i = skip_quoted(text, i) - 1;
    } else if (c == '#' && token_start(text, i)) {
      i = skip_comment(text, i);
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      if (--depth == 0) break;
    }
  }
  // After the root's closing bracket: blanks, comments and a document end marker only.
  for (++i; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (c == '#') {
      i = skip_comment(text, i);
      continue;
    }
    if (text.substr(i, 3) == "..." && (i == 0 || text[i - 1] == '\n')) {
      i += 2;
      continue;
    }
    return at_offset(text, i, "content after the end of the document's root value: a scenario file holds one value");
  }
  return std::nullopt;
}

std::optional<std::string> check_scalar(std::string_view value, bool allow_line_breaks) {
  for (size_t i = 0; i < value.size();) {
    const auto c = static_cast<unsigned char>(value[i]);
    const bool line_break = c == '\t' || c == '\n';
    if ((c < 0x20 && !(allow_line_breaks && line_break)) || c == 0x7F)
      return "contains control character " + code_point(c) + " (at character " + std::to_string(i + 1) +
             "); only printable text is allowed" + (allow_line_breaks ? " besides tab and line feed" : "");
    const size_t n = utf8_sequence_length(value.substr(i));
    if (n == 0)
      return "is not valid UTF-8 (byte " + hex_byte(c) + " at offset " + std::to_string(i) +
             "; an escape such as \\ud800 encodes half a surrogate pair)";
    i += n;
  }
  return std::nullopt;
}

}  // namespace leasesim
