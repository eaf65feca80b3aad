#include "proxy/aws/host.hpp"

#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstring>

namespace dg::proxy::aws {
namespace {

int prefix_of(const sockaddr* mask) {
  if (!mask) return 0;
  conf::IpAddress m = conf::IpAddress::from_sockaddr(mask);
  int bits = 0;
  for (uint8_t b : m.bytes())
    for (int i = 7; i >= 0; --i) bits += (b >> i) & 1;
  return bits;
}

bool in_prefix(const conf::IpAddress& a, const conf::IpAddress& net, int prefix) {
  if (a.is_v4() != net.is_v4()) return false;
  auto x = a.bytes(), y = net.bytes();
  for (int i = 0; i < prefix; ++i) {
    const int byte = i / 8, bit = 7 - i % 8;
    if (((x[byte] >> bit) & 1) != ((y[byte] >> bit) & 1)) return false;
  }
  return true;
}

}  // namespace

InterfaceTable InterfaceTable::from_host() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return {};
  std::vector<Address> out;
  for (auto* i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr || (i->ifa_addr->sa_family != AF_INET && i->ifa_addr->sa_family != AF_INET6))
      continue;
    out.push_back({i->ifa_name, conf::IpAddress::from_sockaddr(i->ifa_addr),
                   prefix_of(i->ifa_netmask), (i->ifa_flags & IFF_LOOPBACK) != 0});
  }
  freeifaddrs(list);
  return InterfaceTable(std::move(out));
}

std::optional<std::string> InterfaceTable::interface_of(const conf::IpAddress& a) const {
  for (const auto& x : addresses_)
    if (x.address == a) return x.interface;
  for (const auto& x : addresses_)
    if (x.loopback && in_prefix(a, x.address, x.prefix)) return x.interface;
  return std::nullopt;
}

std::optional<Route> kernel_route(const conf::IpAddress& to,
                                  const std::optional<conf::IpAddress>& from) {
  const int family = to.is_v4() ? AF_INET : AF_INET6;
  int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return std::nullopt;
  timeval tv{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

  struct {
    nlmsghdr nh;
    rtmsg rt;
    char attrs[64];
  } req{};
  req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(rtmsg));
  req.nh.nlmsg_type = RTM_GETROUTE;
  req.nh.nlmsg_flags = NLM_F_REQUEST;
  req.nh.nlmsg_seq = 1;
  req.rt.rtm_family = uint8_t(family);
  auto add = [&req](unsigned short type, const conf::IpAddress& a) {
    auto* rta = reinterpret_cast<rtattr*>(reinterpret_cast<char*>(&req) + NLMSG_ALIGN(req.nh.nlmsg_len));
    rta->rta_type = type;
    rta->rta_len = RTA_LENGTH(a.bytes().size());
    std::memcpy(RTA_DATA(rta), a.bytes().data(), a.bytes().size());
    req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
  };
  add(RTA_DST, to);
  req.rt.rtm_dst_len = uint8_t(to.bytes().size() * 8);
  if (from) {
    add(RTA_SRC, *from);
    req.rt.rtm_src_len = uint8_t(from->bytes().size() * 8);
  }
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  std::optional<Route> route;
  if (::sendto(fd, &req, req.nh.nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) >= 0) {
    alignas(nlmsghdr) char buf[8192];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    for (auto* nh = reinterpret_cast<nlmsghdr*>(buf); n > 0 && NLMSG_OK(nh, size_t(n));
         nh = NLMSG_NEXT(nh, n)) {
      if (nh->nlmsg_type != RTM_NEWROUTE) break;  // NLMSG_ERROR: no route
      auto* rt = static_cast<rtmsg*>(NLMSG_DATA(nh));
      int len = int(RTM_PAYLOAD(nh));
      Route r;
      for (auto* a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        if (a->rta_type == RTA_OIF) {
          char name[IF_NAMESIZE] = {};
          if (if_indextoname(*static_cast<int*>(RTA_DATA(a)), name)) r.interface = name;
        } else if (a->rta_type == RTA_PREFSRC) {
          sockaddr_storage ss{};
          if (family == AF_INET) {
            auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
            sin->sin_family = AF_INET;
            std::memcpy(&sin->sin_addr, RTA_DATA(a), 4);
          } else {
            auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
            sin6->sin6_family = AF_INET6;
            std::memcpy(&sin6->sin6_addr, RTA_DATA(a), 16);
          }
          r.source = conf::IpAddress::from_sockaddr(reinterpret_cast<sockaddr*>(&ss));
        }
      }
      if (!r.interface.empty()) route = r;
      break;
    }
  }
  ::close(fd);
  return route;
}

}  // namespace dg::proxy::aws
