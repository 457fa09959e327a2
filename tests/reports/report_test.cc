// Tests of reports/seed_record.h and reports/report.h: exact percentiles, integer formatting,
// record round trips, order independence (the property shard merging rests on), and HTML
// escaping of user strings.
#include "reports/report.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace leasesim {
namespace {

// Three client-go replicas; the leader crashes at 20s (a short quickstart, built in code).
std::shared_ptr<Scenario> crash_scenario(const std::string& identity_of_first = "a") {
  auto s = std::make_shared<Scenario>();
  s->name = "report-test";
  s->source_path = "scenarios/report-test.yaml";
  s->duration = seconds(60);
  s->lease_id("kube-system/test");
  for (const char* name : {"a", "b", "c"}) {
    ProcessSpec p;
    p.name = name;
    p.identity = name;
    p.model = ClientGoConfig{};
    p.lease = 0;
    p.start = std::string(name) == "a" ? Duration(0) : seconds(1);
    s->processes.push_back(p);
  }
  s->processes[0].identity = identity_of_first;
  FaultSpec crash;
  crash.at = seconds(20);
  crash.type = FaultType::Crash;
  crash.target.kind = FaultTarget::Kind::Leader;
  s->faults.push_back(crash);
  s->properties.failover_within_auto = true;
  return s;
}

ReportInput input_for(const std::shared_ptr<Scenario>& s, uint64_t first, uint64_t count) {
  ReportInput in;
  in.scenario_name = s->name;
  in.scenario_file = s->source_path;
  in.scenario_hash = "0123456789abcdef";
  in.points.push_back(ReportPointInput{{}, s, "", in.scenario_hash, s->source_path});
  for (uint64_t seed = first; seed < first + count; ++seed)
    in.records.push_back(seed_record(run_scenario(s, seed), 0, in.scenario_hash));
  return in;
}

TEST(NearestRank, MatchesTheDefinition) {
  std::vector<int64_t> hundred;
  for (int64_t i = 1; i <= 100; ++i) hundred.push_back(i);
  EXPECT_EQ(nearest_rank(hundred, 50), 50);
  EXPECT_EQ(nearest_rank(hundred, 90), 90);
  EXPECT_EQ(nearest_rank(hundred, 99), 99);
  EXPECT_EQ(nearest_rank(hundred, 100), 100);
  EXPECT_EQ(nearest_rank({7}, 50), 7);
  EXPECT_EQ(nearest_rank({7}, 99), 7);
  EXPECT_EQ(nearest_rank({1, 2, 3}, 50), 2);  // rank ceil(1.5) = 2
  EXPECT_EQ(nearest_rank({1, 2, 3}, 99), 3);  // rank ceil(2.97) = 3
  const std::vector<int64_t> ten{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(nearest_rank(ten, 90), 9);
  EXPECT_EQ(nearest_rank(ten, 99), 10);
  const Percentiles p = percentiles({30, 10, 20});
  EXPECT_EQ(p.count, 3u);
  EXPECT_EQ(p.min, 10);
  EXPECT_EQ(p.p50, 20);
  EXPECT_EQ(p.max, 30);
}

TEST(Formatting, IntegerArithmeticOnly) {
  EXPECT_EQ(seconds_ms(16503217000), "16.503");
  EXPECT_EQ(seconds_ms(16503500000), "16.504");  // half up
  EXPECT_EQ(seconds_ms(999500000), "1.000");
  EXPECT_EQ(seconds_ms(-250000000), "-0.250");
  EXPECT_EQ(seconds_ms(0), "0.000");
  EXPECT_EQ(fixed_ratio(1, 3, 2), "0.33");
  EXPECT_EQ(fixed_ratio(2, 3, 0), "1");
}

TEST(HtmlEscape, EscapesEveryMarkupCharacter) {
  EXPECT_EQ(html_escape("<script>alert(1)</script>&\"'"), "&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;");
  EXPECT_EQ(html_escape("kcm-0"), "kcm-0");
}

TEST(SeedRecord, RoundTripsThroughItsJsonLine) {
  const auto s = crash_scenario();
  const RunResult run = run_scenario(s, 3);
  const SeedRecord r = seed_record(run, 0, "feedfacefeedface");
  EXPECT_EQ(r.seed, 3u);
  EXPECT_EQ(r.trace_hash, run.trace_hash_hex());
  ASSERT_EQ(r.failovers.size(), 1u);
  EXPECT_EQ(r.failovers[0].cause, "crash");
  EXPECT_EQ(r.holder_changes, 1u);
  EXPECT_GT(r.leaderless_ns, 0);
  EXPECT_EQ(r.leaderless_ns, *r.failovers[0].leaderless_gap_ns);
  std::string error;
  const auto back = parse_seed_record(nlohmann::ordered_json::parse(seed_record_line(r)), &error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(*back, r);
}

TEST(SeedRecord, MalformedLinesAreErrorsNamingTheField) {
  std::string error;
  EXPECT_FALSE(parse_seed_record(nlohmann::ordered_json::parse(R"({"point":0})"), &error));
  EXPECT_EQ(error, "missing field \"seed\"");
  EXPECT_FALSE(parse_seed_record(nlohmann::ordered_json::parse("[1]"), &error));
}

TEST(BuildReport, DependsOnlyOnTheSetOfRecords) {
  const auto s = crash_scenario();
  ReportInput in = input_for(s, 1, 12);
  const std::string expected = report_json(build_report(in)).dump(2) + report_markdown(build_report(in));
  std::reverse(in.records.begin(), in.records.end());
  std::rotate(in.records.begin(), in.records.begin() + 5, in.records.end());
  const Report shuffled = build_report(in);
  EXPECT_EQ(report_json(shuffled).dump(2) + report_markdown(shuffled), expected);
  EXPECT_EQ(report_html(shuffled), report_html(build_report(input_for(s, 1, 12))));
}

TEST(BuildReport, StatisticsAndWorstSeed) {
  const auto s = crash_scenario();
  const ReportInput in = input_for(s, 1, 12);
  const Report r = build_report(in);
  ASSERT_EQ(r.points.size(), 1u);
  const PointReport& p = r.points[0];
  EXPECT_EQ(p.seeds, 12u);
  EXPECT_EQ(p.failed, 0u);
  EXPECT_EQ(p.episodes, 12u);
  ASSERT_TRUE(p.fault_to_leader);
  int64_t worst = 0;
  uint64_t worst_seed = 0;
  std::vector<int64_t> values;
  for (const SeedRecord& rec : in.records) {
    values.push_back(*rec.failovers[0].fault_to_leader_ns);
    if (values.back() > worst) worst = values.back(), worst_seed = rec.seed;
  }
  std::sort(values.begin(), values.end());
  EXPECT_EQ(p.fault_to_leader->max, worst);
  EXPECT_EQ(p.fault_to_leader->p50, values[5]);  // rank ceil(6) = 6
  ASSERT_TRUE(p.worst);
  EXPECT_EQ(p.worst->seed, worst_seed);
  EXPECT_EQ(p.worst->rerun_trace_hash, p.worst->recorded_trace_hash);
  EXPECT_EQ(p.worst->reproduce, "leasesim run scenarios/report-test.yaml --seed " + std::to_string(worst_seed));
  uint64_t binned = 0;
  for (uint64_t c : p.histogram.counts) binned += c;
  EXPECT_EQ(binned, 12u);
  ASSERT_TRUE(p.analytic);
  EXPECT_EQ(p.over_analytic_bound, 0u);
  EXPECT_TRUE(p.safe);
  ASSERT_FALSE(p.worst->timeline.bars.empty());
  ASSERT_EQ(p.worst->timeline.faults.size(), 1u);
  EXPECT_EQ(p.worst->timeline.faults[0].type, "crash");

  const auto j = report_json(r);
  for (const char* key :
       {"format", "scenario", "file", "scenarioHash", "seeds", "passed", "failed", "sweep", "points", "violations"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["points"][0]["failover"]["faultToLeader"]["count"], 12);
}

TEST(ReportHtml, EscapesIdentitiesNamesAndMessages) {
  const std::string nasty = "<script>alert(1)</script>&\"'";
  auto s = crash_scenario(nasty);
  s->name = "name" + nasty;
  // A second writer with the same identity makes violation messages carry it too.
  s->processes[1].identity = nasty;
  const ReportInput in = input_for(s, 1, 3);
  const Report r = build_report(in);
  const std::string html = report_html(r);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("alert(1)</"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;"), std::string::npos);
  const std::string md = report_markdown(r);
  EXPECT_EQ(md.find("<script"), std::string::npos);
  EXPECT_NE(md.find("&lt;script&gt;"), std::string::npos);
}

TEST(ReportHtml, SelfContained) {
  const auto s = crash_scenario();
  const std::string html = report_html(build_report(input_for(s, 1, 12)));
  auto count = [&](const std::string& what) {
    size_t n = 0;
    for (size_t at = html.find(what); at != std::string::npos; at = html.find(what, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("http://"), count("http://www.w3.org/2000/svg"));  // the SVG namespace, nothing fetched
  EXPECT_EQ(count("https://"), 0u);
  EXPECT_EQ(count("<script"), 0u);
  EXPECT_EQ(count("<link"), 0u);
  EXPECT_EQ(count("<svg"), 3u);  // histogram, CDF, timeline
}

TEST(ReportHtml, FewSamplesDrawNoDistributionAndTheVerdictComesFirst) {
  const auto s = crash_scenario();
  const std::string html = report_html(build_report(input_for(s, 1, 3)));
  EXPECT_EQ(html.find("Histogram of fault-to-new-leader times"), std::string::npos);
  EXPECT_NE(html.find("Only 3 episodes: too few for a distribution"), std::string::npos);
  // The verdict, then the settings, before the failover details; no per-hour headline card.
  const size_t verdict = html.find("<h2 id=\"verdict\">Verdict</h2>");
  const size_t settings = html.find("<h3>Settings assumed</h3>");
  const size_t timing = html.find("<h2 id=\"point-0\">");
  ASSERT_NE(verdict, std::string::npos);
  EXPECT_LT(verdict, settings);
  EXPECT_LT(settings, timing);
  EXPECT_NE(html.find("<b>PASS</b><span>PASS: all 3 runs passed</span>"), std::string::npos) << html.substr(verdict, 600);
  EXPECT_NE(html.find("SAFE by the analytic bounds: safety margin"), std::string::npos);
  EXPECT_EQ(html.find("<span>leaderless per hour</span>"), std::string::npos);
  EXPECT_NE(html.find("per simulated hour of this scenario"), std::string::npos);
}

}  // namespace
}  // namespace leasesim
