// trace_pipeline.h: formats, hashes (and writes) a trace's finished lines, in order, on a second
// thread.
//
// Contract:
// - The Trace (sim/trace.h) records its lines into a TraceChunk (sim/trace_format.h) and hands
//   each full chunk to submit(); the pipeline formats each chunk's lines into JSON text, folds
//   every line into one Hasher, chunk after chunk in submission order, and writes the text to
//   the optional stream in the same order.
//   The traceHash is a fold over bytes (FNV-1a, each line's length folded after it), so the
//   value does not depend on where chunks end or on which thread folds them: the same lines
//   give the same digest as hashing them one by one on the simulation thread did.
// - Why a thread: the FNV-1a fold costs about four cycles a byte and cannot be sped up without
//   changing every published hash; formatting and folding on another core overlap them (and
//   the stream's writes) with the simulation, so a long run's wall time loses that share.
// - The thread starts with the first full chunk. A trace that never fills one (tests, short
//   scenarios) is hashed and written on the calling thread at drain(), and no thread is made.
//   If a thread cannot be started, every chunk is handled on the calling thread instead.
// - Memory stays flat: at most kMaxQueued chunks wait for the thread; submit() blocks while
//   the queue is full (backpressure), and consumed chunks are handed back for reuse.
// - drain() returns once every submitted chunk is formatted, hashed and written.
//   Between drains the stream may lag behind the lines formatted so far; the owner must not
//   write to the same stream itself until it has drained. The destructor drains and joins.
// Leaves out: the text of a line (sim/trace_format.h), and any order other than submission order.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "core/hash.h"
#include "sim/trace_format.h"

namespace leasesim {

class TracePipeline {
 public:
  // A chunk is handed over once it holds this many record bytes (a line is never split).
  static constexpr size_t kChunkBytes = size_t{256} << 10;
  // Full chunks that may wait for the thread before submit() blocks.
  static constexpr size_t kMaxQueued = 8;

  explicit TracePipeline(std::ostream* out) : out_(out) {}
  ~TracePipeline();
  TracePipeline(const TracePipeline&) = delete;
  TracePipeline& operator=(const TracePipeline&) = delete;

  // Takes the chunk (the thread folds it later) and returns an empty one to fill next, with
  // room for at least kChunkBytes.
  TraceChunk submit(TraceChunk&& full);
  // Formats, folds and writes the last, partly filled chunk (on this thread when no thread runs),
  // empties it, and waits until everything submitted before is folded and written.
  void drain(TraceChunk& partial);
  // The digest of every line drained so far.
  uint64_t digest() const { return hasher_.digest(); }

 private:
  void consume(const TraceChunk& chunk);  // format the lines, fold them, write the text
  void work();                            // the thread's loop
  void wait_idle(std::unique_lock<std::mutex>& lock);
  TraceChunk spare();                     // a recycled empty chunk, or a new one

  std::ostream* out_;
  // Folded by the thread while it runs, by the caller otherwise; the caller reads it only after
  // wait_idle (the mutex orders the thread's writes before that read).
  Hasher hasher_;
  // Used the same way as hasher_ (by one thread at a time, in submission order).
  TraceFormatter formatter_;
  std::string text_;  // a chunk's text; keeps its size between chunks
  std::vector<uint32_t> text_ends_;
  std::mutex mutex_;
  std::condition_variable work_ready_;  // the thread waits for chunks (or stop_)
  std::condition_variable work_done_;   // submit waits for room, drain for an idle thread
  std::deque<TraceChunk> queue_;
  std::vector<TraceChunk> free_;        // consumed chunks, for reuse
  bool busy_ = false;                   // the thread is consuming a chunk outside the lock
  bool stop_ = false;
  bool thread_failed_ = false;          // no thread could be started: consume on the caller's
  std::thread thread_;
};

}  // namespace leasesim
