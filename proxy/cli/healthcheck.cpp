// `devoguard healthcheck`: ask a running devoguard's /healthz, for a container HEALTHCHECK or
// a supervisor (the runtime image has no HTTP client). One line out, exit 0 only on a 200.
#include <fmt/format.h>

#include <iostream>

#include "conf/units.hpp"
#include "proxy/cli/commands.hpp"
#include "proxy/cli/options.hpp"
#include "proxy/metrics/health_client.hpp"

namespace dg::proxy::cli {
namespace {

constexpr std::string_view kDefaultUrl = "http://127.0.0.1:9153/healthz";

// Where to ask: --url, or the metrics.listen of -c FILE, or the default.
std::expected<metrics::HealthUrl, std::string> target(const std::string& url,
                                                      const std::string& config) {
  if (config.empty()) return metrics::parse_health_url(url.empty() ? kDefaultUrl : url);
  auto c = conf::load_file(config, load_options());
  if (!c) return std::unexpected(c.error().str());
  if (!c->metrics.listen)
    return std::unexpected(config + ": metrics.listen is not set: devoguard serves no /healthz");
  return metrics::health_url_for(*c->metrics.listen);
}

int check(const std::string& url_text, const std::string& config, const std::string& timeout) {
  auto limit = conf::parse_duration(timeout);
  if (!limit || limit->count() <= 0) {
    std::cerr << "unhealthy: --timeout " << timeout << ": expected a duration such as 2s or 500ms\n";
    return 1;
  }
  auto url = target(url_text, config);
  if (!url) {
    std::cerr << "unhealthy: " << url.error() << "\n";
    return 1;
  }
  auto reply = metrics::get_health(*url, *limit);
  if (!reply) {
    std::cerr << fmt::format("unhealthy: {}: {}\n", url->str(), reply.error());
    return 1;
  }
  const std::string line = fmt::format("{}: {}{}{}", url->str(), reply->status,
                                       reply->detail.empty() ? "" : " ", reply->detail);
  if (reply->status == 200) {
    std::cout << "healthy: " << line << "\n";
    return 0;
  }
  std::cerr << "unhealthy: " << line << "\n";
  return 1;
}

}  // namespace

void add_healthcheck(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand(
      "healthcheck", "Ask a running devoguard's /healthz; exit 0 when it answers 200.");
  cmd->footer(
      "Sends one HTTP/1.0 GET to /healthz of the metrics listener: the one --url names, the\n"
      "metrics.listen of -c FILE (a wildcard address is asked on loopback), or by default\n"
      "http://127.0.0.1:9153/healthz. --url takes an IP address or localhost, no other names.\n"
      "/healthz answers 503 while every server of a group a rule forwards to is down.\n"
      "Prints one line: `healthy: URL: 200 ok` to stdout, or `unhealthy: URL: why` to stderr.\n"
      "Exit codes: 0 healthy (200), 1 anything else: another status, no listener, no reply\n"
      "within --timeout, a configuration without metrics.listen (a container HEALTHCHECK\n"
      "treats 1 as unhealthy; 2 is reserved there), 2 bad command-line usage.");
  auto url = std::make_shared<std::string>();
  auto config = std::make_shared<std::string>();
  auto timeout = std::make_shared<std::string>("2s");
  auto* url_opt = cmd->add_option("--url", *url, fmt::format("URL to GET (default {})", kDefaultUrl));
  cmd->add_option("-c,--config", *config, "configuration file: ask its metrics.listen")
      ->excludes(url_opt);
  cmd->add_option("--timeout", *timeout,
                  "bound on connect, request and reply together (default 2s)");
  cmd->callback([&action, url, config, timeout] {
    action = [url, config, timeout] { return check(*url, *config, *timeout); };
  });
}

}  // namespace dg::proxy::cli
