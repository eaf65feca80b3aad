#pragma once
// Which addresses are "the AWS resolver" (INVESTIGATE.md §1a): 169.254.169.253,
// fd00:ec2::253, any --aws-resolver, and — heuristically — an IPv4 address ending in .2 that
// receives forwarded queries (the VPC base+2 resolver), reported as such so the operator can
// override it.
#include <string>
#include <string_view>
#include <vector>

namespace dg::proxy::investigate {

struct AwsResolver {
  std::string address;
  std::string source;  // "builtin", "given", "heuristic"
};

class AwsResolvers {
 public:
  explicit AwsResolvers(const std::vector<std::string>& given);

  // Is `address` (no port) an AWS resolver? `forwarded_to` says a server forwarded queries to
  // it, which is what lets the .2 heuristic apply; a heuristic hit is remembered.
  bool is_aws(std::string_view address, bool forwarded_to);
  // The builtin ones, the given ones, then those the heuristic found (in the order found).
  const std::vector<AwsResolver>& all() const { return list_; }
  // Only those the input showed or the operator gave (the builtins appear only when used).
  std::vector<AwsResolver> seen() const;

 private:
  std::vector<AwsResolver> list_;
  std::vector<bool> used_;
};

// "169.254.169.253:53" → "169.254.169.253"; "[fd00:ec2::253]:53" → "fd00:ec2::253".
std::string_view strip_port(std::string_view endpoint);

}  // namespace dg::proxy::investigate
