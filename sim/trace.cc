// trace.cc: see trace.h.
#include "sim/trace.h"

#include <cstdio>

namespace leasesim {

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
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
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%09lldZ", static_cast<long long>(t.ns - whole));
  out.pop_back();
  out += frac;
  return out;
}

TraceLine Trace::line(TrueInstant t, std::string_view type) {
  buf_.clear();
  buf_ += "{\"t\":";
  buf_ += format_seconds(t.ns);
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
  trace_->buf_ += std::to_string(value);
  return *this;
}

TraceLine& TraceLine::unum(std::string_view k, uint64_t value) {
  key(k);
  trace_->buf_ += std::to_string(value);
  return *this;
}

TraceLine& TraceLine::secs(std::string_view k, int64_t ns) {
  key(k);
  trace_->buf_ += format_seconds(ns);
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
