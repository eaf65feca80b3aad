// Good configurations → effective values (defaults included). The warnings and load_file() are
// in load_warnings_test.cpp, the errors in load_errors_test.cpp.
#include "conf/load.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "conf/units.hpp"
#include "load_fixture.hpp"

namespace dg::conf {
namespace {

using std::chrono::milliseconds;
using testing::ElementsAre;
using testing::IsEmpty;

constexpr const char* kResolv =
    "# generated\n"
    "search example.co.jp\n"
    "nameserver 10.0.0.2\n"
    "nameserver fe80::1%eth0\n"
    "; a comment\n"
    "nameserver 2001:db8::53  # trailing comment\n"
    "options edns0\n";

std::vector<std::string> strs(const auto& items) {
  std::vector<std::string> out;
  for (const auto& i : items) out.push_back(i.str());
  return out;
}

struct GoodCase {
  std::string name;
  std::string yaml;
  std::function<void(const Config&)> check;
};

class LoadGoodTest : public testing::TestWithParam<GoodCase> {};

TEST_P(LoadGoodTest, EffectiveValues) {
  const auto& c = GetParam();
  auto options = test::options_with_resolv(kResolv);
  auto config = load_string(test::snippet(c.yaml), "test.yaml", options);
  ASSERT_TRUE(config) << config.error().str();
  EXPECT_EQ(config->file, "test.yaml");
  c.check(*config);
}

const std::string kMinimal = R"(
upstreams:
  aws: {servers: [169.254.169.253]}
rules:
  - {name: default, forward: aws}
)";

// PRODUCT.md's example, verbatim apart from the addresses.
const std::string kProduct = R"(
listen: ["0.0.0.0:53", "[::]:53"]        # each address serves UDP and TCP
threads: auto                             # worker event loops (SO_REUSEPORT)
clients:
  allow: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 127.0.0.0/8, "::1/128"]
domain:
  suffixes: [example.co.jp]
  devolution_level: 2
  correlation_window: 30s
  max_tracked: 200000
tcp:
  idle_timeout: 10s
  max_connections: 1000
upstreams:
  aws:
    servers: ["169.254.169.253"]
    timeout: 1500ms
    max_failures: 3
    probe_interval: 1s
  ad:
    servers: ["10.0.0.10", "10.0.1.10:53"]
rules:
  - name: ad-zones
    match: { suffix: [example.co.jp] }
    forward: ad
  - name: devolved
    match: { devolved: true }
    answer: nxdomain
  - name: default
    forward: aws
answers:
  negative_ttl: 30
decision_log:
  path: /var/log/devoguard/decisions.jsonl
  max_size: 100MiB
  keep: 10
metrics:
  listen: "127.0.0.1:9153"
)";

INSTANTIATE_TEST_SUITE_P(
    Cases, LoadGoodTest,
    testing::Values(
        GoodCase{"defaults", kMinimal,
                 [](const Config& c) {
                   EXPECT_THAT(strs(c.listen), ElementsAre("127.0.0.1:53"));
                   EXPECT_EQ(c.threads, 0u);
                   EXPECT_THAT(strs(c.allow),
                               ElementsAre("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                                           "127.0.0.0/8", "::1/128", "fc00::/7"));
                   EXPECT_THAT(c.domain.suffixes, IsEmpty());
                   EXPECT_EQ(c.domain.devolution_level, 2);
                   EXPECT_EQ(c.domain.correlation_window, milliseconds(30000));
                   EXPECT_EQ(c.domain.max_tracked, 200000u);
                   EXPECT_EQ(c.tcp.idle_timeout, milliseconds(10000));
                   EXPECT_EQ(c.tcp.max_connections, 1000u);
                   EXPECT_EQ(c.answers.negative_ttl, 30u);
                   EXPECT_EQ(c.decision_log.path, "");
                   EXPECT_EQ(c.decision_log.max_size, 100ull << 20);
                   EXPECT_EQ(c.decision_log.keep, 10);
                   EXPECT_FALSE(c.metrics.listen);
                   ASSERT_EQ(c.upstreams.size(), 1u);
                   const auto& g = c.upstreams[0];
                   EXPECT_EQ(g.name, "aws");
                   EXPECT_THAT(strs(g.servers), ElementsAre("169.254.169.253:53"));
                   EXPECT_FALSE(g.from_system);
                   EXPECT_EQ(g.timeout, milliseconds(1500));
                   EXPECT_EQ(g.max_failures, 3);
                   EXPECT_EQ(g.probe_interval, milliseconds(1000));
                   EXPECT_EQ(g.where.line, 2);
                   EXPECT_EQ(g.where.column, 3);
                   ASSERT_EQ(c.rules.size(), 1u);
                   EXPECT_EQ(c.rules[0].name, "default");
                   EXPECT_EQ(std::get<Forward>(c.rules[0].action).group, "aws");
                   EXPECT_FALSE(c.rules[0].dry_run);
                   EXPECT_EQ(c.rules[0].where.line, 4);
                   EXPECT_EQ(c.rules[0].where.column, 5);
                   EXPECT_THAT(c.warnings, IsEmpty());
                 }},
        GoodCase{"product_example", kProduct,
                 [](const Config& c) {
                   EXPECT_THAT(strs(c.listen), ElementsAre("0.0.0.0:53", "[::]:53"));
                   EXPECT_EQ(c.threads, 0u);
                   EXPECT_EQ(c.allow.size(), 5u);
                   EXPECT_THAT(c.domain.suffixes, ElementsAre("example.co.jp"));
                   ASSERT_EQ(c.upstreams.size(), 2u);
                   EXPECT_EQ(c.upstreams[1].name, "ad");
                   EXPECT_THAT(strs(c.upstreams[1].servers),
                               ElementsAre("10.0.0.10:53", "10.0.1.10:53"));
                   ASSERT_EQ(c.rules.size(), 3u);
                   EXPECT_THAT(c.rules[0].match.suffix, ElementsAre("example.co.jp"));
                   EXPECT_EQ(c.rules[1].match.devolved, true);
                   EXPECT_EQ(std::get<Answer>(c.rules[1].action), Answer::NxDomain);
                   EXPECT_EQ(c.decision_log.path, "/var/log/devoguard/decisions.jsonl");
                   EXPECT_EQ(c.metrics.listen->str(), "127.0.0.1:9153");
                   EXPECT_THAT(c.warnings, IsEmpty());
                 }},
        GoodCase{"listen_scalar_and_ports", R"(
listen: "[::1]:5353"
threads: 4
)",
                 [](const Config& c) {
                   EXPECT_THAT(strs(c.listen), ElementsAre("[::1]:5353"));
                   EXPECT_EQ(c.threads, 4u);
                 }},
        GoodCase{"listen_default_port", R"(
listen: [10.0.0.1, "::", "10.0.0.1:5353"]
)",
                 [](const Config& c) {
                   EXPECT_THAT(strs(c.listen),
                               ElementsAre("10.0.0.1:53", "[::]:53", "10.0.0.1:5353"));
                 }},
        GoodCase{"clients_allow_masked", R"(
clients:
  allow: [10.1.2.3/16, "2001:db8::/32", 192.0.2.1]
)",
                 [](const Config& c) {
                   EXPECT_THAT(strs(c.allow),
                               ElementsAre("10.1.0.0/16", "2001:db8::/32", "192.0.2.1/32"));
                 }},
        GoodCase{"clients_empty_map_is_default", "clients: {}\n",
                 [](const Config& c) { EXPECT_EQ(c.allow.size(), 6u); }},
        GoodCase{"domain", R"(
domain:
  suffixes: [Corp.Example.CO.JP., example.co.jp]
  devolution_level: 3
  correlation_window: 1m
  max_tracked: 10
)",
                 [](const Config& c) {
                   EXPECT_THAT(c.domain.suffixes,
                               ElementsAre("corp.example.co.jp", "example.co.jp"));
                   EXPECT_EQ(c.domain.devolution_level, 3);
                   EXPECT_EQ(c.domain.correlation_window, milliseconds(60000));
                   EXPECT_EQ(c.domain.max_tracked, 10u);
                 }},
        GoodCase{"domain_suffix_scalar_and_empty_list", R"(
domain: {suffixes: []}
)",
                 [](const Config& c) { EXPECT_THAT(c.domain.suffixes, IsEmpty()); }},
        GoodCase{"tcp_answers_tiny_values", R"(
tcp: {idle_timeout: 50ms, max_connections: 1}
answers: {negative_ttl: 1}
)",
                 [](const Config& c) {
                   EXPECT_EQ(c.tcp.idle_timeout, milliseconds(50));
                   EXPECT_EQ(c.tcp.max_connections, 1u);
                   EXPECT_EQ(c.answers.negative_ttl, 1u);
                 }},
        GoodCase{"decision_log_defaults", R"(
decision_log: {path: build/decisions.jsonl}
)",
                 [](const Config& c) {
                   EXPECT_EQ(c.decision_log.path, "build/decisions.jsonl");
                   EXPECT_EQ(c.decision_log.max_size, 100ull << 20);
                   EXPECT_EQ(c.decision_log.keep, 10);
                 }},
        GoodCase{"decision_log_values", R"(
decision_log: {path: /tmp/d.jsonl, max_size: 4096, keep: 0}
)",
                 [](const Config& c) {
                   EXPECT_EQ(c.decision_log.max_size, 4096u);
                   EXPECT_EQ(c.decision_log.keep, 0);
                 }},
        GoodCase{"decision_log_size_units", R"(
decision_log: {path: d.jsonl, max_size: 1GiB, keep: 3}
)",
                 [](const Config& c) {
                   EXPECT_EQ(c.decision_log.max_size, 1ull << 30);
                   EXPECT_EQ(c.decision_log.keep, 3);
                 }},
        GoodCase{"metrics_v6", R"(
metrics: {listen: "[::1]:9153"}
)",
                 [](const Config& c) { EXPECT_EQ(c.metrics.listen->str(), "[::1]:9153"); }},
        GoodCase{"system_servers", R"(
upstreams:
  default:
    servers: [system, "10.0.1.10:5300"]
    timeout: 200ms
    max_failures: 1
    probe_interval: 50ms
rules:
  - {name: default, forward: default}
)",
                 [](const Config& c) {
                   ASSERT_EQ(c.upstreams.size(), 1u);
                   const auto& g = c.upstreams[0];
                   EXPECT_THAT(strs(g.servers), ElementsAre("10.0.0.2:53", "[2001:db8::53]:53",
                                                            "10.0.1.10:5300"));
                   EXPECT_TRUE(g.from_system);
                   EXPECT_EQ(g.timeout, milliseconds(200));
                   EXPECT_EQ(g.max_failures, 1);
                   EXPECT_EQ(g.probe_interval, milliseconds(50));
                   ASSERT_EQ(c.warnings.size(), 1u);
                   EXPECT_TRUE(c.warnings[0].starts_with(
                       "test.yaml:3:15: upstreams.default.servers[0]: system: skipped "
                       "nameserver fe80::1%eth0: scoped addresses are not supported in "))
                       << c.warnings[0];
                 }},
        GoodCase{"groups_in_file_order", R"(
upstreams:
  zeta: {servers: ["10.0.0.1"]}
  alpha: {servers: "10.0.0.2"}
rules:
  - {name: a, match: {qname: a.example}, forward: zeta}
  - {name: b, forward: alpha}
)",
                 [](const Config& c) {
                   ASSERT_EQ(c.upstreams.size(), 2u);
                   EXPECT_EQ(c.upstreams[0].name, "zeta");
                   EXPECT_EQ(c.upstreams[1].name, "alpha");
                   EXPECT_EQ(c.group("alpha")->servers[0].str(), "10.0.0.2:53");
                   EXPECT_EQ(c.group("nope"), nullptr);
                 }},
        GoodCase{"match_every_key", R"(
domain: {suffixes: [example.co.jp]}
rules:
  - name: everything
    match:
      qname: Host.Example.COM.
      suffix: [corp.example, _msdcs.example.co.jp]
      regex: ['^[a-z]{7,15}\.co\.jp$', 'x']
      qtype: [a, AAAA, srv, TYPE65280, any]
      client: [10.0.0.0/8, "::1"]
      devolved: true
      not: {suffix: safe.example, not: {qtype: TXT}}
    answer: drop
    dry_run: true
  - {name: rest, answer: refused}
)",
                 [](const Config& c) {
                   ASSERT_EQ(c.rules.size(), 2u);
                   const auto& r = c.rules[0];
                   const auto& m = r.match;
                   EXPECT_THAT(m.qname, ElementsAre("host.example.com"));
                   EXPECT_THAT(m.suffix, ElementsAre("corp.example", "_msdcs.example.co.jp"));
                   ASSERT_EQ(m.regex.size(), 2u);
                   EXPECT_EQ(m.regex[0].text, "^[a-z]{7,15}\\.co\\.jp$");
                   EXPECT_EQ(m.regex[0].where.line, 7);
                   EXPECT_EQ(m.regex[0].where.column, 15);
                   EXPECT_THAT(m.qtype, ElementsAre(1, 28, 33, 65280, 255));
                   EXPECT_THAT(strs(m.client), ElementsAre("10.0.0.0/8", "::1/128"));
                   EXPECT_EQ(m.devolved, true);
                   ASSERT_EQ(m.negated.size(), 1u);
                   EXPECT_THAT(m.negated[0].suffix, ElementsAre("safe.example"));
                   ASSERT_EQ(m.negated[0].negated.size(), 1u);
                   EXPECT_THAT(m.negated[0].negated[0].qtype, ElementsAre(16));
                   EXPECT_EQ(std::get<Answer>(r.action), Answer::Drop);
                   EXPECT_TRUE(r.dry_run);
                   EXPECT_EQ(r.where.line, 3);
                   EXPECT_THAT(c.warnings, IsEmpty());
                 }},
        GoodCase{"answers", R"(
rules:
  - {name: a, match: {qname: a.test}, answer: nxdomain}
  - {name: b, match: {qname: b.test}, answer: NODATA}
  - {name: c, match: {qname: c.test}, answer: Refused}
  - {name: d, match: {qname: d.test}, answer: servfail, dry_run: false}
  - {name: e, answer: drop}
)",
                 [](const Config& c) {
                   ASSERT_EQ(c.rules.size(), 5u);
                   EXPECT_EQ(std::get<Answer>(c.rules[0].action), Answer::NxDomain);
                   EXPECT_EQ(std::get<Answer>(c.rules[1].action), Answer::NoData);
                   EXPECT_EQ(std::get<Answer>(c.rules[2].action), Answer::Refused);
                   EXPECT_EQ(std::get<Answer>(c.rules[3].action), Answer::ServFail);
                   EXPECT_EQ(std::get<Answer>(c.rules[4].action), Answer::Drop);
                   EXPECT_THAT(c.warnings, IsEmpty());
                 }},
        GoodCase{"empty_match_is_catch_all", R"(
rules:
  - {name: all, match: {}, answer: refused}
)",
                 [](const Config& c) {
                   EXPECT_TRUE(c.rules[0].match.qname.empty());
                   EXPECT_FALSE(c.rules[0].match.devolved);
                   EXPECT_THAT(c.warnings, IsEmpty());
                 }},
        GoodCase{"devolved_false", R"(
domain: {suffixes: [example.co.jp]}
rules:
  - {name: all, match: {devolved: false}, answer: refused}
  - {name: rest, answer: drop}
)",
                 [](const Config& c) { EXPECT_EQ(c.rules[0].match.devolved, false); }},
        GoodCase{"no_loop_other_port_or_address", R"(
listen: ["127.0.0.1:53", "0.0.0.0:5353", "[::1]:53"]
upstreams:
  resolved: {servers: ["127.0.0.53", "127.0.0.1:5300", "10.0.0.10", "::2"]}
rules:
  - {name: default, forward: resolved}
)",
                 [](const Config& c) { EXPECT_EQ(c.upstreams[0].servers.size(), 4u); }},
        GoodCase{"trailing_document_marker", "threads: 2\n---\n",
                 [](const Config& c) { EXPECT_EQ(c.threads, 2u); }}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace dg::conf
