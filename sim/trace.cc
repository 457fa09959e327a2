// trace.cc: see trace.h.
#include "sim/trace.h"

#include <algorithm>
#include <cstring>

namespace leasesim {

namespace {

// Lengths in records are 4 bytes (sim/trace_format.h); a string longer than that cannot occur in
// a trace line (it would be a 4 GiB name or message).
char* put_text(char* p, std::string_view s) {
  const auto n = static_cast<uint32_t>(s.size());
  std::memcpy(p, &n, 4);
  std::memcpy(p + 4, s.data(), s.size());
  return p + 4 + s.size();
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  const size_t old = out.size();
  out.resize(old + json_string_room(s));
  char* end = write_json_string(out.data() + old, s);
  out.resize(static_cast<size_t>(end - out.data()));
}

std::string format_rfc3339_nanos(WallInstant t) {
  char buf[kRfc3339MaxChars];
  return std::string(buf, write_rfc3339(buf, t, 9));
}

void Trace::grow(size_t need) {
  chunk_.bytes.resize(std::max({need, chunk_.bytes.size() * 2, size_t{512}}));
}

TraceLine Trace::line(TrueInstant t, std::string_view type) {
  // A line begun and never ended is dropped: the new one starts where the last finished line
  // ends.
  chunk_.len = chunk_.line_ends.empty() ? 0 : chunk_.line_ends.back();
  char* p = room(1 + 8 + 4 + type.size());
  *p++ = static_cast<char>(TraceOp::Line);
  std::memcpy(p, &t.ns, 8);
  used(put_text(p + 8, type));
  return TraceLine(this);
}

void Trace::finish_line() {
  chunk_.line_ends.push_back(static_cast<uint32_t>(chunk_.len));
  ++lines_;
  if (chunk_.len >= TracePipeline::kChunkBytes) chunk_ = pipeline_.submit(std::move(chunk_));
}

void Trace::flush() {
  // The pipeline takes whole lines only: a line still being built waits aside and comes back.
  const size_t done = chunk_.line_ends.empty() ? 0 : chunk_.line_ends.back();
  const std::string building(chunk_.bytes.data() + done, chunk_.len - done);
  chunk_.len = done;
  pipeline_.drain(chunk_);
  if (!building.empty()) {
    std::memcpy(room(building.size()), building.data(), building.size());
    chunk_.len = building.size();
  }
}

std::string Trace::hash_hex() {
  char buf[17];
  return std::string(hex64(hash(), buf));
}

char* Trace::field(TraceOp op, std::string_view key, size_t payload) {
  char* p = room(1 + 4 + key.size() + payload);
  *p++ = static_cast<char>(op);
  p = put_text(p, key);
  used(p + payload);
  return p;
}

void Trace::field_text(TraceOp op, std::string_view key, std::string_view value) {
  put_text(field(op, key, 4 + value.size()), value);
}

void Trace::field_word(TraceOp op, std::string_view key, uint64_t value) {
  std::memcpy(field(op, key, 8), &value, 8);
}

TraceLine& TraceLine::str(std::string_view k, std::string_view value) {
  trace_->field_text(TraceOp::Str, k, value);
  return *this;
}

TraceLine& TraceLine::str(std::string_view k, std::string_view prefix, std::string_view value) {
  put_text(put_text(trace_->field(TraceOp::Str2, k, 8 + prefix.size() + value.size()), prefix), value);
  return *this;
}

TraceLine& TraceLine::name(std::string_view k, const Name& value) {
  const std::string* text = &value.str();
  std::memcpy(trace_->field(TraceOp::Name, k, sizeof text), &text, sizeof text);
  return *this;
}

TraceLine& TraceLine::name(std::string_view k, std::string_view prefix, const Name& value) {
  const std::string* text = &value.str();
  std::memcpy(put_text(trace_->field(TraceOp::Name2, k, 4 + prefix.size() + sizeof text), prefix), &text, sizeof text);
  return *this;
}

TraceLine& TraceLine::num(std::string_view k, int64_t value) {
  trace_->field_word(TraceOp::Num, k, static_cast<uint64_t>(value));
  return *this;
}

TraceLine& TraceLine::unum(std::string_view k, uint64_t value) {
  trace_->field_word(TraceOp::Unum, k, value);
  return *this;
}

TraceLine& TraceLine::secs(std::string_view k, int64_t ns) {
  trace_->field_word(TraceOp::Secs, k, static_cast<uint64_t>(ns));
  return *this;
}

TraceLine& TraceLine::boolean(std::string_view k, bool value) {
  *trace_->field(TraceOp::Bool, k, 1) = value ? 1 : 0;
  return *this;
}

TraceLine& TraceLine::null(std::string_view k) {
  trace_->field(TraceOp::Null, k, 0);
  return *this;
}

TraceLine& TraceLine::micro_time(std::string_view k, WallInstant t) {
  trace_->field_word(TraceOp::Micro, k, static_cast<uint64_t>(t.ns));
  return *this;
}

TraceLine& TraceLine::wall_nanos(std::string_view k, WallInstant t) {
  trace_->field_word(TraceOp::Nanos, k, static_cast<uint64_t>(t.ns));
  return *this;
}

void TraceLine::end() { trace_->finish_line(); }

}  // namespace leasesim
