// Tests of the whole-line records of sim/trace.h (TraceLine::api_fields and lease_fields): an
// `api` or `lease` line recorded as one struct must format to exactly the bytes of the same
// fields written one by one, for any values, since every traceHash rests on those bytes.
// Twin: a line whose one field differs gives other bytes, so the comparison sees every field.
#include "sim/trace.h"

#include "core/name.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <sstream>
#include <string>
#include <utility>

namespace leasesim {
namespace {

// Names with and without characters that need escapes, short and longer than a word.
const char* const kNames[] = {"a-0", "kube-node-lease/a-name-longer-than-sixteen", "", "q\"uote\\back\nline", "zone-b"};
const char* const kLiterals[] = {"get", "update", "ok", "conflict", "response", "partition", ""};

struct ApiCase {
  TraceApiFields fields;
  int64_t t_ns = 0;
};

// The bytes (and hash) of a trace holding one api line, as one record or field by field.
std::pair<std::string, std::string> api_text(const ApiCase& c, bool as_record) {
  std::ostringstream out;
  Trace trace(&out);
  TraceLine line = trace.line(TrueInstant(c.t_ns), "api");
  const TraceApiFields& a = c.fields;
  if (as_record) {
    line.api_fields(a);
  } else {
    line.str("proc", *a.proc).unum("call", a.call).str("verb", a.verb.view());
    line.str("object", a.object_prefix.view(), *a.object).str("result", a.result.view());
    if (a.has_rv) line.unum("rv", a.rv);
    else line.null("rv");
    line.secs("sent", a.sent_ns).boolean("applied", a.applied);
    if (a.lost) line.str("leg", a.leg.view()).str("why", a.why.view());
    line.secs("mono", a.mono_ns).wall_nanos("wall", WallInstant(a.wall_ns));
  }
  line.end();
  trace.flush();
  return {out.str(), trace.hash_hex()};
}

std::pair<std::string, std::string> lease_text(const TraceLeaseFields& l, int64_t t_ns, bool as_record) {
  std::ostringstream out;
  Trace trace(&out);
  TraceLine line = trace.line(TrueInstant(t_ns), "lease");
  if (as_record) {
    line.lease_fields(l);
  } else {
    line.str("object", *l.object).str("proc", *l.proc).str("verb", l.verb.view()).unum("rv", l.rv);
    if (l.deleted) {
      line.boolean("deleted", true);
    } else {
      if (l.holder) line.str("holder", *l.holder);
      else line.null("holder");
      if (l.has_transitions) line.num("transitions", l.transitions);
      else line.null("transitions");
      if (l.has_renew_time) line.micro_time("renewTime", WallInstant(l.renew_time_ns));
      else line.null("renewTime");
      if (l.has_lease_duration) line.num("leaseDurationSeconds", l.lease_duration_seconds);
      else line.null("leaseDurationSeconds");
    }
    line.boolean("late", l.late);
  }
  line.end();
  trace.flush();
  return {out.str(), trace.hash_hex()};
}

const std::string* drawn_name() { return &Name(kNames[*rc::gen::inRange<size_t>(0, std::size(kNames))]).str(); }
StaticText drawn_literal() { return StaticText::of(kLiterals[*rc::gen::inRange<size_t>(0, std::size(kLiterals))]); }

ApiCase drawn_api_case() {
  ApiCase c;
  TraceApiFields& a = c.fields;
  a.proc = drawn_name();
  a.object = drawn_name();
  a.object_prefix = *rc::gen::arbitrary<bool>() ? StaticText::of("nodes/") : StaticText{};
  a.verb = drawn_literal();
  a.result = drawn_literal();
  a.leg = drawn_literal();
  a.why = drawn_literal();
  a.call = *rc::gen::arbitrary<uint64_t>();
  a.rv = *rc::gen::arbitrary<uint64_t>();
  a.sent_ns = *rc::gen::arbitrary<int64_t>();
  a.mono_ns = *rc::gen::arbitrary<int64_t>();
  a.wall_ns = *rc::gen::inRange<int64_t>(-4'000'000'000'000'000'000, 4'000'000'000'000'000'000);
  a.has_rv = *rc::gen::arbitrary<bool>();
  a.applied = *rc::gen::arbitrary<bool>();
  a.lost = *rc::gen::arbitrary<bool>();
  c.t_ns = *rc::gen::inRange<int64_t>(0, 1'000'000'000'000'000);
  return c;
}

TraceLeaseFields drawn_lease_fields() {
  TraceLeaseFields l;
  l.object = drawn_name();
  l.proc = drawn_name();
  l.holder = *rc::gen::arbitrary<bool>() ? drawn_name() : nullptr;
  l.verb = drawn_literal();
  l.rv = *rc::gen::arbitrary<uint64_t>();
  l.transitions = *rc::gen::arbitrary<int32_t>();
  l.renew_time_ns = *rc::gen::inRange<int64_t>(-4'000'000'000'000'000'000, 4'000'000'000'000'000'000);
  l.lease_duration_seconds = *rc::gen::arbitrary<int32_t>();
  l.deleted = *rc::gen::arbitrary<bool>();
  l.has_transitions = *rc::gen::arbitrary<bool>();
  l.has_renew_time = *rc::gen::arbitrary<bool>();
  l.has_lease_duration = *rc::gen::arbitrary<bool>();
  l.late = *rc::gen::arbitrary<bool>();
  return l;
}

RC_GTEST_PROP(TraceLineRecords, AnApiRecordWritesTheBytesOfItsFields, ()) {
  const ApiCase c = drawn_api_case();
  RC_ASSERT(api_text(c, true) == api_text(c, false));
}

RC_GTEST_PROP(TraceLineRecords, ALeaseRecordWritesTheBytesOfItsFields, ()) {
  const TraceLeaseFields l = drawn_lease_fields();
  const int64_t t = *rc::gen::inRange<int64_t>(0, 1'000'000'000'000'000);
  RC_ASSERT(lease_text(l, t, true) == lease_text(l, t, false));
}

// The exact bytes of one api line and one lease line as records, pinned.
TEST(TraceLineRecords, ExactBytes) {
  ApiCase c;
  c.t_ns = 1'500'000'000;
  c.fields.proc = &Name("a-0").str();
  c.fields.object = &Name("a-0").str();
  c.fields.object_prefix = StaticText::of("nodes/");
  c.fields.verb = StaticText::of("get");
  c.fields.result = StaticText::of("ok");
  c.fields.call = 7;
  c.fields.has_rv = true;
  c.fields.rv = 42;
  c.fields.sent_ns = 1'000'000'000;
  c.fields.applied = false;
  c.fields.mono_ns = 2'000'000'000;
  c.fields.wall_ns = 1'767'225'600'000'000'001;
  EXPECT_EQ(api_text(c, true).first,
            "{\"t\":1.5,\"type\":\"api\",\"proc\":\"a-0\",\"call\":7,\"verb\":\"get\",\"object\":\"nodes/a-0\","
            "\"result\":\"ok\",\"rv\":42,\"sent\":1,\"applied\":false,\"mono\":2,"
            "\"wall\":\"2026-01-01T00:00:00.000000001Z\"}\n");
  TraceLeaseFields l;
  l.object = &Name("kube-node-lease/a-0").str();
  l.proc = &Name("a-0").str();
  l.holder = &Name("a-0").str();
  l.verb = StaticText::of("update");
  l.rv = 9;
  l.has_renew_time = true;
  l.renew_time_ns = 1'767'225'600'123'456'789;
  l.has_lease_duration = true;
  l.lease_duration_seconds = 40;
  EXPECT_EQ(lease_text(l, 3'000'000'000, true).first,
            "{\"t\":3,\"type\":\"lease\",\"object\":\"kube-node-lease/a-0\",\"proc\":\"a-0\",\"verb\":\"update\",\"rv\":9,"
            "\"holder\":\"a-0\",\"transitions\":null,\"renewTime\":\"2026-01-01T00:00:00.123456Z\","
            "\"leaseDurationSeconds\":40,\"late\":false}\n");
}

// Twin: changing any one field of a record changes its bytes (the equality above is not vacuous).
TEST(TraceLineRecords, EachFieldReachesTheBytes) {
  ApiCase base;
  base.fields.proc = &Name("a-0").str();
  base.fields.object = &Name("a-0").str();
  base.fields.verb = StaticText::of("get");
  base.fields.result = StaticText::of("ok");
  base.fields.leg = StaticText::of("request");
  base.fields.why = StaticText::of("partition");
  const std::string text = api_text(base, true).first;
  std::vector<ApiCase> changed(12, base);
  changed[0].fields.proc = &Name("a-1").str();
  changed[1].fields.object = &Name("a-1").str();
  changed[2].fields.object_prefix = StaticText::of("nodes/");
  changed[3].fields.verb = StaticText::of("update");
  changed[4].fields.result = StaticText::of("conflict");
  changed[5].fields.call = 1;
  changed[6].fields.has_rv = true;
  changed[7].fields.sent_ns = 1;
  changed[8].fields.applied = true;
  changed[9].fields.lost = true;
  changed[10].fields.mono_ns = 1;
  changed[11].fields.wall_ns = 1;
  for (size_t i = 0; i < changed.size(); ++i) EXPECT_NE(api_text(changed[i], true).first, text) << "field " << i;
}

}  // namespace
}  // namespace leasesim
