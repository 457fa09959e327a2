// Labels of the report's failover charts never overlap: read back from the report's own SVG
// (every marker label's box, from its x, y, anchor and text at 7.2px per character and 13px a
// row, an upper estimate of 12px semibold text) and checked pairwise, and against the marker
// lines that pass through their rows. The checker's twin shows it catches an overlap.
#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "reports/report.h"

namespace leasesim {
namespace {

struct Box {
  double x0, x1, y0, y1;
  std::string text;
};
struct VLine {
  double x, y0, y1;
  std::string title;
};

std::string unescape(std::string s) {
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}})
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

// Every problem found among the marker labels and lines of each <svg> of `html`.
std::vector<std::string> label_problems(const std::string& html) {
  std::vector<std::string> problems;
  const std::regex svg_re("<svg[\\s\\S]*?</svg>");
  const std::regex text_re(
      "<text class=\"(bound|pct|max)-label\" x=\"([-0-9.]+)\" y=\"([-0-9.]+)\" text-anchor=\"(start|end)\">([^<]*)</text>");
  const std::regex line_re(
      "<line class=\"(bound|pct|max)\" x1=\"([-0-9.]+)\" y1=\"([-0-9.]+)\" x2=\"[-0-9.]+\" y2=\"([-0-9.]+)\"><title>([^<]*)</title>");
  for (auto s = std::sregex_iterator(html.begin(), html.end(), svg_re); s != std::sregex_iterator(); ++s) {
    const std::string svg = s->str();
    std::vector<Box> boxes;
    std::vector<VLine> lines;
    for (auto t = std::sregex_iterator(svg.begin(), svg.end(), text_re); t != std::sregex_iterator(); ++t) {
      const std::string text = unescape((*t)[5]);
      const double x = std::stod((*t)[2]), y = std::stod((*t)[3]), w = 7.2 * static_cast<double>(text.size());
      const bool end = (*t)[4] == "end";
      boxes.push_back({end ? x - w : x, end ? x : x + w, y - 11, y + 2, text});
    }
    for (auto l = std::sregex_iterator(svg.begin(), svg.end(), line_re); l != std::sregex_iterator(); ++l)
      lines.push_back({std::stod((*l)[2]), std::stod((*l)[3]), std::stod((*l)[4]), unescape((*l)[5])});
    for (size_t i = 0; i < boxes.size(); ++i)
      for (size_t j = i + 1; j < boxes.size(); ++j) {
        const Box &a = boxes[i], &b = boxes[j];
        if (a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1)
          problems.push_back("labels overlap: \"" + a.text + "\" and \"" + b.text + "\"");
      }
    for (const VLine& l : lines)
      for (const Box& b : boxes) {
        if (b.text == l.title) continue;  // a line ends at its own label
        if (l.x > b.x0 && l.x < b.x1 && l.y0 < b.y1 && b.y0 < l.y1)
          problems.push_back("line \"" + l.title + "\" crosses label \"" + b.text + "\"");
      }
  }
  return problems;
}

std::shared_ptr<Scenario> crash_scenario() {
  auto s = std::make_shared<Scenario>();
  s->name = "label-test";
  s->duration = seconds(60);
  s->lease_id("kube-system/test");
  for (const char* name : {"a", "b", "c"}) {
    ProcessSpec p;
    p.name = name;
    p.identity = name;
    p.model = ClientGoConfig{};
    p.start = std::string(name) == "a" ? Duration(0) : seconds(1);
    s->processes.push_back(p);
  }
  FaultSpec crash;
  crash.at = seconds(20);
  crash.target.kind = FaultTarget::Kind::Leader;
  s->faults.push_back(crash);
  return s;
}

TEST(LabelGeometry, MarkerLabelsNeverOverlapWhereverTheBoundFalls) {
  const auto s = crash_scenario();
  ReportInput in;
  in.scenario_name = s->name;
  in.scenario_hash = "0123456789abcdef";
  in.points.push_back(ReportPointInput{{}, s, "", in.scenario_hash, ""});
  for (uint64_t seed = 1; seed <= 30; ++seed) in.records.push_back(seed_record(run_scenario(s, seed), 0, in.scenario_hash));
  const Report base = build_report(in);
  ASSERT_TRUE(base.points[0].fault_to_leader && base.points[0].analytic);
  const Percentiles q = *base.points[0].fault_to_leader;
  size_t charts = 0;
  // The case and its neighbours: the analytic bound (crash and stop apart, and together)
  // moved across p50, p99 and max in 25ms steps.
  for (int64_t offset = -3000; offset <= 3000; offset += 25) {
    Report r = base;
    AnalyticBounds& b = *r.points[0].analytic;
    b.crash_to_leader_max = Duration(q.max + milliseconds(offset).ns);
    b.stop_to_leader_max = offset % 2 ? Duration(q.p99 - milliseconds(offset).ns) : b.crash_to_leader_max;
    b.failover_bound = std::max(b.crash_to_leader_max, b.stop_to_leader_max);
    const std::string html = report_html(r);
    const std::vector<std::string> problems = label_problems(html);
    EXPECT_TRUE(problems.empty()) << "bound at max " << offset << "ms: " << problems.front();
    charts += html.find("max-label") != std::string::npos;
  }
  EXPECT_GT(charts, 200u);  // the labels were there to check
}

TEST(LabelGeometry, TheCheckerCatchesAnOverlap) {
  // Twin: two labels drawn on top of each other, and a line through a label, are found.
  const std::string svg =
      "<svg><line class=\"max\" x1=\"100.0\" y1=\"40.0\" x2=\"100.0\" y2=\"200.0\"><title>max 17.991 s</title></line>"
      "<text class=\"max-label\" x=\"103.0\" y=\"38.0\" text-anchor=\"start\">max 17.991 s</text>"
      "<line class=\"bound\" x1=\"110.0\" y1=\"30.0\" x2=\"110.0\" y2=\"200.0\"><title>analytic bound 18.000 s</title></line>"
      "<text class=\"bound-label\" x=\"113.0\" y=\"38.0\" text-anchor=\"start\">analytic bound 18.000 s</text></svg>";
  const std::vector<std::string> problems = label_problems(svg);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0], "labels overlap: \"max 17.991 s\" and \"analytic bound 18.000 s\"");
  EXPECT_EQ(problems[1], "line \"analytic bound 18.000 s\" crosses label \"max 17.991 s\"");
}

}  // namespace
}  // namespace leasesim
