// Every matcher as data: (match, query) → matches? Matches are built as conf::Match structs,
// the way conf::load hands them over. Case folding and the final dot are handled upstream
// (conf normalises configured names, the DNS layer the qname), so names here are already
// lower case without the final dot.
#include "rules/compile.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dg::rules {
namespace {

constexpr uint16_t kA = 1;
constexpr uint16_t kAaaa = 28;
constexpr uint16_t kSrv = 33;

conf::Cidr cidr(std::string_view text) {
  auto c = conf::Cidr::parse(text);
  EXPECT_TRUE(c) << text;
  return c.value_or(conf::Cidr{});
}

conf::Pattern re(std::string text) { return conf::Pattern{std::move(text), {"t.yaml", 7, 12}}; }

conf::Match not_(conf::Match inner) {
  conf::Match m;
  m.negated.push_back(std::move(inner));
  return m;
}

struct Query {
  Query(std::string qname, uint16_t qtype = kA, std::string client = "10.0.0.1",
        std::string devolved_from = "")
      : qname(std::move(qname)), qtype(qtype), client(std::move(client)),
        devolved_from(std::move(devolved_from)) {}
  std::string qname;
  uint16_t qtype;
  std::string client;
  std::string devolved_from;
};

struct Case {
  const char* label;
  conf::Match match;
  Query query;
  bool want;
};

class MatcherTest : public ::testing::TestWithParam<Case> {};

TEST_P(MatcherTest, Matches) {
  const Case& c = GetParam();
  auto m = compile_match(c.match, "rules[0].match");
  ASSERT_TRUE(m) << m.error().message;
  auto client = conf::IpAddress::parse(c.query.client);
  ASSERT_TRUE(client);
  Subject s{c.query.qname, c.query.qtype, *client, c.query.devolved_from};
  bool got = *m ? (*m)->matches(s) : true;  // null: an empty match matches everything
  EXPECT_EQ(got, c.want) << ((*m) ? (*m)->describe() : "any");
}

conf::Match qname(std::vector<std::string> v) {
  conf::Match m;
  m.qname = std::move(v);
  return m;
}
conf::Match suffix(std::vector<std::string> v) {
  conf::Match m;
  m.suffix = std::move(v);
  return m;
}
conf::Match regex(std::vector<std::string> v) {
  conf::Match m;
  for (auto& p : v) m.regex.push_back(re(std::move(p)));
  return m;
}
conf::Match qtype(std::vector<uint16_t> v) {
  conf::Match m;
  m.qtype = std::move(v);
  return m;
}
conf::Match client(std::vector<std::string> v) {
  conf::Match m;
  for (auto& c : v) m.client.push_back(cidr(c));
  return m;
}
conf::Match devolved(bool d) {
  conf::Match m;
  m.devolved = d;
  return m;
}

const std::string kRandom = "dglvrrerxokcxc";

INSTANTIATE_TEST_SUITE_P(
    Qname, MatcherTest,
    ::testing::Values(Case{"exact", qname({"a.example.com", "b.example.com"}), {"b.example.com"},
                           true},
                      Case{"child_is_not_exact", qname({"example.com"}), {"a.example.com"}, false},
                      Case{"parent_is_not_exact", qname({"a.example.com"}), {"example.com"},
                           false},
                      Case{"root", qname({""}), {""}, true}),
    [](const auto& info) { return std::string(info.param.label); });

INSTANTIATE_TEST_SUITE_P(
    Suffix, MatcherTest,
    ::testing::Values(Case{"itself", suffix({"example.co.jp"}), {"example.co.jp"}, true},
                      Case{"child", suffix({"example.co.jp"}), {"a.example.co.jp"}, true},
                      Case{"deep_child", suffix({"example.co.jp"}), {"_ldap._tcp.dc._msdcs.example.co.jp"}, true},
                      Case{"label_boundary", suffix({"example.co.jp"}), {"badexample.co.jp"},
                           false},
                      Case{"parent", suffix({"example.co.jp"}), {"co.jp"}, false},
                      Case{"devolved_twin", suffix({"example.co.jp"}), {kRandom + ".co.jp"},
                           false},
                      Case{"second_alternative", suffix({"example.com", "example.co.jp"}),
                           {"x.example.co.jp"}, true}),
    [](const auto& info) { return std::string(info.param.label); });

INSTANTIATE_TEST_SUITE_P(
    Regex, MatcherTest,
    ::testing::Values(
        Case{"searched_not_full", regex({"example"}), {"a.example.com"}, true},
        Case{"anchored_whole", regex({"^[a-z]{7,15}\\.co\\.jp$"}), {kRandom + ".co.jp"}, true},
        Case{"anchored_rejects_more_labels", regex({"^[a-z]{7,15}\\.co\\.jp$"}),
             {"www." + kRandom + ".co.jp"}, false},
        Case{"no_final_dot_in_text", regex({"jp$"}), {"x.co.jp"}, true},
        Case{"second_alternative", regex({"^nomatch$", "^x\\."}), {"x.co.jp"}, true},
        Case{"none", regex({"^a", "^b"}), {"x.co.jp"}, false}),
    [](const auto& info) { return std::string(info.param.label); });

INSTANTIATE_TEST_SUITE_P(
    Qtype, MatcherTest,
    ::testing::Values(Case{"in", qtype({kA, kAaaa}), {"x", kAaaa}, true},
                      Case{"not_in", qtype({kA, kAaaa}), {"x", kSrv}, false}),
    [](const auto& info) { return std::string(info.param.label); });

INSTANTIATE_TEST_SUITE_P(
    Client, MatcherTest,
    ::testing::Values(
        Case{"v4_in", client({"10.0.0.0/8"}), {"x", kA, "10.1.2.3"}, true},
        Case{"v4_out", client({"10.0.0.0/8"}), {"x", kA, "11.1.2.3"}, false},
        Case{"v6_in", client({"10.0.0.0/8", "2001:db8::/32"}), {"x", kA, "2001:db8::5"}, true},
        Case{"v6_out", client({"2001:db8::/32"}), {"x", kA, "2001:db9::5"}, false},
        Case{"v4_mapped_as_v4", client({"192.168.0.0/16"}), {"x", kA, "::ffff:192.168.1.1"},
             true},
        Case{"host_prefix", client({"::1/128"}), {"x", kA, "::1"}, true}),
    [](const auto& info) { return std::string(info.param.label); });

INSTANTIATE_TEST_SUITE_P(
    Devolved, MatcherTest,
    ::testing::Values(
        Case{"true_devolved", devolved(true), {"x.co.jp", kA, "10.0.0.1", "x.example.co.jp"},
             true},
        Case{"true_not_devolved", devolved(true), {"x.co.jp"}, false},
        Case{"false_devolved", devolved(false), {"x.co.jp", kA, "10.0.0.1", "x.example.co.jp"},
             false},
        Case{"false_not_devolved", devolved(false), {"x.co.jp"}, true}),
    [](const auto& info) { return std::string(info.param.label); });

conf::Match and_(conf::Match a, const conf::Match& b) {  // keys of b added to a
  a.qname.insert(a.qname.end(), b.qname.begin(), b.qname.end());
  a.suffix.insert(a.suffix.end(), b.suffix.begin(), b.suffix.end());
  a.regex.insert(a.regex.end(), b.regex.begin(), b.regex.end());
  a.qtype.insert(a.qtype.end(), b.qtype.begin(), b.qtype.end());
  a.client.insert(a.client.end(), b.client.begin(), b.client.end());
  if (b.devolved) a.devolved = b.devolved;
  a.negated.insert(a.negated.end(), b.negated.begin(), b.negated.end());
  return a;
}

INSTANTIATE_TEST_SUITE_P(
    Combined, MatcherTest,
    ::testing::Values(
        Case{"empty_matches_all", conf::Match{}, {"anything"}, true},
        Case{"not_suffix_outside", not_(suffix({"example.co.jp"})), {"x.com"}, true},
        Case{"not_suffix_inside", not_(suffix({"example.co.jp"})), {"x.example.co.jp"}, false},
        Case{"not_empty_matches_nothing", not_(conf::Match{}), {"x"}, false},
        Case{"not_not", not_(not_(qtype({kA}))), {"x", kA}, true},
        Case{"and_both", and_(suffix({"example.co.jp"}), qtype({kSrv})),
             {"_ldap._tcp.example.co.jp", kSrv}, true},
        Case{"and_one_fails", and_(suffix({"example.co.jp"}), qtype({kSrv})),
             {"_ldap._tcp.example.co.jp", kA}, false},
        Case{"and_with_not", and_(regex({"^[a-z]{7,15}\\.co\\.jp$"}), not_(devolved(true))),
             {kRandom + ".co.jp"}, true},
        Case{"and_with_not_fails", and_(regex({"^[a-z]{7,15}\\.co\\.jp$"}), not_(devolved(true))),
             {kRandom + ".co.jp", kA, "10.0.0.1", kRandom + ".example.co.jp"}, false},
        Case{"or_within_key_first", suffix({"a.com", "b.com"}), {"x.a.com"}, true},
        Case{"or_within_key_none", suffix({"a.com", "b.com"}), {"x.c.com"}, false},
        Case{"all_keys", and_(and_(and_(qname({"x.a.com"}), suffix({"a.com"})),
                                   and_(qtype({kA}), client({"10.0.0.0/8"}))),
                              and_(regex({"^x"}), devolved(false))),
             {"x.a.com"}, true},
        Case{"all_keys_client_fails", and_(and_(qname({"x.a.com"}), client({"10.0.0.0/8"})),
                                           devolved(false)),
             {"x.a.com", kA, "192.0.2.1"}, false}),
    [](const auto& info) { return std::string(info.param.label); });

struct DescribeCase {
  const char* label;
  conf::Match match;
  std::string want;
};

class DescribeTest : public ::testing::TestWithParam<DescribeCase> {};

TEST_P(DescribeTest, Describe) {
  auto m = compile_match(GetParam().match, "rules[0].match");
  ASSERT_TRUE(m);
  ASSERT_TRUE(*m);
  EXPECT_EQ((*m)->describe(), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DescribeTest,
    ::testing::Values(
        DescribeCase{"qname", qname({"a.com", "b.com"}), "qname in [a.com, b.com]"},
        DescribeCase{"suffix", suffix({"example.co.jp"}), "suffix in [example.co.jp]"},
        DescribeCase{"regex", regex({"^a$", "b"}), "regex matches [\"^a$\", \"b\"]"},
        DescribeCase{"qtype", qtype({kA, kAaaa, 65280}), "qtype in [A, AAAA, TYPE65280]"},
        DescribeCase{"client", client({"10.0.0.0/8", "::1/128"}), "client in [10.0.0.0/8, ::1/128]"},
        DescribeCase{"devolved", devolved(true), "devolved = true"},
        DescribeCase{"not_devolved", devolved(false), "devolved = false"},
        DescribeCase{"not", not_(suffix({"a.com"})), "not (suffix in [a.com])"},
        DescribeCase{"not_empty", not_(conf::Match{}), "not (any)"},
        DescribeCase{"and_cheap_first", and_(suffix({"a.com"}), and_(qtype({kA}), devolved(true))),
                     "devolved = true and qtype in [A] and suffix in [a.com]"}),
    [](const auto& info) { return std::string(info.param.label); });

struct ErrorCase {
  const char* label;
  conf::Match match;
  std::string key;
  int line;
  int column;
};

class CompileErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(CompileErrorTest, BadRegexIsReportedAtItsPosition) {
  auto m = compile_match(GetParam().match, "rules[3].match");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().key, GetParam().key);
  EXPECT_EQ(m.error().where.file, "t.yaml");
  EXPECT_EQ(m.error().where.line, GetParam().line);
  EXPECT_EQ(m.error().where.column, GetParam().column);
  EXPECT_NE(m.error().message.find("invalid regex"), std::string::npos) << m.error().message;
}

conf::Match bad_second_regex() {
  conf::Match m = regex({"^ok$"});
  m.regex.push_back(conf::Pattern{"(unclosed", {"t.yaml", 9, 5}});
  return m;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CompileErrorTest,
    ::testing::Values(ErrorCase{"unclosed_group", regex({"(abc"}), "rules[3].match.regex", 7, 12},
                      ErrorCase{"bad_repeat", regex({"a{2,1}"}), "rules[3].match.regex", 7, 12},
                      ErrorCase{"second_pattern", bad_second_regex(), "rules[3].match.regex", 9,
                                5},
                      ErrorCase{"nested_in_not", not_(regex({"[z-a]"})),
                                "rules[3].match.not.regex", 7, 12}),
    [](const auto& info) { return std::string(info.param.label); });

TEST(UsesDevolved, Nested) {
  EXPECT_FALSE(uses_devolved(suffix({"a.com"})));
  EXPECT_TRUE(uses_devolved(devolved(false)));
  EXPECT_TRUE(uses_devolved(not_(not_(devolved(true)))));
}

TEST(SuffixMatcher, ThousandsOfSuffixes) {
  conf::Match m;
  for (int i = 0; i < 10000; ++i) m.suffix.push_back("zone" + std::to_string(i) + ".example");
  auto c = compile_match(m, "rules[0].match");
  ASSERT_TRUE(c);
  Subject hit{"a.b.zone9999.example", kA, {}, {}};
  Subject miss{"a.b.zone10000.example", kA, {}, {}};
  EXPECT_TRUE((*c)->matches(hit));
  EXPECT_FALSE((*c)->matches(miss));
}

}  // namespace
}  // namespace dg::rules
