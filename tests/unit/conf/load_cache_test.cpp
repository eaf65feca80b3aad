// `cache:` (DEPLOY.md §1): YAML → effective values, defaults included; bad values → the exact
// error line.
#include <gtest/gtest.h>

#include <functional>

#include "conf/load.hpp"
#include "load_fixture.hpp"

namespace dg::conf {
namespace {

using namespace std::chrono_literals;

struct CacheCase {
  std::string name;
  std::string yaml;  // the `cache:` section (or nothing)
  std::function<void(const Cache&)> check;
};

class LoadCacheTest : public testing::TestWithParam<CacheCase> {};

TEST_P(LoadCacheTest, EffectiveValues) {
  auto options = test::options_with_resolv("nameserver 10.0.0.2\n");
  auto config = load_string(test::snippet(GetParam().yaml), "test.yaml", options);
  ASSERT_TRUE(config) << config.error().str();
  GetParam().check(config->cache);
}

INSTANTIATE_TEST_SUITE_P(
    Good, LoadCacheTest,
    testing::Values(
        CacheCase{"absent_is_off_with_defaults", "threads: 1\n",
                  [](const Cache& c) {
                    EXPECT_FALSE(c.enabled);
                    EXPECT_EQ(c.max_entries, 100000u);
                    EXPECT_EQ(c.min_ttl, 0u);
                    EXPECT_EQ(c.max_ttl, 3600u);
                    EXPECT_EQ(c.negative_min_ttl, 0u);
                    EXPECT_EQ(c.negative_max_ttl, 900u);
                    EXPECT_FALSE(c.serve_stale.enabled);
                    EXPECT_EQ(c.serve_stale.max_stale, 86400s);
                    EXPECT_EQ(c.serve_stale.answer_ttl, 30s);
                    EXPECT_EQ(c.serve_stale.client_timeout, 1800ms);
                    EXPECT_EQ(c.serve_stale.recheck, 30s);
                  }},
        CacheCase{"everything", R"(
cache:
  enabled: true
  max_entries: 5000
  min_ttl: 5s
  max_ttl: 1d
  negative_min_ttl: 1s
  negative_max_ttl: 5m
  serve_stale:
    enabled: true
    max_stale: 3d
    answer_ttl: 10s
    client_timeout: 500ms
    recheck: 1m
)",
                  [](const Cache& c) {
                    EXPECT_TRUE(c.enabled);
                    EXPECT_EQ(c.max_entries, 5000u);
                    EXPECT_EQ(c.min_ttl, 5u);
                    EXPECT_EQ(c.max_ttl, 86400u);
                    EXPECT_EQ(c.negative_min_ttl, 1u);
                    EXPECT_EQ(c.negative_max_ttl, 300u);
                    EXPECT_TRUE(c.serve_stale.enabled);
                    EXPECT_EQ(c.serve_stale.max_stale, 3 * 86400s);
                    EXPECT_EQ(c.serve_stale.answer_ttl, 10s);
                    EXPECT_EQ(c.serve_stale.client_timeout, 500ms);
                    EXPECT_EQ(c.serve_stale.recheck, 60s);
                  }},
        CacheCase{"equal_bounds", "cache: {min_ttl: 60s, max_ttl: 60s}\n",
                  [](const Cache& c) { EXPECT_EQ(c.min_ttl, 60u); }},
        CacheCase{"min_raised_under_default_max", "cache: {negative_min_ttl: 15m}\n",
                  [](const Cache& c) { EXPECT_EQ(c.negative_min_ttl, 900u); }}),
    [](const auto& info) { return info.param.name; });

struct BadCase {
  std::string name;
  std::string yaml;
  std::string error;
};

class LoadCacheErrorTest : public testing::TestWithParam<BadCase> {};

TEST_P(LoadCacheErrorTest, ExactMessage) {
  auto options = test::options_with_resolv("nameserver 10.0.0.2\n");
  auto config = load_string(test::snippet(GetParam().yaml), "test.yaml", options);
  ASSERT_FALSE(config) << "loaded without error";
  EXPECT_EQ(config.error().str(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Bad, LoadCacheErrorTest,
    testing::Values(
        BadCase{"unknown_key", "cache:\n  enable: true\n",
                "test.yaml:2:3: cache.enable: unknown key (expected one of: enabled, max_entries, "
                "min_ttl, max_ttl, negative_min_ttl, negative_max_ttl, serve_stale)"},
        BadCase{"enabled_not_bool", "cache:\n  enabled: yes\n",
                "test.yaml:2:12: cache.enabled: expected true or false, got \"yes\""},
        BadCase{"max_entries_zero", "cache:\n  max_entries: 0\n",
                "test.yaml:2:16: cache.max_entries: must be positive"},
        BadCase{"ttl_without_unit", "cache:\n  max_ttl: 3600\n",
                "test.yaml:2:12: cache.max_ttl: expected a duration with a unit (ms, s, m, h, d), "
                "e.g. 30s, got \"3600\""},
        BadCase{"ttl_not_whole_seconds", "cache:\n  min_ttl: 1500ms\n",
                "test.yaml:2:12: cache.min_ttl: a TTL is whole seconds, got \"1500ms\""},
        BadCase{"ttl_over_rfc2181", "cache:\n  max_ttl: 30000d\n",
                "test.yaml:2:12: cache.max_ttl: must be at most 2147483647s (RFC 2181)"},
        BadCase{"min_above_max", "cache:\n  min_ttl: 2h\n  max_ttl: 1h\n",
                "test.yaml:3:12: cache.max_ttl: min_ttl (7200s) is above max_ttl (3600s)"},
        BadCase{"min_above_default_max", "cache:\n  min_ttl: 2h\n",
                "test.yaml:2:12: cache.min_ttl: min_ttl (7200s) is above max_ttl (3600s)"},
        BadCase{"negative_min_above_max", "cache:\n  negative_min_ttl: 1h\n",
                "test.yaml:2:21: cache.negative_min_ttl: negative_min_ttl (3600s) is above "
                "negative_max_ttl (900s)"},
        BadCase{"stale_unknown_key", "cache:\n  serve_stale:\n    timeout: 1s\n",
                "test.yaml:3:5: cache.serve_stale.timeout: unknown key (expected one of: enabled, "
                "max_stale, answer_ttl, client_timeout, recheck)"},
        BadCase{"max_stale_over_7d", "cache:\n  serve_stale:\n    max_stale: 8d\n",
                "test.yaml:3:16: cache.serve_stale.max_stale: must be at most 7d (RFC 8767 caps "
                "stale data at 7 days)"},
        BadCase{"answer_ttl_zero", "cache:\n  serve_stale:\n    answer_ttl: 0s\n",
                "test.yaml:3:17: cache.serve_stale.answer_ttl: must be positive"},
        BadCase{"answer_ttl_fraction", "cache:\n  serve_stale:\n    answer_ttl: 1500ms\n",
                "test.yaml:3:17: cache.serve_stale.answer_ttl: must be whole seconds, got "
                "\"1500ms\""},
        BadCase{"client_timeout_no_unit", "cache:\n  serve_stale:\n    client_timeout: 1800\n",
                "test.yaml:3:21: cache.serve_stale.client_timeout: expected a duration with a unit "
                "(ms, s, m, h), e.g. 1500ms, got \"1800\""},
        BadCase{"not_a_map", "cache: true\n",
                "test.yaml:1:8: cache: expected a mapping, got \"true\""}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace dg::conf
