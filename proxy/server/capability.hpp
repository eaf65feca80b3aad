#pragma once
// Port 53 without root: the container image gives the binary the file capability
// cap_net_bind_service=+p (permitted, not effective), so that `exec` still works where a
// runtime drops capabilities (`cap_drop: ALL` refuses to exec a +ep file without them).
// `run` then raises the capability from permitted to effective itself before binding a port
// below 1024. Without the capability the bind fails with EACCES and listen/socket.cpp says
// what is needed.
namespace dg::proxy::server {

// Makes CAP_NET_BIND_SERVICE effective if it is permitted. True when it is effective
// afterwards; false when the process is not permitted to have it (nothing changes then).
bool raise_net_bind_service();

}  // namespace dg::proxy::server
