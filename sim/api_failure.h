// api_failure.h: the response the simulated API server gives a request it refuses.
//
// Contract: a response that answers `request` (same tag and verb) with `result` and a one-line
// message, and no object. Shared by the Lease, LeaseCandidate and Node stores so that every kind
// of object fails the same way.
#pragma once

#include <string>
#include <utility>

#include "model/api.h"

namespace leasesim {

inline ApiResponse api_failure(const ApiRequest& request, ApiResult result, std::string message) {
  ApiResponse r;
  r.tag = request.tag;
  r.verb = request.verb;
  r.result = result;
  r.message = std::move(message);
  return r;
}

}  // namespace leasesim
