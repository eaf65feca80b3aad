#include "proxy/metrics/health_client.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "conf/units.hpp"

namespace dg::proxy::metrics {
namespace {

using Clock = std::chrono::steady_clock;

// Owns the socket for the length of one check.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Waits for `events` on fd until the deadline: false when it passed first.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return true;  // the next call on fd reports the error
  }
}

std::string first_line(std::string_view text) {
  auto end = text.find_first_of("\r\n");
  return std::string(text.substr(0, end));
}

}  // namespace

std::string HealthUrl::str() const { return "http://" + at.str() + path; }

std::expected<HealthUrl, std::string> parse_health_url(std::string_view text) {
  const std::string_view scheme = "http://";
  auto bad = [&](std::string_view why) {
    return std::unexpected(fmt::format("--url {}: {}", text, why));
  };
  if (!text.starts_with(scheme)) return bad("expected http://ADDRESS[:PORT][/PATH]");
  std::string_view rest = text.substr(scheme.size());
  HealthUrl url;
  std::string_view authority = rest.substr(0, rest.find('/'));
  if (authority.size() < rest.size()) url.path = std::string(rest.substr(authority.size()));
  std::string host(authority);
  // localhost: the one name understood, since the check never resolves names.
  if (authority == "localhost" || authority.starts_with("localhost:"))
    host = "127.0.0.1" + std::string(authority.substr(9));
  auto at = conf::Endpoint::parse(host, 80);
  if (!at) return bad("the host must be an IP address ([v6] in brackets) or localhost");
  if (at->port() == 0) return bad("port 0");
  url.at = *at;
  return url;
}

HealthUrl health_url_for(const conf::Endpoint& metrics_listen) {
  HealthUrl url;
  url.at = metrics_listen;
  if (metrics_listen.address().is_unspecified())
    url.at = conf::Endpoint(
        *conf::IpAddress::parse(metrics_listen.address().is_v4() ? "127.0.0.1" : "::1"),
        metrics_listen.port());
  return url;
}

std::expected<int, std::string> parse_status_line(std::string_view line) {
  // "HTTP/1.x SP 3DIGIT [SP reason]"
  if (!line.starts_with("HTTP/1.") || line.size() < 12 || line[8] != ' ' ||
      (line.size() > 12 && line[12] != ' '))
    return std::unexpected(fmt::format("not an HTTP reply: \"{}\"", line.substr(0, 40)));
  int status = 0;
  auto digits = line.substr(9, 3);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + 3, status);
  if (ec != std::errc() || end != digits.data() + 3 || status < 100)
    return std::unexpected(fmt::format("not an HTTP status: \"{}\"", line.substr(0, 40)));
  return status;
}

std::expected<HealthReply, std::string> get_health(const HealthUrl& url,
                                                   std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  const auto too_slow = [&](const char* what) {
    return std::unexpected(fmt::format("{} within {}", what, conf::format_duration(timeout)));
  };
  sockaddr_storage ss;
  socklen_t len = url.at.to_sockaddr(ss);
  Fd fd(::socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return std::unexpected(fmt::format("socket: {}", std::strerror(errno)));

  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    if (errno != EINPROGRESS) return std::unexpected(fmt::format("connect: {}", std::strerror(errno)));
    if (!wait_for(fd.get(), POLLOUT, deadline)) return too_slow("no connection");
    int err = 0;
    socklen_t err_len = sizeof err;
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &err_len);
    if (err != 0) return std::unexpected(fmt::format("connect: {}", std::strerror(err)));
  }

  const std::string request = fmt::format(
      "GET {} HTTP/1.0\r\nHost: {}\r\nUser-Agent: devoguard-healthcheck\r\n\r\n", url.path,
      url.at.str());
  for (size_t sent = 0; sent < request.size();) {
    if (!wait_for(fd.get(), POLLOUT, deadline)) return too_slow("request not sent");
    ssize_t n = ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR)
      return std::unexpected(fmt::format("send: {}", std::strerror(errno)));
    if (n > 0) sent += static_cast<size_t>(n);
  }

  // The server closes after its reply (HTTP/1.0); read until then, 64 KiB at most.
  std::string reply;
  char buf[4096];
  bool timed_out = false;
  while (reply.size() < 65536) {
    if (!wait_for(fd.get(), POLLIN, deadline)) {
      timed_out = true;
      break;
    }
    ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return std::unexpected(fmt::format("recv: {}", std::strerror(errno)));
    }
    reply.append(buf, static_cast<size_t>(n));
  }
  if (reply.find("\r\n") == std::string::npos) {
    if (!reply.empty()) return too_slow("no complete status line");
    if (timed_out) return too_slow("no reply");
    return std::unexpected(std::string("closed without a reply"));
  }
  auto status = parse_status_line(first_line(reply));
  if (!status) return std::unexpected(status.error());
  HealthReply out{*status, {}};
  if (auto body = reply.find("\r\n\r\n"); body != std::string::npos)
    out.detail = first_line(std::string_view(reply).substr(body + 4));
  return out;
}

}  // namespace dg::proxy::metrics
