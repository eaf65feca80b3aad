// Filters of `devoguard log`: time bounds (RFC 3339 and relative), CIDRs, actions, rules,
// qname suffixes on label boundaries, --devolved; their errors; AND across options, OR
// within one.
#include "proxy/decision_log/filter.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "read_support.hpp"

namespace dg::proxy::decision_log {
namespace {

using namespace std::chrono;
using test_support::log_line;

const Micros kNow = Micros{sys_days{2026y / 11 / 23} + 8h};

struct TimeCase {
  std::string name;
  std::string text;
  Micros want;
};

class TimeBound : public testing::TestWithParam<TimeCase> {};

TEST_P(TimeBound, Parses) {
  const auto got = parse_time_bound(GetParam().text, kNow);
  ASSERT_TRUE(got) << got.error();
  EXPECT_EQ(*got, GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TimeBound,
    testing::ValuesIn(std::vector<TimeCase>{
        {"rfc3339_utc", "2026-11-23T07:30:00Z", kNow - 30min},
        {"rfc3339_offset", "2026-11-23T16:30:00+09:00", kNow - 30min},
        {"rfc3339_fraction", "2026-11-23T07:30:00.25Z", kNow - 30min + 250ms},
        {"seconds", "30s", kNow - 30s},
        {"minutes", "15m", kNow - 15min},
        {"hours", "2h", kNow - 2h},
        {"days", "1d", kNow - 24h},
        {"combined", "1h30m", kNow - 90min},
        {"milliseconds", "1500ms", kNow - 1500ms},
    }),
    [](const auto& info) { return info.param.name; });

TEST(TimeBoundErrors, NameTheValue) {
  for (const char* bad : {"", "15", "yesterday", "2026-11-23", "2026-11-23T07:30:00", "-1h",
                          "1w", "2026-11-23T25:00:00Z"}) {
    const auto got = parse_time_bound(bad, kNow);
    ASSERT_FALSE(got) << bad;
    EXPECT_EQ(got.error(), "not an RFC 3339 time (2026-11-23T07:30:00Z) or a duration (15m, 2h, "
                           "1d): " + std::string(bad));
  }
}

struct DomainCase {
  std::string name;
  std::string qname;
  std::string suffix;
  bool want;
};

class InDomain : public testing::TestWithParam<DomainCase> {};

TEST_P(InDomain, Matches) {
  const auto& c = GetParam();
  EXPECT_EQ(in_domain(c.qname, c.suffix), c.want) << c.qname << " under " << c.suffix;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, InDomain,
    testing::ValuesIn(std::vector<DomainCase>{
        {"same_name", "example.co.jp", "example.co.jp", true},
        {"one_label_under", "dc1.example.co.jp", "example.co.jp", true},
        {"many_labels_under", "_ldap._tcp.dc._msdcs.example.co.jp", "example.co.jp", true},
        {"not_on_label_boundary", "badexample.co.jp", "example.co.jp", false},
        {"parent_is_not_under_child", "co.jp", "example.co.jp", false},
        {"other_domain", "example.com", "example.co.jp", false},
        {"case_of_suffix", "dc1.example.co.jp", "EXAMPLE.Co.JP", true},
        {"case_of_name", "DC1.Example.CO.jp", "example.co.jp", true},
        {"final_dot_on_suffix", "dc1.example.co.jp", "example.co.jp.", true},
        {"final_dot_on_name", "dc1.example.co.jp.", "example.co.jp", true},
        {"root_holds_all", "dc1.example.co.jp", ".", true},
        {"root_holds_root", "", ".", true},
        {"single_label", "wpad", "wpad", true},
        {"single_label_not_suffix_of_longer", "xwpad", "wpad", false},
        {"escaped_dot_is_no_boundary", "a\\.example.co.jp", "example.co.jp", false},
        {"escaped_backslash_then_dot_is", "a\\\\.example.co.jp", "example.co.jp", true},
        {"escaped_dot_inside_suffix", "x.a\\.b.jp", "a\\.b.jp", true},
        {"escaped_final_dot_kept", "x.a\\.", "a\\.", true},
        {"escaped_final_dot_differs", "x.a", "a\\.", false},
        {"longer_suffix", "co.jp", "x.co.jp", false},
        {"empty_name", "", "example.co.jp", false},
    }),
    [](const auto& info) { return info.param.name; });

struct BuildErrorCase {
  std::string name;
  FilterSpec spec;
  std::string error;
};

class FilterBuildError : public testing::TestWithParam<BuildErrorCase> {};

TEST_P(FilterBuildError, Message) {
  const auto got = Filter::build(GetParam().spec, kNow);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error(), GetParam().error);
}

FilterSpec spec_with(auto&& edit) {
  FilterSpec s;
  edit(s);
  return s;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, FilterBuildError,
    testing::ValuesIn(std::vector<BuildErrorCase>{
        {"bad_since", spec_with([](FilterSpec& s) { s.since = "soon"; }),
         "--since: not an RFC 3339 time (2026-11-23T07:30:00Z) or a duration (15m, 2h, 1d): soon"},
        {"bad_until", spec_with([](FilterSpec& s) { s.until = "12:00"; }),
         "--until: not an RFC 3339 time (2026-11-23T07:30:00Z) or a duration (15m, 2h, 1d): "
         "12:00"},
        {"since_after_until", spec_with([](FilterSpec& s) {
           s.since = "1h";
           s.until = "2h";
         }),
         "--since 1h is after --until 2h"},
        {"bad_cidr_length", spec_with([](FilterSpec& s) { s.clients = {"10.0.0.0/33"}; }),
         "--client: not an address or CIDR: 10.0.0.0/33"},
        {"bad_cidr_address", spec_with([](FilterSpec& s) { s.clients = {"10.0.0.0/8", "nope"}; }),
         "--client: not an address or CIDR: nope"},
        {"unknown_action", spec_with([](FilterSpec& s) { s.actions = {"forward", "block"}; }),
         "--action: unknown action block (forward, nxdomain, nodata, refused, servfail, drop)"},
        {"action_case_matters", spec_with([](FilterSpec& s) { s.actions = {"NXDOMAIN"}; }),
         "--action: unknown action NXDOMAIN (forward, nxdomain, nodata, refused, servfail, "
         "drop)"},
        {"empty_rule", spec_with([](FilterSpec& s) { s.rules = {""}; }),
         "--rule: empty rule name"},
        {"empty_qname", spec_with([](FilterSpec& s) { s.qnames = {""}; }),
         "--qname: empty name (the root is \".\")"},
    }),
    [](const auto& info) { return info.param.name; });

struct MatchCase {
  std::string name;
  FilterSpec spec;
  std::string line;
  bool want;
};

class FilterMatches : public testing::TestWithParam<MatchCase> {};

TEST_P(FilterMatches, Line) {
  const auto& c = GetParam();
  const auto filter = Filter::build(c.spec, kNow);
  ASSERT_TRUE(filter) << filter.error();
  Line line;
  ASSERT_TRUE(line.scan(c.line)) << c.line;
  EXPECT_EQ(filter->matches(line), c.want) << c.line;
}

// 07:30:50 on the day of kNow, from 10.143.100.80, forwarded by rule `default`.
std::string at_0730(const std::string& extra = "", const std::string& client = "10.143.100.80",
                    const std::string& action = "forward", const std::string& rule = "default",
                    const std::string& qname = "dc1.example.co.jp") {
  return log_line("2026-11-23T07:30:50.000000Z", client, qname, action, rule, extra);
}

const std::string kDevolved = R"(,"devolved_from":"dglvrrerxokcxc.example.co.jp")";

INSTANTIATE_TEST_SUITE_P(
    Cases, FilterMatches,
    testing::ValuesIn(std::vector<MatchCase>{
        {"no_filter", {}, at_0730(), true},
        {"since_before", spec_with([](FilterSpec& s) { s.since = "2026-11-23T07:30:00Z"; }),
         at_0730(), true},
        {"since_equal_is_in", spec_with([](FilterSpec& s) { s.since = "2026-11-23T07:30:50Z"; }),
         at_0730(), true},
        {"since_after", spec_with([](FilterSpec& s) { s.since = "2026-11-23T07:30:50.000001Z"; }),
         at_0730(), false},
        {"since_relative_in", spec_with([](FilterSpec& s) { s.since = "30m"; }), at_0730(),
         true},
        {"since_relative_out", spec_with([](FilterSpec& s) { s.since = "29m"; }), at_0730(),
         false},
        {"since_offset", spec_with([](FilterSpec& s) { s.since = "2026-11-23T16:31:00+09:00"; }),
         at_0730(), false},
        {"until_equal_is_in", spec_with([](FilterSpec& s) { s.until = "2026-11-23T07:30:50Z"; }),
         at_0730(), true},
        {"until_before", spec_with([](FilterSpec& s) { s.until = "2026-11-23T07:30:49.999999Z"; }),
         at_0730(), false},
        {"until_relative_in", spec_with([](FilterSpec& s) { s.until = "29m"; }), at_0730(),
         true},
        {"until_relative_out", spec_with([](FilterSpec& s) { s.until = "30m"; }), at_0730(),
         false},
        {"client_cidr", spec_with([](FilterSpec& s) { s.clients = {"10.143.0.0/16"}; }),
         at_0730(), true},
        {"client_cidr_out", spec_with([](FilterSpec& s) { s.clients = {"10.144.0.0/16"}; }),
         at_0730(), false},
        {"client_host", spec_with([](FilterSpec& s) { s.clients = {"10.143.100.80"}; }),
         at_0730(), true},
        {"client_other_host", spec_with([](FilterSpec& s) { s.clients = {"10.143.100.81"}; }),
         at_0730(), false},
        {"client_any_of", spec_with([](FilterSpec& s) {
           s.clients = {"192.168.0.0/16", "10.143.100.80/32"};
         }),
         at_0730(), true},
        {"client_v6", spec_with([](FilterSpec& s) { s.clients = {"2001:db8::/32"}; }),
         at_0730("", "2001:db8::5"), true},
        {"client_v6_vs_v4_cidr", spec_with([](FilterSpec& s) { s.clients = {"0.0.0.0/0"}; }),
         at_0730("", "2001:db8::5"), false},
        {"client_unparseable_in_log", spec_with([](FilterSpec& s) { s.clients = {"0.0.0.0/0"}; }),
         at_0730("", "not-an-ip"), false},
        {"action", spec_with([](FilterSpec& s) { s.actions = {"forward"}; }), at_0730(), true},
        {"action_other", spec_with([](FilterSpec& s) { s.actions = {"nxdomain"}; }), at_0730(),
         false},
        {"action_any_of", spec_with([](FilterSpec& s) { s.actions = {"nxdomain", "forward"}; }),
         at_0730(), true},
        {"rule", spec_with([](FilterSpec& s) { s.rules = {"default"}; }), at_0730(), true},
        {"rule_other", spec_with([](FilterSpec& s) { s.rules = {"devolved"}; }), at_0730(),
         false},
        {"rule_null_never", spec_with([](FilterSpec& s) { s.rules = {"default"}; }),
         at_0730("", "10.143.100.80", "refused", ""), false},
        {"rule_prefix_is_not_rule", spec_with([](FilterSpec& s) { s.rules = {"def"}; }),
         at_0730(), false},
        {"qname_suffix", spec_with([](FilterSpec& s) { s.qnames = {"example.co.jp"}; }),
         at_0730(), true},
        {"qname_label_boundary", spec_with([](FilterSpec& s) { s.qnames = {"ample.co.jp"}; }),
         at_0730(), false},
        {"qname_any_of", spec_with([](FilterSpec& s) { s.qnames = {"example.com", "CO.JP."}; }),
         at_0730(), true},
        {"devolved_yes", spec_with([](FilterSpec& s) { s.devolved = true; }),
         at_0730(kDevolved), true},
        {"devolved_no", spec_with([](FilterSpec& s) { s.devolved = true; }), at_0730(), false},
        {"all_hold", spec_with([](FilterSpec& s) {
           s.since = "1h";
           s.clients = {"10.0.0.0/8"};
           s.actions = {"nxdomain"};
           s.rules = {"devolved"};
           s.qnames = {"co.jp"};
           s.devolved = true;
         }),
         at_0730(kDevolved, "10.143.100.80", "nxdomain", "devolved", "dglvrrerxokcxc.co.jp"),
         true},
        {"one_fails_all_fail", spec_with([](FilterSpec& s) {
           s.since = "1h";
           s.clients = {"10.0.0.0/8"};
           s.actions = {"nxdomain"};
           s.rules = {"devolved"};
           s.qnames = {"example.com"};
           s.devolved = true;
         }),
         at_0730(kDevolved, "10.143.100.80", "nxdomain", "devolved", "dglvrrerxokcxc.co.jp"),
         false},
    }),
    [](const auto& info) { return info.param.name; });

TEST(FilterEmpty, OnlyWithoutOptions) {
  EXPECT_TRUE(Filter::build({}, kNow)->empty());
  EXPECT_FALSE(Filter::build(spec_with([](FilterSpec& s) { s.devolved = true; }), kNow)->empty());
  EXPECT_FALSE(Filter::build(spec_with([](FilterSpec& s) { s.rules = {"x"}; }), kNow)->empty());
}

}  // namespace
}  // namespace dg::proxy::decision_log
