// event_queue_bench.cc: leasesim::EventQueue against std::priority_queue, classic hold model.
//
// The hold model: prefill N pending events, then every operation pops the earliest event and
// pushes a new one at popped.at + a random increment, so the queue stays at N while time moves
// on. Both queues get the same operations on the same data: one seed of our own Rng (never a
// std distribution) draws the prefill times and the increments, so the two runs pop exactly
// the same sequence (checked before timing, see main). Times are whole microseconds within a
// 2 ms window, so at 100K pending many events share an instant and the (at, seq) tie-break
// is exercised too.
//
// Output: items/s for each queue at N = 1,000 and 100,000, then the ratio
// ours/baseline (throughput; > 1 means EventQueue is faster). The target is ratio >= 1.0 at
// 1K pending. Unless told otherwise on the command line, each benchmark runs 5 repetitions in
// randomly interleaved order (so drift in machine load hits both queues alike), the console
// shows the aggregates, and the ratio is taken between medians. --benchmark_format=json keeps
// stdout JSON and prints the ratios on stderr.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <queue>
#include <string>
#include <unistd.h>
#include <vector>

#include "core/rng.h"
#include "core/time.h"
#include "sim/event_queue.h"

namespace {

using leasesim::Duration;
using leasesim::Event;
using leasesim::EventKind;
using leasesim::Rng;
using leasesim::TrueInstant;

constexpr uint64_t kSeed = 0x1ea5e51a7e57ull;
constexpr uint64_t kWindowMicros = 2000;  // increments and prefill times: [0, 2 ms) in whole µs
constexpr int64_t kPendingSmall = 1000;
constexpr int64_t kPendingLarge = 100000;

const char* const kOurs = "hold/EventQueue";
const char* const kBaseline = "hold/std::priority_queue";

// The baseline orders by the same (at, seq) key; priority_queue is a max-heap, so the
// comparator says "x comes after y".
struct After {
  bool operator()(const Event& x, const Event& y) const { return y.before(x); }
};

// Thin adapters so one benchmark body drives both queues with identical code.
struct Ours {
  leasesim::EventQueue q;
  void reserve(size_t n) { q.reserve(n); }
  void push(const Event& e) { q.push(e); }
  Event pop() { return q.pop(); }
};

struct Baseline {
  std::priority_queue<Event, std::vector<Event>, After> q;
  void reserve(size_t n) {
    std::vector<Event> storage;
    storage.reserve(n);
    q = decltype(q)(After{}, std::move(storage));
  }
  void push(const Event& e) { q.push(e); }
  Event pop() {
    Event e = q.top();
    q.pop();
    return e;
  }
};

// The hold workload: state shared by the benchmark loop and the equivalence check.
template <class Queue>
struct Hold {
  Queue queue;
  Rng rng{kSeed};
  uint64_t seq = 0;

  explicit Hold(int64_t pending) {
    queue.reserve(static_cast<size_t>(pending) + 1);
    for (int64_t i = 0; i < pending; ++i) {
      Event e;
      e.at = TrueInstant(static_cast<int64_t>(rng.below(kWindowMicros)) * 1000);
      e.seq = seq++;
      e.a = static_cast<uint64_t>(i);
      e.proc = static_cast<uint32_t>(i & 7);
      e.kind = EventKind::Timer;
      queue.push(e);
    }
  }

  // One hold operation: pop the earliest event, push its successor; returns the popped one.
  Event step() {
    const Event e = queue.pop();
    Event next = e;
    next.at = e.at + Duration(static_cast<int64_t>(rng.below(kWindowMicros)) * 1000);
    next.seq = seq++;
    queue.push(next);
    return e;
  }
};

template <class Queue>
void BM_Hold(benchmark::State& state) {
  Hold<Queue> hold(state.range(0));
  for (auto _ : state) {
    Event e = hold.step();
    benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(state.iterations());
}

// Fairness check before any timing: both queues must pop the very same events in order.
bool same_pop_sequence(int64_t pending, int ops) {
  Hold<Ours> ours(pending);
  Hold<Baseline> base(pending);
  for (int i = 0; i < ops; ++i) {
    const Event x = ours.step();
    const Event y = base.step();
    if (!(x == y)) {
      std::fprintf(stderr, "event_queue_bench: queues diverge at op %d (pending %lld): "
                           "ours (at=%lld, seq=%llu), baseline (at=%lld, seq=%llu)\n",
                   i, static_cast<long long>(pending), static_cast<long long>(x.at.ns),
                   static_cast<unsigned long long>(x.seq), static_cast<long long>(y.at.ns),
                   static_cast<unsigned long long>(y.seq));
      return false;
    }
  }
  return true;
}

// Passes every report to the usual reporter and keeps items/s per (benchmark, pending) for
// the ratio. With repetitions it keeps the median aggregate, otherwise the single run.
class RatioReporter : public benchmark::BenchmarkReporter {
 public:
  explicit RatioReporter(std::unique_ptr<benchmark::BenchmarkReporter> inner) : inner_(std::move(inner)) {}

  bool ReportContext(const Context& context) override { return inner_->ReportContext(context); }

  void ReportRuns(const std::vector<Run>& runs) override {
    inner_->ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const auto it = run.counters.find("items_per_second");
      if (it == run.counters.end()) continue;
      const std::string key = run.run_name.function_name + "/" + run.run_name.args;
      if (run.run_type == Run::RT_Aggregate) {
        if (run.aggregate_name == "median") median_[key] = it->second.value;
      } else {
        single_[key] = it->second.value;  // the last repetition if there is no median
      }
    }
  }

  void Finalize() override {
    inner_->Finalize();
    // The display reporter's stream (stdout) unless that carries JSON.
    std::ostream& out = json_ ? std::cerr : GetOutputStream();
    out << "\nthroughput ratio EventQueue / std::priority_queue (> 1: EventQueue is faster)\n";
    for (int64_t pending : {kPendingSmall, kPendingLarge}) {
      const std::string arg = std::to_string(pending);
      const double ours = lookup(std::string(kOurs) + "/" + arg);
      const double base = lookup(std::string(kBaseline) + "/" + arg);
      char line[200];
      if (ours > 0 && base > 0) {
        const double ratio = ours / base;
        std::snprintf(line, sizeof line, "  pending=%-7lld ratio=%.3f  (%.2fM vs %.2fM items/s)%s\n",
                      static_cast<long long>(pending), ratio, ours / 1e6, base / 1e6,
                      pending == kPendingSmall ? (ratio >= 1.0 ? "  target >= 1.0: MET" : "  target >= 1.0: NOT MET")
                                               : "");
      } else {
        std::snprintf(line, sizeof line, "  pending=%-7lld ratio=n/a (both benchmarks must run)\n",
                      static_cast<long long>(pending));
      }
      out << line;
    }
    out.flush();
  }

  void set_json(bool json) { json_ = json; }

 private:
  double lookup(const std::string& key) const {
    if (auto it = median_.find(key); it != median_.end()) return it->second;
    if (auto it = single_.find(key); it != single_.end()) return it->second;
    return 0;
  }

  std::unique_ptr<benchmark::BenchmarkReporter> inner_;
  std::map<std::string, double> median_, single_;
  bool json_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  // Chosen before Initialize() consumes the flags; a file (--benchmark_out) still gets the
  // format of --benchmark_out_format through the library as usual.
  bool json = false;
  bool color = isatty(STDOUT_FILENO) != 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--benchmark_format=json") == 0) json = true;
    if (std::strncmp(argv[i], "--benchmark_color=", 18) == 0) {
      const char* v = argv[i] + 18;
      color = std::strcmp(v, "true") == 0 || std::strcmp(v, "yes") == 0 || std::strcmp(v, "1") == 0 ||
              (std::strcmp(v, "auto") == 0 && color);
    }
  }

  // Defaults for a steadier ratio on a small, shared machine; any flag given wins.
  std::vector<char*> args(argv, argv + argc);
  static char kRepetitions[] = "--benchmark_repetitions=5";
  static char kInterleave[] = "--benchmark_enable_random_interleaving=true";
  static char kAggregates[] = "--benchmark_display_aggregates_only=true";
  for (char* flag : {kRepetitions, kInterleave, kAggregates}) {
    const size_t name_len = std::strchr(flag, '=') - flag;
    bool given = false;
    for (int i = 1; i < argc; ++i) given = given || std::strncmp(argv[i], flag, name_len) == 0;
    if (!given) args.insert(args.begin() + 1, flag);
  }
  int args_count = static_cast<int>(args.size());
  args.push_back(nullptr);

  benchmark::Initialize(&args_count, args.data());
  if (benchmark::ReportUnrecognizedArguments(args_count, args.data())) return 1;

  for (int64_t pending : {kPendingSmall, kPendingLarge}) {
    if (!same_pop_sequence(pending, 200000)) return 1;
  }

  for (int64_t pending : {kPendingSmall, kPendingLarge}) {
    benchmark::RegisterBenchmark(kOurs, BM_Hold<Ours>)->Arg(pending);
    benchmark::RegisterBenchmark(kBaseline, BM_Hold<Baseline>)->Arg(pending);
  }

  std::unique_ptr<benchmark::BenchmarkReporter> inner;
  if (json) {
    inner = std::make_unique<benchmark::JSONReporter>();
  } else {
    inner = std::make_unique<benchmark::ConsoleReporter>(color ? benchmark::ConsoleReporter::OO_Color
                                                               : benchmark::ConsoleReporter::OO_None);
  }
  RatioReporter reporter(std::move(inner));
  reporter.set_json(json);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
