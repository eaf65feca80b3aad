#pragma once
// The host's network interfaces and routes, as the AWS accounting needs them: which interface
// owns a source address (getifaddrs), and which interface the kernel's route for
// (source → server) leaves by (an RTM_GETROUTE netlink request, as `ip route get DST from SRC`:
// policy rules for the source are honoured).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "conf/address.hpp"

namespace dg::proxy::aws {

class InterfaceTable {
 public:
  struct Address {
    std::string interface;
    conf::IpAddress address;
    int prefix = 0;         // bits
    bool loopback = false;  // IFF_LOOPBACK: the whole prefix is local (127.0.0.0/8 on lo)
  };
  InterfaceTable() = default;
  explicit InterfaceTable(std::vector<Address> addresses) : addresses_(std::move(addresses)) {}
  static InterfaceTable from_host();  // getifaddrs; empty when it fails

  // The interface that has `a`: an exact address, or a loopback interface's prefix.
  std::optional<std::string> interface_of(const conf::IpAddress& a) const;
  bool empty() const { return addresses_.empty(); }

 private:
  std::vector<Address> addresses_;
};

struct Route {
  std::string interface;                  // where packets leave
  std::optional<conf::IpAddress> source;  // the preferred source, when the kernel names one
};
// The kernel's route to `to` for packets from `from` (none: the kernel chooses the source).
using RouteLookup =
    std::function<std::optional<Route>(const conf::IpAddress& to,
                                       const std::optional<conf::IpAddress>& from)>;
std::optional<Route> kernel_route(const conf::IpAddress& to,
                                  const std::optional<conf::IpAddress>& from);

}  // namespace dg::proxy::aws
