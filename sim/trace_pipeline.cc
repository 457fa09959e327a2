// trace_pipeline.cc: see trace_pipeline.h.
#include "sim/trace_pipeline.h"

#include <string_view>
#include <system_error>
#include <utility>

namespace leasesim {

namespace {

// Room in a new chunk: the hand-over size plus slack for the line that crosses it (most lines
// are a few hundred bytes; a longer one grows the chunk, sim/trace.cc).
constexpr size_t kChunkRoom = TracePipeline::kChunkBytes + (size_t{16} << 10);

}  // namespace

TracePipeline::~TracePipeline() {
  if (!thread_.joinable()) return;
  {
    std::unique_lock lock(mutex_);
    wait_idle(lock);
    stop_ = true;
  }
  work_ready_.notify_one();
  thread_.join();
}

void TracePipeline::consume(const TraceChunk& chunk) {
  size_t len = 0;
  formatter_.format(chunk, text_, len, text_ends_);
  const char* data = text_.data();
  uint32_t start = 0;
  for (const uint32_t end : text_ends_) {
    hasher_.bytes(std::string_view(data + start, end - start));
    start = end;
  }
  if (out_ && len > 0) out_->write(data, static_cast<std::streamsize>(len));
}

TraceChunk TracePipeline::spare() {
  TraceChunk c;
  c.bytes.resize(kChunkRoom);
  c.line_ends.reserve(kChunkRoom / 64);
  return c;
}

TraceChunk TracePipeline::submit(TraceChunk&& full) {
  if (!thread_.joinable() && !thread_failed_) {
    try {
      thread_ = std::thread([this] { work(); });
    } catch (const std::system_error&) {
      thread_failed_ = true;  // e.g. a process at its thread limit: hash on this thread
    }
  }
  if (thread_failed_) {
    consume(full);
    full.len = 0;
    full.line_ends.clear();
    return std::move(full);
  }
  TraceChunk next;
  {
    std::unique_lock lock(mutex_);
    work_done_.wait(lock, [&] { return queue_.size() < kMaxQueued; });
    queue_.push_back(std::move(full));
    if (!free_.empty()) {
      next = std::move(free_.back());
      free_.pop_back();
    }
  }
  work_ready_.notify_one();
  if (next.bytes.empty()) next = spare();
  return next;
}

void TracePipeline::drain(TraceChunk& partial) {
  if (thread_.joinable()) {
    std::unique_lock lock(mutex_);
    if (partial.len > 0) {
      // Keep the caller's buffer: the thread gets a copy of the few bytes left over.
      TraceChunk last;
      last.bytes.assign(partial.bytes.data(), partial.len);
      last.len = partial.len;
      last.line_ends = partial.line_ends;
      work_done_.wait(lock, [&] { return queue_.size() < kMaxQueued; });
      queue_.push_back(std::move(last));
      work_ready_.notify_one();
    }
    wait_idle(lock);
  } else {
    consume(partial);
  }
  partial.len = 0;
  partial.line_ends.clear();
}

void TracePipeline::wait_idle(std::unique_lock<std::mutex>& lock) {
  work_done_.wait(lock, [&] { return queue_.empty() && !busy_; });
}

void TracePipeline::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    work_ready_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stop_ with nothing left
    TraceChunk chunk = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    consume(chunk);
    chunk.len = 0;
    chunk.line_ends.clear();
    lock.lock();
    busy_ = false;
    // A drained partial chunk is a small copy; only full-size buffers are worth keeping.
    if (chunk.bytes.size() >= kChunkRoom && free_.size() < kMaxQueued) free_.push_back(std::move(chunk));
    work_done_.notify_all();
  }
}

}  // namespace leasesim
