// Plan::build: compiled rules, groups in file order, and the state a reload carries over.
#include "proxy/pipeline/plan.hpp"

#include <gtest/gtest.h>

#include "proxy/pipeline/local_answer.hpp"

namespace dg::proxy::pipeline {
namespace {

conf::Config load(const std::string& yaml) {
  auto c = conf::load_string(yaml, "test.yaml");
  EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().str());
  return *c;
}

const char* kBase = R"(
listen: ["127.0.0.1:5353"]
domain: { suffixes: [corp.example.co.jp, example.co.jp] }
upstreams:
  aws: { servers: ["127.0.0.1:5400"], timeout: 200ms }
  ad: { servers: ["127.0.0.1:5401", "127.0.0.1:5402"], timeout: 300ms }
rules:
  - name: ad
    match: { suffix: [example.co.jp] }
    forward: ad
  - name: default
    forward: aws
)";

TEST(Plan, GroupsFollowTheFileAndKnowWhetherTheyAreUsed) {
  auto plan = Plan::build(load(kBase), nullptr);
  ASSERT_TRUE(plan.has_value());
  const auto& p = **plan;
  ASSERT_EQ(p.groups.size(), 2u);
  EXPECT_EQ(p.groups[0].name, "aws");
  EXPECT_EQ(p.groups[1].servers.size(), 2u);
  EXPECT_TRUE(p.groups[0].used);
  EXPECT_TRUE(p.groups[1].used);
  EXPECT_EQ(p.longest_forward(), std::chrono::milliseconds(600));
  ASSERT_TRUE(p.tracker);
}

TEST(Plan, ReloadKeepsServerHealthAndTheTrackerWhenSettingsAreUnchanged) {
  auto first = *Plan::build(load(kBase), nullptr);
  first->groups[1].servers[0]->record_failure(1);
  auto second = *Plan::build(load(kBase), first.get());
  EXPECT_EQ(second->groups[1].servers[0], first->groups[1].servers[0]);
  EXPECT_FALSE(second->groups[1].servers[0]->up);
  EXPECT_EQ(second->tracker, first->tracker);
}

TEST(Plan, ReloadWithOtherSuffixesStartsAFreshTracker) {
  auto first = *Plan::build(load(kBase), nullptr);
  std::string other = kBase;
  other.replace(other.find("corp.example.co.jp, "), 20, "");
  auto second = *Plan::build(load(other), first.get());
  EXPECT_NE(second->tracker, first->tracker);
}

TEST(Plan, CacheOnlyWhenEnabledAndKeptByAnUnchangedReload) {
  auto off = *Plan::build(load(kBase), nullptr);
  EXPECT_FALSE(off->cache);
  const std::string on = std::string(kBase) + "cache: { enabled: true, max_ttl: 10m }\n";
  auto first = *Plan::build(load(on), off.get());
  ASSERT_TRUE(first->cache);
  auto same = *Plan::build(load(on), first.get());
  EXPECT_EQ(same->cache, first->cache);
  auto changed = *Plan::build(load(std::string(kBase) + "cache: { enabled: true }\n"), same.get());
  ASSERT_TRUE(changed->cache);
  EXPECT_NE(changed->cache, first->cache);
  EXPECT_EQ(changed->cache->settings().max_ttl, 3600u);
  auto disabled = *Plan::build(load(kBase), changed.get());
  EXPECT_FALSE(disabled->cache);
}

TEST(SoaOwner, DevolvedQueryGetsItsDevolutionParentOthersTheirParent) {
  auto plan = *Plan::build(load(kBase), nullptr);
  struct Case {
    const char* qname;
    const char* devolved_from;
    const char* owner;
  } cases[] = {
      {"x.co.jp", "x.example.co.jp", "co.jp"},
      {"x.y.co.jp", "x.y.example.co.jp", "co.jp"},
      {"x.co.jp", "x.corp.example.co.jp", "co.jp"},
      {"x.y.co.jp", "", "y.co.jp"},
      {"com", "", ""},
  };
  for (const auto& c : cases) {
    Query q;
    q.plan = plan;
    q.msg.qname.append(c.qname);
    q.devolved_from = c.devolved_from;
    EXPECT_EQ(soa_owner(q), c.owner) << c.qname << " from " << c.devolved_from;
  }
}

}  // namespace
}  // namespace dg::proxy::pipeline
