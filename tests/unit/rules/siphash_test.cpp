// The keyed hash of the devolution table: deterministic for one key, different across keys.
#include "rules/devolution/siphash.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace dg::rules {
namespace {

TEST(SipHash, SameKeySameInputSameHash) {
  SipHash h({1, 2});
  EXPECT_EQ(h("dglvrrerxokcxc.co.jp"), h("dglvrrerxokcxc.co.jp"));
}

TEST(SipHash, TheKeyChangesTheHash) {
  EXPECT_NE(SipHash({1, 2})("x.co.jp"), SipHash({1, 3})("x.co.jp"));
  EXPECT_NE(SipHash({1, 2})("x.co.jp"), SipHash({2, 2})("x.co.jp"));
}

TEST(SipHash, EveryLengthAndByteCounts) {
  SipHash h({0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL});
  std::set<uint64_t> seen;
  std::string s;
  for (int i = 0; i < 64; ++i) {  // lengths 0..63 cover every tail size
    seen.insert(h(s));
    s.push_back(char(i));
  }
  EXPECT_EQ(seen.size(), 64u);
  EXPECT_NE(h(std::string("a\0", 2)), h("a"));  // the length is part of the hash
}

}  // namespace
}  // namespace dg::rules
