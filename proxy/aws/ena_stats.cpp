#include "proxy/aws/ena_stats.hpp"

#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace dg::proxy::aws {
namespace {

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::expected<void, std::string> ethtool(int fd, const std::string& interface, void* data) {
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, interface.c_str(), IFNAMSIZ - 1);
  ifr.ifr_data = static_cast<char*>(data);
  if (::ioctl(fd, SIOCETHTOOL, &ifr) != 0) return std::unexpected(std::string(std::strerror(errno)));
  return {};
}

}  // namespace

std::expected<uint64_t, std::string> EthtoolStats::read(const std::string& interface,
                                                        std::string_view stat) {
  Fd s{::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
  if (s.fd < 0) return std::unexpected(std::string("socket: ") + std::strerror(errno));

  // How many statistics the driver has.
  // ethtool_sset_info ends in a flexible array: one uint32_t per set asked for follows it.
  alignas(ethtool_sset_info) uint8_t sset_buf[sizeof(ethtool_sset_info) + sizeof(uint32_t)] = {};
  auto* sset = reinterpret_cast<ethtool_sset_info*>(sset_buf);
  sset->cmd = ETHTOOL_GSSET_INFO;
  sset->sset_mask = 1ull << ETH_SS_STATS;
  if (auto ok = ethtool(s.fd, interface, sset); !ok)
    return std::unexpected("ETHTOOL_GSSET_INFO: " + ok.error());
  const uint32_t n = sset->sset_mask ? sset->data[0] : 0;
  if (n == 0) return std::unexpected(std::string("the driver reports no statistics"));

  // Their names, ETH_GSTRING_LEN bytes each.
  auto strings = std::unique_ptr<uint8_t[]>(new uint8_t[sizeof(ethtool_gstrings) + n * ETH_GSTRING_LEN]());
  auto* gs = reinterpret_cast<ethtool_gstrings*>(strings.get());
  gs->cmd = ETHTOOL_GSTRINGS;
  gs->string_set = ETH_SS_STATS;
  gs->len = n;
  if (auto ok = ethtool(s.fd, interface, gs); !ok)
    return std::unexpected("ETHTOOL_GSTRINGS: " + ok.error());
  uint32_t index = n;
  for (uint32_t i = 0; i < gs->len && i < n; ++i) {
    const char* name = reinterpret_cast<const char*>(gs->data + i * ETH_GSTRING_LEN);
    if (std::string_view(name, strnlen(name, ETH_GSTRING_LEN)) == stat) {
      index = i;
      break;
    }
  }
  if (index == n)
    return std::unexpected("no statistic " + std::string(stat) + " (not an ENA interface?)");

  // The values, in the same order.
  auto values = std::unique_ptr<uint8_t[]>(new uint8_t[sizeof(ethtool_stats) + n * sizeof(uint64_t)]());
  auto* st = reinterpret_cast<ethtool_stats*>(values.get());
  st->cmd = ETHTOOL_GSTATS;
  st->n_stats = n;
  if (auto ok = ethtool(s.fd, interface, st); !ok)
    return std::unexpected("ETHTOOL_GSTATS: " + ok.error());
  if (index >= st->n_stats) return std::unexpected(std::string("statistics changed while read"));
  return st->data[index];
}

std::vector<EnaReader::Event> EnaReader::poll() {
  std::vector<Event> events;
  for (const auto& name : interfaces_) {
    auto v = provider_.read(name, kEnaStat);
    if (!v) {
      if (!failing_[name]) events.push_back({Event::Failed, name, 0, 0, v.error()});
      failing_[name] = true;
      continue;
    }
    failing_[name] = false;
    auto [it, first] = values_.try_emplace(name, *v);
    if (!first) {
      if (*v > it->second) events.push_back({Event::Rose, name, *v, *v - it->second, {}});
      it->second = *v;  // a lower value: the driver was reset; the new value is the baseline
    }
  }
  return events;
}

}  // namespace dg::proxy::aws
