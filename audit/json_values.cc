// json_values.cc: see json_values.h.
#include "audit/json_values.h"

namespace leasesim {

JsonValueReader::JsonValueReader(std::istream& in, std::string prefix, uint64_t max_value_bytes)
    : in_(in), prefix_(std::move(prefix)), max_bytes_(max_value_bytes) {}

int JsonValueReader::get() {
  int c;
  if (prefix_pos_ < prefix_.size()) {
    c = static_cast<unsigned char>(prefix_[prefix_pos_++]);
  } else {
    c = in_.rdbuf()->sbumpc();
    if (c == std::char_traits<char>::eof()) return -1;
  }
  if (c == '\n') ++line_;
  return c;
}

int JsonValueReader::peek() {
  if (prefix_pos_ < prefix_.size()) return static_cast<unsigned char>(prefix_[prefix_pos_]);
  const int c = in_.rdbuf()->sgetc();
  return c == std::char_traits<char>::eof() ? -1 : c;
}

bool JsonValueReader::next(JsonValueText* out) {
  out->text.clear();
  out->error.clear();
  // Skip whitespace; anything else before a value is stray text, reported with its line and
  // skipped up to the next '{' or '[' at the start of a line or after whitespace.
  int c;
  for (;;) {
    c = peek();
    if (c < 0) return false;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      get();
      continue;
    }
    if (c == '{' || c == '[') break;
    out->line = line_;
    while ((c = peek()) >= 0 && c != '{' && c != '[') get();
    out->error = "unexpected text between JSON values (expected '{' or '[')";
    return true;
  }
  out->line = line_;
  int depth = 0;
  bool in_string = false;
  bool escape = false;
  bool too_long = false;
  bool line_start = false;
  std::string broken;
  while ((c = peek()) >= 0) {
    // kubectl indents everything inside a value, so a '{' in column 0 while a value is still
    // open means the open value was cut short: report it and start over at that brace.
    if (line_start && c == '{' && depth > 0 && !in_string) {
      out->error = "value cut short: a new object starts at line " + std::to_string(line_);
      return true;
    }
    get();
    line_start = c == '\n';
    if (!too_long) {
      out->text.push_back(static_cast<char>(c));
      if (out->text.size() > max_bytes_) {
        too_long = true;
        out->text.clear();
      }
    }
    if (in_string) {
      if (c == '\n') {
        in_string = false;
        if (broken.empty()) broken = "a string runs past the end of line " + std::to_string(line_ - 1);
      } else if (escape) {
        escape = false;
      } else if (c == '\\') {
        escape = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') ++depth;
    else if (c == '}' || c == ']') {
      if (--depth == 0) {
        if (too_long) out->error = "value longer than " + std::to_string(max_bytes_) + " bytes; skipped";
        else if (!broken.empty()) out->error = broken;
        return true;
      }
    }
  }
  out->error = in_string ? "unterminated string at the end of the input" : "unterminated value at the end of the input";
  return true;
}

}  // namespace leasesim
