// `devoguard explain FINDING.json…`: triage of GuardDuty DGA findings (INVESTIGATE.md §2).
#include "proxy/cli/commands.hpp"
#include "proxy/investigate/explain.hpp"

namespace dg::proxy::cli {

void add_explain(CLI::App& app, Action& action) {
  auto o = std::make_shared<investigate::ExplainOptions>();
  auto* cmd = app.add_subcommand(
      "explain",
      "Triage GuardDuty Trojan:EC2/DGADomainRequest findings (GuardDuty CLI/API/EventBridge, "
      "Security Hub ASFF, OCSF; single, arrays, {\"Findings\":[…]} or NDJSON): is it the "
      "devolution false positive?\nExit: 0 every finding benign-devolution or probe-shape, 3 at "
      "least one investigate, 2 bad usage or nothing parseable, 1 unreadable file.");
  cmd->add_option("FINDING", o->files, "finding JSON files, - for stdin")->required();
  cmd->add_option("-c,--config", o->config,
                  "suffixes, devolution_level, correlation_window; decision_log.path as --log");
  cmd->add_option("--log", o->logs, "decision log(s), repeatable (live, rotated, .gz)")
      ->allow_extra_args(false);
  cmd->add_option("--suffix", o->suffixes, "AD suffix (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--devolution-level", o->devolution_level, "default 2");
  cmd->add_option("--self", o->self, "address of a devoguard instance (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--slack", o->slack, "log search window around first/last seen (default 10m)");
  cmd->add_option("--min-score", o->min_score, "random-label threshold (default 0.90)");
  cmd->add_flag("--json", o->json, "a JSON array instead of the table");
  cmd->callback([o, &action] { action = [o] { return investigate::run_explain(*o); }; });
}

}  // namespace dg::proxy::cli
