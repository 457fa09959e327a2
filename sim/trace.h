// trace.h: the JSON Lines trace of a run and its 64-bit hash.
//
// Contract (docs/cli.md section 4 "Trace"):
// - Every line is one JSON object with `t` (seconds of true time, exact decimal) and `type`
//   first, then fields in a fixed order; lines are produced in simulation order.
// - traceHash folds every line's bytes (and the newline) into a stable 64-bit hash, whether or
//   not the lines are written anywhere, so `--trace` never changes the hash.
// - Finished lines collect in chunks that a TracePipeline (sim/trace_pipeline.h) formats,
//   hashes and writes in order, on a second thread once the trace fills its first chunk, so
//   that work overlaps the simulation. The stream therefore receives the lines at the latest
//   at the next flush(), hash(), hash_hex() or the Trace's destruction (read it only after one
//   of those), and the hash value is the same as if every line were hashed as it ends. A line
//   still being built when one of those is called is kept, and counts once it ends.
// - Lines are formatted by hand (no JSON library on this hot path); strings are escaped per RFC
//   8259. Output goes to an optional std::ostream the caller owns.
// - Speed (bench/nodes_bench.cc: a one-hour run of 5,000 kubelets writes 5.4 million lines):
//   a TraceLine call does not format; it appends a compact record (sim/trace_format.h) to the
//   current chunk, and the pipeline's thread formats, hashes and writes whole chunks. The
//   formatter writes each field through one capacity check, scans strings for escapes eight
//   bytes at a time and writes wall readings from a cached date of the last whole second. The
//   bytes, and so every traceHash, are those of the plain formatting. Keys and line types are
//   string literals (TraceKey checks it when the call is compiled): a record keeps a pointer to
//   the literal rather than a copy of its bytes, and the calls are inline, so a field costs the
//   simulation a few stores (phase 10 of docs/nodes.md).
// Leaves out: reading traces back (tests parse them with nlohmann_json).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ostream>
#include <string>
#include <string_view>

#include "core/hash.h"
#include "core/name.h"
#include "core/time.h"
#include "sim/trace_pipeline.h"

namespace leasesim {

class Trace;

// A key or a line type: a string literal, whose characters live as long as the program, so a
// record may point at them (sim/trace_format.h). The constructor runs when the call is compiled
// (consteval): any other string is a compile error, not a dangling pointer at run time. Keys
// are still escaped when formatted, like any JSON string.
class TraceKey {
 public:
  template <size_t N>
  consteval TraceKey(const char (&text)[N]) : text_(text), size_(static_cast<uint16_t>(N - 1)) {  // NOLINT: implicit by design
    if (N - 1 > UINT16_MAX) throw "a trace key longer than 65535 bytes";  // evaluated: not a constant, so a compile error
  }
  const char* data() const { return text_; }
  uint16_t size() const { return size_; }

 private:
  const char* text_;
  uint16_t size_;
};

// Builds one line; fields are appended in call order; end() hands it to the Trace.
class TraceLine {
 public:
  TraceLine& str(TraceKey key, std::string_view value);
  // The string prefix + value, without building it first ("nodes/" and a node's name).
  TraceLine& str(TraceKey key, std::string_view prefix, std::string_view value);
  // The same fields for an interned Name: the record keeps a pointer to its text rather than a
  // copy (the text lives as long as the process, core/name.h), so the line costs the simulation
  // no copy of the characters and no load of them; the pipeline's thread reads them.
  TraceLine& name(TraceKey key, const Name& value);
  TraceLine& name(TraceKey key, std::string_view prefix, const Name& value);
  TraceLine& num(TraceKey key, int64_t value);
  TraceLine& unum(TraceKey key, uint64_t value);
  TraceLine& secs(TraceKey key, int64_t ns);  // seconds as an exact decimal number
  TraceLine& boolean(TraceKey key, bool value);
  TraceLine& null(TraceKey key);
  // A wall instant in RFC 3339 (as format_rfc3339_micro and format_rfc3339_nanos write it).
  TraceLine& micro_time(TraceKey key, WallInstant t);  // 6 fractional digits (a MicroTime)
  TraceLine& wall_nanos(TraceKey key, WallInstant t);  // all 9 fractional digits
  // Every field of an `api` line at once, in one record (sim/trace_format.h TraceApiFields): the
  // same bytes as writing them one by one. Its strings must outlive the trace (literals, texts
  // of interned Names).
  TraceLine& api_fields(const TraceApiFields& fields);
  // Every field of a `lease` line at once (TraceLeaseFields), as api_fields.
  TraceLine& lease_fields(const TraceLeaseFields& fields);
  void end();

 private:
  friend class Trace;
  explicit TraceLine(Trace* trace) : trace_(trace) {}
  Trace* trace_;
};

class Trace {
 public:
  explicit Trace(std::ostream* out = nullptr) : pipeline_(out) {}
  // Destruction hashes and writes what is left (the pipeline drains before it stops).
  ~Trace() { flush(); }
  Trace(const Trace&) = delete;
  Trace& operator=(const Trace&) = delete;

  TraceLine line(TrueInstant t, TraceKey type);

  // Waits until every finished line is hashed and written to the stream.
  void flush();
  // The hash of every finished line (flushes first).
  uint64_t hash() {
    flush();
    return pipeline_.digest();
  }
  uint64_t line_count() const { return lines_; }
  std::string hash_hex();

 private:
  friend class TraceLine;
  void finish_line();
  // Room for n more record bytes of the line; returns where they go. The caller writes at most
  // n bytes and then calls used() with the end of what it wrote.
  char* room(size_t n) {
    if (chunk_.len + n > chunk_.bytes.size()) grow(chunk_.len + n);
    return chunk_.bytes.data() + chunk_.len;
  }
  void used(const char* end) { chunk_.len = static_cast<size_t>(end - chunk_.bytes.data()); }
  void grow(size_t need);
  // Appends a field record: its op, the key (a pointer to the literal and its length), and room
  // for `payload` more bytes; returns where the payload goes (the caller writes exactly that
  // many). Inline: every field of every line passes here.
  char* field(TraceOp op, TraceKey key, size_t payload) {
    char* p = room(kTraceFieldHead + payload);
    p[0] = static_cast<char>(op);
    const char* text = key.data();
    const uint16_t size = key.size();
    std::memcpy(p + 1, &text, sizeof text);
    std::memcpy(p + 1 + sizeof text, &size, sizeof size);
    used(p + kTraceFieldHead + payload);
    return p + kTraceFieldHead;
  }
  // Lengths in records are 4 bytes (sim/trace_format.h); a string longer than that cannot occur
  // in a trace line (it would be a 4 GiB name or message).
  static char* put_text(char* p, std::string_view s) {
    const auto n = static_cast<uint32_t>(s.size());
    std::memcpy(p, &n, 4);
    std::memcpy(p + 4, s.data(), s.size());
    return p + 4 + s.size();
  }
  // A record of a whole line's fields (TraceApiFields, TraceLeaseFields): its op, then the struct.
  template <class Fields>
  void record(TraceOp op, const Fields& fields) {
    char* p = room(1 + sizeof fields);
    *p = static_cast<char>(op);
    std::memcpy(p + 1, &fields, sizeof fields);
    used(p + 1 + sizeof fields);
  }
  void field_text(TraceOp op, TraceKey key, std::string_view value) { put_text(field(op, key, 4 + value.size()), value); }
  void field_word(TraceOp op, TraceKey key, uint64_t value) { std::memcpy(field(op, key, 8), &value, 8); }

  // Records of finished lines, then those of the line being built (from the last line end to
  // chunk_.len).
  TraceChunk chunk_;
  TracePipeline pipeline_;
  uint64_t lines_ = 0;
};

// TraceLine's calls, inline (see the contract above: a field is a few stores).
inline TraceLine& TraceLine::str(TraceKey k, std::string_view value) {
  trace_->field_text(TraceOp::Str, k, value);
  return *this;
}
inline TraceLine& TraceLine::str(TraceKey k, std::string_view prefix, std::string_view value) {
  Trace::put_text(Trace::put_text(trace_->field(TraceOp::Str2, k, 8 + prefix.size() + value.size()), prefix), value);
  return *this;
}
inline TraceLine& TraceLine::name(TraceKey k, const Name& value) {
  const std::string* text = &value.str();
  std::memcpy(trace_->field(TraceOp::Name, k, sizeof text), &text, sizeof text);
  return *this;
}
inline TraceLine& TraceLine::name(TraceKey k, std::string_view prefix, const Name& value) {
  const std::string* text = &value.str();
  std::memcpy(Trace::put_text(trace_->field(TraceOp::Name2, k, 4 + prefix.size() + sizeof text), prefix), &text, sizeof text);
  return *this;
}
inline TraceLine& TraceLine::num(TraceKey k, int64_t value) {
  trace_->field_word(TraceOp::Num, k, static_cast<uint64_t>(value));
  return *this;
}
inline TraceLine& TraceLine::unum(TraceKey k, uint64_t value) {
  trace_->field_word(TraceOp::Unum, k, value);
  return *this;
}
inline TraceLine& TraceLine::secs(TraceKey k, int64_t ns) {
  trace_->field_word(TraceOp::Secs, k, static_cast<uint64_t>(ns));
  return *this;
}
inline TraceLine& TraceLine::boolean(TraceKey k, bool value) {
  *trace_->field(TraceOp::Bool, k, 1) = value ? 1 : 0;
  return *this;
}
inline TraceLine& TraceLine::null(TraceKey k) {
  trace_->field(TraceOp::Null, k, 0);
  return *this;
}
inline TraceLine& TraceLine::micro_time(TraceKey k, WallInstant t) {
  trace_->field_word(TraceOp::Micro, k, static_cast<uint64_t>(t.ns));
  return *this;
}
inline TraceLine& TraceLine::wall_nanos(TraceKey k, WallInstant t) {
  trace_->field_word(TraceOp::Nanos, k, static_cast<uint64_t>(t.ns));
  return *this;
}
inline TraceLine& TraceLine::api_fields(const TraceApiFields& fields) {
  trace_->record(TraceOp::Api, fields);
  return *this;
}
inline TraceLine& TraceLine::lease_fields(const TraceLeaseFields& fields) {
  trace_->record(TraceOp::Lease, fields);
  return *this;
}
inline void TraceLine::end() { trace_->finish_line(); }

// Appends `s` to `out` as a JSON string literal (with quotes).
void append_json_string(std::string& out, std::string_view s);

// A wall instant in RFC 3339 with all nine fractional digits ("2026-01-01T00:00:00.000000001Z"):
// the exact reading a model saw, where a Lease's MicroTime keeps six.
std::string format_rfc3339_nanos(WallInstant t);

}  // namespace leasesim
