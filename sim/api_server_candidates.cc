// api_server_candidates.cc: the LeaseCandidate half of the simulated API server (see
// api_server.h; docs/models/coordinated-election.md section 2).
#include <algorithm>

#include "core/check.h"
#include "sim/api_server.h"

namespace leasesim {
namespace {

ApiOutcome failed(const ApiRequest& request, ApiResult result, std::string message) {
  ApiOutcome out;
  out.response.tag = request.tag;
  out.response.verb = request.verb;
  out.response.result = result;
  out.response.message = std::move(message);
  return out;
}

std::string candidate_key(const Name& name) { return "leasecandidates.coordination.k8s.io \"" + name.str() + "\""; }

// The v1beta1 LeaseCandidate validation (pkg/apis/coordination/validation, ValidateLeaseCandidateSpec):
// the versions a candidate must publish and the strategy it must name.
std::optional<std::string> validate_candidate(const LeaseCandidate& c) {
  if (c.name.empty()) return "metadata.name: Required value: name or generateName is required";
  if (c.binary_version.empty()) return "spec.binaryVersion: Required value: must be specified";
  const auto binary = parse_semver(c.binary_version);
  if (!binary) return "spec.binaryVersion: Invalid value: \"" + c.binary_version.str() + "\": must be a semantic version";
  if (!c.emulation_version.empty()) {
    const auto emulation = parse_semver(c.emulation_version);
    if (!emulation)
      return "spec.emulationVersion: Invalid value: \"" + c.emulation_version.str() + "\": must be a semantic version";
    if (*binary < *emulation)
      return "spec.emulationVersion: Invalid value: \"" + c.emulation_version.str() +
             "\": must be less than or equal to binaryVersion";
  }
  if (c.strategy.empty()) return "spec.strategy: Required value: must be specified";
  if (c.strategy == kOldestEmulationVersion && c.emulation_version.empty())
    return "spec.emulationVersion: Required value: must be specified when strategy is \"OldestEmulationVersion\"";
  return std::nullopt;
}

}  // namespace

const std::vector<LeaseCandidate>& ApiServer::candidates() const {
  static const std::vector<LeaseCandidate>* const none = new std::vector<LeaseCandidate>;  // never destroyed
  return candidates_ ? *candidates_ : *none;
}

ApiOutcome ApiServer::handle_candidate(const ApiRequest& request) {
  const std::vector<LeaseCandidate>& all = candidates();
  if (request.verb == Verb::List) {
    ApiOutcome out;
    out.response.tag = request.tag;
    out.response.verb = request.verb;
    out.response.candidates = all;
    return out;
  }
  const bool has_body = request.verb == Verb::Create || request.verb == Verb::Update;
  LS_CHECK(!has_body || request.candidate_body.has_value(), "candidate write without a body");
  const Name name = has_body ? request.candidate_body->name : request.candidate_name;
  // The store is sorted by name text (not by interning address: no pointer order reaches output).
  auto at = std::lower_bound(all.begin(), all.end(), name,
                             [](const LeaseCandidate& c, const Name& n) { return c.name.str() < n.str(); });
  const bool found = at != all.end() && at->name == name;
  const size_t index = static_cast<size_t>(at - all.begin());
  auto write = [&](std::optional<LeaseCandidate> after) {
    ApiOutcome out;
    out.committed = true;
    out.candidate_write = true;
    ++resource_version_;
    if (!candidates_) candidates_.emplace_from([] { return std::vector<LeaseCandidate>(); });
    std::vector<LeaseCandidate>& store = candidates_.mut();
    if (after) {
      after->resource_version = resource_version_;
      if (after->ping_time) after->ping_time = truncate_to_micros(*after->ping_time);
      if (after->renew_time) after->renew_time = truncate_to_micros(*after->renew_time);
      if (found) {
        after->creation_rv = store[index].creation_rv;
        store[index] = *after;
      } else {
        after->creation_rv = resource_version_;
        store.insert(store.begin() + static_cast<std::ptrdiff_t>(index), *after);
      }
    } else {
      store.erase(store.begin() + static_cast<std::ptrdiff_t>(index));
    }
    out.candidate_after = after;
    out.response.tag = request.tag;
    out.response.verb = request.verb;
    out.response.result = ApiResult::Ok;
    out.response.candidate = after;
    return out;
  };
  switch (request.verb) {
    case Verb::Get: {
      if (!found) return failed(request, ApiResult::NotFound, candidate_key(name) + " not found");
      ApiOutcome out;
      out.response.tag = request.tag;
      out.response.verb = request.verb;
      out.response.candidate = *at;
      return out;
    }
    case Verb::Create:
      if (found) return failed(request, ApiResult::Conflict, candidate_key(name) + " already exists");
      if (auto invalid = validate_candidate(*request.candidate_body)) return failed(request, ApiResult::Invalid, *invalid);
      return write(request.candidate_body);
    case Verb::Update:
      if (!found) return failed(request, ApiResult::NotFound, candidate_key(name) + " not found");
      if (conflict_check_) {
        if (request.candidate_body->resource_version == 0)
          return failed(request, ApiResult::Invalid,
                        "metadata.resourceVersion: Invalid value: 0x0: must be specified for an update");
        if (request.candidate_body->resource_version != at->resource_version)
          return failed(request, ApiResult::Conflict,
                        "Operation cannot be fulfilled on " + candidate_key(name) +
                            ": the object has been modified; please apply your changes to the latest version and try again");
      }
      if (request.candidate_body->lease != at->lease)
        return failed(request, ApiResult::Invalid, "spec.leaseName: Invalid value: field is immutable");
      if (auto invalid = validate_candidate(*request.candidate_body)) return failed(request, ApiResult::Invalid, *invalid);
      return write(request.candidate_body);
    case Verb::Delete:
      if (!found) return failed(request, ApiResult::NotFound, candidate_key(name) + " not found");
      if (request.delete_precondition_rv != 0 && request.delete_precondition_rv != at->resource_version)
        return failed(request, ApiResult::Conflict,
                      "Operation cannot be fulfilled on " + candidate_key(name) +
                          ": Precondition failed: ResourceVersion in precondition does not match");
      return write(std::nullopt);
    case Verb::List:
      break;
  }
  LS_CHECK(false, "unhandled verb");
  return {};
}

}  // namespace leasesim
