// trace_format.h: trace lines as compact records, and the JSON text they stand for.
//
// Contract:
// - The Trace (sim/trace.h) does not format while the simulation runs: each TraceLine call
//   appends one record (an op byte, the key, the raw value: bytes of a string, eight bytes of
//   a number or an instant) to a TraceChunk; the two commonest lines, `api` and `lease`, may be
//   one record of all their fields instead (TraceApiFields, TraceLeaseFields, below), which
//   formats to the same text. TraceFormatter later turns a chunk's records into
//   the JSON Lines text, on the pipeline's thread (sim/trace_pipeline.h), so escaping strings
//   and writing numbers and dates overlap the simulation as hashing does.
// - The text is exactly what formatting each call in place wrote (the same functions write it),
//   so every traceHash and every trace file is unchanged; tests/sim/trace_test.cc pins the bytes
//   (tests/sim/trace_line_records_test.cc those of the whole-line records).
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
#include <type_traits>
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
  Api,    // no key: a TraceApiFields, the fields of an `api` line in one record
  Lease,  // no key: a TraceLeaseFields, the fields of a `lease` line in one record
};

// A string with static storage (a literal, or a view of one such as verb_text): a record keeps
// its address and length, never a copy.
struct StaticText {
  const char* data = "";
  uint32_t size = 0;
  static StaticText of(std::string_view literal) { return {literal.data(), static_cast<uint32_t>(literal.size())}; }
  std::string_view view() const { return {data, size}; }
};

// Every field of an `api` line after its type (docs/cli.md section 4): proc, call, verb, object,
// result, rv, sent, applied, then leg and why when the request was lost, then mono and wall.
// Why one record: a busy cluster writes an api line per request, and building it field by field
// (a key, a capacity check and a length per field) cost the simulation about 500 instructions a
// line; this is one copy of a plain struct, and the pipeline's thread writes the same bytes as
// the fields written one by one (tests/sim/trace_test.cc compares them; docs/nodes.md, phase 11).
// Names are interned Names' texts (core/name.h); the rest are literals or numbers.
struct TraceApiFields {
  const std::string* proc = nullptr;
  // The object: the literal object_prefix ("nodes/", "pods/node=", "nodes", "leases" or "")
  // followed by this name ("" after a list's prefix), as one JSON string.
  const std::string* object = nullptr;
  StaticText object_prefix;
  StaticText verb;
  StaticText result;
  StaticText leg;  // with why: written only when lost is set
  StaticText why;
  uint64_t call = 0;
  uint64_t rv = 0;  // written only when has_rv is set, else null
  int64_t sent_ns = 0;
  int64_t mono_ns = 0;
  int64_t wall_ns = 0;
  bool has_rv = false;
  bool applied = false;
  bool lost = false;
};
static_assert(std::is_trivially_copyable_v<TraceApiFields>, "a record is copied as bytes");

// Every field of a `lease` line after its type (docs/cli.md section 4): object, proc, verb, rv,
// then holder, transitions, renewTime and leaseDurationSeconds (each null when absent) or
// `deleted`, then late. One record for the same reason as TraceApiFields: a kubelet's renewal
// is a lease line.
struct TraceLeaseFields {
  const std::string* object = nullptr;  // the Lease's "namespace/name"
  const std::string* proc = nullptr;
  const std::string* holder = nullptr;  // nullptr: null
  StaticText verb;
  uint64_t rv = 0;
  int64_t transitions = 0;
  int64_t renew_time_ns = 0;
  int64_t lease_duration_seconds = 0;
  bool deleted = false;  // no spec after the write: `deleted` instead of the four spec fields
  bool has_transitions = false;
  bool has_renew_time = false;
  bool has_lease_duration = false;
  bool late = false;
};
static_assert(std::is_trivially_copyable_v<TraceLeaseFields>, "a record is copied as bytes");
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
