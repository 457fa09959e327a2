// transitions_match.h: leaseTransitions counts holder changes, exactly.
//
// Contract (docs/cli.md section 2 "transitionsMatch"; docs/models/client-go-elector.md
// section 3 table): over the committed writes to one lease, spec.leaseTransitions (absent = 0)
// never decreases; it changes only when a write changes holderIdentity to a non-empty value
// different from the previous holder, and then by exactly one. Creates and deletes start and
// end a history and are not judged.
#pragma once

#include <optional>
#include <vector>

#include "properties/violation.h"
#include "sim/history.h"
#include "sim/scenario.h"

namespace leasesim {

std::vector<Violation> check_transitions_match(const Scenario& scenario, const History& history, LeaseId lease);
// The verdict on one write (of any lease): a violation, or nothing when the write counts right
// or is not judged (a create or a delete). check_transitions_match applies it to every write.
std::optional<Violation> transitions_violation(const Scenario& scenario, const LeaseWrite& write);

}  // namespace leasesim
