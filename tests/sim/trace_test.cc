// Tests of the JSON Lines trace (sim/trace.h): the exact bytes of a line, RFC 8259 escaping,
// and a hash that depends only on those bytes (never on whether an ostream is attached).
#include "sim/trace.h"

#include "core/name.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <utility>

namespace leasesim {
namespace {

std::string json(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

// Writes the same fixed set of lines to `trace`.
void write_sample(Trace& trace, std::string_view proc = "a") {
  trace.line(TrueInstant(0), "process").str("proc", proc).str("state", "started").unum("incarnation", 1).end();
  trace.line(TrueInstant(12500000000), "api")
      .str("proc", proc)
      .num("delta", -3)
      .secs("sent", 1000)
      .boolean("applied", true)
      .boolean("late", false)
      .null("rv")
      .end();
}

TEST(TraceLine, ExactBytesOfALine) {
  std::ostringstream out;
  Trace trace(&out);
  write_sample(trace);
  trace.flush();  // the stream receives the lines at a flush (sim/trace.h)
  EXPECT_EQ(out.str(),
            "{\"t\":0,\"type\":\"process\",\"proc\":\"a\",\"state\":\"started\",\"incarnation\":1}\n"
            "{\"t\":12.5,\"type\":\"api\",\"proc\":\"a\",\"delta\":-3,\"sent\":0.000001,\"applied\":true,"
            "\"late\":false,\"rv\":null}\n");
  EXPECT_EQ(trace.line_count(), 2u);
}

TEST(TraceLine, LargeUnsignedAndNegativeTimes) {
  std::ostringstream out;
  Trace trace(&out);
  trace.line(TrueInstant(-1500000000), "x").unum("rv", UINT64_MAX).num("n", INT64_MIN).end();
  trace.flush();  // the stream receives the lines at a flush (sim/trace.h)
  EXPECT_EQ(out.str(), "{\"t\":-1.5,\"type\":\"x\",\"rv\":18446744073709551615,\"n\":-9223372036854775808}\n");
}

TEST(TraceLine, LineWithOnlyTimeAndType) {
  std::ostringstream out;
  Trace trace(&out);
  trace.line(TrueInstant(1), "empty").end();
  trace.flush();  // the stream receives the lines at a flush (sim/trace.h)
  EXPECT_EQ(out.str(), "{\"t\":0.000000001,\"type\":\"empty\"}\n");
}

TEST(JsonString, EscapesQuotesAndBackslashes) {
  EXPECT_EQ(json(R"(say "hi" \ bye)"), R"("say \"hi\" \\ bye")");
  EXPECT_EQ(json(""), "\"\"");
}

TEST(JsonString, EscapesControlCharacters) {
  EXPECT_EQ(json("a\nb\rc\td"), R"("a\nb\rc\td")");
  // Other control characters use \u00XX with lowercase hex (backspace and form feed included).
  EXPECT_EQ(json(std::string("\x01\x08\x0c\x1f", 4)), R"("\u0001\u0008\u000c\u001f")");
  EXPECT_EQ(json(std::string("nul\0here", 8)), R"("nul\u0000here")");
}

TEST(JsonString, EscapesInLongStringsWhereverTheyFall) {
  // Strings are copied a word (8 bytes) at a time until a word holds a byte to escape: an escape
  // in the first word, in a later word, in the tail after the last whole word, and none at all.
  EXPECT_EQ(json("ab\"defghijklmnop"), R"("ab\"defghijklmnop")");
  EXPECT_EQ(json("abcdefghijklm\nopqrstuvwxyz"), R"("abcdefghijklm\nopqrstuvwxyz")");
  EXPECT_EQ(json("abcdefghijklmnop\\q"), R"("abcdefghijklmnop\\q")");
  EXPECT_EQ(json(std::string("abcdefgh\x1f", 9)), R"("abcdefgh\u001f")");
  EXPECT_EQ(json("kube-node-lease/node-12345"), "\"kube-node-lease/node-12345\"");
  // Bytes above 0x7f next to the thresholds are not mistaken for ones to escape.
  EXPECT_EQ(json("\xa2\xdc\x9f\xa0\xff\x80\x81\x9c!"), "\"\xa2\xdc\x9f\xa0\xff\x80\x81\x9c!\"");
}

TEST(TraceLine, PrefixAndValueAreOneString) {
  std::ostringstream out;
  Trace trace(&out);
  trace.line(TrueInstant(0), "api").str("object", "nodes/", "n-1").str("o", "pods/\"", "x\n").end();
  trace.flush();  // the stream receives the lines at a flush (sim/trace.h)
  EXPECT_EQ(out.str(), "{\"t\":0,\"type\":\"api\",\"object\":\"nodes/n-1\",\"o\":\"pods/\\\"x\\n\"}\n");
}

// A Name is recorded as a pointer to its interned text (sim/trace_format.h, TraceOp::Name), and
// its line's bytes are those of the same text given as a string, escapes and prefixes included.
// Twin: a different name gives different bytes, so the comparison sees the text.
TEST(TraceLine, NamesWriteTheBytesOfTheirText) {
  const auto text_of = [](bool as_names, const char* value) {
    std::ostringstream out;
    Trace trace(&out);
    TraceLine line = trace.line(TrueInstant(7), "lease");
    if (as_names) line.name("proc", Name(value)).name("object", "nodes/", Name(value)).name("empty", Name());
    else line.str("proc", value).str("object", "nodes/", value).str("empty", "");
    line.end();
    trace.flush();
    return std::make_pair(out.str(), trace.hash_hex());
  };
  for (const char* value : {"kubelet-1", "kube-node-lease/a-name-longer-than-fifteen", "q\"uote\n"}) {
    EXPECT_EQ(text_of(true, value), text_of(false, value)) << value;
  }
  EXPECT_EQ(text_of(true, "kubelet-1").first,
            "{\"t\":0.000000007,\"type\":\"lease\",\"proc\":\"kubelet-1\",\"object\":\"nodes/kubelet-1\",\"empty\":\"\"}\n");
  EXPECT_NE(text_of(true, "kubelet-1"), text_of(false, "kubelet-2"));
}

TEST(TraceLine, WallReadingsMatchTheStringFormatters) {
  // micro_time and wall_nanos write what format_rfc3339_micro and format_rfc3339_nanos return,
  // across second, day and year boundaries and before 1970 (the cached date must follow).
  for (int64_t ns : {int64_t{0}, int64_t{1}, int64_t{999999999}, int64_t{1000000000}, int64_t{1767225599999999999},
                     int64_t{1767225600000000000}, int64_t{1767225600000001500}, int64_t{-1}, int64_t{-1000000001},
                     int64_t{1767225600000001500}}) {
    std::ostringstream out;
    Trace trace(&out);
    trace.line(TrueInstant(0), "x").micro_time("m", WallInstant(ns)).wall_nanos("n", WallInstant(ns)).end();
    trace.flush();  // the stream receives the lines at a flush (sim/trace.h)
    EXPECT_EQ(out.str(), "{\"t\":0,\"type\":\"x\",\"m\":\"" + format_rfc3339_micro(WallInstant(ns)) + "\",\"n\":\"" +
                             format_rfc3339_nanos(WallInstant(ns)) + "\"}\n")
        << ns;
  }
  std::ostringstream out;
  Trace trace(&out);
  trace.line(TrueInstant(0), "x").wall_nanos("n", WallInstant(1500000000)).end();
  trace.line(TrueInstant(0), "x").wall_nanos("n", WallInstant(86400000000000 + 1)).end();
  trace.flush();  // the stream receives the lines at a flush (sim/trace.h)
  EXPECT_EQ(out.str(), "{\"t\":0,\"type\":\"x\",\"n\":\"1970-01-01T00:00:01.500000000Z\"}\n"
                       "{\"t\":0,\"type\":\"x\",\"n\":\"1970-01-02T00:00:00.000000001Z\"}\n");
}

TEST(JsonString, PassesUnicodeAndDelThrough) {
  // UTF-8 bytes are copied unchanged (RFC 8259 requires no escaping above U+001F).
  EXPECT_EQ(json("pod-é-\xe2\x9c\x93-\xf0\x9f\x9a\x80"), "\"pod-é-\xe2\x9c\x93-\xf0\x9f\x9a\x80\"");
  EXPECT_EQ(json("\x7f"), "\"\x7f\"");
  EXPECT_EQ(json(" ~"), "\" ~\"");
}

TEST(TraceLine, KeysAndTypeAreEscapedToo) {
  std::ostringstream out;
  Trace trace(&out);
  trace.line(TrueInstant(0), "ty\"pe").str("k\ney", "v\x02").end();
  trace.flush();  // the stream receives the lines at a flush (sim/trace.h)
  EXPECT_EQ(out.str(), "{\"t\":0,\"type\":\"ty\\\"pe\",\"k\\ney\":\"v\\u0002\"}\n");
}

TEST(Trace, HashDoesNotDependOnAnAttachedStream) {
  std::ostringstream out;
  Trace with_stream(&out);
  Trace without_stream;
  write_sample(with_stream);
  write_sample(without_stream);
  EXPECT_EQ(with_stream.hash(), without_stream.hash());
  EXPECT_EQ(with_stream.hash_hex(), without_stream.hash_hex());
  EXPECT_EQ(with_stream.line_count(), without_stream.line_count());
}

TEST(Trace, HashIsTheHashOfTheWrittenBytes) {
  // The trace hash folds exactly the bytes written (each line with its newline), so a consumer
  // can recompute it from the file.
  std::ostringstream out;
  Trace trace(&out);
  write_sample(trace);
  Hasher expected;
  trace.flush();  // the stream receives the lines at a flush (sim/trace.h)
  std::istringstream lines(out.str());
  std::string line;
  while (std::getline(lines, line)) expected.bytes(line + "\n");
  EXPECT_EQ(trace.hash(), expected.digest());
}

TEST(Trace, HashChangesWhenOneByteChanges) {
  Trace a, b;
  write_sample(a, "a");
  write_sample(b, "b");
  EXPECT_NE(a.hash(), b.hash());
  // A different time of one line is enough too.
  Trace c, d;
  c.line(TrueInstant(1), "x").end();
  d.line(TrueInstant(2), "x").end();
  EXPECT_NE(c.hash(), d.hash());
}

TEST(Trace, HashDependsOnLineBoundaries) {
  // The same characters split differently into lines give different hashes (each line's length
  // is folded in).
  Trace one, two;
  one.line(TrueInstant(0), "x").str("k", "v").end();
  two.line(TrueInstant(0), "x").end();
  two.line(TrueInstant(0), "x").end();
  EXPECT_NE(one.hash(), two.hash());
}

TEST(Trace, EmptyTraceHashIsStableAndHexIsSixteenLowercaseDigits) {
  Trace a, b;
  EXPECT_EQ(a.hash(), b.hash());
  EXPECT_EQ(a.line_count(), 0u);
  write_sample(a);
  const std::string hex = a.hash_hex();
  ASSERT_EQ(hex.size(), 16u);
  EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos);
  char buf[17];
  EXPECT_EQ(hex, std::string(hex64(a.hash(), buf)));
}

TEST(Trace, HashHexOfKnownValue) {
  char buf[17];
  EXPECT_EQ(std::string(hex64(0x0123456789abcdefull, buf)), "0123456789abcdef");
  EXPECT_EQ(std::string(hex64(0, buf)), "0000000000000000");
}

}  // namespace
}  // namespace leasesim
