// The abuse-limit and privilege keys: clients.rate_limit, tcp.max_connections_per_client,
// upstreams.NAME.max_outstanding and user. YAML snippet → effective value, or the exact error.
#include <gtest/gtest.h>

#include <functional>

#include "conf/load.hpp"
#include "load_fixture.hpp"

namespace dg::conf {
namespace {

const std::string kGroup = "upstreams:\n  aws: {servers: [10.0.0.1]}\n";

struct Case {
  std::string name;
  std::string yaml;  // kGroup is prepended
  std::function<void(const Config&)> check;  // null: `error` is expected instead
  std::string error = "";
};

class LimitsTest : public testing::TestWithParam<Case> {};

TEST_P(LimitsTest, EffectiveValueOrError) {
  const auto& c = GetParam();
  auto options = test::options_with_resolv("nameserver 10.0.0.2\n");
  auto config = load_string(kGroup + test::snippet(c.yaml), "test.yaml", options);
  if (c.check) {
    ASSERT_TRUE(config) << config.error().str();
    c.check(*config);
  } else {
    ASSERT_FALSE(config) << "loaded without error";
    EXPECT_EQ(config.error().str(), c.error);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Keys, LimitsTest,
    testing::Values(
        Case{"defaults", "",
             [](const Config& c) {
               EXPECT_FALSE(c.rate_limit);
               EXPECT_EQ(c.tcp.max_connections_per_client, 64u);
               EXPECT_EQ(c.upstreams.at(0).max_outstanding, 10000u);
               EXPECT_EQ(c.user, "");
             }},
        Case{"rate_limit_full", "clients: {rate_limit: {qps: 20, burst: 100, action: drop}}\n",
             [](const Config& c) {
               ASSERT_TRUE(c.rate_limit);
               EXPECT_EQ(c.rate_limit->qps, 20u);
               EXPECT_EQ(c.rate_limit->burst, 100u);
               EXPECT_EQ(c.rate_limit->action, RateLimit::Action::Drop);
               EXPECT_FALSE(c.allow.empty());  // the default allow list stays
             }},
        Case{"rate_limit_burst_defaults_to_qps", "clients: {rate_limit: {qps: 7}}\n",
             [](const Config& c) {
               ASSERT_TRUE(c.rate_limit);
               EXPECT_EQ(c.rate_limit->burst, 7u);
               EXPECT_EQ(c.rate_limit->action, RateLimit::Action::Refused);
             }},
        Case{"tiny_values",
             "tcp: {max_connections_per_client: 1}\nclients: {rate_limit: {qps: 1, burst: 1}}\n",
             [](const Config& c) {
               EXPECT_EQ(c.tcp.max_connections_per_client, 1u);
               EXPECT_EQ(c.rate_limit->qps, 1u);
             }},
        Case{"user_root", "user: root\n", [](const Config& c) { EXPECT_EQ(c.user, "root"); }},
        Case{"rate_limit_needs_qps", "clients: {rate_limit: {burst: 5}}\n", nullptr,
             "test.yaml:3:23: clients.rate_limit.qps: required key is missing"},
        Case{"rate_limit_zero", "clients: {rate_limit: {qps: 0}}\n", nullptr,
             "test.yaml:3:29: clients.rate_limit.qps: must be positive"},
        Case{"rate_limit_bad_action", "clients: {rate_limit: {qps: 5, action: servfail}}\n",
             nullptr,
             "test.yaml:3:40: clients.rate_limit.action: unknown action \"servfail\": expected "
             "refused or drop"},
        Case{"rate_limit_unknown_key", "clients: {rate_limit: {qps: 5, per: client}}\n", nullptr,
             "test.yaml:3:32: clients.rate_limit.per: unknown key (expected one of: qps, burst, "
             "action)"},
        Case{"per_client_zero", "tcp: {max_connections_per_client: 0}\n", nullptr,
             "test.yaml:3:35: tcp.max_connections_per_client: must be positive"},
        Case{"user_unknown", "user: no-such-user-devoguard\n", nullptr,
             "test.yaml:3:7: user: no such user \"no-such-user-devoguard\""},
        Case{"user_empty", "user: \"\"\n", nullptr, "test.yaml:3:7: user: empty user name"}),
    [](const auto& info) { return info.param.name; });

// max_outstanding on its own group (the snippet above cannot add a key to kGroup's group).
TEST(Limits, MaxOutstandingOfAGroup) {
  auto options = test::options_with_resolv("nameserver 10.0.0.2\n");
  auto config = load_string("upstreams:\n  ad: {servers: [10.0.0.9], max_outstanding: 1}\n",
                            "test.yaml", options);
  ASSERT_TRUE(config) << config.error().str();
  EXPECT_EQ(config->upstreams.at(0).max_outstanding, 1u);
  auto zero = load_string("upstreams:\n  ad: {servers: [10.0.0.9], max_outstanding: 0}\n",
                          "test.yaml", options);
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().str(),
            "test.yaml:2:46: upstreams.ad.max_outstanding: must be positive");
}

}  // namespace
}  // namespace dg::conf
