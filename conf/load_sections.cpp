// The small sections: listen, threads, clients, domain, tcp, answers, decision_log, metrics,
// user.
#include <pwd.h>

#include <limits>

#include "conf/load_parts.hpp"
#include "conf/name.hpp"

namespace dg::conf {
namespace {

constexpr uint16_t kDnsPort = 53;
constexpr int64_t kIntMax = std::numeric_limits<int>::max();

// Never an open resolver: with no `clients.allow`, only private networks and loopback
// (RFC 1918, RFC 4193, RFC 1122/4291 loopback) may ask.
constexpr std::string_view kDefaultAllow[] = {"10.0.0.0/8",  "172.16.0.0/12", "192.168.0.0/16",
                                              "127.0.0.0/8", "::1/128",       "fc00::/7"};

std::expected<Endpoint, Error> read_endpoint(const YamlValue& value, uint16_t default_port) {
  auto text = value.string();
  if (!text) return std::unexpected(text.error());
  auto endpoint = Endpoint::parse(*text, default_port);
  if (!endpoint)
    return std::unexpected(value.error("invalid address \"" + *text +
                                       "\": expected IP, IP:PORT or [IPv6]:PORT"));
  return *endpoint;
}

}  // namespace

std::string warning(const Position& where, const std::string& key, const std::string& message) {
  return Error{where, key, message}.str();
}

std::expected<std::string, Error> read_name(const YamlValue& value) {
  auto text = value.string();
  if (!text) return std::unexpected(text.error());
  auto name = normalize_name(*text);
  if (!name) return std::unexpected(value.error("invalid name \"" + *text + "\": " + name.error()));
  return *name;
}

std::expected<std::vector<std::string>, Error> read_names(const YamlValue& value) {
  auto items = value.list();
  if (!items) return std::unexpected(items.error());
  std::vector<std::string> names;
  for (const auto& item : *items) {
    auto name = read_name(item);
    if (!name) return std::unexpected(name.error());
    names.push_back(std::move(*name));
  }
  return names;
}

std::expected<std::vector<Cidr>, Error> read_cidrs(const YamlValue& value) {
  auto items = value.list();
  if (!items) return std::unexpected(items.error());
  std::vector<Cidr> cidrs;
  for (const auto& item : *items) {
    auto text = item.string();
    if (!text) return std::unexpected(text.error());
    auto cidr = Cidr::parse(*text);
    if (!cidr)
      return std::unexpected(item.error("invalid CIDR \"" + *text +
                                        "\": expected ADDRESS/LENGTH or ADDRESS"));
    cidrs.push_back(*cidr);
  }
  return cidrs;
}

Status read_listen(const YamlValue& value, Config& config) {
  auto items = value.list();
  if (!items) return std::unexpected(items.error());
  if (items->empty()) return std::unexpected(value.error("at least one address is required"));
  config.listen.clear();
  for (const auto& item : *items) {
    auto endpoint = read_endpoint(item, kDnsPort);
    if (!endpoint) return std::unexpected(endpoint.error());
    for (const auto& seen : config.listen)
      if (seen == *endpoint)
        return std::unexpected(item.error("duplicate address " + endpoint->str()));
    config.listen.push_back(*endpoint);
  }
  return {};
}

Status read_threads(const YamlValue& value, Config& config) {
  auto text = value.string();
  if (!text) return std::unexpected(text.error());
  if (*text == "auto") {
    config.threads = 0;
    return {};
  }
  auto n = value.integer(1, 1024);
  if (!n) return std::unexpected(value.error("expected auto or a positive integer, got \"" +
                                             *text + "\""));
  config.threads = static_cast<unsigned>(*n);
  return {};
}

namespace {

// `clients.rate_limit: {qps, burst, action}`.
std::expected<RateLimit, Error> read_rate_limit(const YamlValue& value) {
  auto map = value.map({"qps", "burst", "action"});
  if (!map) return std::unexpected(map.error());
  RateLimit limit;
  auto qps = map->require("qps");
  if (!qps) return std::unexpected(qps.error());
  auto n = qps->integer(1, 1000000);
  if (!n) return std::unexpected(n.error());
  limit.qps = static_cast<uint32_t>(*n);
  limit.burst = limit.qps;  // one second's worth
  auto burst = [](const YamlValue& v) { return v.integer(1, 1000000); };
  if (auto s = read_key(*map, "burst", limit.burst, burst); !s) return std::unexpected(s.error());
  if (auto action = map->get("action")) {
    auto text = action->string();
    if (!text) return std::unexpected(text.error());
    if (*text == "refused")
      limit.action = RateLimit::Action::Refused;
    else if (*text == "drop")
      limit.action = RateLimit::Action::Drop;
    else
      return std::unexpected(
          action->error("unknown action \"" + *text + "\": expected refused or drop"));
  }
  return limit;
}

}  // namespace

Status read_clients(const std::optional<YamlValue>& value, Config& config) {
  std::optional<YamlValue> allow;
  if (value) {
    auto map = value->map({"allow", "rate_limit"});
    if (!map) return std::unexpected(map.error());
    allow = map->get("allow");
    if (auto limit = map->get("rate_limit")) {
      auto read = read_rate_limit(*limit);
      if (!read) return std::unexpected(read.error());
      config.rate_limit = *read;
    }
  }
  if (!allow) {
    config.allow.clear();
    for (auto text : kDefaultAllow) config.allow.push_back(*Cidr::parse(text));
    return {};
  }
  auto cidrs = read_cidrs(*allow);
  if (!cidrs) return std::unexpected(cidrs.error());
  if (cidrs->empty())
    return std::unexpected(allow->error(
        "an empty list refuses every client; list networks, or remove the key for the "
        "default (private networks and loopback)"));
  config.allow = std::move(*cidrs);
  return {};
}

Status read_domain(const YamlValue& value, Config& config) {
  auto map = value.map({"suffixes", "devolution_level", "correlation_window", "max_tracked"});
  if (!map) return std::unexpected(map.error());
  auto& d = config.domain;
  if (auto s = read_key(*map, "suffixes", d.suffixes, read_names); !s) return s;
  auto level = [](const YamlValue& v) { return v.integer(1, 127); };
  if (auto s = read_key(*map, "devolution_level", d.devolution_level, level); !s) return s;
  if (auto s = read_key(*map, "correlation_window", d.correlation_window, &YamlValue::duration);
      !s)
    return s;
  auto count = [](const YamlValue& v) { return v.integer(1, kIntMax); };
  return read_key(*map, "max_tracked", d.max_tracked, count);
}

Status read_tcp(const YamlValue& value, Config& config) {
  auto map = value.map({"idle_timeout", "max_connections", "max_connections_per_client"});
  if (!map) return std::unexpected(map.error());
  if (auto s = read_key(*map, "idle_timeout", config.tcp.idle_timeout, &YamlValue::duration); !s)
    return s;
  auto count = [](const YamlValue& v) { return v.integer(1, kIntMax); };
  if (auto s = read_key(*map, "max_connections", config.tcp.max_connections, count); !s) return s;
  return read_key(*map, "max_connections_per_client", config.tcp.max_connections_per_client,
                  count);
}

Status read_user(const YamlValue& value, Config& config) {
  auto text = value.string();
  if (!text) return std::unexpected(text.error());
  if (text->empty()) return std::unexpected(value.error("empty user name"));
  // Checked here so that `devoguard check` finds a typo, not the first start as root.
  struct passwd pw {};
  struct passwd* found = nullptr;
  char buf[4096];
  if (getpwnam_r(text->c_str(), &pw, buf, sizeof buf, &found) != 0 || found == nullptr)
    return std::unexpected(value.error("no such user \"" + *text + "\""));
  config.user = *text;
  return {};
}

Status read_answers(const YamlValue& value, Config& config) {
  auto map = value.map({"negative_ttl"});
  if (!map) return std::unexpected(map.error());
  // Seconds, as TTLs are written in zone files; at most 2^31-1 (RFC 2181 section 8).
  auto ttl = [](const YamlValue& v) { return v.integer(1, kIntMax); };
  return read_key(*map, "negative_ttl", config.answers.negative_ttl, ttl);
}

Status read_decision_log(const YamlValue& value, Config& config) {
  auto map = value.map({"path", "max_size", "keep"});
  if (!map) return std::unexpected(map.error());
  auto& log = config.decision_log;
  auto path = map->require("path");
  if (!path) return std::unexpected(path.error());
  auto text = path->string();
  if (!text) return std::unexpected(text.error());
  if (text->empty()) return std::unexpected(path->error("empty path"));
  log.path = *text;
  if (auto s = read_key(*map, "max_size", log.max_size, &YamlValue::size); !s) return s;
  // 0 keeps no rotated file: the live one is simply started afresh.
  auto keep = [](const YamlValue& v) { return v.integer(0, 1000); };
  return read_key(*map, "keep", log.keep, keep);
}

Status read_metrics(const YamlValue& value, Config& config) {
  auto map = value.map({"listen"});
  if (!map) return std::unexpected(map.error());
  auto listen = map->require("listen");
  if (!listen) return std::unexpected(listen.error());
  // No default port: 53 would be wrong and 9153 a guess; the operator says which.
  auto endpoint = read_endpoint(*listen, 0);
  if (!endpoint) return std::unexpected(endpoint.error());
  if (endpoint->port() == 0)
    return std::unexpected(listen->error("a port is required, e.g. 127.0.0.1:9153"));
  config.metrics.listen = *endpoint;
  return {};
}

}  // namespace dg::conf
