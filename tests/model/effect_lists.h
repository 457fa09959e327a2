// effect_lists.h: test helpers that pick the calls and the timers out of a model's Effects.
#pragma once

#include <variant>
#include <vector>

#include "model/effects.h"

namespace leasesim::testing_effects {

inline std::vector<ApiRequest> calls(const Effects& out) {
  std::vector<ApiRequest> r;
  for (const Effect& e : out.list())
    if (const auto* c = std::get_if<Call>(&e)) r.push_back(c->request);
  return r;
}

inline std::vector<SetTimer> timers(const Effects& out) {
  std::vector<SetTimer> r;
  for (const Effect& e : out.list())
    if (const auto* t = std::get_if<SetTimer>(&e)) r.push_back(*t);
  return r;
}

}  // namespace leasesim::testing_effects
