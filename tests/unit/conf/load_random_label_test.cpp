// The stateless match keys of INVESTIGATE.md §3, `devolution_parent` and `random_label`:
// YAML → effective values, and bad values → the exact "FILE:LINE:COL: key: message" line.
#include <gtest/gtest.h>

#include "conf/load.hpp"
#include "load_fixture.hpp"

namespace dg::conf {
namespace {

const std::string kHead =
    "upstreams:\n  aws: {servers: [10.0.0.1]}\ndomain: {suffixes: [example.co.jp]}\nrules:\n";

struct Case {
  std::string name;
  std::string match;  // the flow mapping after `match: ` on line 5
  std::optional<int> devolution_parent;
  std::optional<RandomLabel> random_label;
  std::string error;  // empty: loads
};

class StatelessKeysTest : public testing::TestWithParam<Case> {};

TEST_P(StatelessKeysTest, LoadsOrFailsExactly) {
  const auto& c = GetParam();
  auto options = test::options_with_resolv("nameserver 10.0.0.2\n");
  auto config = load_string(kHead + "  - {name: r, match: " + c.match + ", answer: nxdomain}\n" +
                                "  - {name: default, forward: aws}\n",
                            "test.yaml", options);
  if (!c.error.empty()) {
    ASSERT_FALSE(config) << "loaded without error";
    EXPECT_EQ(config.error().str(), c.error);
    return;
  }
  ASSERT_TRUE(config) << config.error().str();
  const Match& m = config->rules.at(0).match;
  EXPECT_EQ(m.devolution_parent, c.devolution_parent);
  ASSERT_EQ(m.random_label.has_value(), c.random_label.has_value());
  if (c.random_label) {
    EXPECT_DOUBLE_EQ(m.random_label->min_score, c.random_label->min_score);
    EXPECT_EQ(m.random_label->min_length, c.random_label->min_length);
    EXPECT_EQ(m.random_label->max_length, c.random_label->max_length);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, StatelessKeysTest,
    testing::Values(
        Case{"parent_true", "{devolution_parent: true}", 1, std::nullopt, ""},
        Case{"parent_prefix_labels", "{devolution_parent: {max_prefix_labels: 3}}", 3,
             std::nullopt, ""},
        Case{"spec_example", "{devolution_parent: true, random_label: {min_score: 0.90}}", 1,
             RandomLabel{0.90, 7, 15}, ""},
        Case{"random_true", "{random_label: true}", std::nullopt, RandomLabel{}, ""},
        Case{"random_all_keys", "{random_label: {min_score: 1, min_length: 5, max_length: 63}}",
             std::nullopt, RandomLabel{1.0, 5, 63}, ""},
        Case{"random_equal_lengths", "{random_label: {min_length: 9, max_length: 9}}",
             std::nullopt, RandomLabel{0.90, 9, 9}, ""},
        Case{"parent_false", "{devolution_parent: false}", std::nullopt, std::nullopt,
             "test.yaml:5:42: rules[0].match.devolution_parent: expected true or a mapping; for "
             "the opposite use not: {…}"},
        Case{"parent_word", "{devolution_parent: yes}", std::nullopt, std::nullopt,
             "test.yaml:5:42: rules[0].match.devolution_parent: expected true or false, got "
             "\"yes\""},
        Case{"parent_unknown_key", "{devolution_parent: {max_labels: 2}}", std::nullopt,
             std::nullopt,
             "test.yaml:5:43: rules[0].match.devolution_parent.max_labels: unknown key (expected "
             "one of: max_prefix_labels)"},
        Case{"parent_zero", "{devolution_parent: {max_prefix_labels: 0}}", std::nullopt,
             std::nullopt,
             "test.yaml:5:62: rules[0].match.devolution_parent.max_prefix_labels: must be "
             "positive"},
        Case{"score_zero", "{random_label: {min_score: 0}}", std::nullopt, std::nullopt,
             "test.yaml:5:49: rules[0].match.random_label.min_score: expected a number with 0 < "
             "min_score <= 1, got \"0\""},
        Case{"score_above_one", "{random_label: {min_score: 1.5}}", std::nullopt, std::nullopt,
             "test.yaml:5:49: rules[0].match.random_label.min_score: expected a number with 0 < "
             "min_score <= 1, got \"1.5\""},
        Case{"score_text", "{random_label: {min_score: high}}", std::nullopt, std::nullopt,
             "test.yaml:5:49: rules[0].match.random_label.min_score: expected a number with 0 < "
             "min_score <= 1, got \"high\""},
        Case{"length_zero", "{random_label: {min_length: 0}}", std::nullopt, std::nullopt,
             "test.yaml:5:50: rules[0].match.random_label.min_length: must be positive"},
        Case{"length_64", "{random_label: {max_length: 64}}", std::nullopt, std::nullopt,
             "test.yaml:5:50: rules[0].match.random_label.max_length: must be at most 63"},
        Case{"min_above_max", "{random_label: {min_length: 12, max_length: 8}}", std::nullopt,
             std::nullopt,
             "test.yaml:5:66: rules[0].match.random_label.max_length: min_length 12 exceeds "
             "max_length 8"},
        Case{"random_unknown_key", "{random_label: {threshold: 0.9}}", std::nullopt,
             std::nullopt,
             "test.yaml:5:38: rules[0].match.random_label.threshold: unknown key (expected one "
             "of: min_score, min_length, max_length)"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace dg::conf
