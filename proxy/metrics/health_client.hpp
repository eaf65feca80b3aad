#pragma once
// The client side of /healthz, for `devoguard healthcheck`: a container image has no curl or
// wget, so the binary asks its own metrics listener. One plain HTTP/1.0 GET over a blocking-free
// socket, bounded by one deadline for connect, send and receive together. No name resolution:
// the URL names an IP address (or `localhost`), as metrics.listen does.
#include <chrono>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include "conf/address.hpp"

namespace dg::proxy::metrics {

struct HealthUrl {
  conf::Endpoint at;
  std::string path = "/healthz";
  std::string str() const;  // "http://127.0.0.1:9153/healthz"
};

// "http://ADDR[:PORT][/PATH]"; ADDR an IPv4 address, [IPv6] or localhost; PORT defaults to 80;
// no path means /healthz.
std::expected<HealthUrl, std::string> parse_health_url(std::string_view text);

// The URL that reaches a metrics listener from the same host: a wildcard listen address
// (0.0.0.0, ::) is asked on loopback.
HealthUrl health_url_for(const conf::Endpoint& metrics_listen);

struct HealthReply {
  int status = 0;
  std::string detail;  // the first line of the body ("ok", or why /healthz says 503)
};

// "HTTP/1.1 503 Service Unavailable" → 503; anything else is an error.
std::expected<int, std::string> parse_status_line(std::string_view line);

// GET url.path; the reply's status and first body line, or why there is none ("connection
// refused", "no reply within 2s").
std::expected<HealthReply, std::string> get_health(const HealthUrl& url,
                                                   std::chrono::milliseconds timeout);

}  // namespace dg::proxy::metrics
