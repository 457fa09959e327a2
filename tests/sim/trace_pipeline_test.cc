// Tests of the trace pipeline (sim/trace_pipeline.h): a trace that fills many chunks is formatted
// and hashed on a second thread, and its hash and its bytes are exactly those of a trace that
// formats and hashes each line on its own (the traceHash of every published run depends on it).
#include "sim/trace_pipeline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "sim/trace.h"

namespace leasesim {
namespace {

// Line i of a long trace: lines of different lengths, so chunk ends fall at different places.
void write_line(Trace& trace, int i) {
  trace.line(TrueInstant(int64_t{i} * 1000), "api")
      .str("proc", "node-" + std::to_string(i % 977))
      .unum("call", static_cast<uint64_t>(i))
      .str("pad", std::string(static_cast<size_t>(i % 301), 'x'))
      .end();
}

// The same lines hashed one by one, as the Trace did before it had a pipeline.
struct Expected {
  std::string bytes;
  uint64_t hash = 0;
};

Expected expected_for(int lines) {
  Expected e;
  Hasher h;
  for (int i = 0; i < lines; ++i) {
    std::ostringstream line_out;
    Trace t(&line_out);
    write_line(t, i);
    t.flush();
    h.bytes(line_out.str());
    e.bytes += line_out.str();
  }
  e.hash = h.digest();
  return e;
}

// Enough lines for about twenty chunks: the thread starts, and submit() meets a full queue.
constexpr int kManyLines = 30000;

TEST(TracePipeline, ManyChunksHashAndWriteAsOneLineAtATime) {
  const Expected e = expected_for(kManyLines);
  ASSERT_GT(e.bytes.size(), 10 * TracePipeline::kChunkBytes);
  std::ostringstream out;
  Trace trace(&out);
  for (int i = 0; i < kManyLines; ++i) write_line(trace, i);
  EXPECT_EQ(trace.hash(), e.hash);
  EXPECT_EQ(out.str(), e.bytes);
  EXPECT_EQ(trace.line_count(), static_cast<uint64_t>(kManyLines));
}

TEST(TracePipeline, FlushesInTheMiddleChangeNothing) {
  const Expected e = expected_for(kManyLines);
  std::ostringstream out;
  Trace trace(&out);
  for (int i = 0; i < kManyLines; ++i) {
    write_line(trace, i);
    if (i % 7919 == 0) {
      trace.flush();
      // What has been flushed is all of what was written so far, and only that.
      const std::string so_far = out.str();
      EXPECT_EQ(std::count(so_far.begin(), so_far.end(), '\n'), i + 1);
      EXPECT_EQ(so_far, e.bytes.substr(0, so_far.size()));
    }
  }
  EXPECT_EQ(trace.hash(), e.hash);
  EXPECT_EQ(out.str(), e.bytes);
}

TEST(TracePipeline, DestructionWritesWhatIsLeft) {
  const Expected e = expected_for(kManyLines);
  std::ostringstream out;
  {
    Trace trace(&out);
    for (int i = 0; i < kManyLines; ++i) write_line(trace, i);
  }
  EXPECT_EQ(out.str(), e.bytes);
}

TEST(TracePipeline, ALineBeingBuiltSurvivesAFlush) {
  // hash() in the middle of a line hashes the lines before it; the line then ends as usual.
  std::ostringstream out;
  Trace trace(&out);
  trace.line(TrueInstant(0), "a").end();
  TraceLine open = trace.line(TrueInstant(1000000000), "b");
  open.str("k", "v");
  Trace first;
  first.line(TrueInstant(0), "a").end();
  EXPECT_EQ(trace.hash(), first.hash());
  open.num("n", 7).end();
  trace.flush();
  EXPECT_EQ(out.str(), "{\"t\":0,\"type\":\"a\"}\n{\"t\":1,\"type\":\"b\",\"k\":\"v\",\"n\":7}\n");
}

TEST(TracePipeline, TheHashSeesEveryChunk) {
  // The twin of the tests above: one byte changed in a line deep inside the trace (in a chunk
  // folded by the thread) changes the hash, so they would notice a lost or reordered chunk.
  Trace a, b;
  for (int i = 0; i < kManyLines; ++i) {
    write_line(a, i);
    if (i == kManyLines / 2)
      b.line(TrueInstant(int64_t{i} * 1000), "api").str("proc", "node-x").end();
    else
      write_line(b, i);
  }
  EXPECT_NE(a.hash(), b.hash());
}

}  // namespace
}  // namespace leasesim
