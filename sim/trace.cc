// trace.cc: see trace.h.
#include "sim/trace.h"

#include <algorithm>
#include <cstring>

namespace leasesim {

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

TraceLine Trace::line(TrueInstant t, TraceKey type) {
  // A line begun and never ended is dropped: the new one starts where the last finished line
  // ends. The line record is a field record whose key is the type, with the instant after it.
  chunk_.len = chunk_.line_ends.empty() ? 0 : chunk_.line_ends.back();
  std::memcpy(field(TraceOp::Line, type, 8), &t.ns, 8);
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

}  // namespace leasesim
