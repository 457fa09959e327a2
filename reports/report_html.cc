// report_html.cc: report_html (see report.h): one self-contained page, inline CSS and SVG.
//
// No script and no external resource, so the page opens offline and in locked-down viewers
// (CI artifact browsers). Every user string reaches the page through esc() (html_escape),
// including SVG <text> and <title> and attribute values. Coordinates are printed with one
// decimal by snprintf in the C locale, so the bytes depend only on the Report.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "reports/report.h"
#include "reports/verdict_text.h"
#include "reports/identity_report.h"
#include "reports/node_report.h"

namespace leasesim {
namespace {

std::string esc(std::string_view s) { return html_escape(s); }

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string s3(int64_t ns) { return seconds_ms(ns) + " s"; }
std::string s3(Duration d) { return s3(d.ns); }

// Smallest of 1, 2, 5 x 10^k that is >= raw (raw >= 1).
int64_t nice(int64_t raw) {
  int64_t base = 1;
  for (;;) {
    for (int64_t m : {1, 2, 5})
      if (base * m >= raw) return base * m;
    base *= 10;
  }
}

// Tick label for nanoseconds: the exact decimal of seconds, trimmed ("16", "16.5").
std::string tick_secs(int64_t ns) { return format_seconds(ns); }

std::string settings_text(const std::vector<SweepSetting>& settings) {
  std::string out;
  for (const SweepSetting& s : settings) out += (out.empty() ? "" : " ") + s.parameter + "=" + s.value;
  return out;
}

std::string short_settings(const std::vector<SweepSetting>& settings) {
  std::string out;
  for (const SweepSetting& s : settings) out += (out.empty() ? "" : "/") + s.value;
  return out;
}

// A linear scale from [d0, d1] (domain, integers) onto [r0, r1] (pixels).
struct Scale {
  double d0, d1, r0, r1;
  double operator()(double v) const { return d1 == d0 ? r0 : r0 + (v - d0) * (r1 - r0) / (d1 - d0); }
};

constexpr double kWidth = 920;

struct Marker {
  int64_t at_ns;
  std::string label;
  std::string css;  // class of line and label
};

// x axis in seconds with 1-2-5 ticks; draws grid lines down from `top` to `bottom`.
void x_axis(std::ostream& o, const Scale& x, double top, double bottom, const char* title) {
  const int64_t span = static_cast<int64_t>(x.d1 - x.d0);
  const int64_t step = nice(std::max<int64_t>(span / 9, 1));
  int64_t first = static_cast<int64_t>(x.d0) / step * step;
  if (first < x.d0) first += step;
  for (int64_t t = first; t <= x.d1; t += step) {
    const double px = x(static_cast<double>(t));
    o << "<line class=\"grid\" x1=\"" << num(px) << "\" y1=\"" << num(top) << "\" x2=\"" << num(px) << "\" y2=\""
      << num(bottom) << "\"/><text class=\"tick\" x=\"" << num(px) << "\" y=\"" << num(bottom + 14)
      << "\" text-anchor=\"middle\">" << tick_secs(t) << "</text>";
  }
  o << "<line class=\"axis\" x1=\"" << num(x.r0) << "\" y1=\"" << num(bottom) << "\" x2=\"" << num(x.r1) << "\" y2=\""
    << num(bottom) << "\"/><text class=\"label\" x=\"" << num((x.r0 + x.r1) / 2) << "\" y=\"" << num(bottom + 30)
    << "\" text-anchor=\"middle\">" << title << "</text>";
}

// Where the labels of vertical marker lines go, in rows above a plot (row 0 lowest). Each line
// runs from its label down into the plot, so a label must overlap no other label in its row and
// no line that passes through its row, and a line must not cross a label in a lower row. Markers
// are placed right to left, each in the lowest row that satisfies all three; a label that fits no
// row below max_rows is not drawn (the line and its tooltip still are).
struct Placed {
  size_t row = 0;
  bool left = false;  // the label ends at the line (near the right edge)
  bool shown = true;
};

std::vector<Placed> place_labels(const std::vector<double>& xs, const std::vector<double>& widths, double right_edge,
                                 size_t max_rows) {
  std::vector<Placed> out(xs.size());
  std::vector<size_t> order(xs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return xs[a] > xs[b]; });
  struct Box {
    double l0, l1, x;
    size_t row;
  };
  std::vector<Box> placed;
  for (size_t i : order) {
    Placed& p = out[i];
    p.left = xs[i] + 3 + widths[i] > right_edge;
    const double l0 = p.left ? xs[i] - 3 - widths[i] : xs[i] + 3, l1 = l0 + widths[i] + 6;
    p.shown = false;
    for (size_t row = 0; row < max_rows && !p.shown; ++row) {
      bool ok = true;
      for (const Box& b : placed) {
        if (b.row == row && l0 < b.l1 && b.l0 < l1) ok = false;             // labels overlap
        if (b.row > row && b.x >= l0 - 2 && b.x <= l1) ok = false;          // a line crosses this label
        if (b.row < row && xs[i] >= b.l0 - 2 && xs[i] <= b.l1) ok = false;  // this line crosses a label
      }
      if (ok) {
        p.row = row;
        p.shown = true;
      }
    }
    if (p.shown) placed.push_back({l0, l1, xs[i], p.row});
  }
  return out;
}

size_t rows_used(const std::vector<Placed>& placed) {
  size_t n = 0;
  for (const Placed& p : placed)
    if (p.shown) n = std::max(n, p.row + 1);
  return n;
}

// An upper estimate of a label's advance per character: 12px semibold digits and letters of the
// system sans-serif fonts stay under 7.2px (tests/reports/label_geometry_test.cc holds every
// label box of the page apart with this width).
constexpr double kCharWidth = 7.2;

std::vector<Placed> place_markers(const Scale& x, const std::vector<Marker>& ms, std::vector<double>* xs) {
  std::vector<double> ws;
  for (const Marker& m : ms) {
    xs->push_back(x(static_cast<double>(m.at_ns)));
    ws.push_back(kCharWidth * static_cast<double>(m.label.size()));
  }
  return place_labels(*xs, ws, x.r1, 4);
}

size_t marker_rows(const Scale& x, const std::vector<Marker>& ms) {
  std::vector<double> xs;
  return std::max<size_t>(rows_used(place_markers(x, ms, &xs)), 1);
}

// Vertical marker lines (bounds, percentiles) with their labels above the plot.
void markers(std::ostream& o, const Scale& x, const std::vector<Marker>& ms, double plot_top, double bottom) {
  std::vector<double> xs;
  const std::vector<Placed> placed = place_markers(x, ms, &xs);
  for (size_t i = 0; i < ms.size(); ++i) {
    const Marker& m = ms[i];
    const Placed& p = placed[i];
    const double ly = plot_top - 6 - 13.0 * static_cast<double>(p.row);
    o << "<line class=\"" << m.css << "\" x1=\"" << num(xs[i]) << "\" y1=\"" << num(p.shown ? ly + 2 : plot_top)
      << "\" x2=\"" << num(xs[i]) << "\" y2=\"" << num(bottom) << "\"><title>" << esc(m.label) << "</title></line>";
    if (p.shown)
      o << "<text class=\"" << m.css << "-label\" x=\"" << num(p.left ? xs[i] - 3 : xs[i] + 3) << "\" y=\"" << num(ly)
        << "\" text-anchor=\"" << (p.left ? "end" : "start") << "\">" << esc(m.label) << "</text>";
  }
}

std::vector<Marker> failover_markers(const PointReport& p) {
  std::vector<Marker> ms;
  // The analytic bounds cover crash and stop episodes only; draw the ones that apply (both when
  // there is no episode at all, so the reader still sees where the bound lies).
  bool crash = p.causes.empty(), stop = p.causes.empty();
  for (const CauseSummary& c : p.causes) {
    crash |= c.cause == "crash";
    stop |= c.cause == "stop";
  }
  if (p.analytic) {
    const Duration c = p.analytic->crash_to_leader_max, s = p.analytic->stop_to_leader_max;
    if (crash && stop && c == s)
      ms.push_back({c.ns, "analytic bound " + s3(c), "bound"});
    else {
      if (crash) ms.push_back({c.ns, "analytic bound (crash) " + s3(c), "bound"});
      if (stop) ms.push_back({s.ns, "analytic bound (stop) " + s3(s), "bound"});
    }
  }
  if (p.failover_within_ns && !p.failover_within_auto)
    ms.push_back({*p.failover_within_ns, "failoverWithin " + s3(*p.failover_within_ns), "bound"});
  if (p.fault_to_leader) {
    const Percentiles& q = *p.fault_to_leader;
    ms.push_back({q.p50, "p50 " + s3(q.p50), "pct"});
    ms.push_back({q.p90, "p90 " + s3(q.p90), "pct"});
    ms.push_back({q.p99, "p99 " + s3(q.p99), "pct"});
    ms.push_back({q.max, "max " + s3(q.max), "max"});
  }
  std::stable_sort(ms.begin(), ms.end(), [](const Marker& a, const Marker& b) { return a.at_ns < b.at_ns; });
  return ms;
}

// The x domain of the failover charts: the histogram's bins and every marker, padded.
Scale failover_scale(const PointReport& p, double r0, double r1) {
  int64_t lo = p.histogram.start_ns;
  int64_t hi = p.histogram.start_ns + static_cast<int64_t>(p.histogram.counts.size()) * p.histogram.width_ns;
  for (const Marker& m : failover_markers(p)) {
    lo = std::min(lo, m.at_ns);
    hi = std::max(hi, m.at_ns);
  }
  const int64_t pad = std::max<int64_t>((hi - lo) / 40, 1000000);
  return Scale{static_cast<double>(std::max<int64_t>(lo - pad, 0)), static_cast<double>(hi + pad), r0, r1};
}

void svg_open(std::ostream& o, double height, const std::string& label) {
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"" << num(kWidth) << "\" height=\""
    << num(height) << "\" viewBox=\"0 0 " << num(kWidth) << " " << num(height) << "\" role=\"img\" aria-label=\""
    << esc(label) << "\"><title>" << esc(label) << "</title>";
}

void histogram_svg(std::ostream& o, const PointReport& p) {
  const double left = 60, right = kWidth - 20;
  const Scale x = failover_scale(p, left, right);
  const double top = 22 + 13.0 * static_cast<double>(marker_rows(x, failover_markers(p))), bottom = top + 180;
  svg_open(o, bottom + 40, "Histogram of fault-to-new-leader times");
  uint64_t peak = 1;
  for (uint64_t c : p.histogram.counts) peak = std::max(peak, c);
  const uint64_t ystep = static_cast<uint64_t>(nice(static_cast<int64_t>((peak + 3) / 4)));
  const uint64_t ymax = (peak + ystep - 1) / ystep * ystep;
  const Scale y{0, static_cast<double>(ymax), bottom, top};
  for (uint64_t v = 0; v <= ymax; v += ystep)
    o << "<line class=\"grid\" x1=\"" << num(left) << "\" y1=\"" << num(y(static_cast<double>(v))) << "\" x2=\""
      << num(right) << "\" y2=\"" << num(y(static_cast<double>(v))) << "\"/><text class=\"tick\" x=\"" << num(left - 6)
      << "\" y=\"" << num(y(static_cast<double>(v)) + 4) << "\" text-anchor=\"end\">" << v << "</text>";
  o << "<text class=\"label\" x=\"14\" y=\"" << num((top + bottom) / 2) << "\" transform=\"rotate(-90 14 "
    << num((top + bottom) / 2) << ")\" text-anchor=\"middle\">episodes</text>";
  x_axis(o, x, top, bottom, "fault to new leader (seconds of simulated time)");
  for (size_t i = 0; i < p.histogram.counts.size(); ++i) {
    const uint64_t c = p.histogram.counts[i];
    if (c == 0) continue;
    const int64_t lo = p.histogram.start_ns + static_cast<int64_t>(i) * p.histogram.width_ns;
    const double x0 = x(static_cast<double>(lo)), x1 = x(static_cast<double>(lo + p.histogram.width_ns));
    o << "<rect class=\"bar\" x=\"" << num(x0 + 0.5) << "\" y=\"" << num(y(static_cast<double>(c))) << "\" width=\""
      << num(std::max(x1 - x0 - 1, 1.0)) << "\" height=\"" << num(bottom - y(static_cast<double>(c))) << "\"><title>["
      << seconds_ms(lo) << " s, " << seconds_ms(lo + p.histogram.width_ns) << " s): " << c
      << " episodes</title></rect>";
  }
  markers(o, x, failover_markers(p), top, bottom);
  o << "</svg>\n";
}

void cdf_svg(std::ostream& o, const PointReport& p) {
  const double left = 60, right = kWidth - 20;
  const Scale x = failover_scale(p, left, right);
  const double top = 22 + 13.0 * static_cast<double>(marker_rows(x, failover_markers(p))), bottom = top + 180;
  svg_open(o, bottom + 40, "Cumulative distribution of fault-to-new-leader times");
  const Scale y{0, 1, bottom, top};
  for (int pct : {0, 25, 50, 75, 90, 100}) {
    const double py = y(pct / 100.0);
    o << "<line class=\"grid\" x1=\"" << num(left) << "\" y1=\"" << num(py) << "\" x2=\"" << num(right) << "\" y2=\""
      << num(py) << "\"/><text class=\"tick\" x=\"" << num(left - 6) << "\" y=\"" << num(py + 4)
      << "\" text-anchor=\"end\">" << pct << "%</text>";
  }
  x_axis(o, x, top, bottom, "fault to new leader (seconds of simulated time)");
  const double total = static_cast<double>(p.fault_to_leader->count);
  std::ostringstream pts;
  double prev_y = y(0);
  pts << num(x(static_cast<double>(p.cdf.front().value_ns))) << "," << num(prev_y);
  for (const CdfPoint& c : p.cdf) {
    const double px = x(static_cast<double>(c.value_ns));
    const double py = y(static_cast<double>(c.at_or_below) / total);
    pts << " " << num(px) << "," << num(prev_y) << " " << num(px) << "," << num(py);
    prev_y = py;
  }
  pts << " " << num(right) << "," << num(prev_y);
  o << "<polyline class=\"cdf\" points=\"" << pts.str() << "\"/>";
  markers(o, x, failover_markers(p), top, bottom);
  o << "</svg>\n";
}

std::string short_label(const std::string& s, size_t n) { return s.size() <= n ? s : s.substr(0, n - 1) + "~"; }

// `whose` names the run in the picture's title: "seed 7", or "the live run".
void timeline_svg(std::ostream& o, const Timeline& t, const std::string& whose) {
  const double left = 150, right = kWidth - 20, row_h = 24;
  // Fault labels take rows above the plot; count them first to size the picture.
  const Scale x{0, static_cast<double>(std::max<int64_t>(t.end_ns, 1)), left, right};
  std::vector<std::string> texts;
  std::vector<double> xs, ws;
  for (const TimelineFault& f : t.faults) {
    texts.push_back(f.type + (f.target.empty() ? "" : " " + f.target) + (f.skipped.empty() ? "" : " (skipped)"));
    xs.push_back(x(static_cast<double>(f.start_ns)));
    ws.push_back(kCharWidth * static_cast<double>(texts.back().size()));
  }
  const std::vector<Placed> labels = place_labels(xs, ws, right, 6);
  const double top = 20 + 14.0 * static_cast<double>(rows_used(labels));
  const double rows_bottom = top + row_h * static_cast<double>(t.rows.size());
  const double episodes_h = 18.0 * static_cast<double>(t.failovers.size());
  const double bottom = rows_bottom + episodes_h + 6;
  svg_open(o, bottom + 40, "Timeline of who led when, " + whose);
  x_axis(o, x, top, bottom, "true time (seconds)");
  // Fault windows first (underneath), instant faults as lines.
  for (size_t i = 0; i < t.faults.size(); ++i) {
    const TimelineFault& f = t.faults[i];
    const double x0 = x(static_cast<double>(f.start_ns));
    const std::string tip = f.type + (f.target.empty() ? "" : " of " + f.target) + " at " + s3(f.start_ns) +
                            (f.window ? " until " + s3(f.end_ns) : "") +
                            (f.skipped.empty() ? "" : ", skipped: " + f.skipped);
    if (f.window) {
      const double x1 = std::max(x(static_cast<double>(f.end_ns)), x0 + 2);
      o << "<rect class=\"fault-window\" x=\"" << num(x0) << "\" y=\"" << num(top) << "\" width=\"" << num(x1 - x0)
        << "\" height=\"" << num(rows_bottom - top) << "\"><title>" << esc(tip) << "</title></rect>";
      for (size_t r = 0; r < t.rows.size(); ++r)
        if (!f.target.empty() && t.rows[r].process == f.target)
          o << "<rect class=\"fault-target\" x=\"" << num(x0) << "\" y=\"" << num(top + row_h * static_cast<double>(r))
            << "\" width=\"" << num(x1 - x0) << "\" height=\"" << num(row_h) << "\"><title>" << esc(tip)
            << "</title></rect>";
    }
    const Placed& l = labels[i];
    const double ly = top - 8 - 14.0 * static_cast<double>(l.row);
    o << "<line class=\"fault-line\" x1=\"" << num(x0) << "\" y1=\"" << num(l.shown ? ly + 2 : top) << "\" x2=\""
      << num(x0) << "\" y2=\"" << num(rows_bottom) << "\"><title>" << esc(tip) << "</title></line>";
    if (l.shown)
      o << "<text class=\"fault-label\" x=\"" << num(l.left ? x0 - 3 : x0 + 3) << "\" y=\"" << num(ly)
        << "\" text-anchor=\"" << (l.left ? "end" : "start") << "\">" << esc(texts[i]) << "</text>";
  }
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const double ry = top + row_h * static_cast<double>(r);
    const TimelineRow& row = t.rows[r];
    o << "<line class=\"row-line\" x1=\"" << num(left) << "\" y1=\"" << num(ry + row_h) << "\" x2=\"" << num(right)
      << "\" y2=\"" << num(ry + row_h) << "\"/><text class=\"row-label\" x=\"" << num(left - 8) << "\" y=\""
      << num(ry + row_h / 2 + 4) << "\" text-anchor=\"end\">" << esc(short_label(row.process, 20)) << "<title>"
      << esc(row.process + " (identity " + row.identity + ", lease " + row.lease + ")") << "</title></text>";
  }
  for (const TimelineBar& b : t.bars) {
    const double x0 = x(static_cast<double>(b.start_ns)), x1 = x(static_cast<double>(b.end_ns));
    const double ry = top + row_h * static_cast<double>(b.row);
    const TimelineRow& row = t.rows[b.row];
    o << "<rect class=\"" << (b.open ? "lead open" : "lead") << "\" x=\"" << num(x0) << "\" y=\"" << num(ry + 4)
      << "\" width=\"" << num(std::max(x1 - x0, 1.5)) << "\" height=\"" << num(row_h - 8) << "\"><title>"
      << esc(row.process + " (" + row.identity + ") led from " + s3(b.start_ns) + " to " +
             (b.open ? std::string("the end of the run") : s3(b.end_ns) + " (" + b.end_cause + ")"))
      << "</title></rect>";
  }
  // Violations over the bars, translucent: a red band over an overlap, a red tick for an instant.
  for (const TimelineViolation& v : t.violations) {
    const double x0 = x(static_cast<double>(v.start_ns));
    const double x1 = std::max(x(static_cast<double>(v.end_ns)), x0 + 2);
    std::string procs;
    for (const std::string& p : v.processes) procs += (procs.empty() ? "" : ", ") + p;
    o << "<rect class=\"violation\" x=\"" << num(x0) << "\" y=\"" << num(top) << "\" width=\"" << num(x1 - x0)
      << "\" height=\"" << num(rows_bottom - top) << "\"><title>"
      << esc(v.property + " violated from " + s3(v.start_ns) + " to " + s3(v.end_ns) +
             (procs.empty() ? "" : " (" + procs + ")"))
      << "</title></rect>";
  }
  for (size_t i = 0; i < t.failovers.size(); ++i) {
    const RecordedFailover& f = t.failovers[i];
    const double ey = rows_bottom + 12 + 18.0 * static_cast<double>(i);
    const double x0 = x(static_cast<double>(f.fault_at_ns));
    const double x1 = x(static_cast<double>(f.new_leader_at_ns.value_or(t.end_ns)));
    const std::string text =
        f.cause + " of " + f.from + ": " +
        (f.fault_to_leader_ns ? f.to + " led after " + s3(*f.fault_to_leader_ns) : "no new leader");
    o << "<line class=\"episode\" x1=\"" << num(x0) << "\" y1=\"" << num(ey) << "\" x2=\"" << num(x1) << "\" y2=\""
      << num(ey) << "\"/><line class=\"episode\" x1=\"" << num(x0) << "\" y1=\"" << num(ey - 4) << "\" x2=\"" << num(x0)
      << "\" y2=\"" << num(ey + 4) << "\"/><line class=\"episode\" x1=\"" << num(x1) << "\" y1=\"" << num(ey - 4)
      << "\" x2=\"" << num(x1) << "\" y2=\"" << num(ey + 4) << "\"/>";
    const double w = kCharWidth * static_cast<double>(text.size());
    const bool to_left = x1 + 6 + w > right;
    o << "<text class=\"episode-label\" x=\"" << num(to_left ? x0 - 6 : x1 + 6) << "\" y=\"" << num(ey + 4)
      << "\" text-anchor=\"" << (to_left ? "end" : "start") << "\">" << esc(text) << "</text>";
  }
  o << "</svg>\n";
}

// Sweep charts: one column per point; p99 fault-to-new-leader with the analytic bound, and the
// analytic safety margin, both coloured by verdict.
void sweep_svg(std::ostream& o, const Report& r, bool margin) {
  const double top = 30, bottom = 230, left = 70, right = kWidth - 20;
  const bool rotate = r.points.size() > 10;
  svg_open(o, rotate ? 330 : 280,
           margin ? "Analytic safety margin per sweep point" : "p99 fault-to-new-leader per sweep point");
  int64_t lo = 0, hi = 1;
  for (const PointReport& p : r.points) {
    if (!p.valid) continue;
    if (margin && p.analytic) {
      lo = std::min(lo, p.analytic->safety_margin.ns);
      hi = std::max(hi, p.analytic->safety_margin.ns);
    }
    if (!margin) {
      if (p.fault_to_leader) hi = std::max(hi, p.fault_to_leader->p99);
      if (p.analytic) hi = std::max(hi, p.analytic->failover_bound.ns);
    }
  }
  const int64_t step = nice(std::max<int64_t>((hi - lo) / 5, 1));
  lo = lo < 0 ? -((-lo + step - 1) / step) * step : 0;
  hi = (hi + step - 1) / step * step;
  const Scale y{static_cast<double>(lo), static_cast<double>(hi), bottom, top};
  for (int64_t v = lo; v <= hi; v += step)
    o << "<line class=\"" << (v == 0 ? "axis" : "grid") << "\" x1=\"" << num(left) << "\" y1=\""
      << num(y(static_cast<double>(v))) << "\" x2=\"" << num(right) << "\" y2=\"" << num(y(static_cast<double>(v)))
      << "\"/><text class=\"tick\" x=\"" << num(left - 6) << "\" y=\"" << num(y(static_cast<double>(v)) + 4)
      << "\" text-anchor=\"end\">" << tick_secs(v) << "</text>";
  o << "<text class=\"label\" x=\"14\" y=\"" << num((top + bottom) / 2) << "\" transform=\"rotate(-90 14 "
    << num((top + bottom) / 2) << ")\" text-anchor=\"middle\">"
    << (margin ? "safety margin (s)" : "fault to new leader (s)") << "</text>";
  const double band = (right - left) / static_cast<double>(r.points.size());
  for (const PointReport& p : r.points) {
    const double cx = left + band * (static_cast<double>(p.index) + 0.5);
    const std::string cls = !p.valid ? "invalid" : p.safe ? (r.fastest_safe == p.index ? "fastest" : "safe") : "unsafe";
    const std::string tip = "point " + std::to_string(p.index) + ": " + settings_text(p.settings) + ": " +
                            (!p.valid ? "invalid: " + p.error
                                      : (p.safe ? std::string("safe") : p.analytic ? std::string("not safe") : std::string("no bound")) +
                                            (p.fault_to_leader ? ", p99 " + s3(p.fault_to_leader->p99) : "") +
                                            (p.analytic ? ", margin " + s3(p.analytic->safety_margin) : ""));
    if (!p.valid) {
      o << "<text class=\"invalid-mark\" x=\"" << num(cx) << "\" y=\"" << num(y(0) - 4)
        << "\" text-anchor=\"middle\">x<title>" << esc(tip) << "</title></text>";
    } else if (margin && p.analytic) {
      const double y0 = y(0), y1 = y(static_cast<double>(p.analytic->safety_margin.ns));
      o << "<rect class=\"pt-" << cls << "\" x=\"" << num(cx - std::min(band * 0.3, 18.0)) << "\" y=\""
        << num(std::min(y0, y1)) << "\" width=\"" << num(std::min(band * 0.6, 36.0)) << "\" height=\""
        << num(std::max(std::abs(y1 - y0), 1.0)) << "\"><title>" << esc(tip) << "</title></rect>";
    } else if (!margin) {
      if (p.analytic)
        o << "<line class=\"bound\" x1=\"" << num(cx - 14) << "\" y1=\""
          << num(y(static_cast<double>(p.analytic->failover_bound.ns))) << "\" x2=\"" << num(cx + 14) << "\" y2=\""
          << num(y(static_cast<double>(p.analytic->failover_bound.ns))) << "\"><title>"
          << esc("analytic bound " + s3(p.analytic->failover_bound)) << "</title></line>";
      if (p.fault_to_leader)
        o << "<circle class=\"pt-" << cls << "\" cx=\"" << num(cx) << "\" cy=\""
          << num(y(static_cast<double>(p.fault_to_leader->p99))) << "\" r=\"6\"><title>" << esc(tip)
          << "</title></circle>";
    }
    const std::string label = short_settings(p.settings);
    if (rotate)
      o << "<text class=\"tick\" x=\"" << num(cx) << "\" y=\"" << num(bottom + 14)
        << "\" text-anchor=\"end\" transform=\"rotate(-40 " << num(cx) << " " << num(bottom + 14) << ")\">"
        << esc(label) << "</text>";
    else
      o << "<text class=\"tick\" x=\"" << num(cx) << "\" y=\"" << num(bottom + 16) << "\" text-anchor=\"middle\">"
        << esc(label) << "</text>";
  }
  std::string names;
  for (const std::string& n : r.sweep_parameters) names += (names.empty() ? "" : " / ") + n;
  o << "<text class=\"label\" x=\"" << num((left + right) / 2) << "\" y=\"" << num(rotate ? 320 : 266)
    << "\" text-anchor=\"middle\">" << esc(names) << "</text></svg>\n";
}

const char* kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;margin:24px auto;max-width:960px;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid #d8dce4;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}.meta{color:#5a6272;margin:0 0 16px}code{font:12.5px ui-monospace,Menlo,Consolas,monospace;background:#f2f4f8;padding:1px 4px;border-radius:3px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}.card{border:1px solid #d8dce4;border-radius:6px;padding:8px 12px;min-width:120px}
.card b{display:block;font-size:18px}.card span{color:#5a6272;font-size:12px}.bad b{color:#c0392b}.good b{color:#1e7d3a}
table{border-collapse:collapse;margin:8px 0 12px;font-size:13px}th,td{border:1px solid #d8dce4;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f2f4f8}td.n{text-align:right;font-variant-numeric:tabular-nums}.note{color:#8a5a00}
svg.chart{display:block;margin:6px 0 14px;font:12px system-ui,sans-serif;background:#fff}
.grid{stroke:#e6e9ef;stroke-width:1}.axis{stroke:#6b7280;stroke-width:1}.tick{fill:#4b5563;font-size:11px}.label{fill:#374151;font-size:12px}
.bar{fill:#3b6fb6}.cdf{fill:none;stroke:#3b6fb6;stroke-width:2}
.bound{stroke:#d62728;stroke-width:2.5}.bound-label{fill:#d62728;font-weight:600}
.pct{stroke:#6b7280;stroke-width:1.2;stroke-dasharray:4 3}.pct-label{fill:#374151}
.max{stroke:#111827;stroke-width:1.5}.max-label{fill:#111827;font-weight:600}
.fault-window{fill:#f5a623;fill-opacity:.16}.violation{fill:#d62728;fill-opacity:.3;stroke:#d62728;stroke-width:1}.fault-target{fill:#f5a623;fill-opacity:.35}
.fault-line{stroke:#e67e00;stroke-width:1.5;stroke-dasharray:5 3}.fault-label{fill:#a35400;font-size:11px}
.row-line{stroke:#eef0f4}.row-label{fill:#1d2330;font-size:12px}.lead{fill:#3b6fb6}.lead.open{fill:#6f9bd8}
.episode{stroke:#7b3fa0;stroke-width:1.5}.episode-label{fill:#7b3fa0;font-size:11px}
.pt-safe{fill:#2e9d4f}.pt-fastest{fill:#0b6e2a;stroke:#000;stroke-width:1.5}.pt-unsafe{fill:#d62728}.invalid-mark{fill:#9ca3af;font-size:16px;font-weight:700}
.legend span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:12px;height:12px;vertical-align:-1px;margin-right:4px}
)";

void card(std::ostream& o, const std::string& value, const std::string& caption, const char* cls = "") {
  o << "<div class=\"card " << cls << "\"><b>" << esc(value) << "</b><span>" << esc(caption) << "</span></div>";
}

std::string per_second(uint64_t count, int64_t ns) {
  return ns > 0 ? fixed_ratio(__int128(count) * 1000000000, ns, 3) : "0";
}

void percentile_row(std::ostream& o, const std::string& label, const std::optional<Percentiles>& p, uint64_t episodes) {
  o << "<tr><td>" << esc(label) << "</td><td class=\"n\">" << episodes << "</td>";
  if (!p) {
    o << "<td class=\"n\">-</td><td class=\"n\">-</td><td class=\"n\">-</td><td class=\"n\">-</td><td "
         "class=\"n\">-</td></tr>";
    return;
  }
  for (int64_t v : {p->min, p->p50, p->p90, p->p99, p->max}) o << "<td class=\"n\">" << s3(v) << "</td>";
  o << "</tr>";
}

// The analytic bounds and the failoverWithin bound a point was judged against, as sentences
// that end a paragraph.
void analytic_sentences(std::ostream& o, const PointReport& p) {
  if (p.analytic) {
    const AnalyticBounds& b = *p.analytic;
    o << " Analytic bounds (client-go spec section 5): fault to new leader &le; " << s3(b.crash_to_leader_max)
      << " after a crash, &le; " << s3(b.stop_to_leader_max) << " after a stop; " << p.over_analytic_bound << " of "
      << p.analytic_judged << " crash and stop episodes above their bound"
      << (p.analytic_judged < p.episodes ? " (other causes are not covered by the bounds)" : "") << ". Safety margin "
      << s3(b.safety_margin) << ": " << overlap_verdict(b)
      << (b.release_voids_safety ? " (releaseOnCancel: hazard 2.4a)" : "") << ".";
  }
  if (p.failover_within_ns)
    o << " failoverWithin bound applied: " << s3(*p.failover_within_ns) << (p.failover_within_auto ? " (analytic)" : "")
      << ".";
}

// Rates per hour of simulated time over the seeds, or of the one live run, and the requests
// by verb and result.
void cost_tables(std::ostream& o, const PointReport& p, bool live) {
  const int64_t sim = std::max<int64_t>(p.simulated_ns, 1);
  o << "<h3>Control-plane cost</h3>\n<p>Rates are " << (live ? kLiveRateBasis : kRateBasis) << " ("
    << s3(p.simulated_ns) << (live ? " in all" : " simulated in all")
    << "): a short scenario with one fault says little about a real hour.</p>\n"
    << "<table><tr><th>rate</th><th>value</th></tr>"
    << "<tr><td>leaderless time per hour</td><td class=\"n\">" << fixed_ratio(__int128(p.leaderless_ns) * 3600, sim, 3)
    << " s</td></tr><tr><td>holder changes per hour</td><td class=\"n\">"
    << fixed_ratio(__int128(p.holder_changes) * 3600000000000, sim, 3)
    << "</td></tr><tr><td>API writes per second (create, update, delete)</td><td class=\"n\">"
    << per_second(p.writes, p.simulated_ns) << "</td></tr><tr><td>API reads per second</td><td class=\"n\">"
    << per_second(p.reads, p.simulated_ns) << "</td></tr><tr><td>" << (live ? "time run" : "simulated time")
    << "</td><td class=\"n\">" << s3(p.simulated_ns)
    << "</td></tr></table>\n<table><tr><th>verb</th><th>result</th><th>requests</th></tr>";
  for (const ApiCount& c : p.api)
    o << "<tr><td>" << esc(c.verb) << "</td><td>" << esc(c.result) << "</td><td class=\"n\">" << c.count
      << "</td></tr>";
  o << "</table>\n";
}

void timeline_legend(std::ostream& o, const Timeline& t) {
  o << "<p class=\"legend\"><span><i class=\"sw\" style=\"background:#3b6fb6\"></i>acting leader</span>"
    << "<span><i class=\"sw\" style=\"background:#f5a623;opacity:.5\"></i>fault window</span>"
    << "<span><i class=\"sw\" style=\"background:#e67e00\"></i>fault</span>"
    << "<span><i class=\"sw\" style=\"background:#7b3fa0\"></i>failover episode</span>"
    << "<span><i class=\"sw\" style=\"background:#d62728;opacity:.4\"></i>violation</span></p>\n";
  if (t.hidden_processes)
    o << "<p>" << t.hidden_processes << " processes that never led and were not hit by a fault are not drawn.</p>\n";
  if (t.hidden_bars) o << "<p>" << t.hidden_bars << " more leaderships are not drawn.</p>\n";
}

void point_section(std::ostream& o, const Report& r, const PointReport& p) {
  const std::string id = "point-" + std::to_string(p.index);
  if (!r.sweep_parameters.empty())
    o << "<h2 id=\"" << id << "\">Point " << p.index << ": " << esc(settings_text(p.settings)) << "</h2>\n";
  else
    o << "<h2 id=\"" << id << "\">Failover timing</h2>\n";
  if (!p.valid) {
    o << "<p class=\"note\">Invalid setting, not run: " << esc(p.error) << "</p>\n";
    return;
  }
  o << "<div class=\"cards\">";
  card(o, std::to_string(p.seeds), "seeds");
  card(o, std::to_string(p.failed), "failed", p.failed ? "bad" : "good");
  card(o, std::to_string(p.episodes), "failover episodes");
  if (p.fault_to_leader) {
    card(o, s3(p.fault_to_leader->p50), "p50 fault to new leader");
    card(o, s3(p.fault_to_leader->p99), "p99 fault to new leader");
    card(o, s3(p.fault_to_leader->max), "max fault to new leader");
  }
  if (p.analytic)
    card(o, s3(p.analytic->failover_bound), p.analytic_judged ? "analytic bound" : "analytic bound (crash, stop)",
         p.over_analytic_bound ? "bad" : "");
  o << "</div>\n";
  if (p.fault_to_leader && p.fault_to_leader->count < kMinDistributionSamples) {
    o << "<p>Only " << p.fault_to_leader->count
      << " episodes: too few for a distribution; the table below lists them.</p>\n";
  } else if (p.fault_to_leader) {
    o << "<h3>Fault to new leader: histogram</h3>\n";
    histogram_svg(o, p);
    o << "<h3>Fault to new leader: cumulative distribution</h3>\n";
    cdf_svg(o, p);
  } else {
    o << "<p>No failover episode ended with a new leader, so there is no distribution to plot.</p>\n";
  }
  o << "<table><tr><th></th><th>episodes</th><th>min</th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr>";
  percentile_row(o, "fault to new leader", p.fault_to_leader, p.episodes);
  percentile_row(o, "leaderless gap", p.leaderless_gap, p.leaderless_gap ? p.leaderless_gap->count : 0);
  for (const CauseSummary& c : p.causes) percentile_row(o, "after " + c.cause, c.fault_to_leader, c.episodes);
  o << "</table>\n<p>Percentiles are nearest-rank over the exact nanosecond values; " << p.without_leader
    << " episodes had no new leader by the end of the run.";
  analytic_sentences(o, p);
  o << "</p>\n";
  cost_tables(o, p, false);
  if (p.identity) identity_report_html(o, *p.identity);
  if (p.nodes) node_report_html(o, *p.nodes);
  if (p.worst) {
    const WorstSeed& w = *p.worst;
    o << "<h3>Who led when: worst seed " << w.seed << "</h3>\n<p>" << esc(w.reason) << ". Replay: <code>"
      << esc(w.reproduce) << "</code></p>\n";
    if (w.recorded_trace_hash != w.rerun_trace_hash)
      o << "<p class=\"note\">Re-running seed " << w.seed << " gave trace hash " << esc(w.rerun_trace_hash)
        << ", the campaign recorded " << esc(w.recorded_trace_hash)
        << ": the records come from another leasesim build, and this timeline from this one.</p>\n";
    timeline_svg(o, w.timeline, "seed " + std::to_string(w.timeline.seed));
    timeline_legend(o, w.timeline);
  }
}

// The verdict first: PASS / FAIL over the seeds, SAFE / NOT SAFE with the margin and the
// tolerated ratio, the headline failover figures, the settings assumed; for a single failing
// run, what failed and its timeline.
void verdict_section(std::ostream& o, const Report& r) {
  const PointReport* lead = nullptr;
  for (const PointReport& p : r.points)
    if (p.valid && !lead) lead = &p;
  o << "<h2 id=\"verdict\">Verdict</h2>\n<div class=\"cards\">";
  card(o, r.failed ? "FAIL" : "PASS", seeds_verdict(r), r.failed ? "bad" : "good");
  if (r.sweep_parameters.empty() && lead) {
    const std::string word = safety_word(*lead);
    card(o, word, "analytic verdict", word == "SAFE" ? "good" : "bad");
    if (lead->analytic) {
      card(o, s3(lead->analytic->safety_margin), "safety margin", lead->analytic->safety_margin.ns > 0 ? "good" : "bad");
      card(o, fixed_ratio(lead->analytic->rate_ratio_limit_ppb / 100000, 10000, 4), "tolerated clock-rate ratio (<)");
    }
    if (lead->fault_to_leader) {
      card(o, s3(lead->fault_to_leader->p99), "p99 fault to new leader");
      card(o, s3(lead->fault_to_leader->max), "max fault to new leader");
    }
    if (lead->analytic) card(o, s3(lead->analytic->crash_to_leader_max), "analytic bound after a crash");
  } else if (lead) {
    size_t safe = 0, valid = 0;
    for (const PointReport& p : r.points) {
      valid += p.valid;
      safe += p.safe;
    }
    card(o, std::to_string(safe) + " of " + std::to_string(valid), "points SAFE", safe ? "good" : "bad");
  }
  o << "</div>\n";
  if (r.sweep_parameters.empty() && lead)
    o << "<p><b>" << esc(safety_verdict(*lead)) << "</b>.</p>\n<p>Failover: " << esc(failover_headline(*lead))
      << ".</p>\n";
  if (r.runs == 1 && r.failed && lead) {
    o << "<h3>What failed</h3>\n<ul>";
    for (const ViolationRow& v : r.violations)
      o << "<li><b>" << esc(v.property) << "</b>" << (v.expected ? " (expected)" : "") << " at " << s3(v.at_ns) << ": "
        << esc(v.message) << "</li>";
    o << "</ul>\n";
    if (lead->worst) timeline_svg(o, lead->worst->timeline, "seed " + std::to_string(lead->worst->timeline.seed));
  }
  if (lead) {
    o << "<h3>Settings assumed" << (r.sweep_parameters.empty() ? "" : " (point " + std::to_string(lead->index) + "; the swept parameters vary)")
      << "</h3>\n<table>";
    for (const auto& [topic, text] : lead->assumed)
      o << "<tr><th>" << esc(topic) << "</th><td>" << esc(text) << "</td></tr>";
    o << "</table>\n";
  }
}

// One live run (`serve`): the verdict with its warnings first, then the run's own timeline, its
// failovers one by one (a sample of one has no percentiles), its processes, its cost and its
// violations. Nothing here offers a seed or a replay command: nothing replays a live run.
std::string live_html(const Report& r) {
  const LiveSummary& live = *r.live;
  const PointReport& p = r.points.front();
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    << "<title>leasesim live report: " << esc(r.scenario_name) << "</title><style>" << kStyle
    << "</style></head><body>\n";
  o << "<h1>leasesim live report: " << esc(r.scenario_name) << "</h1>\n<p class=\"meta\">Scenario <code>"
    << esc(r.scenario_file.empty() ? "(built in)" : r.scenario_file) << "</code>, hash <code>" << esc(r.scenario_hash)
    << "</code>. <b>One live run</b> of " << s3(p.simulated_ns) << (live.interrupted ? " (interrupted)" : "") << ": "
    << esc(kLiveCovers) << ". Times are seconds of the wall clock from the start of serving. Trace hash <code>"
    << esc(live.trace_hash) << "</code> (real time: it differs from run to run).</p>\n";
  o << "<h2 id=\"verdict\">Verdict</h2>\n<div class=\"cards\">";
  card(o, r.failed ? "FAIL" : "PASS", seeds_verdict(r), r.failed ? "bad" : "good");
  card(o, std::to_string(live.warnings.size()), live.warnings.size() == 1 ? "warning" : "warnings",
       live.warnings.empty() ? "good" : "bad");
  card(o, std::to_string(p.episodes), p.episodes == 1 ? "failover" : "failovers");
  if (p.fault_to_leader) card(o, s3(p.fault_to_leader->max), "slowest fault to new leader");
  if (p.analytic) {
    const std::string word = safety_word(p);
    card(o, word, "analytic verdict", word == "SAFE" ? "good" : "bad");
    card(o, s3(p.analytic->crash_to_leader_max), "analytic bound after a crash");
  }
  o << "</div>\n";
  if (p.analytic)
    o << "<p><b>" << esc(safety_verdict(p)) << "</b>.</p>\n";
  else
    o << "<p>No analytic bound for these models (real programs): the verdict rests on what the processes reported "
         "in this run.</p>\n";
  o << "<p>Failover: " << esc(failover_headline(p, true)) << ".</p>\n";
  if (live.warnings.empty()) {
    o << "<p>Warnings: none.</p>\n";
  } else {
    o << "<h3>Warnings</h3>\n<p class=\"note\">What this run could not do; a PASS does not cover them.</p>\n<ul>";
    for (const std::string& w : live.warnings) o << "<li>" << esc(w) << "</li>";
    o << "</ul>\n";
  }
  if (r.failed && !r.violations.empty()) {
    o << "<h3>What failed</h3>\n<ul>";
    for (const ViolationRow& v : r.violations)
      o << "<li><b>" << esc(v.property) << "</b>" << (v.expected ? " (expected)" : "") << " at " << s3(v.at_ns) << ": "
        << esc(v.message) << "</li>";
    o << "</ul>\n";
  }
  o << "<h3>Settings assumed</h3>\n<table>";
  for (const auto& [topic, text] : p.assumed) o << "<tr><th>" << esc(topic) << "</th><td>" << esc(text) << "</td></tr>";
  o << "</table>\n<h2 id=\"timeline\">Who led when</h2>\n";
  if (p.worst) {
    timeline_svg(o, p.worst->timeline, "the live run");
    timeline_legend(o, p.worst->timeline);
  }
  o << "<h2 id=\"failovers\">Failovers</h2>\n";
  if (!p.worst || p.worst->timeline.failovers.empty()) {
    o << "<p>None: no fault struck an acting leader in this run.";
  } else {
    o << "<table><tr><th>lease</th><th>cause</th><th>fault at</th><th>from</th><th>new leader</th><th>at</th>"
         "<th>fault to new leader</th><th>leaderless gap</th></tr>";
    for (const RecordedFailover& f : p.worst->timeline.failovers)
      o << "<tr><td>" << esc(f.lease) << "</td><td>" << esc(f.cause) << "</td><td class=\"n\">" << s3(f.fault_at_ns)
        << "</td><td>" << esc(f.from) << "</td><td>" << (f.to.empty() ? "none by the end of the run" : esc(f.to))
        << "</td><td class=\"n\">" << (f.new_leader_at_ns ? s3(*f.new_leader_at_ns) : "-") << "</td><td class=\"n\">"
        << (f.fault_to_leader_ns ? s3(*f.fault_to_leader_ns) : "-") << "</td><td class=\"n\">"
        << (f.leaderless_gap_ns ? s3(*f.leaderless_gap_ns) : "-") << "</td></tr>";
    o << "</table>\n<p>Each row is one episode of this run, not a distribution.";
  }
  if (!p.analytic) o << " No analytic bound for this scenario's models.";
  analytic_sentences(o, p);
  o << "</p>\n<h2 id=\"processes\">Processes</h2>\n<table><tr><th>process</th><th>starts</th><th>exits</th>"
       "<th>log</th></tr>";
  for (const LiveProcessRow& proc : live.processes) {
    std::string exits;
    for (const std::string& e : proc.exits) exits += (exits.empty() ? "" : "; ") + e;
    o << "<tr><td>" << esc(proc.name) << "</td><td class=\"n\">" << proc.starts << "</td><td>"
      << esc(exits.empty() ? "-" : exits) << "</td><td><code>" << esc(proc.log) << "</code></td></tr>";
  }
  o << "</table>\n";
  cost_tables(o, p, true);
  o << "<h2 id=\"violations\">Violations</h2>\n";
  if (r.violations.empty()) {
    o << "<p>None in this run.</p>\n";
  } else {
    o << "<table><tr><th>property</th><th>at</th><th>message</th></tr>";
    for (const ViolationRow& v : r.violations)
      o << "<tr><td>" << esc(v.property) << (v.expected ? " (expected)" : "")
        << (v.count > 1 ? " &times;" + std::to_string(v.count) : "") << "</td><td class=\"n\">" << s3(v.at_ns)
        << "</td><td>" << esc(v.message) << "</td></tr>";
    o << "</table>\n";
  }
  o << "<p class=\"meta\">Generated by leasesim serve from one live run; real scheduling decided its "
       "interleavings, so no command replays it. Reproducible answers come from run, campaign and check on the "
       "simulated models.</p>\n</body></html>\n";
  return o.str();
}

}  // namespace

std::string report_html(const Report& r) {
  if (r.live) return live_html(r);
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    << "<title>leasesim report: " << esc(r.scenario_name) << "</title><style>" << kStyle << "</style></head><body>\n";
  o << "<h1>leasesim report: " << esc(r.scenario_name) << "</h1>\n<p class=\"meta\">Scenario <code>"
    << esc(r.scenario_file.empty() ? "(built in)" : r.scenario_file) << "</code>, hash <code>" << esc(r.scenario_hash)
    << "</code>. " << r.runs << " runs over seeds ";
  for (size_t i = 0; i < r.seed_ranges.size() && i < 6; ++i)
    o << (i ? ", " : "") << r.seed_ranges[i].first
      << (r.seed_ranges[i].second != r.seed_ranges[i].first ? "&ndash;" + std::to_string(r.seed_ranges[i].second) : "");
  if (r.seed_ranges.size() > 6) o << ", &hellip; (" << r.seed_ranges.size() << " ranges)";
  o << ": " << (r.runs - r.failed) << " passed, <b>" << r.failed
    << " failed</b>. Times are seconds of simulated true time.</p>\n";
  verdict_section(o, r);

  if (!r.sweep_parameters.empty()) {
    o << "<h2 id=\"sweep\">Sweep</h2>\n<p>A point is <b>safe</b> when no seed failed and the analytic bounds rule out "
         "overlap (client-go spec section 5). ";
    if (r.fastest_safe)
      o << "Fastest safe setting (smallest p99 fault to new leader): <b>"
        << esc(settings_text(r.points[*r.fastest_safe].settings)) << "</b> (point " << *r.fastest_safe << ").";
    else
      o << "<b>No setting is safe.</b>";
    o << "</p>\n<h3>p99 fault to new leader (dots) and analytic bound (red)</h3>\n";
    sweep_svg(o, r, false);
    o << "<h3>Analytic safety margin</h3>\n";
    sweep_svg(o, r, true);
    o << "<p class=\"legend\"><span><i class=\"sw\" style=\"background:#0b6e2a\"></i>fastest safe</span>"
      << "<span><i class=\"sw\" style=\"background:#2e9d4f\"></i>safe</span>"
      << "<span><i class=\"sw\" style=\"background:#d62728\"></i>not safe</span><span>x invalid</span></p>\n";
    o << "<table><tr><th>point</th><th>settings</th><th>seeds</th><th>failed</th><th>p99</th><th>max</th>"
         "<th>analytic bound</th><th>safety margin</th><th>verdict</th></tr>";
    for (const PointReport& p : r.points) {
      o << "<tr><td class=\"n\"><a href=\"#point-" << p.index << "\">" << p.index << "</a></td><td>"
        << esc(settings_text(p.settings)) << "</td>";
      if (!p.valid) {
        o << "<td colspan=\"7\">invalid: " << esc(p.error) << "</td></tr>";
        continue;
      }
      o << "<td class=\"n\">" << p.seeds << "</td><td class=\"n\">" << p.failed << "</td><td class=\"n\">"
        << (p.fault_to_leader ? s3(p.fault_to_leader->p99) : "-") << "</td><td class=\"n\">"
        << (p.fault_to_leader ? s3(p.fault_to_leader->max) : "-") << "</td><td class=\"n\">"
        << (p.analytic ? s3(p.analytic->failover_bound) : "-") << "</td><td class=\"n\">"
        << (p.analytic ? s3(p.analytic->safety_margin) : "-") << "</td><td>"
        << (p.safe ? (r.fastest_safe == p.index ? "<b>fastest safe</b>" : "safe") : p.analytic ? "not safe" : "no bound")
        << "</td></tr>";
    }
    o << "</table>\n";
  }
  for (const PointReport& p : r.points) point_section(o, r, p);

  o << "<h2 id=\"violations\">Violations</h2>\n";
  if (r.violations.empty()) {
    o << "<p>None in any seed.</p>\n";
  } else {
    o << "<table><tr>" << (r.sweep_parameters.empty() ? "" : "<th>point</th>")
      << "<th>seed</th><th>property</th><th>at</th><th>message</th><th>replay</th></tr>";
    size_t shown = 0;
    for (const ViolationRow& v : r.violations) {
      if (++shown > 200) break;
      o << "<tr>" << (r.sweep_parameters.empty() ? "" : "<td class=\"n\">" + std::to_string(v.point) + "</td>")
        << "<td class=\"n\">" << v.seed << "</td><td>" << esc(v.property) << (v.expected ? " (expected)" : "")
        << (v.count > 1 ? " &times;" + std::to_string(v.count) : "") << "</td><td class=\"n\">" << s3(v.at_ns)
        << "</td><td>" << esc(v.message) << "</td><td><code>" << esc(v.reproduce) << "</code></td></tr>";
    }
    o << "</table>\n";
    if (r.violations.size() > 200) o << "<p>" << (r.violations.size() - 200) << " more rows in report.json.</p>\n";
  }
  o << "<p class=\"meta\">Generated by leasesim from " << r.runs
    << " deterministic runs; every number here is reproducible from the replay commands.</p>\n</body></html>\n";
  return o.str();
}

}  // namespace leasesim
