// history_builders.h: small helpers shared by the property tests to write Scenarios and
// Histories by hand, in milliseconds of true time.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "sim/history.h"
#include "sim/scenario.h"

namespace leasesim {

// Prints instants as seconds in failure messages (found by ADL, so it lives in leasesim).
inline void PrintTo(const TrueInstant& t, std::ostream* os) { *os << format_seconds(t.ns) << "s"; }

namespace testing_history {

inline TrueInstant ms(int64_t v) { return TrueInstant(milliseconds(v).ns); }
inline TrueInstant sec(int64_t v) { return TrueInstant(seconds(v).ns); }

// Processes "a", "b", "c", ... (tutorial electors) on lease "default/x"; "default/y" exists too,
// elected by nobody unless `on_y` lists process indexes that elect it instead.
inline Scenario scenario_with(uint32_t processes, std::vector<uint32_t> on_y = {}) {
  Scenario s;
  s.name = "hand-built";
  const LeaseId x = s.lease_id("default/x");
  const LeaseId y = s.lease_id("default/y");
  for (uint32_t i = 0; i < processes; ++i) {
    ProcessSpec p;
    p.name = std::string(1, static_cast<char>('a' + i));
    p.identity = p.name;
    p.model = TutorialConfig{};
    p.lease = x;
    for (uint32_t j : on_y)
      if (j == i) p.lease = y;
    s.processes.push_back(p);
  }
  return s;
}

inline Leadership lead(uint32_t proc, TrueInstant start, std::optional<TrueInstant> end, LeaseId lease = 0,
                       std::string cause = "", uint64_t start_rv = 0) {
  Leadership l;
  l.proc = proc;
  l.lease = lease;
  l.start = start;
  l.end = end;
  l.end_cause = cause.empty() && end ? "notRenewed" : std::move(cause);
  l.start_rv = start_rv;
  return l;
}

inline LeaseSpec spec(std::optional<std::string> holder, std::optional<int32_t> transitions) {
  LeaseSpec s;
  s.holder_identity = std::move(holder);
  s.lease_transitions = transitions;
  s.lease_duration_seconds = 30;
  return s;
}

inline LeaseWrite write(TrueInstant t, uint32_t proc, std::optional<LeaseSpec> before, std::optional<LeaseSpec> after,
                        uint64_t rv = 0, LeaseId lease = 0) {
  LeaseWrite w;
  w.t = t;
  w.lease = lease;
  w.proc = proc;
  w.verb = !before ? Verb::Create : (!after ? Verb::Delete : Verb::Update);
  w.rv = rv;
  w.before = std::move(before);
  w.after = std::move(after);
  return w;
}

// Appends a process fault to the scenario and returns its index.
inline uint32_t add_fault(Scenario& s, FaultType type, TrueInstant at, std::optional<Duration> window = std::nullopt,
                          uint32_t target = 0) {
  FaultSpec f;
  f.type = type;
  f.at = Duration(at.ns);
  f.for_ = window;
  f.target = FaultTarget{FaultTarget::Kind::Process, target};
  s.faults.push_back(f);
  return static_cast<uint32_t>(s.faults.size() - 1);
}

// The record the World writes when that fault starts and hits `hits` (lease, proc) leaders.
inline FaultRecord struck(uint32_t index, TrueInstant t, std::optional<uint32_t> target,
                          std::vector<std::pair<LeaseId, uint32_t>> hits) {
  FaultRecord r;
  r.t = t;
  r.index = index;
  r.target = target;
  r.acting_leaders_hit = std::move(hits);
  return r;
}

}  // namespace testing_history
}  // namespace leasesim
