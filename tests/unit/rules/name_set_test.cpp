// NameSet: label-aware lookups. Inputs are already lower case without the final dot (conf and
// the DNS layer normalise); NameSet compares bytes, so "Example.co.jp" or "example.co.jp." are
// deliberately different names here.
#include "rules/name_set.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dg::rules {
namespace {

struct Case {
  const char* label;
  std::vector<std::string> members;
  std::string name;
  bool contains;
  bool is_under;
};

class NameSetTest : public ::testing::TestWithParam<Case> {};

TEST_P(NameSetTest, Lookups) {
  const Case& c = GetParam();
  NameSet set(c.members);
  EXPECT_EQ(set.contains(c.name), c.contains);
  EXPECT_EQ(set.is_under(c.name), c.is_under);
  EXPECT_EQ(set.covers(c.name), c.contains || c.is_under);
}

const std::vector<std::string> kJp = {"example.co.jp"};

INSTANTIATE_TEST_SUITE_P(
    Cases, NameSetTest,
    ::testing::Values(Case{"itself", kJp, "example.co.jp", true, false},
                      Case{"child", kJp, "a.example.co.jp", false, true},
                      Case{"grandchild", kJp, "a.b.example.co.jp", false, true},
                      Case{"label_boundary", kJp, "badexample.co.jp", false, false},
                      Case{"parent", kJp, "co.jp", false, false},
                      Case{"unrelated", kJp, "example.com", false, false},
                      Case{"root_name", kJp, "", false, false},
                      Case{"upper_case_not_normalised_here", kJp, "A.EXAMPLE.CO.JP", false, false},
                      Case{"final_dot_not_normalised_here", kJp, "a.example.co.jp.", false, false},
                      Case{"root_member_covers_all", {""}, "com", false, true},
                      Case{"root_member_itself", {""}, "", true, false},
                      Case{"nested_members", {"co.jp", "example.co.jp"}, "x.example.co.jp", false,
                           true},
                      Case{"empty_set", {}, "example.co.jp", false, false}),
    [](const auto& info) { return std::string(info.param.label); });

TEST(NameSet, StrictAncestorsNearestFirstWithValues) {
  NameSet set(std::vector<std::string>{"co.jp", "example.co.jp", "other.jp", "co.jp"});
  std::vector<std::pair<std::string, std::size_t>> seen;
  set.for_each_strict_ancestor("x.y.example.co.jp", [&](std::string_view n, std::size_t v) {
    seen.emplace_back(std::string(n), v);
  });
  const std::vector<std::pair<std::string, std::size_t>> want = {{"example.co.jp", 1},
                                                                  {"co.jp", 0}};
  EXPECT_EQ(seen, want);
  EXPECT_EQ(set.size(), 3u);
}

TEST(NameSet, ThousandsOfMembers) {
  std::vector<std::string> members;
  for (int i = 0; i < 5000; ++i) members.push_back("s" + std::to_string(i) + ".example.com");
  NameSet set(members);
  EXPECT_TRUE(set.covers("host.s4999.example.com"));
  EXPECT_TRUE(set.covers("s0.example.com"));
  EXPECT_FALSE(set.covers("s5000.example.com"));
  EXPECT_FALSE(set.covers("example.com"));
}

}  // namespace
}  // namespace dg::rules
