// The upstream random pool: draws differ across its 4 KiB refills and between threads,
// random_below stays below its bound and is uniform (bounds far outside chance, never flaky).
#include "proxy/upstream/random.hpp"

#include <gtest/gtest.h>

#include <array>
#include <set>
#include <thread>
#include <vector>

namespace dg::proxy::upstream {
namespace {

TEST(Random, DrawsAcrossRefillsAreDistinct) {
  // 10 000 draws span ten refills. Chance collisions of 32-bit values among them: 0.01
  // expected; ten would mean the same bytes handed out twice.
  std::set<uint32_t> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(random_u32());
  EXPECT_GT(seen.size(), 9990u);
}

TEST(Random, EachThreadHasItsOwnPool) {
  std::vector<uint32_t> a(2000), b(2000);
  std::thread t1([&] { for (auto& v : a) v = random_u32(); });
  std::thread t2([&] { for (auto& v : b) v = random_u32(); });
  t1.join();
  t2.join();
  std::set<uint32_t> both(a.begin(), a.end());
  both.insert(b.begin(), b.end());
  EXPECT_GT(both.size(), 3990u) << "two threads drew the same numbers";
}

TEST(Random, BelowStaysInRangeAndIsUniform) {
  EXPECT_EQ(random_below(0), 0u);
  EXPECT_EQ(random_below(1), 0u);
  constexpr uint32_t kBound = 12;  // not a power of two: the bias correction matters
  constexpr int kDraws = 120000;
  std::array<int, kBound> count{};
  for (int i = 0; i < kDraws; ++i) {
    const uint32_t v = random_below(kBound);
    ASSERT_LT(v, kBound);
    ++count[v];
  }
  // 10 000 expected per value, standard deviation ~96: ±1 000 is over 10 sigma.
  for (uint32_t v = 0; v < kBound; ++v) EXPECT_NEAR(count[v], kDraws / kBound, 1000) << v;
}

}  // namespace
}  // namespace dg::proxy::upstream
