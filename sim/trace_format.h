// trace_format.h: trace lines as compact records, and the JSON text they stand for.
//
// Contract:
// - The Trace (sim/trace.h) does not format while the simulation runs: each TraceLine call
//   appends one record (an op byte, the key, the raw value: bytes of a string, eight bytes of
//   a number or an instant) to a TraceChunk. TraceFormatter later turns a chunk's records into
//   the JSON Lines text, on the pipeline's thread (sim/trace_pipeline.h), so escaping strings
//   and writing numbers and dates overlap the simulation as hashing does.
// - The text is exactly what formatting each call in place wrote (the same functions write it),
//   so every traceHash and every trace file is unchanged; tests/sim/trace_test.cc pins the bytes.
// - Records are read in the order written. The only pointers in them are to string literals
//   (keys and line types, sim/trace.h TraceKey) and to the texts of interned Names
//   (core/name.h), which live as long as the process and never change, so a chunk
//   may cross threads. A formatter keeps the date of the last whole second it wrote (most lines of a busy
//   trace fall into the same second), so one formatter reads one trace's chunks in order.
// Leaves out: hashing and writing (trace_pipeline.h), the public TraceLine calls (trace.h).
#pragma once

#include <climits>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace leasesim {

// Records of whole lines, back to back: `bytes` holds them in its first `len` bytes (its size is
// the room the encoder may use), and line_ends[i] is where line i's records end.
struct TraceChunk {
  std::string bytes;
  size_t len = 0;
  std::vector<uint32_t> line_ends;
};

// What a record holds after its op byte: first its key (or, for Line, the line's type) as a
// pointer to a string literal (8) and its length (2), then its value (string lengths are 4
// bytes, numbers 8, little-endian as the machine stores them; a chunk never leaves the process).
enum class TraceOp : uint8_t {
  Line,   // type, instant (8): opens a line
  Str,    // key, value
  Str2,   // key, prefix, value: one JSON string of prefix + value
  Num,    // key, int64
  Unum,   // key, uint64
  Secs,   // key, int64 nanoseconds as exact decimal seconds
  Bool,   // key, one byte
  Null,   // key
  Micro,  // key, wall instant in RFC 3339 with 6 fractional digits
  Nanos,  // key, wall instant with 9
  Name,   // key, pointer to an interned Name's text (8): the same JSON string as Str of that text
  Name2,  // key, prefix, pointer to an interned Name's text: as Str2
};
// The bytes of a record before its value: the op, the key's pointer and its length.
inline constexpr size_t kTraceFieldHead = 1 + sizeof(const char*) + sizeof(uint16_t);

class TraceFormatter {
 public:
  // Formats every line of the chunk into `text` (its first `text_len` bytes on return), with
  // text_ends[i] where line i's text ends (after its newline).
  void format(const TraceChunk& chunk, std::string& text, size_t& text_len, std::vector<uint32_t>& text_ends);

 private:
  int64_t date_second_ = INT64_MIN;
  char date_[kRfc3339MaxChars] = {};
};

// The most bytes write_json_string writes for s: every byte may become \u00XX.
inline size_t json_string_room(std::string_view s) { return s.size() * 6 + 2; }
// s as a JSON string literal (with quotes) at p, with room for json_string_room(s); returns the end.
char* write_json_string(char* p, std::string_view s);

}  // namespace leasesim
