#pragma once
// `devoguard check` (and `run` at start) on upstreams.NAME.source_addresses (DEPLOY.md §1):
// the 1024-pps budget is per network interface, so addresses on one interface share one; and a
// source only has its interface's budget when the kernel's route from it to the server leaves
// by that interface (source-based routing).
#include <string>
#include <vector>

#include "conf/model.hpp"
#include "proxy/aws/host.hpp"

namespace dg::proxy::aws {

// "FILE:LINE:COL: upstreams.NAME.source_addresses: 10.0.1.10 and 10.0.1.11 share ens5: one
// 1024 pps budget", and the like for addresses not on this host and routes by another
// interface.
std::vector<std::string> source_warnings(const conf::Config& config, const InterfaceTable& host,
                                         const RouteLookup& route);

}  // namespace dg::proxy::aws
