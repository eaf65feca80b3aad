#pragma once
// `devoguard run`: the main loop. It owns the workers, the decision-log writer and the prober,
// and handles signals: SIGHUP reloads the configuration (an invalid one is logged and the old
// plan keeps serving) and reopens the decision log; SIGTERM/SIGINT drain and exit.
#include <string>

#include "conf/load.hpp"

namespace dg::proxy::server {

// Returns the process exit code: 0 after a clean stop, 1 on a runtime failure (e.g. a listen
// address that cannot be bound), 2 for an invalid configuration at start.
int run(const std::string& config_path, const conf::LoadOptions& options);

}  // namespace dg::proxy::server
