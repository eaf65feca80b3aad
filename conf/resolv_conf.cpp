#include "conf/resolv_conf.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace dg::conf {

std::expected<ResolvConf, std::string> read_resolv_conf(const std::string& path) {
  errno = 0;
  std::ifstream in(path);
  if (!in) return std::unexpected("cannot read " + path + ": " + std::strerror(errno));
  ResolvConf out;
  std::string line;
  while (std::getline(in, line)) {
    // Comments start with '#' or ';' (resolv.conf(5)).
    line = line.substr(0, line.find_first_of("#;"));
    std::istringstream words(line);
    std::string keyword, address;
    if (!(words >> keyword) || keyword != "nameserver" || !(words >> address)) continue;
    if (address.find('%') != std::string::npos) {
      // A link-local server needs its interface, which Endpoint does not carry.
      out.skipped.push_back(address + ": scoped addresses are not supported");
      continue;
    }
    auto ip = IpAddress::parse(address);
    if (!ip) {
      out.skipped.push_back(address + ": not an IP address");
      continue;
    }
    out.nameservers.emplace_back(*ip, 53);
  }
  if (in.bad()) return std::unexpected("cannot read " + path + ": " + std::strerror(errno));
  return out;
}

}  // namespace dg::conf
