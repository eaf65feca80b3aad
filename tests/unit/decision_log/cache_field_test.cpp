// The answer cache's decision-log field (DEPLOY.md §1): `cache` after `upstream`, `upstream`
// null on hit and stale; read back by the scanner and shown in `devoguard log`'s detail.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "proxy/decision_log/line.hpp"
#include "proxy/decision_log/record.hpp"
#include "proxy/decision_log/table.hpp"

namespace dg::proxy::decision_log {
namespace {

Record forwarded(CacheResult cache, std::string_view upstream) {
  Record r;
  r.ts = std::chrono::system_clock::time_point{};
  r.client = *conf::IpAddress::parse("10.0.0.1");
  r.qname = "www.example.com";
  r.qtype = 1;
  r.rule = "default";
  r.action = "forward";
  r.upstream = upstream;
  r.cache = cache;
  r.rcode = 0;
  r.ancount = 1;
  return r;
}

struct Case {
  std::string name;
  CacheResult cache;
  std::string upstream;
  std::string fields;  // the JSON between "action" and "rcode"
  std::string detail;
};

class CacheFieldTest : public testing::TestWithParam<Case> {};

TEST_P(CacheFieldTest, WrittenAndReadBack) {
  const auto& c = GetParam();
  const std::string text = to_json(forwarded(c.cache, c.upstream));
  EXPECT_NE(text.find(R"("action":"forward")" + c.fields + R"(,"rcode":"NOERROR")"),
            std::string::npos)
      << text;
  Line line;
  ASSERT_TRUE(line.scan(text)) << line.scan(text).error();
  EXPECT_EQ(line.upstream, c.upstream);
  EXPECT_EQ(detail_of(line), c.detail);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CacheFieldTest,
    testing::Values(
        Case{"cache_off", CacheResult::None, "10.0.0.2:53", R"(,"upstream":"10.0.0.2:53")",
             "via 10.0.0.2:53 ancount=1"},
        Case{"miss", CacheResult::Miss, "10.0.0.2:53",
             R"(,"upstream":"10.0.0.2:53","cache":"miss")", "via 10.0.0.2:53 cache=miss ancount=1"},
        Case{"hit", CacheResult::Hit, "", R"(,"upstream":null,"cache":"hit")",
             "cache=hit ancount=1"},
        Case{"stale", CacheResult::Stale, "", R"(,"upstream":null,"cache":"stale")",
             "cache=stale ancount=1"},
        Case{"bypass", CacheResult::Bypass, "10.0.0.2:53",
             R"(,"upstream":"10.0.0.2:53","cache":"bypass")",
             "via 10.0.0.2:53 cache=bypass ancount=1"},
        Case{"miss_without_answer", CacheResult::Miss, "", R"(,"cache":"miss")",
             "cache=miss ancount=1"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace dg::proxy::decision_log
