// RuleSet as data: (rules, query) → decision. Configs are built as conf::Config structs, the
// way conf::load hands them over.
#include "rules/rule_set.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

// Counts allocations so that a test can show classify() allocates nothing on its common path.
namespace {
std::atomic<long> g_allocations{0};
}  // namespace

// Not inlined: where GCC 12 inlines these into gtest's `new TestClass` and `delete`, it sees
// malloc and free in place of operator new and delete and warns of a mismatch
// (-Wmismatched-new-delete). The counting is the same either way.
[[gnu::noinline]] void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace dg::rules {
namespace {

constexpr uint16_t kA = 1;
constexpr uint16_t kSrv = 33;

conf::Rule rule(std::string name, conf::Match match, std::variant<conf::Forward, conf::Answer> a,
                bool dry_run = false) {
  conf::Rule r;
  r.name = std::move(name);
  r.match = std::move(match);
  r.action = std::move(a);
  r.dry_run = dry_run;
  r.where = {"t.yaml", 20, 5};
  return r;
}
conf::Match suffix(std::string s) {
  conf::Match m;
  m.suffix = {std::move(s)};
  return m;
}
conf::Match devolved() {
  conf::Match m;
  m.devolved = true;
  return m;
}
conf::Match regex(std::string p) {
  conf::Match m;
  m.regex = {conf::Pattern{std::move(p), {"t.yaml", 31, 14}}};
  return m;
}
conf::Match qtype(uint16_t t) {
  conf::Match m;
  m.qtype = {t};
  return m;
}

// The PRODUCT.md example plus a dry-run probe rule and an SRV block.
conf::Config example() {
  conf::Config c;
  c.upstreams.resize(2);
  c.upstreams[0].name = "aws";
  c.upstreams[1].name = "ad";
  c.rules.push_back(rule("probes", regex("^[a-z]{7,15}\\.co\\.jp$"), conf::Answer::NxDomain, true));
  c.rules.push_back(rule("srv-audit", qtype(kSrv), conf::Answer::Refused, true));
  c.rules.push_back(rule("ad-zones", suffix("example.co.jp"), conf::Forward{"ad"}));
  c.rules.push_back(rule("devolved", devolved(), conf::Answer::NxDomain));
  c.rules.push_back(rule("default", conf::Match{}, conf::Forward{"aws"}));
  return c;
}

struct Case {
  const char* label;
  std::string qname;
  uint16_t qtype;
  std::string devolved_from;
  std::string rule;  // "" for no rule
  Action action;
  int group;
  std::vector<std::string> dry_run;
};

class ClassifyTest : public ::testing::TestWithParam<Case> {};

TEST_P(ClassifyTest, FirstMatchWins) {
  const Case& c = GetParam();
  auto set = RuleSet::compile(example());
  ASSERT_TRUE(set) << set.error().message;
  Decision d = set->classify(Subject{c.qname, c.qtype, {}, c.devolved_from});
  EXPECT_EQ(d.rule ? d.rule->name : "", c.rule);
  EXPECT_EQ(d.action, c.action);
  EXPECT_EQ(d.group, c.group);
  std::vector<std::string> dry;
  for (const Rule* r : d.dry_run) dry.push_back(r->name);
  EXPECT_EQ(dry, c.dry_run);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ClassifyTest,
    ::testing::Values(
        Case{"ad_zone", "dc1.example.co.jp", kA, "", "ad-zones", Action::Forward, 1, {}},
        Case{"ad_zone_srv_dry_run", "_ldap._tcp.example.co.jp", kSrv, "", "ad-zones",
             Action::Forward, 1, {"srv-audit"}},
        Case{"devolved", "dglvrrerxokcxc.co.jp", kA, "dglvrrerxokcxc.example.co.jp", "devolved",
             Action::NxDomain, -1, {"probes"}},
        Case{"two_dry_runs_in_order", "dglvrrerxokcxc.co.jp", kSrv, "", "default",
             Action::Forward, 0, {"probes", "srv-audit"}},
        Case{"internet_name", "www.example.com", kA, "", "default", Action::Forward, 0, {}}),
    [](const auto& info) { return std::string(info.param.label); });

TEST(Classify, NoMatchIsRefusedWithoutRule) {
  conf::Config c = example();
  c.rules.pop_back();  // no default rule
  auto set = RuleSet::compile(c);
  ASSERT_TRUE(set);
  Decision d = set->classify(Subject{"dglvrrerxokcxc.co.jp", kA, {}, {}});
  EXPECT_EQ(d.rule, nullptr);
  EXPECT_EQ(d.action, Action::Refused);
  EXPECT_EQ(d.group, -1);
  ASSERT_EQ(d.dry_run.size(), 1u);  // the dry-run rule is still noted
  EXPECT_EQ(d.dry_run[0]->name, "probes");
}

TEST(Classify, EmptyRuleSetRefuses) {
  auto set = RuleSet::compile(conf::Config{});
  ASSERT_TRUE(set);
  Decision d = set->classify(Subject{"x", kA, {}, {}});
  EXPECT_EQ(d.rule, nullptr);
  EXPECT_EQ(d.action, Action::Refused);
  EXPECT_TRUE(d.dry_run.empty());
}

TEST(Classify, DoesNotAllocateWithoutDryRun) {
  auto set = RuleSet::compile(example());
  ASSERT_TRUE(set);
  const Subject s{"some.long.internet.name.example.com", kA, {}, {}};
  // RE2 builds its DFA lazily on first use (its own cache, bounded by max_mem): warm it up.
  (void)set->classify(s);
  long before = g_allocations.load();
  Decision d = set->classify(s);
  long after = g_allocations.load();
  EXPECT_EQ(after - before, 0);
  EXPECT_EQ(d.rule->name, "default");
}

// INVESTIGATE.md §3: the stateless probe rule scores without allocating, and the score reaches
// the Decision (for the log's `label_score`) whether or not the rule matched.
TEST(Classify, RandomLabelScoresWithoutAllocating) {
  conf::Config c;
  c.domain.suffixes = {"example.co.jp"};
  c.upstreams.push_back(conf::UpstreamGroup{.name = "aws"});
  conf::Match m;
  m.devolution_parent = 1;
  m.random_label = conf::RandomLabel{};
  c.rules.push_back(rule("random-under-parent", m, conf::Answer::NxDomain));
  c.rules.push_back(rule("default", conf::Match{}, conf::Forward{"aws"}));
  auto set = RuleSet::compile(c);
  ASSERT_TRUE(set);
  const Subject probe{"dglvrrerxokcxc.co.jp", kA, {}, {}};
  const Subject word{"mercari.co.jp", kA, {}, {}};
  const Subject other{"www.example.com", kA, {}, {}};
  long before = g_allocations.load();
  Decision d1 = set->classify(probe);
  Decision d2 = set->classify(word);
  Decision d3 = set->classify(other);
  long after = g_allocations.load();
  EXPECT_EQ(after - before, 0);
  EXPECT_EQ(d1.rule->name, "random-under-parent");
  EXPECT_GE(d1.label_score, 0.99);
  EXPECT_EQ(d2.rule->name, "default");
  EXPECT_GE(d2.label_score, 0);  // evaluated: devolution_parent held
  EXPECT_LT(d2.label_score, 0.90);
  EXPECT_EQ(d3.label_score, -1);  // not under a parent: random_label never ran
  // The rule that scored, for the devoguard_label_score histogram, matched or not.
  ASSERT_NE(d1.label_score_rule, nullptr);
  EXPECT_EQ(d1.label_score_rule->name, "random-under-parent");
  ASSERT_NE(d2.label_score_rule, nullptr);
  EXPECT_EQ(d2.label_score_rule->name, "random-under-parent");
  EXPECT_EQ(d3.label_score_rule, nullptr);
}

TEST(Compile, AnswerActions) {
  conf::Config c;
  const std::vector<std::pair<conf::Answer, Action>> map = {
      {conf::Answer::NxDomain, Action::NxDomain}, {conf::Answer::NoData, Action::NoData},
      {conf::Answer::Refused, Action::Refused},   {conf::Answer::ServFail, Action::ServFail},
      {conf::Answer::Drop, Action::Drop}};
  for (auto [answer, _] : map) c.rules.push_back(rule("r", conf::Match{}, answer));
  auto set = RuleSet::compile(c);
  ASSERT_TRUE(set);
  for (std::size_t i = 0; i < map.size(); ++i) {
    EXPECT_EQ(set->rules()[i].action, map[i].second) << i;
    EXPECT_EQ(set->rules()[i].group, -1) << i;
    EXPECT_EQ(set->rules()[i].ede_text, "devoguard rule r") << i;  // what dig shows the client
  }
}

TEST(Compile, UsesDevolved) {
  auto with = RuleSet::compile(example());
  ASSERT_TRUE(with);
  EXPECT_TRUE(with->uses_devolved());

  conf::Config c = example();
  c.rules.erase(c.rules.begin() + 3);  // the devolved rule
  auto without = RuleSet::compile(c);
  ASSERT_TRUE(without);
  EXPECT_FALSE(without->uses_devolved());

  conf::Match nested;
  nested.negated.push_back(devolved());
  c.rules.insert(c.rules.begin(), rule("nested", nested, conf::Forward{"aws"}));
  auto with_nested = RuleSet::compile(c);
  ASSERT_TRUE(with_nested);
  EXPECT_TRUE(with_nested->uses_devolved());
}

TEST(Compile, BadRegexNamesRuleKeyAndPosition) {
  conf::Config c = example();
  c.rules[2].match = regex("^(ab");
  auto set = RuleSet::compile(c);
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().key, "rules[2].match.regex");
  EXPECT_EQ(set.error().where.file, "t.yaml");
  EXPECT_EQ(set.error().where.line, 31);
  EXPECT_EQ(set.error().where.column, 14);
  EXPECT_EQ(set.error().message, "invalid regex \"^(ab\": missing ): ^(ab");
}

TEST(Compile, UnknownGroupIsAnError) {
  conf::Config c = example();
  c.rules[4].action = conf::Forward{"nope"};
  auto set = RuleSet::compile(c);
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().key, "rules[4].forward");
  EXPECT_EQ(set.error().where.line, 20);
}

TEST(Describe, OneLinePerRule) {
  auto set = RuleSet::compile(example());
  ASSERT_TRUE(set);
  const std::vector<std::string> want = {
      "probes: regex matches [\"^[a-z]{7,15}\\.co\\.jp$\"] → nxdomain (dry run)",
      "srv-audit: qtype in [SRV] → refused (dry run)",
      "ad-zones: suffix in [example.co.jp] → forward ad",
      "devolved: devolved = true → nxdomain",
      "default: any → forward aws",
  };
  EXPECT_EQ(set->describe(), want);
}

TEST(ActionName, AsInTheDecisionLog) {
  EXPECT_EQ(action_name(Action::Forward), "forward");
  EXPECT_EQ(action_name(Action::NxDomain), "nxdomain");
  EXPECT_EQ(action_name(Action::NoData), "nodata");
  EXPECT_EQ(action_name(Action::Refused), "refused");
  EXPECT_EQ(action_name(Action::ServFail), "servfail");
  EXPECT_EQ(action_name(Action::Drop), "drop");
}

}  // namespace
}  // namespace dg::rules
