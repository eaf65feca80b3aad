// `aws:` and `upstreams.NAME.source_addresses` (DEPLOY.md §1): YAML → effective values, and bad
// values → the exact error line.
#include <gtest/gtest.h>

#include <functional>

#include "conf/load.hpp"
#include "load_fixture.hpp"

namespace dg::conf {
namespace {

struct AwsCase {
  std::string name;
  std::string yaml;
  std::function<void(const Config&)> check;
};

class LoadAwsTest : public testing::TestWithParam<AwsCase> {};

TEST_P(LoadAwsTest, EffectiveValues) {
  auto options = test::options_with_resolv("nameserver 10.0.0.2\n");
  auto config = load_string(test::snippet(GetParam().yaml), "test.yaml", options);
  ASSERT_TRUE(config) << config.error().str();
  GetParam().check(*config);
}

std::string ips(const std::vector<IpAddress>& list) {
  std::string out;
  for (const auto& a : list) out += (out.empty() ? "" : " ") + a.str();
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Good, LoadAwsTest,
    testing::Values(
        AwsCase{"absent_defaults", "threads: 1\n",
                [](const Config& c) {
                  EXPECT_TRUE(c.aws.resolvers.empty());
                  EXPECT_EQ(c.aws.packet_limit, 1024u);
                  EXPECT_DOUBLE_EQ(c.aws.warn_ratio, 0.8);
                  EXPECT_TRUE(c.aws.ena_interfaces.empty());
                }},
        AwsCase{"everything", R"(
aws:
  resolvers: [10.0.0.2, "fd00:ec2::2"]
  packet_limit: 100
  warn_ratio: 0.5
  ena_interfaces: [ens5, ens6]
)",
                [](const Config& c) {
                  EXPECT_EQ(ips(c.aws.resolvers), "10.0.0.2 fd00:ec2::2");
                  EXPECT_EQ(c.aws.packet_limit, 100u);
                  EXPECT_DOUBLE_EQ(c.aws.warn_ratio, 0.5);
                  EXPECT_EQ(c.aws.ena_interfaces, (std::vector<std::string>{"ens5", "ens6"}));
                }},
        AwsCase{"ratio_one_and_single_scalars", "aws: {warn_ratio: 1, resolvers: 10.1.0.2}\n",
                [](const Config& c) {
                  EXPECT_DOUBLE_EQ(c.aws.warn_ratio, 1.0);
                  EXPECT_EQ(ips(c.aws.resolvers), "10.1.0.2");
                }},
        AwsCase{"source_addresses", R"(
upstreams:
  aws:
    servers: [169.254.169.253]
    source_addresses: [10.0.1.10, 10.0.1.11]
  plain: { servers: [10.0.0.2] }
)",
                [](const Config& c) {
                  EXPECT_EQ(ips(c.upstreams[0].source_addresses), "10.0.1.10 10.0.1.11");
                  EXPECT_EQ(c.upstreams[0].source_addresses_where.line, 4);
                  EXPECT_EQ(c.upstreams[0].source_addresses_where.column, 23);
                  EXPECT_TRUE(c.upstreams[1].source_addresses.empty());
                }}),
    [](const auto& info) { return info.param.name; });

struct BadCase {
  std::string name;
  std::string yaml;
  std::string error;
};

class LoadAwsErrorTest : public testing::TestWithParam<BadCase> {};

TEST_P(LoadAwsErrorTest, ExactMessage) {
  auto options = test::options_with_resolv("nameserver 10.0.0.2\n");
  auto config = load_string(test::snippet(GetParam().yaml), "test.yaml", options);
  ASSERT_FALSE(config) << "loaded without error";
  EXPECT_EQ(config.error().str(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Bad, LoadAwsErrorTest,
    testing::Values(
        BadCase{"unknown_key", "aws:\n  packet_limt: 10\n",
                "test.yaml:2:3: aws.packet_limt: unknown key (expected one of: resolvers, "
                "packet_limit, warn_ratio, ena_interfaces)"},
        BadCase{"not_a_map", "aws: yes\n", "test.yaml:1:6: aws: expected a mapping, got \"yes\""},
        BadCase{"resolver_not_ip", "aws: {resolvers: [vpc.internal]}\n",
                "test.yaml:1:19: aws.resolvers[0]: invalid address \"vpc.internal\": expected "
                "an IPv4 or IPv6 address"},
        BadCase{"resolver_with_port", "aws: {resolvers: [\"10.0.0.2:53\"]}\n",
                "test.yaml:1:19: aws.resolvers[0]: invalid address \"10.0.0.2:53\": expected "
                "an IPv4 or IPv6 address"},
        BadCase{"resolver_duplicate", "aws: {resolvers: [10.0.0.2, 10.0.0.2]}\n",
                "test.yaml:1:29: aws.resolvers[1]: duplicate address 10.0.0.2"},
        BadCase{"packet_limit_zero", "aws: {packet_limit: 0}\n",
                "test.yaml:1:21: aws.packet_limit: must be positive"},
        BadCase{"warn_ratio_zero", "aws: {warn_ratio: 0}\n",
                "test.yaml:1:19: aws.warn_ratio: expected a number above 0 and at most 1, e.g. "
                "0.8, got \"0\""},
        BadCase{"warn_ratio_percent", "aws: {warn_ratio: 80%}\n",
                "test.yaml:1:19: aws.warn_ratio: expected a number above 0 and at most 1, e.g. "
                "0.8, got \"80%\""},
        BadCase{"warn_ratio_above_one", "aws: {warn_ratio: 1.2}\n",
                "test.yaml:1:19: aws.warn_ratio: expected a number above 0 and at most 1, e.g. "
                "0.8, got \"1.2\""},
        BadCase{"ena_interface_bad", "aws: {ena_interfaces: [\"ens 5\"]}\n",
                "test.yaml:1:24: aws.ena_interfaces[0]: invalid interface name \"ens 5\": "
                "expected a name such as ens5 (at most 15 characters)"},
        BadCase{"ena_interface_long", "aws: {ena_interfaces: [abcdefghijklmnop]}\n",
                "test.yaml:1:24: aws.ena_interfaces[0]: invalid interface name "
                "\"abcdefghijklmnop\": expected a name such as ens5 (at most 15 characters)"},
        BadCase{"source_not_ip", R"(
upstreams:
  aws:
    servers: [10.0.0.2]
    source_addresses: [ens5]
)",
                "test.yaml:4:24: upstreams.aws.source_addresses[0]: invalid address \"ens5\": "
                "expected an IPv4 or IPv6 address"},
        BadCase{"source_duplicate", R"(
upstreams:
  aws:
    servers: [10.0.0.2]
    source_addresses: [10.0.1.10, 10.0.1.10]
)",
                "test.yaml:4:35: upstreams.aws.source_addresses[1]: duplicate address "
                "10.0.1.10"},
        BadCase{"source_family", R"(
upstreams:
  aws:
    servers: [10.0.0.2, "[fd00:ec2::253]:53"]
    source_addresses: [10.0.1.10]
)",
                "test.yaml:4:24: upstreams.aws.source_addresses[0]: source address 10.0.1.10 "
                "and server [fd00:ec2::253]:53 are of different address families"},
        BadCase{"source_unspecified", R"(
upstreams:
  aws:
    servers: [10.0.0.2]
    source_addresses: [0.0.0.0]
)",
                "test.yaml:4:24: upstreams.aws.source_addresses[0]: source address 0.0.0.0 is "
                "unspecified: remove the key to let the kernel choose"},
        BadCase{"source_too_many", R"(
upstreams:
  aws:
    servers: [10.0.0.2]
    source_addresses: [10.0.1.1, 10.0.1.2, 10.0.1.3, 10.0.1.4, 10.0.1.5, 10.0.1.6, 10.0.1.7, 10.0.1.8, 10.0.1.9]
)",
                "test.yaml:4:23: upstreams.aws.source_addresses: at most 8 source addresses"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace dg::conf
