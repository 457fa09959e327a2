// report_files_test.cc: the report of a live run (cli/report_files.h, live_report), built from a
// LiveRun made by hand: two leaderships, a crash of the leader between them, and a skipped
// fault's warning. Its JSON and Markdown must say that it is one live run (no seed, no replay,
// no percentiles), list the failover with its times and list the warning; its twin, two
// processes acting at once, must show FAIL with the violation, and keep the warning.
#include "cli/report_files.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/properties/history_builders.h"

namespace leasesim {
namespace {

using ojson = nlohmann::ordered_json;
using testing_history::lead;
using testing_history::ms;

ProcessSpec exec_process(Scenario& s, const std::string& name) {
  ProcessSpec p;
  p.name = name;
  p.identity = name;
  p.lease = s.lease_id("default/work");
  ExecConfig c;
  c.command = {"/bin/sh", "-c", "echo leading; exec sleep 30"};
  c.leader_pattern = "^leading$";
  p.model = c;
  return p;
}

constexpr const char* kWarning =
    "fault 1 (clockJump) skipped: a running process's clock cannot be stepped by serve (libfaketime reads FAKETIME "
    "once)";

// a leads from 0.2 s until the leader is crashed at 1 s; b leads from 1.6 s to the end (3 s).
// With `overlap`, b claims leadership at 0.5 s while a still acts: a singleLeader violation.
LiveRun hand_made_run(bool overlap) {
  auto s = std::make_shared<Scenario>();
  s->name = "live-report-test";
  s->duration = seconds(3);
  s->processes.push_back(exec_process(*s, "a"));
  s->processes.push_back(exec_process(*s, "b"));
  FaultSpec crash;
  crash.at = seconds(1);
  crash.type = FaultType::Crash;
  crash.target.kind = FaultTarget::Kind::Leader;
  s->faults.push_back(crash);
  FaultSpec jump;
  jump.at = milliseconds(2000);
  jump.type = FaultType::ClockJump;
  jump.target.kind = FaultTarget::Kind::Process;
  jump.target.process = 1;
  jump.by = seconds(5);
  s->faults.push_back(jump);

  LiveRun run;
  run.scenario = s;
  run.end = ms(3000);
  run.history.leaderships.push_back(lead(0, ms(200), ms(1000), 0, "crash"));
  run.history.leaderships.push_back(lead(1, overlap ? ms(500) : ms(1600), std::nullopt));
  FaultRecord struck;
  struck.t = ms(1000);
  struck.index = 0;
  struck.spec = s->faults[0];
  struck.target = 0;
  struck.acting_leaders_hit.emplace_back(0, 0);
  if (overlap) struck.acting_leaders_hit.emplace_back(0, 1);
  run.history.faults.push_back(struck);
  FaultRecord skipped;
  skipped.t = ms(2000);
  skipped.index = 1;
  skipped.spec = s->faults[1];
  skipped.target = 1;
  skipped.skipped = "a running process's clock cannot be stepped by serve (libfaketime reads FAKETIME once)";
  run.history.faults.push_back(skipped);
  run.evaluation = evaluate(*s, run.history, run.end, std::nullopt);
  run.trace = {"{\"t\":0.2,\"type\":\"leader\"}", "{\"t\":1,\"type\":\"fault\"}"};
  run.trace_hash = 0x0123456789abcdefULL;
  run.api_by_verb["get"]["ok"] = 12;
  run.api_by_verb["update"]["ok"] = 9;
  run.api_by_verb["patch"]["ok"] = 1;
  run.processes.push_back({"a", 0, "out/a.kubeconfig", "out/a.log", 1, {"killed by signal 9"}});
  run.processes.push_back({"b", 0, "out/b.kubeconfig", "out/b.log", 1, {}});
  run.warnings.push_back(kWarning);
  return run;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(LiveReport, SaysItIsOneLiveRunAndListsItsFailoverAndWarning) {
  const LiveRun run = hand_made_run(false);
  ASSERT_TRUE(run.evaluation.passed);
  const Report r = live_report(run, "scenarios/live.yaml");
  ASSERT_TRUE(r.live.has_value());
  const ojson j = report_json(r);
  EXPECT_EQ(j["mode"], "live");
  EXPECT_EQ(j["passed"], true);
  EXPECT_FALSE(j.contains("seeds")) << "a live run is not a campaign over seeds";
  EXPECT_EQ(j["live"]["reproducible"], false);
  EXPECT_EQ(j["live"]["traceHash"], "0123456789abcdef");
  EXPECT_EQ(j["live"]["ran"], 3.0);
  ASSERT_EQ(j["live"]["warnings"].size(), 1u);
  EXPECT_EQ(j["live"]["warnings"][0], kWarning);
  ASSERT_EQ(j["live"]["processes"].size(), 2u);
  EXPECT_EQ(j["live"]["processes"][0]["exits"][0], "killed by signal 9");

  const ojson& point = j["points"][0];
  EXPECT_FALSE(point["failover"].contains("faultToLeader")) << "no percentiles of one sample";
  EXPECT_FALSE(point["failover"].contains("histogram"));
  ASSERT_EQ(point["failover"]["list"].size(), 1u) << point.dump(2);
  const ojson& f = point["failover"]["list"][0];
  EXPECT_EQ(f["cause"], "crash");
  EXPECT_EQ(f["from"], "a");
  EXPECT_EQ(f["to"], "b");
  EXPECT_EQ(f["faultAt"], 1.0);
  EXPECT_EQ(f["newLeaderAt"], 1.6);
  EXPECT_DOUBLE_EQ(f["faultToLeader"].get<double>(), 0.6);
  EXPECT_DOUBLE_EQ(f["leaderlessGap"].get<double>(), 0.6);
  // The timeline is the run's own: its two leaderships and both faults, the skipped one marked.
  EXPECT_TRUE(point["worst"].is_null());
  const ojson& t = point["timeline"];
  ASSERT_EQ(t["leaderships"].size(), 2u);
  EXPECT_EQ(t["leaderships"][0]["process"], "a");
  EXPECT_EQ(t["leaderships"][0]["endCause"], "crash");
  EXPECT_TRUE(t["leaderships"][1]["end"].is_null());
  ASSERT_EQ(t["faults"].size(), 2u);
  EXPECT_TRUE(t["faults"][0]["skipped"].is_null());
  EXPECT_FALSE(t["faults"][1]["skipped"].is_null());
  EXPECT_EQ(point["rates"]["basis"], "per hour (or second) of this one live run, in real time");
  EXPECT_EQ(point["api"]["patch"]["ok"], 1);
  EXPECT_TRUE(j["violations"].empty());

  const std::string md = report_markdown(r);
  EXPECT_TRUE(has(md, "# leasesim live report: live-report-test")) << md;
  EXPECT_TRUE(has(md, "**One live run** of 3.000 s")) << md;
  EXPECT_TRUE(has(md, "not reproducible by seed, not a campaign")) << md;
  EXPECT_TRUE(has(md, "**PASS: the properties held over this live run (with 1 warning: read them)**")) << md;
  EXPECT_TRUE(has(md, "- " + markdown_escape(kWarning))) << md;
  EXPECT_TRUE(has(md, "| default/work | crash | 1.000 s | a | b | 1.600 s | 0.600 s | 0.600 s |")) << md;
  EXPECT_TRUE(has(md, "| a | 0.200 s | 1.000 s | crash |")) << md;
  EXPECT_TRUE(has(md, "clockJump of b at 2.000 s (skipped: ")) << md;
  for (const char* campaign_word : {"--seed", "Replay", "p50", "p99", "seeds", "Worst seed"})
    EXPECT_FALSE(has(md, campaign_word)) << campaign_word << " in a live report:\n" << md;

  const std::string html = report_html(r);
  EXPECT_TRUE(has(html, "Timeline of who led when, the live run")) << html;
  EXPECT_TRUE(has(html, "<li>" + html_escape(kWarning) + "</li>")) << html;
  EXPECT_TRUE(has(html, "class=\"fault-window\"") || has(html, "class=\"fault-line\""));
  EXPECT_FALSE(has(html, "<script"));
  EXPECT_FALSE(has(html, "--seed"));
}

// The twin: b claims leadership while a still acts. The same report must now say FAIL, name the
// violation with its time, and still list the warning.
TEST(LiveReport, TwinAViolationShowsAsFailAndTheWarningStaysListed) {
  const LiveRun run = hand_made_run(true);
  ASSERT_FALSE(run.evaluation.passed);
  const Report r = live_report(run, "scenarios/live.yaml");
  const ojson j = report_json(r);
  EXPECT_EQ(j["passed"], false);
  ASSERT_FALSE(j["violations"].empty());
  EXPECT_EQ(j["violations"][0]["property"], "singleLeader");
  EXPECT_EQ(j["violations"][0]["at"], 0.5);
  EXPECT_FALSE(j["violations"][0].contains("reproduce")) << "nothing replays a live run";
  EXPECT_EQ(j["live"]["warnings"].size(), 1u);
  const std::string md = report_markdown(r);
  EXPECT_TRUE(has(md, "**FAIL: this live run violated its properties (with 1 warning: read them)**")) << md;
  EXPECT_TRUE(has(md, "What failed:\n\n- singleLeader at 0.500 s: ")) << md;
  EXPECT_TRUE(has(md, "- " + markdown_escape(kWarning))) << md;
  EXPECT_FALSE(has(md, "**PASS")) << md;
  const std::string html = report_html(r);
  EXPECT_TRUE(has(html, "<b>FAIL</b>")) << html;
  EXPECT_TRUE(has(html, "class=\"violation\"")) << html;
}

// Warnings and exits are a program's own words: they reach the page escaped, like every other
// string of a report.
TEST(LiveReport, EscapesWhatTheProgramsSaid) {
  LiveRun run = hand_made_run(false);
  run.warnings.push_back("b exited on its own at 2s: <script>alert(1)</script> | x");
  run.processes[1].exits.push_back("said <img src=x onerror=alert(1)>");
  const Report r = live_report(run, "scenarios/live.yaml");
  const std::string html = report_html(r);
  EXPECT_FALSE(has(html, "<script>")) << html;
  EXPECT_FALSE(has(html, "<img")) << html;
  EXPECT_TRUE(has(html, "&lt;script&gt;alert(1)&lt;/script&gt;")) << html;
  const std::string md = report_markdown(r);
  EXPECT_TRUE(has(md, "- b exited on its own at 2s: &lt;script&gt;alert(1)&lt;/script&gt; \\| x")) << md;
  EXPECT_EQ(report_json(r)["live"]["warnings"].size(), 2u);
}

}  // namespace
}  // namespace leasesim
