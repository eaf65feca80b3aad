// `devoguard analyze FILE…`: offline audit of DNS logs for devolution (INVESTIGATE.md §1).
#include "proxy/cli/commands.hpp"
#include "proxy/investigate/analyze.hpp"

namespace dg::proxy::cli {

void add_analyze(CLI::App& app, Action& action) {
  auto o = std::make_shared<investigate::AnalyzeOptions>();
  auto* cmd = app.add_subcommand(
      "analyze",
      "Audit existing DNS logs (Windows DNS server debug logs, Route 53 Resolver query logs, "
      "devoguard decision logs; plain, .gz or - for stdin) for devolution pairs, probe-shaped "
      "names and what reached the AWS resolver.\nExit: 0 ok, 1 unreadable file, 2 bad usage or "
      "unrecognised input, 3 when --fail-on found something.");
  cmd->add_option("FILE", o->files, "log files, - for stdin")->required();
  cmd->add_option("--format", o->format, "auto|windows-debug|route53|devoguard (default auto)");
  cmd->add_option("-c,--config", o->config,
                  "take domain.suffixes, devolution_level and correlation_window from it");
  cmd->add_option("--suffix", o->suffixes, "AD suffix (repeatable); turns auto-detection off")
      ->allow_extra_args(false);
  cmd->add_option("--devolution-level", o->devolution_level, "default 2 (Windows default)");
  cmd->add_option("--window", o->window, "max gap between the two queries of a pair (default 30s)");
  cmd->add_option("--tz", o->tz,
                  "zone of the Windows debug-log clock: IANA name or ±HH:MM (default UTC)");
  cmd->add_option("--date-order", o->date_order, "auto|ymd|mdy|dmy (Windows debug logs)");
  cmd->add_flag("--lenient-names", o->lenient_names,
               "read debug-log names by their parentheses when a (len) count is wrong "
               "(hand-edited excerpts); counted on stderr");
  cmd->add_option("--aws-resolver", o->aws_resolvers,
                  "repeatable; adds to 169.254.169.253, fd00:ec2::253 and the VPC+2 heuristic")
      ->allow_extra_args(false);
  cmd->add_option("--since", o->since, "RFC 3339 time or a duration back from now");
  cmd->add_option("--until", o->until, "RFC 3339 time or a duration back from now");
  cmd->add_option("--client", o->clients, "only these clients (CIDR, repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--min-score", o->min_score, "random-label threshold for probes (default 0.90)");
  cmd->add_option("--top", o->top, "rows per table section (default 20, 0 = all)");
  cmd->add_flag("--json", o->json, "one JSON document instead of tables");
  cmd->add_option("--fail-on", o->fail_on,
                  "never|devolution|reached-aws: exit 3 when found (default never)");
  cmd->callback([o, &action] { action = [o] { return investigate::run_analyze(*o); }; });
}

}  // namespace dg::proxy::cli
