#include "proxy/investigate/aws_resolvers.hpp"

#include "conf/address.hpp"

namespace dg::proxy::investigate {
namespace {

// Canonical text, so "FD00:EC2:0::253" and "fd00:ec2::253" compare equal.
std::string canonical(std::string_view address) {
  auto a = conf::IpAddress::parse(address);
  return a ? a->str() : std::string(address);
}

}  // namespace

AwsResolvers::AwsResolvers(const std::vector<std::string>& given) {
  list_.push_back({"169.254.169.253", "builtin"});
  list_.push_back({"fd00:ec2::253", "builtin"});
  for (const auto& g : given) list_.push_back({canonical(g), "given"});
  used_.assign(list_.size(), false);
  for (std::size_t i = 2; i < used_.size(); ++i) used_[i] = true;
}

bool AwsResolvers::is_aws(std::string_view address, bool forwarded_to) {
  // The common case first: the log's text is already canonical.
  for (std::size_t i = 0; i < list_.size(); ++i)
    if (list_[i].address == address) return used_[i] = true;
  const std::string c = canonical(address);
  for (std::size_t i = 0; i < list_.size(); ++i)
    if (list_[i].address == c) return used_[i] = true;
  auto a = conf::IpAddress::parse(address);
  if (forwarded_to && a && a->is_v4() && a->bytes()[3] == 2) {
    list_.push_back({c, "heuristic"});
    used_.push_back(true);
    return true;
  }
  return false;
}

std::vector<AwsResolver> AwsResolvers::seen() const {
  std::vector<AwsResolver> out;
  for (std::size_t i = 0; i < list_.size(); ++i)
    if (used_[i]) out.push_back(list_[i]);
  return out;
}

std::string_view strip_port(std::string_view endpoint) {
  if (endpoint.starts_with('[')) {
    const auto close = endpoint.find(']');
    return close == std::string_view::npos ? endpoint : endpoint.substr(1, close - 1);
  }
  const auto colon = endpoint.find(':');
  if (colon != std::string_view::npos && endpoint.find(':', colon + 1) == std::string_view::npos)
    return endpoint.substr(0, colon);  // IPv4:port; a bare IPv6 has several colons
  return endpoint;
}

}  // namespace dg::proxy::investigate
