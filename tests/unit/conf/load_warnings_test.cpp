// Configurations that load with warnings (the exact text, file:line:col first), and
// load_file(): missing file, directory, file name in errors, the shipped default config.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "conf/load.hpp"
#include "load_fixture.hpp"

namespace dg::conf {
namespace {

using testing::ElementsAre;
using testing::ElementsAreArray;
using testing::IsEmpty;

const std::string kNoCatchAll =
    "no catch-all rule (one without match): queries that match no rule are refused";
const std::string kShadowed = "unreachable: rule \"default\" (rules[0]) matches every query";
const std::string kNeverDevolved = "domain.suffixes is empty: no query is ever devolved";

struct WarningCase {
  std::string name;
  std::string yaml;
  std::vector<std::string> warnings;
};

class LoadWarningTest : public testing::TestWithParam<WarningCase> {};

TEST_P(LoadWarningTest, LoadsAndWarns) {
  const auto& c = GetParam();
  auto options = test::options_with_resolv("nameserver 10.0.0.2\n");
  auto config = load_string(test::snippet(c.yaml), "test.yaml", options);
  ASSERT_TRUE(config) << config.error().str();
  EXPECT_THAT(config->warnings, ElementsAreArray(c.warnings));
}

INSTANTIATE_TEST_SUITE_P(
    Warnings, LoadWarningTest,
    testing::Values(
        WarningCase{"no_rules", "threads: 1\n",
                    {"test.yaml: rules: " + kNoCatchAll}},
        WarningCase{"no_catch_all", R"(
rules:
  - {name: a, match: {qname: a.test}, answer: nxdomain}
  - {name: dry, answer: nxdomain, dry_run: true}
)",
                    {"test.yaml:2:3: rules: " + kNoCatchAll}},
        WarningCase{"unreachable_and_unused_group", R"(
upstreams:
  aws: {servers: [169.254.169.253]}
  ad: {servers: [10.0.0.10]}
rules:
  - {name: default, forward: aws}
  - {name: late, match: {qname: a.test}, answer: nxdomain}
  - name: later
    answer: drop
)",
                    {"test.yaml:6:5: rules[1]: " + kShadowed, "test.yaml:7:5: rules[2]: " + kShadowed,
                     "test.yaml:3:3: upstreams.ad: no rule forwards to this group"}},
        WarningCase{"devolved_without_suffixes", R"(
rules:
  - name: devolved
    match: {devolved: true, not: {devolved: false}}
    answer: nxdomain
  - {name: rest, answer: refused}
)",
                    {"test.yaml:3:23: rules[0].match.devolved: " + kNeverDevolved,
                     "test.yaml:3:45: rules[0].match.not.devolved: " + kNeverDevolved}}),
    [](const auto& info) { return info.param.name; });

TEST(LoadFileTest, MissingFileHasNoPosition) {
  auto config = load_file("/nonexistent/devoguard.yaml");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().where.line, 0);
  EXPECT_EQ(config.error().str(),
            "/nonexistent/devoguard.yaml: cannot read: No such file or directory");
}

TEST(LoadFileTest, DirectoryIsNotAConfig) {
  auto config = load_file(testing::TempDir());
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().str(), testing::TempDir() + ": cannot read: Is a directory");
}

TEST(LoadFileTest, ReadsAFileAndNamesIt) {
  auto path = testing::TempDir() + "load_file_" + std::to_string(getpid()) + ".yaml";
  std::ofstream(path) << "threads: many\n";
  auto config = load_file(path);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().str(),
            path + ":1:10: threads: expected auto or a positive integer, got \"many\"");
}

// The config the README quick start runs must load (its `system` group from a temp resolv.conf).
TEST(ShippedConfigTest, DevoguardYamlLoads) {
  auto options = test::options_with_resolv("nameserver 10.0.0.2\n");
  auto config = load_file(DG_SOURCE_DIR "/conf/devoguard.yaml", options);
  ASSERT_TRUE(config) << config.error().str();
  EXPECT_THAT(config->warnings, IsEmpty());
  ASSERT_EQ(config->listen.size(), 2u);
  EXPECT_EQ(config->listen[0].str(), "127.0.0.1:5353");
  EXPECT_EQ(config->listen[1].str(), "[::1]:5353");
  EXPECT_EQ(config->threads, 0u);
  EXPECT_THAT(config->domain.suffixes, ElementsAre("example.co.jp"));
  ASSERT_NE(config->group("default"), nullptr);
  EXPECT_TRUE(config->group("default")->from_system);
  ASSERT_EQ(config->rules.size(), 2u);
  EXPECT_EQ(config->rules[0].name, "devolved");
  EXPECT_EQ(config->rules[0].match.devolved, true);
  EXPECT_EQ(std::get<Answer>(config->rules[0].action), Answer::NxDomain);
  EXPECT_EQ(config->rules[1].name, "default");
  EXPECT_EQ(std::get<Forward>(config->rules[1].action).group, "default");
  EXPECT_EQ(config->decision_log.path, "build/decisions.jsonl");
}

}  // namespace
}  // namespace dg::conf
