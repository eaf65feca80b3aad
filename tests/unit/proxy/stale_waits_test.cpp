// StaleWaits: queries waiting for their client_timeout leave in deadline order, once; a
// forgotten one (finished, or dropped) never comes out.
#include "proxy/pipeline/stale_waits.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "proxy/pipeline/query.hpp"

namespace dg::proxy::pipeline {
namespace {

using namespace std::chrono_literals;
using Clock = StaleWaits::Clock;

TEST(StaleWaits, DueQueriesLeaveInOrderOnce) {
  StaleWaits waits;
  Query a, b, c;
  const Clock::time_point t0{};
  const auto ta = waits.add(&a, t0 + 100ms);
  const auto tb = waits.add(&b, t0 + 200ms);
  waits.add(&c, t0 + 300ms);
  EXPECT_NE(ta, 0u);
  EXPECT_NE(ta, tb);
  EXPECT_EQ(waits.next_due(), t0 + 100ms);
  waits.forget(tb);  // b finished before its time

  std::vector<Query*> out;
  auto take = [&out](Query& q) { out.push_back(&q); };
  waits.expire(t0 + 99ms, take);
  EXPECT_TRUE(out.empty());
  waits.expire(t0 + 250ms, take);
  EXPECT_EQ(out, std::vector<Query*>{&a});
  EXPECT_EQ(waits.size(), 1u);
  waits.expire(t0 + 1s, take);
  EXPECT_EQ(out, (std::vector<Query*>{&a, &c}));
  waits.expire(t0 + 2s, take);
  EXPECT_EQ(out.size(), 2u);
  EXPECT_FALSE(waits.next_due());
}

TEST(StaleWaits, ARecycledQueryLeavesTheList) {
  StaleWaits waits;
  QueryPool pool;
  auto q = pool.take();
  q->cache.waits = &waits;
  q->cache.ticket = waits.add(q.get(), Clock::time_point{});
  q.reset();  // dropped (shutdown) without finishing
  EXPECT_EQ(waits.size(), 0u);
  int called = 0;
  waits.expire(Clock::time_point{} + 1s, [&called](Query&) { ++called; });
  EXPECT_EQ(called, 0);
  auto again = pool.take();
  EXPECT_EQ(again->cache.ticket, 0u);
  EXPECT_EQ(again->cache.result, CacheResult::None);
}

}  // namespace
}  // namespace dg::proxy::pipeline
