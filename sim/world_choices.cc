// world_choices.cc: what each of the World's choices decides, in words (see world.h and
// sim/chooser.h). These words are the labels of replay entries ("latency 5ms (response to b's
// update #7)"); docs/trace-format.md lists every form. They are built only when a Chooser asks
// (a replay being written or checked), never on the explorer's hot path.
#include <string>

#include "sim/world.h"

namespace leasesim {

// A subject packs its kind in the top byte and its data below: a request's slot, or a process
// and a timer id.
ChoiceSubject WorldCore::subject(Subject kind, uint64_t data) const {
  return ChoiceSubject(&WorldCore::describe_choice, this, (static_cast<uint64_t>(kind) << 56) | data);
}

std::string WorldCore::describe_choice(const void* core, uint64_t what, int64_t alternative) {
  const WorldCore& w = *static_cast<const WorldCore*>(core);
  const uint64_t data = what & ((uint64_t{1} << 56) - 1);
  switch (static_cast<Subject>(what >> 56)) {
    case Subject::Tie:
      // The alternative is an index into the events due now; it names the one that goes first.
      if (alternative < 0 || static_cast<size_t>(alternative) >= w.ready_.size()) return "first: ?";
      return "first: " + w.describe_event(w.ready_[static_cast<size_t>(alternative)]);
    case Subject::RequestLeg:
      return w.describe_call(static_cast<uint32_t>(data)) + " to the server";
    case Subject::ResponseLeg:
      return "response to " + w.describe_call(static_cast<uint32_t>(data));
    case Subject::Timer: {
      const uint32_t p = static_cast<uint32_t>(data & 0xffffffffu);
      return w.scenario_->processes.at(p).name + "'s timer " + std::to_string(data >> 32);
    }
    case Subject::WatchLeg:
      return "watch event to " + w.scenario_->processes.at(static_cast<uint32_t>(data)).name;
    case Subject::Fault: {
      if (alternative == 0) return "none strikes";
      const auto& candidates = w.scenario_->explore.faults.candidates;
      if (alternative < 0 || static_cast<size_t>(alternative) > candidates.size()) return "?";
      const FaultSpec& f = candidates[static_cast<size_t>(alternative - 1)];
      std::string text = fault_type_name(f.type);
      if (f.target.kind == FaultTarget::Kind::Leader) text += " of the leader";
      else if (f.target.kind == FaultTarget::Kind::Process) text += " of " + w.scenario_->processes.at(f.target.process).name;
      return text + " strikes";
    }
  }
  return "?";
}

// "b's update #7": the process, the verb and the process's call number.
std::string WorldCore::describe_call(uint32_t slot) const {
  if (slot >= slots_.size() || !slots_[slot].flight) return "a finished call";
  const InFlight& f = *slots_[slot].flight;
  return scenario_->processes.at(f.proc).name + "'s " + verb_name(f.request.verb) + " #" + std::to_string(f.call);
}

std::string WorldCore::describe_event(const Event& e) const {
  const auto name = [&]() -> const std::string& { return scenario_->processes.at(e.proc).name; };
  // A request's events name it by its slot while it is in flight; a stale one (its request
  // finished) says so.
  const auto call = [&]() {
    const uint32_t slot = static_cast<uint32_t>(e.a & 0xffffffffu);
    const bool current = slot < slots_.size() && slots_[slot].flight && slots_[slot].generation == (e.a >> 32);
    return current ? describe_call(slot) : name() + "'s finished call";
  };
  switch (e.kind) {
    case EventKind::ProcessStart: return name() + " starts";
    case EventKind::Timer: return name() + "'s timer " + std::to_string(e.a);
    case EventKind::RequestArrive: return call() + " arrives at the server";
    case EventKind::ResponseArrive: return "response to " + call();
    case EventKind::ClientTimeout: return name() + " stops waiting for " + call();
    case EventKind::FaultStart: return std::string(fault_type_name(fault_spec(static_cast<uint32_t>(e.a)).type)) +
                                       " (fault " + std::to_string(e.a) + ") starts";
    case EventKind::FaultEnd: return std::string(fault_type_name(fault_spec(static_cast<uint32_t>(e.a)).type)) +
                                     " (fault " + std::to_string(e.a) + ") ends";
    case EventKind::FaultPoint: return "fault point " + std::to_string(e.a);
    case EventKind::StopRequest: return name() + " handles its stop";
    case EventKind::QuiesceEnd: return name() + "'s work winds down";
    case EventKind::WatchDeliver: return "a watch event reaches " + name();
  }
  return "?";
}

}  // namespace leasesim
