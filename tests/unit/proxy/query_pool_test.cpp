// The query pool hands out blank queries: nothing of the previous query shows through (an
// ACL refusal once logged the recycled query's `forward`).
#include "proxy/pipeline/query.hpp"

#include <gtest/gtest.h>

namespace dg::proxy::pipeline {
namespace {

TEST(QueryPool, RecycledQueryIsBlank) {
  QueryPool pool;
  const rules::Decision fresh;  // what a new Query starts with
  Query* first = nullptr;
  {
    auto q = pool.take();
    first = q.get();
    q->wire = {1, 2, 3};
    q->devolved_from = "x.example.co.jp";
    q->decision.action = rules::Action::Forward;
    q->decision.group = 2;
    q->decision.dry_run.push_back(nullptr);
  }
  auto again = pool.take();
  ASSERT_EQ(again.get(), first) << "the pool did not recycle";
  EXPECT_TRUE(again->wire.empty());
  EXPECT_TRUE(again->devolved_from.empty());
  EXPECT_EQ(again->decision.rule, nullptr);
  EXPECT_EQ(again->decision.action, fresh.action);
  EXPECT_EQ(again->decision.group, fresh.group);
  EXPECT_TRUE(again->decision.dry_run.empty());
  EXPECT_EQ(again->sink, nullptr);
  EXPECT_EQ(again->plan, nullptr);
  EXPECT_EQ(again->upstream, nullptr);
}

}  // namespace
}  // namespace dg::proxy::pipeline
