#pragma once
// The subcommands of `devoguard`; each file in proxy/cli/ adds one, with its --help text.
#include <CLI/CLI.hpp>

#include <functional>

namespace dg::proxy::cli {

// Each add_* registers a subcommand; `action` is set to what runs when it is chosen and
// returns the exit code (0 ok, 1 runtime failure, 2 bad usage or invalid configuration).
using Action = std::function<int()>;

void add_run(CLI::App& app, Action& action);
void add_check(CLI::App& app, Action& action);
void add_log(CLI::App& app, Action& action);
void add_analyze(CLI::App& app, Action& action);
void add_explain(CLI::App& app, Action& action);
void add_healthcheck(CLI::App& app, Action& action);
void add_version(CLI::App& app, Action& action);

}  // namespace dg::proxy::cli
