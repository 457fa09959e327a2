// serve_test.cc: live runs with real (shell) processes: faults take effect, leadership is read
// from output, properties are judged (and can fail), and no child outlives a run.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "live/exec_process.h"
#include "live/serve.h"

namespace leasesim {
namespace {

std::string temp_dir(const std::string& name) {
  const std::string dir = (std::filesystem::temp_directory_path() / ("leasesim-live-" + name + "-" +
                                                                     std::to_string(::getpid())))
                              .string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

ProcessSpec shell_process(Scenario& s, const std::string& name, const std::string& script) {
  ProcessSpec p;
  p.name = name;
  p.identity = name;
  p.lease = s.lease_id("default/l");
  ExecConfig c;
  c.command = {"/bin/sh", "-c", script};
  c.leader_pattern = "^started leading$";
  c.follower_pattern = "^stopped leading$";
  c.stop_grace_period = milliseconds(500);
  p.model = c;
  return p;
}

bool alive(pid_t pid) { return ::kill(pid, 0) == 0; }

LiveRun run_ok(Scenario s, const std::string& dir) {
  LiveServe serve(std::make_shared<const Scenario>(std::move(s)), ServeOptions{0, dir, {}});
  auto result = serve.run();
  if (auto* e = std::get_if<std::string>(&result)) ADD_FAILURE() << *e;
  return std::get<LiveRun>(std::move(result));
}

TEST(Serve, CrashKillsTheLeaderAndAStandbyTakesOver) {
  Scenario s;
  s.duration = milliseconds(2500);
  // The leader leads at once; the standby announces leadership only after the leader is gone
  // (its script waits for the leader's pid file to vanish from /proc).
  const std::string dir = temp_dir("crash");
  s.processes.push_back(shell_process(s, "a", "echo $$ > " + dir + "/a.pid; echo started leading; exec sleep 30"));
  s.processes.push_back(shell_process(
      s, "b", "sleep 0.3; while kill -0 $(cat " + dir + "/a.pid) 2>/dev/null; do sleep 0.05; done; echo started leading; exec sleep 30"));
  FaultSpec crash;
  crash.at = seconds(1);
  crash.type = FaultType::Crash;
  crash.target.kind = FaultTarget::Kind::Leader;
  s.faults.push_back(crash);
  const LiveRun run = run_ok(s, dir);
  ASSERT_EQ(run.history.leaderships.size(), 2u);
  EXPECT_EQ(run.history.leaderships[0].proc, 0u);
  EXPECT_EQ(run.history.leaderships[0].end_cause, "crash");
  EXPECT_EQ(run.history.leaderships[1].proc, 1u);
  EXPECT_FALSE(run.history.leaderships[1].end.has_value());  // still leading at the end
  ASSERT_EQ(run.processes[0].exits.size(), 1u);
  EXPECT_NE(run.processes[0].exits[0].find("signal 9"), std::string::npos);
  ASSERT_EQ(run.evaluation.failovers.size(), 1u);
  EXPECT_EQ(run.evaluation.failovers[0].cause, "crash");
  EXPECT_TRUE(run.evaluation.passed);
  std::ifstream pid_file(dir + "/a.pid");
  pid_t pid = 0;
  pid_file >> pid;
  ASSERT_GT(pid, 0);
  EXPECT_FALSE(alive(pid));
}

TEST(Serve, TwoProcessesClaimingLeadershipViolateSingleLeader) {
  // The twin of the test above: the live judge can fail.
  Scenario s;
  s.duration = milliseconds(800);
  s.processes.push_back(shell_process(s, "a", "echo started leading; exec sleep 30"));
  s.processes.push_back(shell_process(s, "b", "sleep 0.2; echo started leading; exec sleep 30"));
  const LiveRun run = run_ok(s, temp_dir("two"));
  EXPECT_FALSE(run.evaluation.passed);
  ASSERT_EQ(run.evaluation.violated.size(), 1u);
  EXPECT_EQ(run.evaluation.violated[0], "singleLeader");
}

TEST(Serve, InterruptEndsTheRunAndReapsEveryChild) {
  Scenario s;
  s.duration = seconds(60);
  const std::string dir = temp_dir("interrupt");
  s.processes.push_back(shell_process(s, "a", "echo $$ > " + dir + "/a.pid; trap '' TERM; exec sleep 30"));
  auto serve = std::make_unique<LiveServe>(std::make_shared<const Scenario>(s), ServeOptions{0, dir, {}});
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    serve->interrupt();
  });
  const auto start = std::chrono::steady_clock::now();
  auto result = serve->run();
  stopper.join();
  ASSERT_TRUE(std::holds_alternative<LiveRun>(result));
  EXPECT_TRUE(std::get<LiveRun>(result).interrupted);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  std::ifstream pid_file(dir + "/a.pid");
  pid_t pid = 0;
  pid_file >> pid;
  ASSERT_GT(pid, 0);
  EXPECT_FALSE(alive(pid));  // SIGTERM was ignored; SIGKILL after the grace period
}

TEST(Serve, AProgramThatCannotStartIsAWarningNotACrash) {
  Scenario s;
  s.duration = milliseconds(300);
  ProcessSpec p = shell_process(s, "a", "");
  std::get<ExecConfig>(p.model).command = {"/nonexistent/leasesim-test-program"};
  s.processes.push_back(p);
  const LiveRun run = run_ok(s, temp_dir("nostart"));
  ASSERT_FALSE(run.warnings.empty());
  EXPECT_NE(run.warnings[0].find("cannot start"), std::string::npos);
}

TEST(Serve, RefusesSimulatedModelsAndClocksOnGoPrograms) {
  Scenario s;
  ProcessSpec sim;
  sim.name = "sim";
  sim.model = ClientGoConfig{};
  s.processes.push_back(sim);
  const std::string dir = temp_dir("go");
  // A file carrying Go's build-info magic, as every Go executable does.
  const std::string fake_go = dir + "/fake-go";
  {
    std::ofstream f(fake_go, std::ios::binary);
    f << std::string("\x7f" "ELF", 4) << std::string(100, '\0') << "\xff Go buildinf:" << std::string(64, '\0');
  }
  ::chmod(fake_go.c_str(), 0755);
  ProcessSpec go = shell_process(s, "go", "");
  std::get<ExecConfig>(go.model).command = {fake_go};
  go.clock.offset = seconds(5);
  s.processes.push_back(go);
  const auto problems = serve_problems(s);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("is simulated"), std::string::npos);
  EXPECT_NE(problems[1].find("Go program"), std::string::npos);
  EXPECT_EQ(is_go_binary("/bin/sh"), false);
}

}  // namespace
}  // namespace leasesim
