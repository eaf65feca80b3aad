// clients.rate_limit: the token bucket per client (qps, burst), clients apart, the bounded
// table; and the hook's answer (REFUSED with EDE 18, or drop).
#include "proxy/pipeline/rate_limit.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "proxy/dns/message.hpp"
#include "proxy/pipeline/plan.hpp"
#include "proxy/pipeline/query.hpp"

namespace dg::proxy::pipeline {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

conf::IpAddress ip(const char* text) { return *conf::IpAddress::parse(text); }

struct Step {
  int at_ms;
  const char* client;
  bool admitted;
};

struct Case {
  std::string name;
  uint32_t qps, burst;
  std::vector<Step> steps;
};

class Bucket : public testing::TestWithParam<Case> {};

TEST_P(Bucket, AdmitsAsTheTokensAllow) {
  const auto& c = GetParam();
  RateLimiter limiter({.qps = c.qps, .burst = c.burst});
  const auto t0 = Clock::now();
  uint64_t refused = 0;
  for (std::size_t i = 0; i < c.steps.size(); ++i) {
    const auto& s = c.steps[i];
    EXPECT_EQ(limiter.admit(ip(s.client), t0 + milliseconds(s.at_ms)), s.admitted)
        << "step " << i << " at " << s.at_ms << " ms from " << s.client;
    refused += !s.admitted;
  }
  EXPECT_EQ(limiter.limited(), refused);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Bucket,
    testing::Values(
        Case{"BurstThenLimited", 1, 3,
             {{0, "10.0.0.1", true}, {0, "10.0.0.1", true}, {0, "10.0.0.1", true},
              {0, "10.0.0.1", false}}},
        Case{"RefillsAtQps", 10, 1,
             {{0, "10.0.0.1", true}, {50, "10.0.0.1", false}, {100, "10.0.0.1", true},
              {150, "10.0.0.1", false}, {250, "10.0.0.1", true}}},
        Case{"NeverMoreThanBurstSaved", 100, 2,
             {{0, "10.0.0.1", true}, {10000, "10.0.0.1", true}, {10000, "10.0.0.1", true},
              {10000, "10.0.0.1", false}}},
        Case{"ClientsApart", 1, 1,
             {{0, "10.0.0.1", true}, {0, "10.0.0.1", false}, {0, "10.0.0.2", true},
              {0, "2001:db8::1", true}, {0, "2001:db8::1", false}}},
        Case{"ClockGoingBackEarnsNothing", 1, 1,
             {{1000, "10.0.0.1", true}, {0, "10.0.0.1", false}, {1500, "10.0.0.1", false},
              {2000, "10.0.0.1", true}}}),
    [](const auto& info) { return info.param.name; });

TEST(RateLimiter, TableStaysBounded) {
  RateLimiter limiter({.qps = 1, .burst = 1});
  const auto now = Clock::now();
  for (uint32_t i = 0; i < 3 * RateLimiter::kMaxClients; ++i) {
    conf::IpAddress a = ip("2001:db8::");
    std::array<uint8_t, 16> b{};
    std::copy(a.bytes().begin(), a.bytes().end(), b.begin());
    b[12] = uint8_t(i >> 24), b[13] = uint8_t(i >> 16), b[14] = uint8_t(i >> 8), b[15] = uint8_t(i);
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    std::copy(b.begin(), b.end(), sa.sin6_addr.s6_addr);
    EXPECT_TRUE(limiter.admit(conf::IpAddress::from_sockaddr(reinterpret_cast<sockaddr*>(&sa)), now));
  }
  EXPECT_LE(limiter.clients(), RateLimiter::kMaxClients);
  EXPECT_GT(limiter.clients(), RateLimiter::kMaxClients / 4);
}

TEST(RateLimiter, KeepsAClientAcrossOneTableTurn) {
  // A client seen in the previous generation keeps its (empty) bucket.
  RateLimiter limiter({.qps = 1, .burst = 1});
  const auto now = Clock::now();
  ASSERT_TRUE(limiter.admit(ip("192.0.2.1"), now));
  for (uint32_t i = 0; i < RateLimiter::kMaxClients / RateLimiter::kShards / 2; ++i) {
    const std::string a = "10." + std::to_string(i >> 16 & 255) + "." +
                          std::to_string(i >> 8 & 255) + "." + std::to_string(i & 255);
    limiter.admit(ip(a.c_str()), now);
  }
  EXPECT_FALSE(limiter.admit(ip("192.0.2.1"), now));
}

// The hook: a query over the limit gets REFUSED with EDE 18, or nothing (drop).
std::vector<uint8_t> query_wire(bool edns) {
  // ID 0x1234, RD, one question "a. A IN", and an OPT (payload 1232) when `edns`.
  const std::vector<uint8_t> head = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
                                     1,    'a',  0,    0,    1, 0, 1};
  const std::vector<uint8_t> opt = {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0};
  std::vector<uint8_t> w = head;
  if (edns) {
    w[11] = 1;  // ARCOUNT
    w.resize(head.size() + opt.size());
    std::copy(opt.begin(), opt.end(), w.begin() + long(head.size()));
  }
  return w;
}

std::shared_ptr<const Plan> plan_with(conf::RateLimit::Action action) {
  conf::Config config;
  config.rate_limit = conf::RateLimit{.qps = 1, .burst = 1, .action = action};
  auto plan = Plan::build(std::move(config), nullptr);
  EXPECT_TRUE(plan);
  return *plan;
}

TEST(OverRateLimit, RefusedWithEde18) {
  Query q;
  q.plan = plan_with(conf::RateLimit::Action::Refused);
  q.wire = query_wire(true);
  q.msg = *dns::parse_query(q.wire);
  q.client = conf::Endpoint(ip("10.0.0.1"), 4000);
  q.received = Clock::now();
  std::vector<uint8_t> buffer;
  EXPECT_FALSE(over_rate_limit(q, buffer));  // the burst
  auto reply = over_rate_limit(q, buffer);
  ASSERT_TRUE(reply);
  ASSERT_GE(reply->size(), dns::kHeaderSize);
  EXPECT_EQ(dns::rcode_of(*reply), dns::kRefused);
  EXPECT_EQ(dns::id_of(*reply), 0x1234);
  EXPECT_EQ(q.decision.action, rules::Action::Refused);
  EXPECT_EQ(q.decision.rule, nullptr);
  const std::string text(reply->begin(), reply->end());
  EXPECT_NE(text.find("devoguard: rate limit"), std::string::npos);
  EXPECT_EQ(q.plan->rate_limiter->limited(), 1u);
}

TEST(OverRateLimit, DropSendsNothing) {
  Query q;
  q.plan = plan_with(conf::RateLimit::Action::Drop);
  q.wire = query_wire(false);
  q.msg = *dns::parse_query(q.wire);
  q.client = conf::Endpoint(ip("10.0.0.1"), 4000);
  q.received = Clock::now();
  std::vector<uint8_t> buffer;
  EXPECT_FALSE(over_rate_limit(q, buffer));
  auto reply = over_rate_limit(q, buffer);
  ASSERT_TRUE(reply);
  EXPECT_TRUE(reply->empty());
  EXPECT_EQ(q.decision.action, rules::Action::Drop);
}

TEST(OverRateLimit, NoLimitConfigured) {
  conf::Config config;
  auto plan = Plan::build(std::move(config), nullptr);
  ASSERT_TRUE(plan);
  EXPECT_EQ((*plan)->rate_limiter, nullptr);
}

TEST(Plan, RateLimiterAndGroupLoadSurviveAReload) {
  conf::Config config;
  config.rate_limit = conf::RateLimit{.qps = 5, .burst = 5};
  conf::UpstreamGroup g;
  g.name = "aws";
  g.servers.push_back(*conf::Endpoint::parse("192.0.2.1", 53));
  config.upstreams.push_back(g);
  auto first = Plan::build(config, nullptr);
  ASSERT_TRUE(first);
  auto same = Plan::build(config, first->get());
  ASSERT_TRUE(same);
  EXPECT_EQ((*same)->rate_limiter, (*first)->rate_limiter);
  EXPECT_EQ((*same)->groups[0].load, (*first)->groups[0].load);
  config.rate_limit->qps = 6;
  auto changed = Plan::build(config, same->get());
  ASSERT_TRUE(changed);
  EXPECT_NE((*changed)->rate_limiter, (*first)->rate_limiter);
}

}  // namespace
}  // namespace dg::proxy::pipeline
