#pragma once
// Listening sockets made by hand, because libuv 1.44 cannot set SO_REUSEPORT: every worker
// loop binds its own socket to each listen address and the kernel spreads clients over them.
#include <expected>
#include <string>

#include "conf/address.hpp"

namespace dg::proxy::listen {

// A bound, non-blocking socket (SOCK_DGRAM or SOCK_STREAM) with SO_REUSEPORT; IPv6 sockets are
// IPv6-only so that "0.0.0.0:53" and "[::]:53" can both be listed. Error: "ADDR: what: why", or
// for a port the process may not bind (EACCES) the whole sentence "cannot bind ADDR: needs
// CAP_NET_BIND_SERVICE or net.ipv4.ip_unprivileged_port_start ≤ PORT".
std::expected<int, std::string> bind_socket(const conf::Endpoint& at, int type);

}  // namespace dg::proxy::listen
