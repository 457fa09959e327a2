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
//   bytes, and so every traceHash, are those of the plain formatting.
// Leaves out: reading traces back (tests parse them with nlohmann_json).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "core/hash.h"
#include "core/name.h"
#include "core/time.h"
#include "sim/trace_pipeline.h"

namespace leasesim {

class Trace;

// Builds one line; fields are appended in call order; end() hands it to the Trace.
class TraceLine {
 public:
  TraceLine& str(std::string_view key, std::string_view value);
  // The string prefix + value, without building it first ("nodes/" and a node's name).
  TraceLine& str(std::string_view key, std::string_view prefix, std::string_view value);
  // The same fields for an interned Name: the record keeps a pointer to its text rather than a
  // copy (the text lives as long as the process, core/name.h), so the line costs the simulation
  // no copy of the characters and no load of them; the pipeline's thread reads them.
  TraceLine& name(std::string_view key, const Name& value);
  TraceLine& name(std::string_view key, std::string_view prefix, const Name& value);
  TraceLine& num(std::string_view key, int64_t value);
  TraceLine& unum(std::string_view key, uint64_t value);
  TraceLine& secs(std::string_view key, int64_t ns);  // seconds as an exact decimal number
  TraceLine& boolean(std::string_view key, bool value);
  TraceLine& null(std::string_view key);
  // A wall instant in RFC 3339 (as format_rfc3339_micro and format_rfc3339_nanos write it).
  TraceLine& micro_time(std::string_view key, WallInstant t);  // 6 fractional digits (a MicroTime)
  TraceLine& wall_nanos(std::string_view key, WallInstant t);  // all 9 fractional digits
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

  TraceLine line(TrueInstant t, std::string_view type);

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
  // Appends a field record: its op, the key, and room for `payload` more bytes; returns where
  // the payload goes (the caller writes exactly that many).
  char* field(TraceOp op, std::string_view key, size_t payload);
  void field_text(TraceOp op, std::string_view key, std::string_view value);
  void field_word(TraceOp op, std::string_view key, uint64_t value);

  // Records of finished lines, then those of the line being built (from the last line end to
  // chunk_.len).
  TraceChunk chunk_;
  TracePipeline pipeline_;
  uint64_t lines_ = 0;
};

// Appends `s` to `out` as a JSON string literal (with quotes).
void append_json_string(std::string& out, std::string_view s);

// A wall instant in RFC 3339 with all nine fractional digits ("2026-01-01T00:00:00.000000001Z"):
// the exact reading a model saw, where a Lease's MicroTime keeps six.
std::string format_rfc3339_nanos(WallInstant t);

}  // namespace leasesim
