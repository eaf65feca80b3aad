#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "proxy/cli/commands.hpp"
#include "proxy/cli/options.hpp"
#include "proxy/server/server.hpp"

namespace dg::proxy::cli {

void add_run(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("run", "Serve DNS in the foreground until SIGTERM or SIGINT.");
  cmd->footer(
      "Logs go to stderr. SIGHUP reloads the configuration (an invalid file is rejected and the\n"
      "running configuration keeps serving) and reopens the decision log. SIGTERM and SIGINT\n"
      "stop receiving, answer the queries in flight and exit 0.\n"
      "Exit codes: 0 clean stop, 1 runtime failure (e.g. a port that cannot be bound),\n"
      "2 invalid configuration.");
  auto path = std::make_shared<std::string>();
  auto level = std::make_shared<std::string>("info");
  cmd->add_option("-c,--config", *path, "configuration file (YAML)")->required();
  cmd->add_option("--log-level", *level, "stderr log level: debug, info, warn, error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  cmd->callback([&action, path, level] {
    action = [path, level] {
      // The contract: `run` logs to stderr (spdlog's default logger writes to stdout).
      spdlog::set_default_logger(spdlog::stderr_color_mt("devoguard"));
      spdlog::set_level(spdlog::level::from_str(*level));
      spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
      return server::run(*path, load_options());
    };
  });
}

}  // namespace dg::proxy::cli
