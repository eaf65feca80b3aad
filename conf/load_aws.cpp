// `aws:` (DEPLOY.md §1): the Amazon resolver's packet limit, the warning ratio and the ENA
// interfaces whose linklocal_allowance_exceeded counter is read.
#include <net/if.h>  // IFNAMSIZ

#include <charconv>

#include "conf/load_parts.hpp"

namespace dg::conf {
namespace {

// A decimal fraction in (0, 1]: "0.8", "1", ".5".
std::expected<double, Error> read_ratio(const YamlValue& value) {
  auto text = value.string();
  if (!text) return std::unexpected(text.error());
  double d = 0;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, d, std::chars_format::fixed);
  if (ec != std::errc{} || ptr != end || !(d > 0 && d <= 1))
    return std::unexpected(
        value.error("expected a number above 0 and at most 1, e.g. 0.8, got \"" + *text + "\""));
  return d;
}

std::expected<std::vector<IpAddress>, Error> read_ips(const YamlValue& value) {
  auto items = value.list();
  if (!items) return std::unexpected(items.error());
  std::vector<IpAddress> out;
  for (const auto& item : *items) {
    auto ip = read_ip(item);
    if (!ip) return std::unexpected(ip.error());
    for (const auto& seen : out)
      if (seen == *ip) return std::unexpected(item.error("duplicate address " + ip->str()));
    out.push_back(*ip);
  }
  return out;
}

std::expected<std::vector<std::string>, Error> read_interfaces(const YamlValue& value) {
  auto items = value.list();
  if (!items) return std::unexpected(items.error());
  std::vector<std::string> out;
  for (const auto& item : *items) {
    auto name = item.string();
    if (!name) return std::unexpected(name.error());
    if (name->empty() || name->size() >= IFNAMSIZ || name->find_first_of("/ \t:") != std::string::npos)
      return std::unexpected(item.error("invalid interface name \"" + *name +
                                        "\": expected a name such as ens5 (at most " +
                                        std::to_string(IFNAMSIZ - 1) + " characters)"));
    for (const auto& seen : out)
      if (seen == *name) return std::unexpected(item.error("duplicate interface " + *name));
    out.push_back(*name);
  }
  return out;
}

}  // namespace

std::expected<IpAddress, Error> read_ip(const YamlValue& value) {
  auto text = value.string();
  if (!text) return std::unexpected(text.error());
  auto ip = IpAddress::parse(*text);
  if (!ip)
    return std::unexpected(
        value.error("invalid address \"" + *text + "\": expected an IPv4 or IPv6 address"));
  return *ip;
}

Status read_aws(const YamlValue& value, Config& config) {
  auto map = value.map({"resolvers", "packet_limit", "warn_ratio", "ena_interfaces"});
  if (!map) return std::unexpected(map.error());
  auto& a = config.aws;
  if (auto s = read_key(*map, "resolvers", a.resolvers, read_ips); !s) return s;
  auto limit = [](const YamlValue& v) { return v.integer(1, 10000000); };
  if (auto s = read_key(*map, "packet_limit", a.packet_limit, limit); !s) return s;
  if (auto s = read_key(*map, "warn_ratio", a.warn_ratio, read_ratio); !s) return s;
  return read_key(*map, "ena_interfaces", a.ena_interfaces, read_interfaces);
}

// `upstreams.NAME.source_addresses`, read by conf/load_upstreams.cpp after the servers.
Status read_source_addresses(const YamlValue& value, UpstreamGroup& group) {
  auto items = value.list();
  if (!items) return std::unexpected(items.error());
  if (items->size() > kMaxSourceAddresses)
    return std::unexpected(value.error("at most " + std::to_string(kMaxSourceAddresses) +
                                       " source addresses"));
  auto ips = read_ips(value);
  if (!ips) return std::unexpected(ips.error());
  for (std::size_t i = 0; i < ips->size(); ++i) {
    const auto& ip = (*ips)[i];
    const auto& at = (*items)[i];
    if (ip.is_unspecified())
      return std::unexpected(at.error("source address " + ip.str() +
                                      " is unspecified: remove the key to let the kernel choose"));
    for (const auto& server : group.servers)
      if (server.address().is_v4() != ip.is_v4())
        return std::unexpected(at.error("source address " + ip.str() + " and server " +
                                        server.str() + " are of different address families"));
  }
  group.source_addresses = std::move(*ips);
  group.source_addresses_where = value.where();
  return {};
}

}  // namespace dg::conf
