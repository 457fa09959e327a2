// candidate_trace.cc: see candidate_trace.h.
#include "sim/candidate_trace.h"

namespace leasesim {

std::string candidate_object_name(const ApiRequest& request) {
  if (request.verb == Verb::List) return "leasecandidates";
  const Name& name = request.candidate_body ? request.candidate_body->name : request.candidate_name;
  return "leasecandidates/" + name.str();
}

void trace_candidate_write(const Scenario& scenario, TrueInstant now, const std::string& proc, const ApiRequest& request,
                           const ApiOutcome& outcome, uint64_t rv, bool late, Trace* trace) {
  if (!trace) return;
  TraceLine line = trace->line(now, "leaseCandidate");
  line.str("object", candidate_object_name(request)).str("proc", proc).str("verb", verb_name(request.verb)).unum("rv", rv);
  if (const auto& c = outcome.candidate_after) {
    line.str("lease", scenario.lease_keys.at(c->lease));
    if (c->ping_time) line.str("pingTime", format_rfc3339_micro(*c->ping_time)); else line.null("pingTime");
    if (c->renew_time) line.str("renewTime", format_rfc3339_micro(*c->renew_time)); else line.null("renewTime");
    line.str("binaryVersion", c->binary_version.str()).str("emulationVersion", c->emulation_version.str());
  } else {
    line.boolean("deleted", true);
  }
  line.boolean("late", late);
  line.end();
}

void hash_candidate_flight(StateHasher& h, const ApiRequest& request, const ApiResponse& response, const HashFrame& frame) {
  hash_name(h, request.candidate_name);
  h.u64(static_cast<uint64_t>(request.candidate_body.has_value()) | (static_cast<uint64_t>(response.candidate.has_value()) << 1) |
        (static_cast<uint64_t>(response.candidates.size()) << 2));
  if (request.candidate_body) request.candidate_body->hash_into(h, frame);
  if (response.candidate) response.candidate->hash_into(h, frame);
  for (const LeaseCandidate& c : response.candidates) c.hash_into(h, frame);
}

}  // namespace leasesim
