#include "proxy/listen/socket.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace dg::proxy::listen {
namespace {

std::unexpected<std::string> failed(const conf::Endpoint& at, const char* what, int fd) {
  std::string msg = at.str() + ": " + what + ": " + std::strerror(errno);
  if (fd >= 0) ::close(fd);
  return std::unexpected(msg);
}

}  // namespace

std::expected<int, std::string> bind_socket(const conf::Endpoint& at, int type) {
  sockaddr_storage ss;
  socklen_t len = at.to_sockaddr(ss);
  int fd = ::socket(ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return failed(at, "socket", fd);
  int one = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0)
    return failed(at, "setsockopt", fd);
  if (ss.ss_family == AF_INET6 &&
      ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0)
    return failed(at, "setsockopt(IPV6_V6ONLY)", fd);
  if (type == SOCK_DGRAM) {
    // A burst of queries waits here while the worker is busy or descheduled; with the kernel
    // default (~200 KiB, ~90 small datagrams) a 10-minute soak on a loaded machine lost 0.6 %
    // of its queries before devoguard saw them. The kernel caps this at net.core.rmem_max;
    // failing to get it is not an error.
    const int rcvbuf = 4 << 20;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    // EACCES: a port below net.ipv4.ip_unprivileged_port_start (1024 by default) without
    // the capability (server/capability.hpp raises it when it is permitted).
    if (errno != EACCES) return failed(at, "bind", fd);
    ::close(fd);
    return std::unexpected("cannot bind " + at.str() +
                           ": needs CAP_NET_BIND_SERVICE or net.ipv4.ip_unprivileged_port_start "
                           "≤ " + std::to_string(at.port()));
  }
  if (type == SOCK_STREAM && ::listen(fd, 1024) != 0) return failed(at, "listen", fd);
  return fd;
}

}  // namespace dg::proxy::listen
