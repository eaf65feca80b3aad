// argv → one of the commands in proxy/cli/; nothing else.
#include <CLI/CLI.hpp>

#include "proxy/cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"devoguard: a DNS forwarding shim that answers Windows devolution queries locally\n"
               "and keeps Active Directory lookups away from the AWS resolver."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "devoguard version: see `devoguard version`");
  dg::proxy::cli::Action action;
  dg::proxy::cli::add_run(app, action);
  dg::proxy::cli::add_check(app, action);
  dg::proxy::cli::add_log(app, action);
  dg::proxy::cli::add_analyze(app, action);
  dg::proxy::cli::add_explain(app, action);
  dg::proxy::cli::add_healthcheck(app, action);
  dg::proxy::cli::add_version(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;  // --help exits 0; bad usage is 2, like an invalid configuration
  }
  return action ? action() : 2;
}
