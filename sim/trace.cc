// trace.cc: see trace.h.
#include "sim/trace.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace leasesim {

namespace {

bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// Whether any of the eight bytes of w needs an escape in JSON: a byte below 0x20, a quote or a
// backslash (the exact "has a byte less than n" and "has a zero byte" tests of Bit Twiddling
// Hacks; only whether a word has such a byte is used, so their borrows cannot mislead).
bool word_needs_escape(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  const uint64_t quote = w ^ (kOnes * '"');
  const uint64_t backslash = w ^ (kOnes * '\\');
  return ((((w - kOnes * 0x20) & ~w) | ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash)) & kHigh) != 0;
}

// The most bytes write_json_string writes for s: every byte may become \u00XX.
size_t json_string_room(std::string_view s) { return s.size() * 6 + 2; }

// The characters of s inside a JSON string literal (escaped, without quotes) at p; returns the end.
char* write_json_chars(char* p, std::string_view s) {
  // Most names and values need no escape: whole words are copied while none of their bytes
  // needs one, then the rest byte by byte (the hot path of every run).
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (word_needs_escape(w)) break;
    std::memcpy(p, &w, 8);
    p += 8;
  }
  // The last few bytes (all of a short key or name): padded to a word with a byte that needs no
  // escape, tested at once and, when clean, stored as one word; the bytes past the string's end
  // fall inside the room the caller reserved (json_string_room: six per byte, plus two) and are
  // overwritten by what follows. Saves a byte loop per field of every line.
  if (const size_t rest = s.size() - i; rest > 0 && rest < 8 && s.size() >= 2 && i + 8 <= s.size() * 6) {
    uint64_t w = 0x6161616161616161ull;  // "aaaaaaaa"
    std::memcpy(&w, s.data() + i, rest);
    if (!word_needs_escape(w)) {
      std::memcpy(p, &w, 8);
      return p + rest;
    }
  }
  static constexpr char kHex[] = "0123456789abcdef";
  for (; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (!needs_escape(c)) {
      *p++ = static_cast<char>(c);
      continue;
    }
    switch (c) {
      case '"': *p++ = '\\'; *p++ = '"'; break;
      case '\\': *p++ = '\\'; *p++ = '\\'; break;
      case '\n': *p++ = '\\'; *p++ = 'n'; break;
      case '\r': *p++ = '\\'; *p++ = 'r'; break;
      case '\t': *p++ = '\\'; *p++ = 't'; break;
      default:
        std::memcpy(p, "\\u00", 4);  // needs_escape: a control character
        p[4] = kHex[c >> 4];
        p[5] = kHex[c & 0xf];
        p += 6;
    }
  }
  return p;
}

// s as a JSON string literal (with quotes) at p; returns the end.
char* write_json_string(char* p, std::string_view s) {
  *p++ = '"';
  p = write_json_chars(p, s);
  *p++ = '"';
  return p;
}

// v as exactly n decimal digits at p (0 <= v < 10^n); returns the end.
char* write_digits(char* p, int64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return p + n;
}

template <size_t N>
char* write_literal(char* p, const char (&s)[N]) {
  std::memcpy(p, s, N - 1);
  return p + N - 1;
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
  // A line begun and never ended is dropped, as before chunks: the new one starts where the
  // last finished line ends.
  chunk_.len = chunk_.line_ends.empty() ? 0 : chunk_.line_ends.back();
  char* p = room(5 + kSecondsMaxChars + 8 + json_string_room(type));
  p = write_literal(p, "{\"t\":");
  p = write_seconds(p, t.ns);
  p = write_literal(p, ",\"type\":");
  used(write_json_string(p, type));
  return TraceLine(this);
}

void Trace::finish_line() {
  used(write_literal(room(2), "}\n"));
  chunk_.line_ends.push_back(static_cast<uint32_t>(chunk_.len));
  ++lines_;
  if (chunk_.len >= TracePipeline::kChunkBytes) chunk_ = pipeline_.submit(std::move(chunk_));
}

std::string Trace::hash_hex() {
  char buf[17];
  return std::string(hex64(hash(), buf));
}

void Trace::key(std::string_view k) {
  char* p = room(json_string_room(k) + 2);
  *p++ = ',';
  p = write_json_string(p, k);
  *p++ = ':';
  used(p);
}

void Trace::string_value(std::string_view s) { used(write_json_string(room(json_string_room(s)), s)); }

void Trace::rfc3339(std::string_view k, WallInstant t, int fraction_digits) {
  key(k);
  const int64_t second = floor_div(t.ns, kNanosPerSecond);
  const int64_t sub_ns = t.ns - second * kNanosPerSecond;
  if (second != date_second_) {
    write_rfc3339(date_, WallInstant(second * kNanosPerSecond), 0);  // "YYYY-MM-DDTHH:MM:SSZ"
    date_second_ = second;
  }
  char* p = room(kRfc3339MaxChars + 2);
  *p++ = '"';
  std::memcpy(p, date_, 19);
  p += 19;
  if (fraction_digits == 6) {
    *p++ = '.';
    p = write_digits(p, sub_ns / 1000, 6);
  } else if (fraction_digits == 9) {
    *p++ = '.';
    p = write_digits(p, sub_ns, 9);
  }
  *p++ = 'Z';
  *p++ = '"';
  used(p);
}

TraceLine& TraceLine::str(std::string_view k, std::string_view value) {
  trace_->key(k);
  trace_->string_value(value);
  return *this;
}

TraceLine& TraceLine::str(std::string_view k, std::string_view prefix, std::string_view value) {
  trace_->key(k);
  char* p = trace_->room(json_string_room(prefix) + json_string_room(value));
  *p++ = '"';
  p = write_json_chars(p, prefix);
  p = write_json_chars(p, value);
  *p++ = '"';
  trace_->used(p);
  return *this;
}

TraceLine& TraceLine::num(std::string_view k, int64_t value) {
  trace_->key(k);
  char* p = trace_->room(24);
  trace_->used(std::to_chars(p, p + 24, value).ptr);
  return *this;
}

TraceLine& TraceLine::unum(std::string_view k, uint64_t value) {
  trace_->key(k);
  char* p = trace_->room(24);
  trace_->used(std::to_chars(p, p + 24, value).ptr);
  return *this;
}

TraceLine& TraceLine::secs(std::string_view k, int64_t ns) {
  trace_->key(k);
  trace_->used(write_seconds(trace_->room(kSecondsMaxChars), ns));
  return *this;
}

TraceLine& TraceLine::boolean(std::string_view k, bool value) {
  trace_->key(k);
  char* p = trace_->room(5);
  trace_->used(value ? write_literal(p, "true") : write_literal(p, "false"));
  return *this;
}

TraceLine& TraceLine::null(std::string_view k) {
  trace_->key(k);
  trace_->used(write_literal(trace_->room(4), "null"));
  return *this;
}

TraceLine& TraceLine::micro_time(std::string_view k, WallInstant t) {
  trace_->rfc3339(k, t, 6);
  return *this;
}

TraceLine& TraceLine::wall_nanos(std::string_view k, WallInstant t) {
  trace_->rfc3339(k, t, 9);
  return *this;
}

void TraceLine::end() { trace_->finish_line(); }

}  // namespace leasesim
