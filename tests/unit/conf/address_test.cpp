#include "conf/address.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dg::conf {
namespace {

struct AddressCase {
  std::string name;
  std::string text;
  std::optional<std::string> str;  // nullopt: refused
  bool v4 = true;
  bool loopback = false;
  bool unspecified = false;
};

class AddressTest : public testing::TestWithParam<AddressCase> {};

TEST_P(AddressTest, Parse) {
  const auto& c = GetParam();
  auto a = IpAddress::parse(c.text);
  ASSERT_EQ(a.has_value(), c.str.has_value());
  if (!a) return;  // a refused address has nothing more to check
  EXPECT_EQ(a->str(), *c.str);
  EXPECT_EQ(a->is_v4(), c.v4);
  EXPECT_EQ(a->bytes().size(), c.v4 ? 4u : 16u);
  EXPECT_EQ(a->is_loopback(), c.loopback);
  EXPECT_EQ(a->is_unspecified(), c.unspecified);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AddressTest,
    testing::Values(
        AddressCase{"v4", "10.1.2.3", "10.1.2.3"},
        AddressCase{"v4_loopback", "127.0.0.1", "127.0.0.1", true, true},
        AddressCase{"v4_loopback_net", "127.8.9.10", "127.8.9.10", true, true},
        AddressCase{"v4_any", "0.0.0.0", "0.0.0.0", true, false, true},
        AddressCase{"v4_aws", "169.254.169.253", "169.254.169.253"},
        AddressCase{"v6", "2001:db8::1", "2001:db8::1", false},
        AddressCase{"v6_upper", "2001:DB8::A", "2001:db8::a", false},
        AddressCase{"v6_loopback", "::1", "::1", false, true},
        AddressCase{"v6_any", "::", "::", false, false, true},
        AddressCase{"v4_mapped", "::ffff:10.0.0.1", "10.0.0.1", true},
        AddressCase{"v4_mapped_loopback", "::ffff:127.0.0.1", "127.0.0.1", true, true},
        AddressCase{"empty", "", std::nullopt},
        AddressCase{"short_v4", "10.1", std::nullopt},
        AddressCase{"octal", "010.0.0.1", std::nullopt},
        AddressCase{"too_big", "256.0.0.1", std::nullopt},
        AddressCase{"name", "localhost", std::nullopt},
        AddressCase{"space", " 10.0.0.1", std::nullopt},
        AddressCase{"scoped", "fe80::1%eth0", std::nullopt},
        AddressCase{"v6_bad", "2001:db8:::1", std::nullopt},
        AddressCase{"with_port", "10.0.0.1:53", std::nullopt},
        AddressCase{"too_long", std::string(60, '1'), std::nullopt}),
    [](const auto& info) { return info.param.name; });

TEST(IpAddressTest, SockaddrRoundTripAndMappedClients) {
  sockaddr_in6 sa{};
  sa.sin6_family = AF_INET6;
  sa.sin6_port = htons(5353);
  inet_pton(AF_INET6, "::ffff:192.168.1.5", &sa.sin6_addr);
  auto e = Endpoint::from_sockaddr(reinterpret_cast<const sockaddr*>(&sa));
  EXPECT_TRUE(e.address().is_v4());
  EXPECT_EQ(e.str(), "192.168.1.5:5353");

  for (const char* text : {"10.0.0.1:53", "[2001:db8::1]:5300"}) {
    auto parsed = Endpoint::parse(text, 53);
    ASSERT_TRUE(parsed) << text;
    sockaddr_storage ss{};
    auto len = parsed->to_sockaddr(ss);
    EXPECT_EQ(len, parsed->address().is_v4() ? sizeof(sockaddr_in) : sizeof(sockaddr_in6));
    EXPECT_EQ(Endpoint::from_sockaddr(reinterpret_cast<const sockaddr*>(&ss)), *parsed) << text;
  }
}

struct EndpointCase {
  std::string name;
  std::string text;
  uint16_t default_port;
  std::optional<std::string> str;  // nullopt: refused
};

class EndpointTest : public testing::TestWithParam<EndpointCase> {};

TEST_P(EndpointTest, Parse) {
  const auto& c = GetParam();
  auto e = Endpoint::parse(c.text, c.default_port);
  ASSERT_EQ(e.has_value(), c.str.has_value()) << (e ? e->str() : "");
  if (e) {
    EXPECT_EQ(e->str(), *c.str);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, EndpointTest,
    testing::Values(EndpointCase{"v4_port", "1.2.3.4:5353", 53, "1.2.3.4:5353"},
                    EndpointCase{"v4_bare", "1.2.3.4", 53, "1.2.3.4:53"},
                    EndpointCase{"v6_port", "[::1]:5300", 53, "[::1]:5300"},
                    EndpointCase{"v6_brackets_only", "[::1]", 53, "[::1]:53"},
                    EndpointCase{"v6_bare", "2001:db8::53", 53, "[2001:db8::53]:53"},
                    EndpointCase{"v6_any", "[::]:53", 53, "[::]:53"},
                    EndpointCase{"mapped", "[::ffff:10.0.0.1]:53", 53, "10.0.0.1:53"},
                    EndpointCase{"max_port", "1.2.3.4:65535", 53, "1.2.3.4:65535"},
                    EndpointCase{"no_default", "1.2.3.4", 0, "1.2.3.4:0"},
                    EndpointCase{"port_zero", "1.2.3.4:0", 53, std::nullopt},
                    EndpointCase{"port_too_big", "1.2.3.4:65536", 53, std::nullopt},
                    EndpointCase{"port_sign", "1.2.3.4:+53", 53, std::nullopt},
                    EndpointCase{"port_empty", "1.2.3.4:", 53, std::nullopt},
                    EndpointCase{"port_text", "1.2.3.4:dns", 53, std::nullopt},
                    EndpointCase{"port_space", "1.2.3.4: 53", 53, std::nullopt},
                    EndpointCase{"v6_unclosed", "[::1:53", 53, std::nullopt},
                    EndpointCase{"v6_junk", "[::1]x53", 53, std::nullopt},
                    EndpointCase{"v4_in_brackets", "[1.2.3.4]:53", 53, std::nullopt},
                    EndpointCase{"hostname", "dns.example:53", 53, std::nullopt},
                    EndpointCase{"empty", "", 53, std::nullopt}),
    [](const auto& info) { return info.param.name; });

struct CidrCase {
  std::string name;
  std::string text;
  std::optional<std::string> str;  // nullopt: refused
  std::vector<std::string> inside;
  std::vector<std::string> outside;
};

class CidrTest : public testing::TestWithParam<CidrCase> {};

TEST_P(CidrTest, ParseAndContains) {
  const auto& c = GetParam();
  auto cidr = Cidr::parse(c.text);
  ASSERT_EQ(cidr.has_value(), c.str.has_value());
  if (!cidr) return;  // a refused prefix has nothing more to check
  EXPECT_EQ(cidr->str(), *c.str);
  for (const auto& a : c.inside) EXPECT_TRUE(cidr->contains(*IpAddress::parse(a))) << a;
  for (const auto& a : c.outside) EXPECT_FALSE(cidr->contains(*IpAddress::parse(a))) << a;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CidrTest,
    testing::Values(
        CidrCase{"rfc1918", "10.0.0.0/8", "10.0.0.0/8", {"10.0.0.0", "10.255.255.255"},
                 {"11.0.0.0", "9.255.255.255", "::ffff:11.0.0.1", "::1"}},
        CidrCase{"odd_length", "172.16.0.0/12", "172.16.0.0/12", {"172.31.255.255", "172.16.0.1"},
                 {"172.32.0.0", "172.15.255.255"}},
        CidrCase{"host_bits_masked", "10.1.2.3/8", "10.0.0.0/8", {"10.200.0.1"}, {"11.1.2.3"}},
        CidrCase{"bare_v4_is_host", "192.168.1.1", "192.168.1.1/32", {"192.168.1.1"},
                 {"192.168.1.2"}},
        CidrCase{"v4_all", "0.0.0.0/0", "0.0.0.0/0", {"1.2.3.4", "255.255.255.255"},
                 {"2001:db8::1"}},
        CidrCase{"v4_client_mapped", "192.168.0.0/16", "192.168.0.0/16", {"::ffff:192.168.3.4"},
                 {}},
        CidrCase{"v6_loopback", "::1/128", "::1/128", {"::1"}, {"::2", "127.0.0.1"}},
        CidrCase{"bare_v6_is_host", "::1", "::1/128", {"::1"}, {"::"}},
        CidrCase{"ula", "fc00::/7", "fc00::/7", {"fd12:3456::1", "fc00::"},
                 {"fe80::1", "10.0.0.1"}},
        CidrCase{"v6_host_bits", "2001:db8::1/32", "2001:db8::/32", {"2001:db8:ffff::1"},
                 {"2001:db9::1"}},
        CidrCase{"v6_all_holds_v4_clients", "::/0", "::/0", {"::1", "10.0.0.1"}, {}},
        CidrCase{"mapped_prefix", "::ffff:10.0.0.0/104", "10.0.0.0/8", {"10.9.9.9"},
                 {"11.0.0.0"}},
        CidrCase{"mapped_short_prefix", "::ffff:0:0/95", "::fffe:0:0/95", {"10.0.0.1"},
                 {"::1"}},
        CidrCase{"v4_too_long", "10.0.0.0/33", std::nullopt, {}, {}},
        CidrCase{"v6_too_long", "::/129", std::nullopt, {}, {}},
        CidrCase{"length_empty", "10.0.0.0/", std::nullopt, {}, {}},
        CidrCase{"length_sign", "10.0.0.0/+8", std::nullopt, {}, {}},
        CidrCase{"length_text", "10.0.0.0/eight", std::nullopt, {}, {}},
        CidrCase{"bad_address", "10.0.0/8", std::nullopt, {}, {}},
        CidrCase{"two_slashes", "10.0.0.0/8/8", std::nullopt, {}, {}},
        CidrCase{"empty", "", std::nullopt, {}, {}}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace dg::conf
