// Devolution parents as data: (suffixes, level) → parents of each suffix, nearest first.
#include "rules/devolution/parents.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dg::rules {
namespace {

using Names = std::vector<std::string>;

struct Case {
  const char* label;
  Names suffixes;
  int level;
  std::vector<std::pair<std::string, Names>> want;  // suffix → parents
};

class ParentsTest : public ::testing::TestWithParam<Case> {};

TEST_P(ParentsTest, Parents) {
  const Case& c = GetParam();
  auto got = devolution_parents(c.suffixes, c.level);
  std::vector<std::pair<std::string, Names>> flat;
  for (auto& sp : got) flat.emplace_back(sp.suffix, sp.parents);
  EXPECT_EQ(flat, c.want);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParentsTest,
    ::testing::Values(
        Case{"three_labels_level2", {"example.co.jp"}, 2, {{"example.co.jp", {"co.jp"}}}},
        Case{"three_labels_level3", {"example.co.jp"}, 3, {{"example.co.jp", {}}}},
        Case{"four_labels_level2",
             {"corp.example.co.jp"},
             2,
             {{"corp.example.co.jp", {"example.co.jp", "co.jp"}}}},
        Case{"four_labels_level3",
             {"corp.example.co.jp"},
             3,
             {{"corp.example.co.jp", {"example.co.jp"}}}},
        Case{"five_labels_level2",
             {"a.corp.example.co.jp"},
             2,
             {{"a.corp.example.co.jp", {"corp.example.co.jp", "example.co.jp", "co.jp"}}}},
        Case{"five_labels_level3",
             {"a.corp.example.co.jp"},
             3,
             {{"a.corp.example.co.jp", {"corp.example.co.jp", "example.co.jp"}}}},
        Case{"overlapping_suffixes",
             {"corp.example.co.jp", "example.co.jp"},
             2,
             {{"corp.example.co.jp", {"co.jp"}}, {"example.co.jp", {"co.jp"}}}},
        Case{"overlapping_five_labels",
             {"a.corp.example.co.jp", "example.co.jp"},
             2,
             {{"a.corp.example.co.jp", {"corp.example.co.jp", "co.jp"}},
              {"example.co.jp", {"co.jp"}}}},
        Case{"two_labels_level2", {"example.com"}, 2, {{"example.com", {}}}},
        Case{"two_labels_level1", {"example.com"}, 1, {{"example.com", {"com"}}}},
        Case{"duplicate_suffix_once",
             {"example.co.jp", "example.co.jp"},
             2,
             {{"example.co.jp", {"co.jp"}}}},
        Case{"no_suffixes", {}, 2, {}}),
    [](const auto& info) { return std::string(info.param.label); });

struct PslCase {
  const char* label;
  std::string name;
  bool public_suffix;
};

class PublicSuffixTest : public ::testing::TestWithParam<PslCase> {};

TEST_P(PublicSuffixTest, IsPublicSuffix) {
  EXPECT_EQ(is_public_suffix(GetParam().name), GetParam().public_suffix);
}

INSTANTIATE_TEST_SUITE_P(Cases, PublicSuffixTest,
                         ::testing::Values(PslCase{"co_jp", "co.jp", true},
                                           PslCase{"com", "com", true},
                                           PslCase{"jp", "jp", true},
                                           PslCase{"example_co_jp", "example.co.jp", false},
                                           PslCase{"example_com", "example.com", false},
                                           PslCase{"corp_example_co_jp", "corp.example.co.jp",
                                                   false}),
                         [](const auto& info) { return std::string(info.param.label); });

}  // namespace
}  // namespace dg::rules
