// `dnstap:` (DEPLOY.md, "dnstap"): YAML → effective values, defaults included; bad values → the
// exact error line.
#include <gtest/gtest.h>

#include <functional>

#include "conf/load.hpp"
#include "load_fixture.hpp"

namespace dg::conf {
namespace {

constexpr uint8_t kAll = kDnstapClientQuery | kDnstapClientResponse | kDnstapForwarderQuery |
                         kDnstapForwarderResponse;

struct DnstapCase {
  std::string name;
  std::string yaml;
  std::function<void(const Dnstap&)> check;
};

class LoadDnstapTest : public testing::TestWithParam<DnstapCase> {};

TEST_P(LoadDnstapTest, EffectiveValues) {
  auto options = test::options_with_resolv("nameserver 10.0.0.2\n");
  auto config = load_string(test::snippet(GetParam().yaml), "test.yaml", options);
  ASSERT_TRUE(config) << config.error().str();
  GetParam().check(config->dnstap);
}

INSTANTIATE_TEST_SUITE_P(
    Good, LoadDnstapTest,
    testing::Values(
        DnstapCase{"absent_is_off", "threads: 1\n",
                   [](const Dnstap& d) {
                     EXPECT_FALSE(d.enabled());
                     EXPECT_EQ(d.messages, kAll);
                     EXPECT_EQ(d.queue, 65536u);
                   }},
        DnstapCase{"unix_with_defaults", "dnstap:\n  unix: /run/devoguard/dnstap.sock\n",
                   [](const Dnstap& d) {
                     EXPECT_TRUE(d.enabled());
                     EXPECT_EQ(d.unix_path, "/run/devoguard/dnstap.sock");
                     EXPECT_EQ(d.file, "");
                     EXPECT_EQ(d.identity, "");
                     EXPECT_EQ(d.messages, kAll);
                     EXPECT_EQ(d.queue, 65536u);
                   }},
        DnstapCase{"file_everything", R"(
dnstap:
  file: /var/log/devoguard/dnstap.fstrm
  identity: dns-a
  messages: [client_query, client_response]
  queue: 1000
)",
                   [](const Dnstap& d) {
                     EXPECT_EQ(d.file, "/var/log/devoguard/dnstap.fstrm");
                     EXPECT_EQ(d.identity, "dns-a");
                     EXPECT_EQ(d.messages, kDnstapClientQuery | kDnstapClientResponse);
                     EXPECT_EQ(d.queue, 1000u);
                   }},
        DnstapCase{"one_message_as_scalar", "dnstap:\n  unix: /s\n  messages: forwarder_query\n",
                   [](const Dnstap& d) { EXPECT_EQ(d.messages, kDnstapForwarderQuery); }}),
    [](const auto& info) { return info.param.name; });

struct BadCase {
  std::string name;
  std::string yaml;
  std::string error;
};

class LoadDnstapErrorTest : public testing::TestWithParam<BadCase> {};

TEST_P(LoadDnstapErrorTest, ExactMessage) {
  auto options = test::options_with_resolv("nameserver 10.0.0.2\n");
  auto config = load_string(test::snippet(GetParam().yaml), "test.yaml", options);
  ASSERT_FALSE(config) << "loaded without error";
  EXPECT_EQ(config.error().str(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Bad, LoadDnstapErrorTest,
    testing::Values(
        BadCase{"unknown_key", "dnstap:\n  unix: /s\n  socket: /s\n",
                "test.yaml:3:3: dnstap.socket: unknown key (expected one of: unix, file, "
                "identity, messages, queue)"},
        BadCase{"no_output", "dnstap:\n  identity: a\n",
                "test.yaml:2:3: dnstap: needs unix: SOCKET (a reader such as fstrm_capture) or "
                "file: PATH"},
        BadCase{"both_outputs", "dnstap:\n  unix: /s\n  file: /f\n",
                "test.yaml:3:9: dnstap.file: give either unix: or file:, not both"},
        BadCase{"empty_path", "dnstap:\n  unix: \"\"\n",
                "test.yaml:2:9: dnstap.unix: empty path"},
        BadCase{"socket_path_too_long", "dnstap:\n  unix: /" + std::string(107, 'x') + "\n",
                "test.yaml:2:9: dnstap.unix: a socket path is at most 107 bytes"},
        BadCase{"unknown_message", "dnstap:\n  unix: /s\n  messages: [client_query, auth_query]\n",
                "test.yaml:3:28: dnstap.messages[1]: unknown message \"auth_query\": expected "
                "client_query, client_response, forwarder_query or forwarder_response"},
        BadCase{"message_twice", "dnstap:\n  unix: /s\n  messages: [client_query, client_query]\n",
                "test.yaml:3:28: dnstap.messages[1]: \"client_query\" listed twice"},
        BadCase{"no_message", "dnstap:\n  unix: /s\n  messages: []\n",
                "test.yaml:3:13: dnstap.messages: no message listed: remove dnstap: instead"},
        BadCase{"queue_zero", "dnstap:\n  unix: /s\n  queue: 0\n",
                "test.yaml:3:10: dnstap.queue: must be positive"},
        BadCase{"not_a_map", "dnstap: /s\n",
                "test.yaml:1:9: dnstap: expected a mapping, got \"/s\""}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace dg::conf
