// audit_bench.cc: `leasesim audit` on one million audit lines, streamed, in bounded memory.
//
// Target (issue 16): one million audit.k8s.io/v1 lines are read and judged with the process's
// resident memory growing by at most 64 MiB over the run, i.e. memory does not grow with the
// input. The lines are generated on the fly by a stream buffer (never held whole): of every 10,
// 5 are other resources (pods, Metadata level), 2 are node-lease heartbeats of 1,000 nodes at
// Metadata level, 2 are a leader election's RequestResponse update with both bodies, 1 its
// RequestReceived duplicate. The baseline, measured in the same run, splits the same generated
// lines without parsing them; the printed figures are lines per second for both, their ratio,
// and the peak RSS growth against the 64 MiB target (sampled from /proc/self/statm every 65,536
// lines).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <istream>
#include <streambuf>
#include <string>

#include "audit/auditor.h"
#include "audit/readers.h"

namespace leasesim {
namespace {

constexpr uint64_t kLines = 1000000;
constexpr double kTargetMiB = 64;

double rss_mib() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

std::string stamp(uint64_t i) {
  // One line per millisecond from 2026-03-14T02:00:00Z.
  const uint64_t ms = i;
  char buf[64];
  std::snprintf(buf, sizeof buf, "2026-03-14T%02llu:%02llu:%02llu.%03llu000Z",
                static_cast<unsigned long long>(2 + ms / 3600000), static_cast<unsigned long long>(ms / 60000 % 60),
                static_cast<unsigned long long>(ms / 1000 % 60), static_cast<unsigned long long>(ms % 1000));
  return buf;
}

std::string line(uint64_t i) {
  const std::string t = stamp(i);
  switch (i % 10) {
    case 0: case 1: case 2: case 3: case 4:
      return R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a-)" + std::to_string(i) +
             R"(","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/default/pods/web-7d9f","verb":"get","user":{"username":"system:serviceaccount:default:web","groups":["system:serviceaccounts"]},"sourceIPs":["10.0.0.9"],"userAgent":"web/1.0","objectRef":{"resource":"pods","namespace":"default","name":"web-7d9f","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":")" +
             t + R"(","stageTimestamp":")" + t + R"("})" + "\n";
    case 5: case 6: {
      const std::string node = "worker-" + std::to_string((i / 10 * 2 + (i % 10 - 5)) % 1000);
      return R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"n-)" + std::to_string(i) +
             R"(","stage":"ResponseComplete","requestURI":"/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/)" +
             node + R"(","verb":"update","user":{"username":"system:node:)" + node +
             R"(","groups":["system:nodes"]},"userAgent":"kubelet/v1.30.0 (linux/amd64) kubernetes/7c48c2b","objectRef":{"resource":"leases","namespace":"kube-node-lease","name":")" +
             node + R"(","apiGroup":"coordination.k8s.io","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":")" +
             t + R"(","stageTimestamp":")" + t + R"("})" + "\n";
    }
    default: {
      const std::string rv = std::to_string(1000 + i);
      const std::string body =
          R"({"kind":"Lease","apiVersion":"coordination.k8s.io/v1","metadata":{"name":"kube-controller-manager","namespace":"kube-system","resourceVersion":")" +
          rv + R"("},"spec":{"holderIdentity":"cp-1_1b4f","leaseDurationSeconds":15,"acquireTime":"2026-03-14T02:00:00.000000Z","renewTime":")" +
          t + R"(","leaseTransitions":3}})";
      const std::string stage = i % 10 == 9 ? "RequestReceived" : "ResponseComplete";
      return R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"k-)" +
             std::to_string(i) + R"(","stage":")" + stage +
             R"(","requestURI":"/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager?timeout=5s","verb":"update","user":{"username":"system:kube-controller-manager","groups":["system:authenticated"]},"userAgent":"kube-controller-manager/v1.30.0 (linux/amd64) kubernetes/7c48c2b/leader-election","objectRef":{"resource":"leases","namespace":"kube-system","name":"kube-controller-manager","apiGroup":"coordination.k8s.io","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestObject":)" +
             body + R"(,"responseObject":)" + body + R"(,"requestReceivedTimestamp":")" + t + R"(","stageTimestamp":")" + t +
             R"("})" + "\n";
    }
  }
}

// An input stream of `n` generated lines: one line in memory at a time.
class GeneratedLog : public std::streambuf {
 public:
  explicit GeneratedLog(uint64_t n) : n_(n) {}
  uint64_t bytes = 0;

 protected:
  int_type underflow() override {
    if (i_ >= n_) return traits_type::eof();
    buf_ = line(i_++);
    bytes += buf_.size();
    setg(buf_.data(), buf_.data(), buf_.data() + buf_.size());
    return traits_type::to_int_type(buf_[0]);
  }

 private:
  uint64_t n_;
  uint64_t i_ = 0;
  std::string buf_;
};

struct Figures {
  double lines_per_s = 0;
  double rss_growth_mib = 0;
  uint64_t findings = 0, leases = 0, observations = 0;
};

Figures audit_once(uint64_t n) {
  GeneratedLog log(n);
  std::istream in(&log);
  const double rss0 = rss_mib();
  double peak = rss0;
  Auditor auditor{AuditThresholds{}};
  uint64_t seen = 0;
  const auto start = std::chrono::steady_clock::now();  // wall clock: benchmarks only
  InputStats stats = read_input(in, "generated.log", ReadOptions{}, [&](Observation&& o) {
    auditor.add(std::move(o));
    if (++seen % 65536 == 0) peak = std::max(peak, rss_mib());
  }, nullptr);
  AuditResult r = auditor.finish({"generated.log"}, {stats});
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  peak = std::max(peak, rss_mib());
  Figures f;
  f.lines_per_s = static_cast<double>(stats.records) / secs;
  f.rss_growth_mib = peak - rss0;
  f.findings = r.findings_total();
  f.leases = r.leases.size();
  f.observations = r.observations;
  return f;
}

double split_once(uint64_t n) {
  GeneratedLog log(n);
  std::istream in(&log);
  std::string s;
  uint64_t count = 0;
  const auto start = std::chrono::steady_clock::now();
  while (std::getline(in, s)) count += !s.empty();
  benchmark::DoNotOptimize(count);
  return static_cast<double>(count) / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void BM_AuditLines(benchmark::State& state) {
  for (auto _ : state) {
    Figures f = audit_once(static_cast<uint64_t>(state.range(0)));
    state.counters["lines_per_s"] = f.lines_per_s;
    state.counters["rss_growth_MiB"] = f.rss_growth_mib;
    state.counters["leases"] = static_cast<double>(f.leases);
  }
}
BENCHMARK(BM_AuditLines)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_SplitLinesBaseline(benchmark::State& state) {
  for (auto _ : state) state.counters["lines_per_s"] = split_once(static_cast<uint64_t>(state.range(0)));
}
BENCHMARK(BM_SplitLinesBaseline)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(1);

void report() {
  const Figures f = audit_once(kLines);
  const double baseline = split_once(kLines);
  std::printf("audit: %llu lines, %llu Lease observations, %llu leases, %llu findings\n",
              static_cast<unsigned long long>(kLines), static_cast<unsigned long long>(f.observations),
              static_cast<unsigned long long>(f.leases), static_cast<unsigned long long>(f.findings));
  std::printf("audit: %.0f lines/s; baseline (split lines only) %.0f lines/s; audit/baseline ratio %.3f\n",
              f.lines_per_s, baseline, f.lines_per_s / baseline);
  std::printf("audit: peak RSS growth %.1f MiB for 1,000,000 lines; ratio to the %.0f MiB target: %.2f %s\n",
              f.rss_growth_mib, kTargetMiB, f.rss_growth_mib / kTargetMiB,
              f.rss_growth_mib <= kTargetMiB ? "(meets target)" : "(ABOVE TARGET)");
}

}  // namespace
}  // namespace leasesim

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  leasesim::report();
  return 0;
}
