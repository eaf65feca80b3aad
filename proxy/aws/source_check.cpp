#include "proxy/aws/source_check.hpp"

#include <fmt/format.h>

#include <map>

#include "conf/load.hpp"

namespace dg::proxy::aws {
namespace {

// "a", "a and b", "a, b and c".
std::string and_list(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " and " : ", ";
    out += items[i];
  }
  return out;
}

}  // namespace

std::vector<std::string> source_warnings(const conf::Config& config, const InterfaceTable& host,
                                         const RouteLookup& route) {
  std::vector<std::string> out;
  for (const auto& g : config.upstreams) {
    if (g.source_addresses.empty()) continue;
    const std::string key = "upstreams." + g.name + ".source_addresses";
    auto warn = [&](const std::string& message) {
      out.push_back(conf::Error{g.source_addresses_where, key, message}.str());
    };
    std::map<std::string, std::vector<std::string>> by_interface;  // in name order
    for (const auto& source : g.source_addresses) {
      auto interface = host.interface_of(source);
      if (!interface) {
        warn(fmt::format("{} is not an address of this host: sockets bound to it will fail",
                         source.str()));
        continue;
      }
      by_interface[*interface].push_back(source.str());
      for (const auto& server : g.servers) {
        auto r = route(server.address(), source);
        if (r && r->interface != *interface)
          warn(fmt::format("the route from {} to {} leaves by {}, not {}: packets count "
                           "against {}'s budget (add source-based routing)",
                           source.str(), server.address().str(), r->interface, *interface,
                           r->interface));
      }
    }
    for (const auto& [interface, sources] : by_interface)
      if (sources.size() > 1)
        warn(fmt::format("{} share {}: one {} pps budget", and_list(sources), interface,
                         config.aws.packet_limit));
  }
  return out;
}

}  // namespace dg::proxy::aws
