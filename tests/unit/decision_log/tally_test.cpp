// Tally: exact counts, the order of top(), prefixes, growth, and the bounded mode that keeps
// the frequent strings when there are more distinct ones than it holds.
#include "proxy/decision_log/tally.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dg::proxy::decision_log {
namespace {

using Entries = Tally::Entries;

TEST(Tally, CountsAndOrder) {
  Tally t;
  for (const char* k : {"forward", "nxdomain", "forward", "drop", "nxdomain", "forward"}) t.add(k);
  t.add("refused", 2);
  EXPECT_EQ(t.size(), 4u);
  EXPECT_EQ(t.count("forward"), 3u);
  EXPECT_EQ(t.count("absent"), 0u);
  // Largest first; equal counts by name.
  EXPECT_EQ(t.top(), (Entries{{"forward", 3}, {"nxdomain", 2}, {"refused", 2}, {"drop", 1}}));
  EXPECT_EQ(t.top(2), (Entries{{"forward", 3}, {"nxdomain", 2}}));
  EXPECT_FALSE(t.approximate());
}

TEST(Tally, EmptyAndZero) {
  Tally t;
  EXPECT_TRUE(t.top().empty());
  t.add("x", 0);
  EXPECT_EQ(t.size(), 0u);
  t.add("");
  EXPECT_EQ(t.count(""), 1u);
}

TEST(Tally, Prefix) {
  Tally t;
  t.add(std::string("a.co.jp\0a.example.co.jp", 24), 3);
  t.add(std::string("a.co.jp\0a.corp.example.co.jp", 29), 1);
  t.add(std::string("a.co.jpx\0y", 10), 5);
  t.add(std::string("b.co.jp\0b.example.co.jp", 24), 2);
  const auto got = t.top_with_prefix(std::string("a.co.jp\0", 8));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].second, 3u);
  EXPECT_EQ(got[1].second, 1u);
}

TEST(Tally, GrowsExactly) {
  Tally t;
  for (int round = 0; round < 3; ++round)
    for (int i = 0; i < 20000; ++i) t.add("client-" + std::to_string(i), static_cast<uint64_t>(i % 7 + 1));
  EXPECT_EQ(t.size(), 20000u);
  EXPECT_FALSE(t.approximate());
  for (int i = 0; i < 20000; i += 997)
    EXPECT_EQ(t.count("client-" + std::to_string(i)), 3u * static_cast<uint64_t>(i % 7 + 1)) << i;
}

// More distinct strings than the capacity: memory stays bounded, the frequent ones survive
// with their counts, and approximate() says the rest may be missing.
TEST(Tally, BoundedKeepsTheFrequent) {
  Tally t(/*capacity=*/1000);
  for (int i = 0; i < 100000; ++i) {
    t.add("probe-" + std::to_string(i));              // each seen once
    if (i % 2 == 0) t.add("hot-" + std::to_string(i / 2 % 50));  // 50 names, 1000 each
  }
  EXPECT_LE(t.size(), 1000u);
  EXPECT_TRUE(t.approximate());
  const auto top = t.top(50);
  ASSERT_EQ(top.size(), 50u);
  for (const auto& [name, count] : top) {
    EXPECT_TRUE(name.starts_with("hot-")) << name;
    EXPECT_EQ(count, 1000u) << name;  // never dropped: exact
  }
}

TEST(Tally, AllEqualCountsPrunedToHalf) {
  Tally t(/*capacity=*/100);
  for (int i = 0; i < 101; ++i) t.add(std::to_string(i));
  EXPECT_TRUE(t.approximate());
  EXPECT_EQ(t.size(), 51u);  // half kept, then the new one
  EXPECT_EQ(t.count("100"), 1u);
}

}  // namespace
}  // namespace dg::proxy::decision_log
