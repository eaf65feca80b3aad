// Bad configurations → the exact error line, "test.yaml:LINE:COL: key: message".
#include <gtest/gtest.h>

#include "conf/load.hpp"
#include "load_fixture.hpp"

namespace dg::conf {
namespace {

struct BadCase {
  std::string name;
  std::string yaml;
  std::string error;  // "RESOLV" stands for the test's resolv.conf path
  std::optional<std::string> resolv = "nameserver 10.0.0.2\n";  // nullopt: no such file
};

class LoadErrorTest : public testing::TestWithParam<BadCase> {};

TEST_P(LoadErrorTest, ExactMessage) {
  const auto& c = GetParam();
  auto options = test::options_with_resolv(c.resolv);
  auto config = load_string(test::snippet(c.yaml), "test.yaml", options);
  ASSERT_FALSE(config) << "loaded without error";
  EXPECT_EQ(config.error().str(), test::with_resolv(c.error, options.resolv_conf));
}

const char* kLongLabel = "a123456789b123456789c123456789d123456789e123456789f123456789abcd";

std::string long_name() {
  std::string name;
  for (int i = 0; i < 5; ++i) name += std::string(50, 'a') + ".";
  return name + "com";  // 258 characters
}

INSTANTIATE_TEST_SUITE_P(
    Document, LoadErrorTest,
    testing::Values(
        BadCase{"syntax_unclosed_flow", "listen: [1\n",
                "test.yaml:2:1: invalid YAML: end of sequence flow not found"},
        BadCase{"syntax_bad_indent", "threads: 1\n  listen: 2\n",
                "test.yaml:2:9: invalid YAML: illegal map value"},
        BadCase{"syntax_bad_escape", "threads: \"\\q\"\n",
                "test.yaml:1:13: invalid YAML: unknown escape character: q"},
        BadCase{"empty", "", "test.yaml:1:1: the configuration is empty"},
        BadCase{"only_comments", "# nothing\n", "test.yaml:1:1: the configuration is empty"},
        BadCase{"not_a_mapping", "- listen\n",
                "test.yaml:1:1: expected a mapping of settings (listen:, upstreams:, …)"},
        BadCase{"two_documents", "threads: 1\n---\nthreads: 2\n",
                "test.yaml:3:1: only one YAML document is allowed"},
        // yaml-cpp's LoadAll never returned on this (endless empty documents): fuzzing found it.
        BadCase{"stray_comma_top_level", ", a\n",
                "test.yaml:1:1: invalid YAML: the stream does not end (a stray \",\" at the top "
                "level?)"},
        BadCase{"unknown_top_key", "threads: 1\nlisten_on: [1.2.3.4]\n",
                "test.yaml:2:1: listen_on: unknown key (expected one of: listen, threads, "
                "clients, domain, tcp, upstreams, rules, answers, decision_log, metrics, user, "
                "cache, dnstap, aws)"},
        BadCase{"duplicate_top_key", "threads: 1\nthreads: 2\n",
                "test.yaml:2:1: threads: duplicate key"},
        BadCase{"complex_key", "? [a, b]\n: 1\n", "test.yaml:1:3: expected a key name"}),
    [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    Sections, LoadErrorTest,
    testing::Values(
        BadCase{"listen_empty", "listen: []\n",
                "test.yaml:1:9: listen: at least one address is required"},
        BadCase{"listen_hostname", "listen: [\"localhost:53\"]\n",
                "test.yaml:1:10: listen[0]: invalid address \"localhost:53\": expected IP, "
                "IP:PORT or [IPv6]:PORT"},
        BadCase{"listen_port_zero", "listen: \"1.2.3.4:0\"\n",
                "test.yaml:1:9: listen: invalid address \"1.2.3.4:0\": expected IP, IP:PORT or "
                "[IPv6]:PORT"},
        BadCase{"listen_port_too_big", "listen: [\"127.0.0.1:53\", \"[::1]:65536\"]\n",
                "test.yaml:1:26: listen[1]: invalid address \"[::1]:65536\": expected IP, "
                "IP:PORT or [IPv6]:PORT"},
        BadCase{"listen_duplicate", "listen: [127.0.0.1, \"127.0.0.1:53\"]\n",
                "test.yaml:1:21: listen[1]: duplicate address 127.0.0.1:53"},
        BadCase{"listen_mapping", "listen: {a: 1}\n",
                "test.yaml:1:9: listen: expected a list, got a mapping"},
        BadCase{"listen_null", "listen:\n", "test.yaml:1:1: listen: missing value"},
        BadCase{"threads_word", "threads: many\n",
                "test.yaml:1:10: threads: expected auto or a positive integer, got \"many\""},
        BadCase{"threads_zero", "threads: 0\n",
                "test.yaml:1:10: threads: expected auto or a positive integer, got \"0\""},
        BadCase{"threads_list", "threads: [1]\n",
                "test.yaml:1:10: threads: expected a single value, got a list"},
        BadCase{"clients_not_map", "clients: [10.0.0.0/8]\n",
                "test.yaml:1:10: clients: expected a mapping, got a list"},
        BadCase{"clients_unknown_key", "clients:\n  deny: [10.0.0.0/8]\n",
                "test.yaml:2:3: clients.deny: unknown key (expected one of: allow, rate_limit)"},
        BadCase{"clients_allow_empty", "clients:\n  allow: []\n",
                "test.yaml:2:10: clients.allow: an empty list refuses every client; list "
                "networks, or remove the key for the default (private networks and loopback)"},
        BadCase{"clients_allow_bad_length", "clients:\n  allow: [10.0.0.0/8, 10.0.0.0/33]\n",
                "test.yaml:2:23: clients.allow[1]: invalid CIDR \"10.0.0.0/33\": expected "
                "ADDRESS/LENGTH or ADDRESS"},
        BadCase{"clients_allow_word", "clients: {allow: everyone}\n",
                "test.yaml:1:18: clients.allow: invalid CIDR \"everyone\": expected "
                "ADDRESS/LENGTH or ADDRESS"},
        BadCase{"domain_unknown_key", "domain:\n  suffix: [example.co.jp]\n",
                "test.yaml:2:3: domain.suffix: unknown key (expected one of: suffixes, "
                "devolution_level, correlation_window, max_tracked)"},
        BadCase{"domain_suffix_empty_label", "domain:\n  suffixes: [example..co.jp]\n",
                "test.yaml:2:14: domain.suffixes[0]: invalid name \"example..co.jp\": empty "
                "label"},
        BadCase{"domain_suffix_wildcard", "domain:\n  suffixes: [ok.example, \"*.example\"]\n",
                "test.yaml:2:26: domain.suffixes[1]: invalid name \"*.example\": wildcards are "
                "not supported (use suffix or regex)"},
        BadCase{"domain_suffix_space", "domain:\n  suffixes: \"exa mple.jp\"\n",
                "test.yaml:2:13: domain.suffixes: invalid name \"exa mple.jp\": invalid "
                "character ' '"},
        BadCase{"domain_suffix_long_label",
                std::string("domain:\n  suffixes: [") + kLongLabel + ".jp]\n",
                std::string("test.yaml:2:14: domain.suffixes[0]: invalid name \"") + kLongLabel +
                    ".jp\": label longer than 63 characters"},
        BadCase{"domain_suffix_long_name", "domain:\n  suffixes: [" + long_name() + "]\n",
                "test.yaml:2:14: domain.suffixes[0]: invalid name \"" + long_name() +
                    "\": longer than 253 characters"},
        BadCase{"domain_suffix_root", "domain:\n  suffixes: [\".\"]\n",
                "test.yaml:2:14: domain.suffixes[0]: invalid name \".\": empty name"},
        BadCase{"domain_level_zero", "domain:\n  devolution_level: 0\n",
                "test.yaml:2:21: domain.devolution_level: must be positive"},
        BadCase{"domain_level_word", "domain:\n  devolution_level: two\n",
                "test.yaml:2:21: domain.devolution_level: expected an integer, got \"two\""},
        BadCase{"domain_window_no_unit", "domain:\n  correlation_window: 30\n",
                "test.yaml:2:23: domain.correlation_window: expected a duration with a unit "
                "(ms, s, m, h), e.g. 1500ms, got \"30\""},
        BadCase{"domain_window_zero", "domain:\n  correlation_window: 0s\n",
                "test.yaml:2:23: domain.correlation_window: must be positive"},
        BadCase{"domain_window_negative", "domain:\n  correlation_window: -5s\n",
                "test.yaml:2:23: domain.correlation_window: expected a duration with a unit "
                "(ms, s, m, h), e.g. 1500ms, got \"-5s\""},
        BadCase{"domain_max_tracked_zero", "domain: {max_tracked: 0}\n",
                "test.yaml:1:23: domain.max_tracked: must be positive"},
        BadCase{"domain_max_tracked_fraction", "domain: {max_tracked: 1.5}\n",
                "test.yaml:1:23: domain.max_tracked: expected an integer, got \"1.5\""},
        BadCase{"tcp_unknown_key", "tcp: {idle: 10s}\n",
                "test.yaml:1:7: tcp.idle: unknown key (expected one of: idle_timeout, "
                "max_connections, max_connections_per_client)"},
        BadCase{"tcp_idle_no_unit", "tcp: {idle_timeout: 10}\n",
                "test.yaml:1:21: tcp.idle_timeout: expected a duration with a unit (ms, s, m, "
                "h), e.g. 1500ms, got \"10\""},
        BadCase{"tcp_max_connections_negative", "tcp: {max_connections: -1}\n",
                "test.yaml:1:24: tcp.max_connections: must be positive"},
        BadCase{"tcp_max_connections_huge", "tcp: {max_connections: 99999999999}\n",
                "test.yaml:1:24: tcp.max_connections: must be at most 2147483647"},
        BadCase{"answers_ttl_duration", "answers: {negative_ttl: 30s}\n",
                "test.yaml:1:25: answers.negative_ttl: expected an integer, got \"30s\""},
        BadCase{"answers_ttl_zero", "answers: {negative_ttl: 0}\n",
                "test.yaml:1:25: answers.negative_ttl: must be positive"},
        BadCase{"answers_unknown_key", "answers: {ttl: 30}\n",
                "test.yaml:1:11: answers.ttl: unknown key (expected one of: negative_ttl)"},
        BadCase{"decision_log_no_path", "decision_log:\n  keep: 3\n",
                "test.yaml:2:3: decision_log.path: required key is missing"},
        BadCase{"decision_log_empty_path", "decision_log: {path: \"\"}\n",
                "test.yaml:1:22: decision_log.path: empty path"},
        BadCase{"decision_log_null", "decision_log:\n",
                "test.yaml:1:1: decision_log: missing value"},
        BadCase{"decision_log_size_mb", "decision_log: {path: d.jsonl, max_size: 100MB}\n",
                "test.yaml:1:41: decision_log.max_size: expected a size in bytes or with a unit "
                "(KiB, MiB, GiB), got \"100MB\""},
        BadCase{"decision_log_size_zero", "decision_log: {path: d.jsonl, max_size: 0KiB}\n",
                "test.yaml:1:41: decision_log.max_size: must be positive"},
        BadCase{"decision_log_keep_negative", "decision_log: {path: d.jsonl, keep: -1}\n",
                "test.yaml:1:37: decision_log.keep: must not be negative"},
        BadCase{"decision_log_unknown_key", "decision_log: {path: d.jsonl, rotate: daily}\n",
                "test.yaml:1:31: decision_log.rotate: unknown key (expected one of: path, "
                "max_size, keep)"},
        BadCase{"metrics_no_port", "metrics: {listen: 127.0.0.1}\n",
                "test.yaml:1:19: metrics.listen: a port is required, e.g. 127.0.0.1:9153"},
        BadCase{"metrics_bad_address", "metrics: {listen: \"localhost:9153\"}\n",
                "test.yaml:1:19: metrics.listen: invalid address \"localhost:9153\": expected "
                "IP, IP:PORT or [IPv6]:PORT"},
        BadCase{"metrics_no_listen", "metrics: {}\n",
                "test.yaml:1:10: metrics.listen: required key is missing"}),
    [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    Upstreams, LoadErrorTest,
    testing::Values(
        BadCase{"not_a_mapping", "upstreams: [aws]\n",
                "test.yaml:1:12: upstreams: expected a mapping, got a list"},
        BadCase{"group_null", "upstreams:\n  aws:\n",
                "test.yaml:2:3: upstreams.aws: missing value"},
        BadCase{"group_duplicate",
                "upstreams:\n  aws: {servers: [10.0.0.1]}\n  aws: {servers: [10.0.0.2]}\n",
                "test.yaml:3:3: upstreams.aws: duplicate key"},
        BadCase{"no_servers", "upstreams:\n  aws:\n    timeout: 1s\n",
                "test.yaml:3:5: upstreams.aws.servers: required key is missing"},
        BadCase{"servers_empty", "upstreams:\n  aws: {servers: []}\n",
                "test.yaml:2:18: upstreams.aws.servers: a group needs at least one server"},
        BadCase{"server_hostname", "upstreams:\n  aws: {servers: [10.0.0.1, dns.example]}\n",
                "test.yaml:2:29: upstreams.aws.servers[1]: invalid server \"dns.example\": "
                "expected IP, IP:PORT, [IPv6]:PORT or system"},
        BadCase{"server_port_zero", "upstreams:\n  aws: {servers: \"10.0.0.1:0\"}\n",
                "test.yaml:2:18: upstreams.aws.servers: invalid server \"10.0.0.1:0\": "
                "expected IP, IP:PORT, [IPv6]:PORT or system"},
        BadCase{"unknown_group_key", "upstreams:\n  aws:\n    servers: [10.0.0.1]\n    retries: 2\n",
                "test.yaml:4:5: upstreams.aws.retries: unknown key (expected one of: servers, "
                "timeout, max_failures, probe_interval, max_outstanding, source_addresses)"},
        BadCase{"timeout_no_unit",
                "upstreams:\n  aws:\n    servers: [10.0.0.1]\n    timeout: 1500\n",
                "test.yaml:4:14: upstreams.aws.timeout: expected a duration with a unit (ms, s, "
                "m, h), e.g. 1500ms, got \"1500\""},
        BadCase{"timeout_zero",
                "upstreams:\n  aws:\n    servers: [10.0.0.1]\n    timeout: 0ms\n",
                "test.yaml:4:14: upstreams.aws.timeout: must be positive"},
        BadCase{"max_failures_zero",
                "upstreams:\n  aws:\n    servers: [10.0.0.1]\n    max_failures: 0\n",
                "test.yaml:4:19: upstreams.aws.max_failures: must be positive"},
        BadCase{"probe_interval_word",
                "upstreams:\n  aws:\n    servers: [10.0.0.1]\n    probe_interval: fast\n",
                "test.yaml:4:21: upstreams.aws.probe_interval: expected a duration with a unit "
                "(ms, s, m, h), e.g. 1500ms, got \"fast\""},
        BadCase{"system_no_resolv_conf", "upstreams:\n  default: {servers: [system]}\n",
                "test.yaml:2:23: upstreams.default.servers[0]: system: cannot read RESOLV: No "
                "such file or directory",
                std::nullopt},
        BadCase{"system_no_nameserver", "upstreams:\n  default: {servers: [system]}\n",
                "test.yaml:2:23: upstreams.default.servers[0]: system: no usable nameserver in "
                "RESOLV",
                "search example.co.jp\nnameserver fe80::1%eth0\n"},
        BadCase{"loop_same_address",
                "listen: [\"127.0.0.1:53\"]\nupstreams:\n  self: {servers: [10.0.0.1, 127.0.0.1]}\n",
                "test.yaml:3:30: upstreams.self.servers[1]: server 127.0.0.1:53 is devoguard's "
                "own listen address 127.0.0.1:53: queries would loop"},
        BadCase{"loop_same_port_given",
                "listen: [\"[::1]:5353\"]\nupstreams:\n  self: {servers: [\"[::1]:5353\"]}\n",
                "test.yaml:3:20: upstreams.self.servers[0]: server [::1]:5353 is devoguard's "
                "own listen address [::1]:5353: queries would loop"},
        BadCase{"loop_wildcard_listener",
                "listen: [\"0.0.0.0:53\"]\nupstreams:\n  self: {servers: [127.0.0.2]}\n",
                "test.yaml:3:20: upstreams.self.servers[0]: server 127.0.0.2:53 is devoguard's "
                "own listen address 0.0.0.0:53: queries would loop"},
        BadCase{"loop_v6_wildcard_takes_v4",
                "listen: [\"[::]:53\"]\nupstreams:\n  self: {servers: [127.0.0.1]}\n",
                "test.yaml:3:20: upstreams.self.servers[0]: server 127.0.0.1:53 is devoguard's "
                "own listen address [::]:53: queries would loop"},
        BadCase{"loop_unspecified_server",
                "listen: [\"127.0.0.1:53\"]\nupstreams:\n  self: {servers: [0.0.0.0]}\n",
                "test.yaml:3:20: upstreams.self.servers[0]: server 0.0.0.0:53 is devoguard's "
                "own listen address 127.0.0.1:53: queries would loop"},
        BadCase{"loop_from_system",
                "listen: [\"127.0.0.1:53\"]\nupstreams:\n  default: {servers: [system]}\n",
                "test.yaml:3:23: upstreams.default.servers[0]: server 127.0.0.1:53 (from "
                "RESOLV) is devoguard's own listen address 127.0.0.1:53: queries would loop",
                "nameserver 10.0.0.2\nnameserver 127.0.0.1\n"}),
    [](const auto& info) { return info.param.name; });

// Rules: every case has a valid `aws` group at the top (lines 1-2).
const std::string kGroup = "upstreams:\n  aws: {servers: [10.0.0.1]}\n";

INSTANTIATE_TEST_SUITE_P(
    Rules, LoadErrorTest,
    testing::Values(
        BadCase{"not_a_list", kGroup + "rules: {name: x}\n",
                "test.yaml:3:8: rules: expected a list, got a mapping"},
        BadCase{"rule_not_a_mapping", kGroup + "rules: [default]\n",
                "test.yaml:3:9: rules[0]: expected a mapping, got \"default\""},
        BadCase{"missing_name", kGroup + "rules:\n  - forward: aws\n",
                "test.yaml:4:5: rules[0].name: required key is missing"},
        BadCase{"empty_name", kGroup + "rules:\n  - {name: \"\", forward: aws}\n",
                "test.yaml:4:12: rules[0].name: empty name"},
        BadCase{"name_list", kGroup + "rules:\n  - {name: [a], forward: aws}\n",
                "test.yaml:4:12: rules[0].name: expected a single value, got a list"},
        BadCase{"duplicate_name",
                kGroup + "rules:\n  - {name: a, match: {qname: a.test}, forward: aws}\n"
                         "  - {name: a, forward: aws}\n",
                "test.yaml:5:12: rules[1].name: duplicate rule name \"a\""},
        BadCase{"no_action", kGroup + "rules:\n  - {name: a, match: {qname: a.test}}\n",
                "test.yaml:4:5: rules[0]: a rule needs exactly one of forward or answer"},
        BadCase{"two_actions", kGroup + "rules:\n  - {name: a, forward: aws, answer: nxdomain}\n",
                "test.yaml:4:5: rules[0]: a rule needs exactly one of forward or answer"},
        BadCase{"forward_unknown_group",
                kGroup + "rules:\n  - name: default\n    forward: aws2\n",
                "test.yaml:5:14: rules[0].forward: unknown upstream group \"aws2\""},
        BadCase{"answer_unknown", kGroup + "rules:\n  - {name: a, answer: block}\n",
                "test.yaml:4:23: rules[0].answer: unknown answer \"block\": expected nxdomain, "
                "nodata, refused, servfail or drop"},
        BadCase{"dry_run_yes", kGroup + "rules:\n  - {name: a, forward: aws, dry_run: yes}\n",
                "test.yaml:4:38: rules[0].dry_run: expected true or false, got \"yes\""},
        BadCase{"unknown_rule_key", kGroup + "rules:\n  - {name: a, forward: aws, log: true}\n",
                "test.yaml:4:29: rules[0].log: unknown key (expected one of: name, match, "
                "forward, answer, dry_run)"},
        BadCase{"match_not_mapping", kGroup + "rules:\n  - {name: a, match: all, forward: aws}\n",
                "test.yaml:4:22: rules[0].match: expected a mapping, got \"all\""},
        BadCase{"match_null", kGroup + "rules:\n  - name: a\n    match:\n    forward: aws\n",
                "test.yaml:5:5: rules[0].match: missing value"},
        BadCase{"match_unknown_key",
                kGroup + "rules:\n  - name: a\n    match: {domain: example.com}\n    forward: aws\n",
                "test.yaml:5:13: rules[0].match.domain: unknown key (expected one of: qname, "
                "suffix, regex, qtype, client, devolved, devolution_parent, random_label, not)"},
        BadCase{"not_unknown_key",
                kGroup + "rules:\n  - name: a\n    match:\n      not: {qnames: [a.test]}\n"
                         "    forward: aws\n",
                "test.yaml:6:13: rules[0].match.not.qnames: unknown key (expected one of: qname, "
                "suffix, regex, qtype, client, devolved, devolution_parent, random_label, not)"},
        BadCase{"not_empty", kGroup + "rules:\n  - {name: a, match: {not: {}}, forward: aws}\n",
                "test.yaml:4:28: rules[0].match.not: an empty `not` matches nothing; remove it "
                "instead"},
        BadCase{"not_nested_bad_qtype",
                kGroup + "rules:\n  - {name: a, match: {not: {not: {qtype: AAAAA}}}, forward: aws}\n",
                "test.yaml:4:42: rules[0].match.not.not.qtype: unknown qtype \"AAAAA\": expected "
                "a mnemonic (A, AAAA, SRV, …) or TYPEnnn"},
        BadCase{"regex_invalid",
                kGroup + "rules:\n  - name: a\n    match:\n      regex: \"^(abc\"\n    forward: aws\n",
                "test.yaml:6:14: rules[0].match.regex: invalid regex \"^(abc\": missing ): ^(abc"},
        BadCase{"regex_invalid_in_list",
                kGroup + "rules:\n  - name: a\n    match:\n      regex: [ok, \"a{2,1}\"]\n"
                         "    forward: aws\n",
                "test.yaml:6:19: rules[0].match.regex[1]: invalid regex \"a{2,1}\": invalid "
                "repetition size: {2,1}"},
        BadCase{"regex_empty", kGroup + "rules:\n  - {name: a, match: {regex: ''}, forward: aws}\n",
                "test.yaml:4:30: rules[0].match.regex: empty regex"},
        BadCase{"qtype_unknown", kGroup + "rules:\n  - {name: a, match: {qtype: [A, AXXA]}, "
                                          "forward: aws}\n",
                "test.yaml:4:34: rules[0].match.qtype[1]: unknown qtype \"AXXA\": expected a "
                "mnemonic (A, AAAA, SRV, …) or TYPEnnn"},
        BadCase{"qtype_number", kGroup + "rules:\n  - {name: a, match: {qtype: 28}, forward: aws}\n",
                "test.yaml:4:30: rules[0].match.qtype: unknown qtype \"28\": expected a mnemonic "
                "(A, AAAA, SRV, …) or TYPEnnn"},
        BadCase{"qtype_type_too_big",
                kGroup + "rules:\n  - {name: a, match: {qtype: TYPE65536}, forward: aws}\n",
                "test.yaml:4:30: rules[0].match.qtype: unknown qtype \"TYPE65536\": expected a "
                "mnemonic (A, AAAA, SRV, …) or TYPEnnn"},
        BadCase{"qtype_type_zero",
                kGroup + "rules:\n  - {name: a, match: {qtype: TYPE0}, forward: aws}\n",
                "test.yaml:4:30: rules[0].match.qtype: unknown qtype \"TYPE0\": expected a "
                "mnemonic (A, AAAA, SRV, …) or TYPEnnn"},
        BadCase{"qname_invalid",
                kGroup + "rules:\n  - {name: a, match: {qname: \"a b.test\"}, forward: aws}\n",
                "test.yaml:4:30: rules[0].match.qname: invalid name \"a b.test\": invalid "
                "character ' '"},
        BadCase{"suffix_invalid_in_list",
                kGroup + "rules:\n  - {name: a, match: {suffix: [ok.test, .bad]}, forward: aws}\n",
                "test.yaml:4:41: rules[0].match.suffix[1]: invalid name \".bad\": empty label"},
        BadCase{"qname_empty_list",
                kGroup + "rules:\n  - {name: a, match: {qname: []}, forward: aws}\n",
                "test.yaml:4:30: rules[0].match.qname: an empty list matches nothing; remove the "
                "key instead"},
        BadCase{"client_invalid",
                kGroup + "rules:\n  - {name: a, match: {client: [10.0.0.0/8, 10.0.0]}, "
                         "forward: aws}\n",
                "test.yaml:4:44: rules[0].match.client[1]: invalid CIDR \"10.0.0\": expected "
                "ADDRESS/LENGTH or ADDRESS"},
        BadCase{"client_empty_list",
                kGroup + "rules:\n  - {name: a, match: {client: []}, forward: aws}\n",
                "test.yaml:4:31: rules[0].match.client: an empty list matches nothing; remove "
                "the key instead"},
        BadCase{"devolved_not_bool",
                kGroup + "rules:\n  - {name: a, match: {devolved: maybe}, answer: nxdomain}\n",
                "test.yaml:4:33: rules[0].match.devolved: expected true or false, got \"maybe\""},
        BadCase{"devolved_list",
                kGroup + "rules:\n  - {name: a, match: {devolved: [true]}, answer: nxdomain}\n",
                "test.yaml:4:33: rules[0].match.devolved: expected a single value, got a list"},
        BadCase{"second_rule_error_index",
                kGroup + "rules:\n  - {name: a, match: {qname: a.test}, forward: aws}\n"
                         "  - {name: b, match: {qname: b.test}, forward: aws}\n"
                         "  - {name: c, match: {regex: \"[\"}, forward: aws}\n",
                "test.yaml:6:30: rules[2].match.regex: invalid regex \"[\": missing ]: ["}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace dg::conf
