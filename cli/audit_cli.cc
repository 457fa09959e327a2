// audit_cli.cc: the command-line grammar of `leasesim audit` (CLI11), kept next to the command
// so main_cli.cc registers it with one line.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace leasesim {

CLI::App* add_audit_subcommand(CLI::App& app, AuditOptions& options, std::string& format) {
  CLI::App* cmd = app.add_subcommand(
      "audit",
      "Governance record and findings of real Lease records: audit logs (audit.k8s.io/v1, v1beta1), "
      "`kubectl get leases -A -o json` snapshots, `kubectl get lease -w -o json` streams, leasesim traces");
  cmd->add_option("FILE", options.files, "Input files (- for standard input); each format is detected by content")->required();
  cmd->add_option("--format", format, "Output on stdout")->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--report", options.report_dir, "Write report.json, report.md and report.html to this folder");
  cmd->add_option("--lease", options.lease, "Only this lease, NAMESPACE/NAME");
  cmd->add_option("--scenario-out", options.scenario_out,
                  "Write a scenario with the observed configuration (the --lease, else the busiest leader election)");
  cmd->add_option("--stale-percent", options.thresholds.stale_percent,
                  "staleRenewal: a renewal gap of at least this % of leaseDurationSeconds (default 80)");
  cmd->add_option("--stuck-percent", options.thresholds.stuck_percent,
                  "stuckLeader: no renewal for more than this % of leaseDurationSeconds, nobody taking over (default 100)");
  cmd->add_option("--spike-per-hour", options.thresholds.spike_per_hour,
                  "transitionSpike: more holder changes than this within a rolling hour (default 10)");
  cmd->add_option("--max-writes-per-minute", options.thresholds.max_writes_per_minute,
                  "highWriteRate: more write attempts than this within 60 s (default 120)");
  cmd->footer("Exit codes: 0 no findings, 1 findings, 2 bad usage or no readable record, 3 internal error.\n"
              "4 is check's INCONCLUSIVE (a bound cut the search); audit never exits 4. See docs/audit.md.");
  return cmd;
}

}  // namespace leasesim
