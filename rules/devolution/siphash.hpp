#pragma once
// SipHash-1-3 (Aumasson and Bernstein): a keyed 64-bit hash. The devolution table stores only
// this hash of each key, so the key must be secret: with an unkeyed hash a client could craft
// names whose hash equals another client's entry and get that client's queries answered as
// devolved.
#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace dg::rules {

class SipHash {
 public:
  explicit SipHash(std::array<uint64_t, 2> key) : k0_(key[0]), k1_(key[1]) {}

  uint64_t operator()(std::string_view data) const {
    uint64_t v0 = 0x736f6d6570736575ULL ^ k0_, v1 = 0x646f72616e646f6dULL ^ k1_;
    uint64_t v2 = 0x6c7967656e657261ULL ^ k0_, v3 = 0x7465646279746573ULL ^ k1_;
    auto round = [&] {
      v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);
      v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;
      v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;
      v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);
    };
    const auto* p = reinterpret_cast<const uint8_t*>(data.data());
    const std::size_t n = data.size();
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      uint64_t m;
      std::memcpy(&m, p + i, 8);  // little-endian host (x86-64, arm64)
      v3 ^= m;
      round();
      v0 ^= m;
    }
    uint64_t last = uint64_t(n) << 56;
    for (std::size_t j = 0; i + j < n; ++j) last |= uint64_t(p[i + j]) << (8 * j);
    v3 ^= last;
    round();
    v0 ^= last;
    v2 ^= 0xff;
    round();
    round();
    round();
    return v0 ^ v1 ^ v2 ^ v3;
  }

 private:
  static uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }
  uint64_t k0_, k1_;
};

}  // namespace dg::rules
