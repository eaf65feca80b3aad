// `devolution_parent` and `random_label` (INVESTIGATE.md §3) as data: (match, qname) →
// matches?, describe() as `devoguard check` prints it, and dry-run rules that still score.
#include <gtest/gtest.h>

#include <string>

#include "rules/compile.hpp"
#include "rules/rule_set.hpp"

namespace dg::rules {
namespace {

constexpr uint16_t kA = 1;

conf::Match parent(int max_prefix = 1) {
  conf::Match m;
  m.devolution_parent = max_prefix;
  return m;
}

conf::Match random(double min_score = 0.90, int min_len = 7, int max_len = 15) {
  conf::Match m;
  m.random_label = conf::RandomLabel{min_score, min_len, max_len};
  return m;
}

conf::Match both() {
  conf::Match m = parent();
  m.random_label = conf::RandomLabel{};
  return m;
}

struct Case {
  const char* name;
  conf::Match match;
  std::vector<std::string> suffixes;
  int level;
  const char* qname;
  bool want;
};

class StatelessMatcherTest : public testing::TestWithParam<Case> {};

TEST_P(StatelessMatcherTest, Matches) {
  const auto& c = GetParam();
  conf::Domain domain;
  domain.suffixes = c.suffixes;
  domain.devolution_level = c.level;
  auto m = compile_match(c.match, "rules[0].match", MatchContext::of(domain));
  ASSERT_TRUE(m) << m.error().message;
  ASSERT_TRUE(*m);
  const Subject s{c.qname, kA, {}, {}};
  EXPECT_EQ((*m)->matches(s), c.want) << c.qname;
}

const std::vector<std::string> kJp = {"example.co.jp"};
const std::vector<std::string> kCorp = {"corp.example.co.jp", "example.co.jp"};
const std::vector<std::string> kDeep = {"a.b.example.com"};

INSTANTIATE_TEST_SUITE_P(
    Cases, StatelessMatcherTest,
    testing::Values(
        Case{"parent_one_label", parent(), kJp, 2, "dglvrrerxokcxc.co.jp", true},
        Case{"parent_word_too", parent(), kJp, 2, "mercari.co.jp", true},
        Case{"parent_itself_no", parent(), kJp, 2, "co.jp", false},
        Case{"parent_two_labels_no", parent(), kJp, 2, "www.xyz.co.jp", false},
        Case{"parent_two_labels_allowed", parent(2), kJp, 2, "www.xyz.co.jp", true},
        Case{"suffix_itself_no", parent(), kJp, 2, "example.co.jp", false},
        Case{"under_suffix_no", parent(3), kJp, 2, "host.example.co.jp", false},
        Case{"lookalike_suffix", parent(), kJp, 2, "badexample.co.jp", true},
        Case{"other_tld_no", parent(), kJp, 2, "dglvrrerxokcxc.com", false},
        Case{"no_suffixes_no", parent(), {}, 2, "dglvrrerxokcxc.co.jp", false},
        Case{"nested_suffix_parent", parent(), kCorp, 2, "qwzkxvbn.co.jp", true},
        Case{"suffix_not_a_parent", parent(), kCorp, 2, "qwzkxvbn.example.co.jp", false},
        Case{"deep_parent_level3", parent(), kDeep, 3, "qwzkxvbn.b.example.com", true},
        Case{"level3_stops", parent(), kDeep, 3, "qwzkxvbn.example.com", false},
        Case{"level2_goes_on", parent(), kDeep, 2, "qwzkxvbn.example.com", true},
        Case{"random_probe", random(), kJp, 2, "dglvrrerxokcxc.co.jp", true},
        Case{"random_first_label_only", random(), kJp, 2, "www.dglvrrerxokcxc.co.jp", false},
        Case{"random_word", random(), kJp, 2, "mercari.co.jp", false},
        Case{"random_hostname", random(), kJp, 2, "srv01.co.jp", false},
        Case{"random_hyphen", random(), kJp, 2, "tokyo-fs.co.jp", false},
        Case{"random_too_long_for_config", random(0.9, 7, 10), kJp, 2, "dglvrrerxokcxc.co.jp",
             false},
        Case{"random_low_threshold", random(0.01), kJp, 2, "exchange.com", false},
        Case{"both_probe", both(), kJp, 2, "dglvrrerxokcxc.co.jp", true},
        Case{"both_not_under_parent", both(), kJp, 2, "dglvrrerxokcxc.example.co.jp", false},
        Case{"both_word", both(), kJp, 2, "mercari.co.jp", false}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(StatelessMatcher, Describe) {
  conf::Domain domain;
  domain.suffixes = kCorp;
  const auto ctx = MatchContext::of(domain);
  EXPECT_EQ((*compile_match(parent(), "m", ctx))->describe(),
            "devolution_parent in [co.jp] (prefix ≤ 1 label)");
  EXPECT_EQ((*compile_match(parent(2), "m", ctx))->describe(),
            "devolution_parent in [co.jp] (prefix ≤ 2 labels)");
  EXPECT_EQ((*compile_match(random(), "m", ctx))->describe(),
            "random_label(min_score=0.90, len 7-15)");
  EXPECT_EQ((*compile_match(both(), "m", ctx))->describe(),
            "devolution_parent in [co.jp] (prefix ≤ 1 label) and random_label(min_score=0.90, "
            "len 7-15)");
}

TEST(StatelessMatcher, DryRunStillScores) {
  conf::Config c;
  c.domain.suffixes = kJp;
  c.upstreams.push_back(conf::UpstreamGroup{.name = "aws"});
  conf::Rule probe{.name = "random-under-parent", .match = both(), .action = conf::Answer::NxDomain,
                   .dry_run = true};
  conf::Rule fallback{.name = "default", .match = {}, .action = conf::Forward{"aws"}};
  c.rules = {probe, fallback};
  auto set = RuleSet::compile(c);
  ASSERT_TRUE(set);
  const Decision d = set->classify(Subject{"dglvrrerxokcxc.co.jp", kA, {}, {}});
  EXPECT_EQ(d.rule->name, "default");
  ASSERT_EQ(d.dry_run.size(), 1u);
  EXPECT_EQ(d.dry_run[0]->name, "random-under-parent");
  EXPECT_GE(d.label_score, 0.99);
  EXPECT_EQ(set->describe()[0],
            "random-under-parent: devolution_parent in [co.jp] (prefix ≤ 1 label) and "
            "random_label(min_score=0.90, len 7-15) → nxdomain (dry run)");
}

}  // namespace
}  // namespace dg::rules
