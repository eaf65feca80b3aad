#pragma once
// systemd's service notification protocol (sd_notify(3)) for Type=notify units, without
// libsystemd: one datagram of "KEY=VALUE" lines to the AF_UNIX socket named by
// $NOTIFY_SOCKET ("@…" is the abstract namespace). Without the variable it does nothing, so
// `run` behaves the same outside systemd.
//
// The server says READY=1 once every socket is bound, RELOADING=1 … READY=1 around a SIGHUP
// reload and STOPPING=1 when it starts draining.
#include <sys/socket.h>
#include <sys/un.h>

#include <string_view>

namespace dg::proxy::server {

class Notifier {
 public:
  Notifier();  // reads $NOTIFY_SOCKET
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  void ready(std::string_view status);
  void reloading();  // with MONOTONIC_USEC, as systemd's Type=notify-reload wants it
  void stopping();

 private:
  void send(std::string_view message);

  int fd_ = -1;
  sockaddr_un addr_{};
  socklen_t addr_len_ = 0;
};

}  // namespace dg::proxy::server
