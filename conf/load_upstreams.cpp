// `upstreams:`: groups of servers, `system` expanded from resolv.conf, and loop refusal.
#include <limits>

#include "conf/load_parts.hpp"
#include "conf/resolv_conf.hpp"

namespace dg::conf {
namespace {

constexpr uint16_t kDnsPort = 53;
constexpr std::string_view kSystem = "system";

// Would a query sent to `server` come back to our own `listener`? A deliberately simple test,
// with no look at the host's interfaces:
//  - same port, and
//  - the same address; or the listener is a wildcard (0.0.0.0 or ::, which on Linux takes
//    both families) and the server is loopback or unspecified; or the server is unspecified
//    (connecting to 0.0.0.0 or :: reaches this host) and the listener is loopback.
// Two different loopback addresses do not loop: systemd-resolved's 127.0.0.53:53 is a fine
// upstream for a shim listening on 127.0.0.1:53.
bool loops_back(const Endpoint& server, const Endpoint& listener) {
  if (server.port() != listener.port()) return false;
  const auto& s = server.address();
  const auto& l = listener.address();
  if (s == l) return true;
  if (l.is_unspecified() && (s.is_loopback() || s.is_unspecified())) return true;
  return s.is_unspecified() && l.is_loopback();
}

Status check_loop(const Endpoint& server, const YamlValue& at, const Config& config,
                  std::string_view origin) {
  for (const auto& listener : config.listen) {
    if (!loops_back(server, listener)) continue;
    return std::unexpected(at.error("server " + server.str() + std::string(origin) +
                                    " is devoguard's own listen address " + listener.str() +
                                    ": queries would loop"));
  }
  return {};
}

// `system`: the nameservers of resolv.conf, in their order, at the position of the word.
Status expand_system(const YamlValue& item, const LoadOptions& options, const Config& config,
                     UpstreamGroup& group, std::vector<std::string>& warnings) {
  auto resolv = read_resolv_conf(options.resolv_conf);
  if (!resolv) return std::unexpected(item.error("system: " + resolv.error()));
  for (const auto& skipped : resolv->skipped)
    warnings.push_back(warning(item.where(), item.path(),
                               "system: skipped nameserver " + skipped + " in " +
                                   options.resolv_conf));
  if (resolv->nameservers.empty())
    return std::unexpected(
        item.error("system: no usable nameserver in " + options.resolv_conf));
  std::string origin = " (from " + options.resolv_conf + ")";
  for (const auto& server : resolv->nameservers) {
    if (auto s = check_loop(server, item, config, origin); !s) return s;
    group.servers.push_back(server);
  }
  group.from_system = true;
  return {};
}

Status read_servers(const YamlValue& value, const LoadOptions& options, const Config& config,
                    UpstreamGroup& group, std::vector<std::string>& warnings) {
  auto items = value.list();
  if (!items) return std::unexpected(items.error());
  if (items->empty()) return std::unexpected(value.error("a group needs at least one server"));
  for (const auto& item : *items) {
    auto text = item.string();
    if (!text) return std::unexpected(text.error());
    if (*text == kSystem) {
      if (auto s = expand_system(item, options, config, group, warnings); !s) return s;
      continue;
    }
    auto server = Endpoint::parse(*text, kDnsPort);
    if (!server)
      return std::unexpected(item.error("invalid server \"" + *text +
                                        "\": expected IP, IP:PORT, [IPv6]:PORT or system"));
    if (auto s = check_loop(*server, item, config, ""); !s) return s;
    group.servers.push_back(*server);
  }
  return {};
}

}  // namespace

Status read_upstreams(const YamlValue& value, const LoadOptions& options, Config& config) {
  auto groups = value.entries();
  if (!groups) return std::unexpected(groups.error());
  for (const auto& [name, where, group_value] : *groups) {
    auto map = group_value.map(
        {"servers", "timeout", "max_failures", "probe_interval", "max_outstanding",
         "source_addresses"});
    if (!map) return std::unexpected(map.error());
    UpstreamGroup group;
    group.name = name;
    group.where = where;
    auto servers = map->require("servers");
    if (!servers) return std::unexpected(servers.error());
    if (auto s = read_servers(*servers, options, config, group, config.warnings); !s) return s;
    if (auto s = read_key(*map, "timeout", group.timeout, &YamlValue::duration); !s) return s;
    auto failures = [](const YamlValue& v) {
      return v.integer(1, std::numeric_limits<int>::max());
    };
    if (auto s = read_key(*map, "max_failures", group.max_failures, failures); !s) return s;
    if (auto s = read_key(*map, "probe_interval", group.probe_interval, &YamlValue::duration);
        !s)
      return s;
    auto outstanding = [](const YamlValue& v) { return v.integer(1, 1000000); };
    if (auto s = read_key(*map, "max_outstanding", group.max_outstanding, outstanding); !s)
      return s;
    if (auto v = map->get("source_addresses"))
      if (auto s = read_source_addresses(*v, group); !s) return s;
    config.upstreams.push_back(std::move(group));
  }
  return {};
}

}  // namespace dg::conf
