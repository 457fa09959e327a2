// advise_terms.cc: see advise_terms.h.
#include "cli/advise_terms.h"

#include <sstream>

#include "model/client_go_config.h"

namespace leasesim {
namespace {

std::optional<Duration> duration_flag(const std::string& flag, const std::string& text,
                                      std::vector<std::string>* problems) {
  std::string problem;
  const std::optional<Duration> d = parse_duration(text, false, &problem);
  if (!d) {
    problems->push_back(flag + " " + text + ": " + problem);
    return std::nullopt;
  }
  if (d->ns <= 0) {
    problems->push_back(flag + " " + text + ": must be greater than zero");
    return std::nullopt;
  }
  return d;
}

// Seconds as a duration string the scenario loader reads back exactly ("15s", "1.5s", "300ms").
std::string dur(Duration d) { return format_duration(d); }

}  // namespace

std::string drift_rate_text(int64_t ppm) {
  const int64_t whole = 1 + ppm / 1000000;
  std::string frac = std::to_string(ppm % 1000000);
  frac.insert(0, 6 - frac.size(), '0');
  while (frac.size() > 1 && frac.back() == '0') frac.pop_back();
  return std::to_string(whole) + "." + frac;
}

std::optional<AdviseTerms> parse_advise_terms(const AdviseTermsInput& in, std::vector<std::string>* problems) {
  AdviseTerms t;
  const size_t before = problems->size();
  const auto ld = duration_flag("--lease-duration", in.lease_duration, problems);
  const auto rd = duration_flag("--renew-deadline", in.renew_deadline, problems);
  const auto rp = duration_flag("--retry-period", in.retry_period, problems);
  if (in.replicas < 2 || in.replicas > 100)
    problems->push_back("--replicas " + std::to_string(in.replicas) +
                        ": between 2 and 100 (a failover needs a leader and at least one standby)");
  // Drift: a whole number of parts per million, "500ppm" (the standbys run fast by this much).
  const std::string& drift = in.clock_drift;
  const size_t unit = drift.size() >= 3 ? drift.size() - 3 : std::string::npos;
  const std::string digits = unit == std::string::npos ? "" : drift.substr(0, unit);
  if (unit == std::string::npos || drift.compare(unit, 3, "ppm") != 0 || digits.empty() || digits.size() > 7 ||
      digits.find_first_not_of("0123456789") != std::string::npos) {
    problems->push_back("--clock-drift " + drift + ": expected whole parts per million, e.g. 500ppm (0ppm to 9000000ppm)");
  } else if (std::stoll(digits) > 9000000) {
    // A clock rate of 1 + drift, and scenario clock rates stop at 10.
    problems->push_back("--clock-drift " + drift + ": at most 9000000ppm (a clock ten times as fast)");
  } else {
    t.drift_ppm = std::stoll(digits);
  }
  // Latency: MIN-MAX, one-way (each request and each response draws from it).
  const size_t dash = in.latency.find('-');
  if (dash == std::string::npos) {
    problems->push_back("--latency " + in.latency + ": expected MIN-MAX one-way latency, e.g. 1ms-300ms");
  } else {
    std::string problem;
    const auto lo = parse_duration(in.latency.substr(0, dash), false, &problem);
    const auto hi = lo ? parse_duration(in.latency.substr(dash + 1), false, &problem) : std::nullopt;
    if (!lo || !hi)
      problems->push_back("--latency " + in.latency + ": " + problem);
    else if (lo->ns <= 0 || *hi < *lo)
      problems->push_back("--latency " + in.latency + ": need 0 < MIN <= MAX");
    else
      t.latency = {*lo, *hi};
  }
  // Each scenario advise writes lasts a few lease durations, and the latency is compared with
  // them: past these limits nothing it could run would mean anything (or fit a scenario).
  if (ld && *ld > hours(24))
    problems->push_back("--lease-duration " + in.lease_duration +
                        ": at most 24h (advise simulates several lease durations per scenario)");
  if (ld && t.latency.max > *ld)
    problems->push_back("--latency " + in.latency + ": MAX is longer than --lease-duration " + in.lease_duration +
                        ": no renewal could ever succeed, so there is no failover or safety margin to advise on");
  if (ld && rd && rp) {
    ClientGoConfig c;
    c.lease_duration = *ld;
    c.renew_deadline = *rd;
    c.retry_period = *rp;
    c.release_on_cancel = in.release_on_cancel;
    if (const auto e = validate(c)) problems->push_back("client-go config: " + e->message);
    t.lease_duration = *ld;
    t.renew_deadline = *rd;
    t.retry_period = *rp;
  }
  t.replicas = in.replicas;
  t.release_on_cancel = in.release_on_cancel;
  if (problems->size() != before) return std::nullopt;
  return t;
}

std::vector<std::pair<std::string, std::string>> advise_scenarios(const AdviseTerms& t) {
  const std::string config = "{leaseDuration: " + dur(t.lease_duration) + ", renewDeadline: " + dur(t.renew_deadline) +
                             ", retryPeriod: " + dur(t.retry_period) +
                             ", releaseOnCancel: " + (t.release_on_cancel ? "true" : "false") + "}";
  const std::string latency = "{min: " + dur(t.latency.min) + ", max: " + dur(t.latency.max) + "}";
  const Duration fault_at = seconds(30);
  const Duration cut = t.lease_duration * 2;
  // Long enough for the fault, a full takeover at the slowest, and a settled new leader.
  const Duration settle = (t.lease_duration + t.renew_deadline + t.retry_period) * 2 + seconds(30);
  auto whole_seconds = [](Duration d) { return seconds((d.ns + seconds(1).ns - 1) / seconds(1).ns); };

  auto scenario = [&](const std::string& name, const std::string& why, uint32_t standbys, const std::string& rate,
                      const std::string& fault, Duration duration, bool failover, const std::string& cfg) {
    std::ostringstream y;
    y << "# Written by `leasesim advise`: " << why << "\n"
      << "apiVersion: leasesim/v1alpha1\nkind: Scenario\nmetadata:\n  name: advise-" << name
      << "\n  description: \"" << why << "\"\nspec:\n  seed: 1\n  duration: " << dur(whole_seconds(duration))
      << "\n  apiServer:\n    latency: " << latency << "\n  processes:\n"
      << "    - {name: first, model: client-go-elector, lease: kube-system/advise, config: " << cfg << "}\n"
      << "    - name: standby\n      count: " << standbys
      << "\n      model: client-go-elector\n      lease: kube-system/advise\n      start: 1s\n      config: " << cfg
      << "\n      clock: {offset: 0s, rate: " << rate << "}\n"
      << "  faults:\n" << fault << "  properties:\n    singleLeader: true\n    transitionsMatch: true\n";
    if (failover) y << "    failoverWithin: auto\n";
    return std::make_pair(name, y.str());
  };
  const uint32_t standbys = t.replicas - 1;
  auto cut_at = [&](Duration at) {
    return "    - {at: " + dur(at) + ", for: " + dur(cut) + ", type: partition, target: leader, direction: both}\n";
  };
  std::vector<std::pair<std::string, std::string>> out;
  out.push_back(scenario("crash", "the acting leader crashes (SIGKILL) at 30s", standbys, "1.0",
                         "    - {at: 30s, type: crash, target: leader}\n", fault_at + settle, true, config));
  out.push_back(scenario("stop", "the acting leader is stopped (SIGTERM) at 30s", standbys, "1.0",
                         "    - {at: 30s, type: stop, target: leader}\n", fault_at + settle, true, config));
  out.push_back(scenario("partition", "the acting leader is cut off from the API server at 30s", standbys, "1.0",
                         cut_at(fault_at), fault_at + cut + settle, true, config));
  // The drift scenario gives the overlap many chances in one run: kDriftGroups independent
  // leases, each with a leader ("gK-first", exact clock, starting first) and its own drifting
  // standbys, each leader cut off at its own instant. An overlap needs a candidate to see the
  // leader's last renewal soon after it committed, which one cut in a few hundred offers.
  constexpr int kDriftGroups = 10;
  {
    std::ostringstream y;
    y << "# Written by `leasesim advise`: " << kDriftGroups << " leases, each leader cut off once while its standbys' "
      << "clocks run fast by " << t.drift_ppm << "ppm\napiVersion: leasesim/v1alpha1\nkind: Scenario\nmetadata:\n"
      << "  name: advise-drift\n  description: \"Each lease's leader is cut off while its standbys' clocks run fast by "
      << t.drift_ppm << "ppm\"\nspec:\n  seed: 1\n  duration: " << dur(whole_seconds(fault_at + cut + settle + seconds(2)))
      << "\n  apiServer:\n    latency: " << latency << "\n  processes:\n";
    for (int g = 0; g < kDriftGroups; ++g) {
      const std::string lease = "kube-system/advise-" + std::to_string(g);
      y << "    - {name: g" << g << "-first, model: client-go-elector, lease: " << lease << ", config: " << config << "}\n"
        << "    - name: g" << g << "-standby\n      count: " << standbys << "\n      model: client-go-elector\n      lease: "
        << lease << "\n      start: 1s\n      config: " << config << "\n      clock: {offset: 0s, rate: "
        << drift_rate_text(t.drift_ppm) << "}\n";
    }
    y << "  faults:\n";
    for (int g = 0; g < kDriftGroups; ++g)
      y << "    - {at: " << dur(fault_at + milliseconds(173) * g) << ", for: " << dur(cut) << ", type: partition, target: g"
        << g << "-first, direction: both}\n";
    y << "  properties:\n    singleLeader: true\n    transitionsMatch: true\n    failoverWithin: auto\n";
    out.emplace_back("drift", y.str());
  }
  // The bounded check: one cut with one standby, small enough to search.
  const Duration check_horizon = seconds(5) + t.lease_duration + t.renew_deadline + t.retry_period * 2 + seconds(2);
  out.push_back(scenario("check", "one cut of the leader with one drifting standby, small enough for a bounded check",
                         1, drift_rate_text(t.drift_ppm), cut_at(seconds(5)), check_horizon, false, config));
  return out;
}

}  // namespace leasesim
