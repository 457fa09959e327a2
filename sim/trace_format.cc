// trace_format.cc: see trace_format.h.
#include "sim/trace_format.h"

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


// Reads a record's parts in the order the encoder (sim/trace.cc) wrote them.
struct Reader {
  const char* p;
  template <class T>
  T get() {
    T v;
    std::memcpy(&v, p, sizeof v);
    p += sizeof v;
    return v;
  }
  std::string_view text() {
    const auto n = get<uint32_t>();
    const std::string_view s(p, n);
    p += n;
    return s;
  }
  // A key's literal (sim/trace.h TraceKey): its pointer, then its length.
  std::string_view key() {
    const char* data = get<const char*>();
    return std::string_view(data, get<uint16_t>());
  }
};

}  // namespace

char* write_json_string(char* p, std::string_view s) {
  *p++ = '"';
  p = write_json_chars(p, s);
  *p++ = '"';
  return p;
}

void TraceFormatter::format(const TraceChunk& chunk, std::string& text, size_t& text_len,
                            std::vector<uint32_t>& text_ends) {
  text_ends.clear();
  size_t len = 0;
  // Room for n more bytes of text at the end; returns where they go (grows rarely: the buffer
  // keeps its size from chunk to chunk).
  auto room = [&](size_t n) {
    if (len + n > text.size()) text.resize(std::max({len + n, text.size() * 2, size_t{4096}}));
    return text.data() + len;
  };
  auto used = [&](const char* end) { len = static_cast<size_t>(end - text.data()); };
  auto key = [&](std::string_view k) {
    char* p = room(json_string_room(k) + 2);
    *p++ = ',';
    p = write_json_string(p, k);
    *p++ = ':';
    used(p);
  };
  auto rfc3339 = [&](WallInstant t, int fraction_digits) {
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
    } else {
      *p++ = '.';
      p = write_digits(p, sub_ns, 9);
    }
    *p++ = 'Z';
    *p++ = '"';
    used(p);
  };

  // The values of fields, shared by the single-field records and the whole-line records (api,
  // lease) so that both write the same bytes.
  auto string_value = [&](std::string_view v) { used(write_json_string(room(json_string_room(v)), v)); };
  auto string2_value = [&](std::string_view prefix, std::string_view value) {
    char* p = room(json_string_room(prefix) + json_string_room(value));
    *p++ = '"';
    p = write_json_chars(p, prefix);
    p = write_json_chars(p, value);
    *p++ = '"';
    used(p);
  };
  auto number_value = [&](auto v) {  // int64_t or uint64_t: at most 20 digits and a sign
    char* p = room(24);
    used(std::to_chars(p, p + 24, v).ptr);
  };
  auto secs_value = [&](int64_t ns) { used(write_seconds(room(kSecondsMaxChars), ns)); };
  auto bool_value = [&](bool v) {
    char* p = room(5);
    used(v ? write_literal(p, "true") : write_literal(p, "false"));
  };
  auto null_value = [&] { used(write_literal(room(4), "null")); };
  auto api_fields = [&](const TraceApiFields& a) {
    key("proc");
    string_value(*a.proc);
    key("call");
    number_value(a.call);
    key("verb");
    string_value(a.verb.view());
    key("object");
    string2_value(a.object_prefix.view(), *a.object);
    key("result");
    string_value(a.result.view());
    key("rv");
    if (a.has_rv) number_value(a.rv);
    else null_value();
    key("sent");
    secs_value(a.sent_ns);
    key("applied");
    bool_value(a.applied);
    if (a.lost) {
      key("leg");
      string_value(a.leg.view());
      key("why");
      string_value(a.why.view());
    }
    key("mono");
    secs_value(a.mono_ns);
    key("wall");
    rfc3339(WallInstant(a.wall_ns), 9);
  };

  auto lease_fields = [&](const TraceLeaseFields& l) {
    key("object");
    string_value(*l.object);
    key("proc");
    string_value(*l.proc);
    key("verb");
    string_value(l.verb.view());
    key("rv");
    number_value(l.rv);
    if (l.deleted) {
      key("deleted");
      bool_value(true);
    } else {
      key("holder");
      if (l.holder) string_value(*l.holder);
      else null_value();
      key("transitions");
      if (l.has_transitions) number_value(l.transitions);
      else null_value();
      key("renewTime");
      if (l.has_renew_time) rfc3339(WallInstant(l.renew_time_ns), 6);
      else null_value();
      key("leaseDurationSeconds");
      if (l.has_lease_duration) number_value(l.lease_duration_seconds);
      else null_value();
    }
    key("late");
    bool_value(l.late);
  };

  Reader r{chunk.bytes.data()};
  for (const uint32_t line_end : chunk.line_ends) {
    const char* end = chunk.bytes.data() + line_end;
    while (r.p < end) {
      const auto op = static_cast<TraceOp>(r.get<uint8_t>());
      if (op == TraceOp::Line) {
        const std::string_view type = r.key();
        const int64_t t = r.get<int64_t>();
        char* p = room(5 + kSecondsMaxChars + 8 + json_string_room(type));
        p = write_literal(p, "{\"t\":");
        p = write_seconds(p, t);
        p = write_literal(p, ",\"type\":");
        used(write_json_string(p, type));
        continue;
      }
      if (op == TraceOp::Api) {
        api_fields(r.get<TraceApiFields>());
        continue;
      }
      if (op == TraceOp::Lease) {
        lease_fields(r.get<TraceLeaseFields>());
        continue;
      }
      key(r.key());
      switch (op) {
        case TraceOp::Str:
        case TraceOp::Name: {
          string_value(op == TraceOp::Str ? r.text() : std::string_view(*r.get<const std::string*>()));
          break;
        }
        case TraceOp::Str2:
        case TraceOp::Name2: {
          const std::string_view prefix = r.text();
          string2_value(prefix, op == TraceOp::Str2 ? r.text() : std::string_view(*r.get<const std::string*>()));
          break;
        }
        case TraceOp::Num: number_value(r.get<int64_t>()); break;
        case TraceOp::Unum: number_value(r.get<uint64_t>()); break;
        case TraceOp::Secs: secs_value(r.get<int64_t>()); break;
        case TraceOp::Bool: bool_value(r.get<uint8_t>() != 0); break;
        case TraceOp::Null: null_value(); break;
        case TraceOp::Micro: rfc3339(WallInstant(r.get<int64_t>()), 6); break;
        case TraceOp::Nanos: rfc3339(WallInstant(r.get<int64_t>()), 9); break;
        case TraceOp::Line:
        case TraceOp::Api:
        case TraceOp::Lease: break;  // handled above
      }
    }
    used(write_literal(room(2), "}\n"));
    text_ends.push_back(static_cast<uint32_t>(len));
  }
  text_len = len;
}

}  // namespace leasesim
