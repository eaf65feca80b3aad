#pragma once
// The `nameserver` lines of resolv.conf(5): what an upstream server written as `system` means.
#include <expected>
#include <string>
#include <vector>

#include "conf/address.hpp"

namespace dg::conf {

struct ResolvConf {
  std::vector<Endpoint> nameservers;  // in file order, port 53
  // Lines that were left out and why, e.g. "fe80::1%eth0: scoped addresses are not supported":
  // the loader turns them into warnings.
  std::vector<std::string> skipped;
};

// The error reads "cannot read PATH: <strerror>".
std::expected<ResolvConf, std::string> read_resolv_conf(const std::string& path);

}  // namespace dg::conf
