// identity_report.h: the API server identity part of a campaign report (IdentityReport in
// report.h).
//
// Contract: identity_report is nullopt for a scenario without kube-apiserver processes;
// otherwise it sums the point's seed records: episodes (instances down for good), renewal-to-
// deletion times of the collected ones (nearest-rank percentiles and a 1-2-5 histogram, as for
// failovers), the ones never collected by the end of their run, the staleIdentityCollectedWithin
// bound (the analytic one, properties/identity.h, for `auto`, taken over the scenario's identity
// leases) with how many collections came later, and committed identity lease writes per second.
// The three renderers give the same facts as JSON (times in seconds), Markdown and HTML.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <vector>

#include "reports/report.h"

namespace leasesim {

std::optional<IdentityReport> identity_report(const Scenario& scenario, const std::vector<SeedRecord>& records);
nlohmann::ordered_json identity_report_json(const IdentityReport& r);
void identity_report_markdown(std::ostream& o, const IdentityReport& r);
void identity_report_html(std::ostream& o, const IdentityReport& r);

}  // namespace leasesim
