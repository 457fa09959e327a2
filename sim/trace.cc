// trace.cc: see trace.h.
#include "sim/trace.h"

#include <charconv>
#include <cstdio>

namespace leasesim {

namespace {

bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

template <class Int>
void append_integer(std::string& out, Int v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  // Most names and values need no escape: append them whole (the hot path of every run).
  size_t plain = 0;
  while (plain < s.size() && !needs_escape(static_cast<unsigned char>(s[plain]))) ++plain;
  out.append(s.data(), plain);
  s.remove_prefix(plain);
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

std::string format_rfc3339_nanos(WallInstant t) {
  const int64_t whole = floor_div(t.ns, kNanosPerSecond) * kNanosPerSecond;
  std::string out = format_rfc3339_seconds(WallInstant(whole));  // "...:SSZ"
  int64_t frac = t.ns - whole;
  char digits[11];
  digits[0] = '.';
  for (int i = 9; i >= 1; --i) {
    digits[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  digits[10] = 'Z';
  out.pop_back();
  out.append(digits, sizeof digits);
  return out;
}

TraceLine Trace::line(TrueInstant t, std::string_view type) {
  buf_.clear();
  buf_ += "{\"t\":";
  append_seconds(buf_, t.ns);
  buf_ += ",\"type\":";
  append_json_string(buf_, type);
  return TraceLine(this);
}

void Trace::finish_line() {
  buf_ += "}\n";
  hasher_.bytes(buf_);
  ++lines_;
  if (out_) out_->write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
}

std::string Trace::hash_hex() const {
  char buf[17];
  return std::string(hex64(hash(), buf));
}

void TraceLine::key(std::string_view k) {
  trace_->buf_ += ',';
  append_json_string(trace_->buf_, k);
  trace_->buf_ += ':';
}

TraceLine& TraceLine::str(std::string_view k, std::string_view value) {
  key(k);
  append_json_string(trace_->buf_, value);
  return *this;
}

TraceLine& TraceLine::num(std::string_view k, int64_t value) {
  key(k);
  append_integer(trace_->buf_, value);
  return *this;
}

TraceLine& TraceLine::unum(std::string_view k, uint64_t value) {
  key(k);
  append_integer(trace_->buf_, value);
  return *this;
}

TraceLine& TraceLine::secs(std::string_view k, int64_t ns) {
  key(k);
  append_seconds(trace_->buf_, ns);
  return *this;
}

TraceLine& TraceLine::boolean(std::string_view k, bool value) {
  key(k);
  trace_->buf_ += value ? "true" : "false";
  return *this;
}

TraceLine& TraceLine::null(std::string_view k) {
  key(k);
  trace_->buf_ += "null";
  return *this;
}

void TraceLine::end() { trace_->finish_line(); }

}  // namespace leasesim
