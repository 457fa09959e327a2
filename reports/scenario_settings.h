// scenario_settings.h: the settings a report assumed, in words, from the scenario that ran.
//
// Contract: scenario_settings lists, as (topic, text) rows in a fixed order, what a reader of a
// verdict needs in order to know what it covers: the horizon (of real time, in one live run, for
// a scenario of real programs that only `serve` runs), each group of processes with its
// model and timings (processes with equal model, config, clock and start form one group, named
// by its first and last process; kubelets that differ only in their NodeId are equal), every
// model's settings in words (each ModelConfig alternative has its text; a new one that has none
// does not compile), the clocks, the API server's one-way latency and conflict
// check, every fault with its time, target and window, and the properties judged. The text is a
// pure function of the Scenario, so the report's bytes stay deterministic.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sim/scenario.h"

namespace leasesim {

std::vector<std::pair<std::string, std::string>> scenario_settings(const Scenario& scenario);

}  // namespace leasesim
