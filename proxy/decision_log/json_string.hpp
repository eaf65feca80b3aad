#pragma once
// JSON strings (RFC 8259 section 7) for the decision-log scanner (line.cpp): the end of the
// plain part found eight bytes at a time, and escapes decoded.
#include <bit>
#include <cstdint>
#include <cstring>
#include <expected>
#include <string>

namespace dg::proxy::decision_log {

// The first byte in [p, end) that ends the plain part of a JSON string: '"', '\\' or a
// control character; `end` when there is none. Inline, as it runs for every string of every
// line. Eight bytes at a time (a line is mostly string contents), with the zero-byte test of
// "Bit Twiddling Hacks": a borrow can only mark bytes above the first true hit, so on a
// little-endian machine the lowest marked byte is exact.
inline const char* json_string_stop(const char* p, const char* end) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  for (; end - p >= 8; p += 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    const uint64_t quote = w ^ (kOnes * '"'), backslash = w ^ (kOnes * '\\');
    const uint64_t hit = ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash) |
                         ((w - kOnes * 0x20) & ~w);
    if (const uint64_t m = hit & kHigh; m != 0) {
      if constexpr (std::endian::native == std::endian::little)
        return p + (std::countr_zero(m) >> 3);
      break;  // big-endian: the byte loop below finds it
    }
  }
  for (; p < end; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (c == '"' || c == '\\' || c < 0x20) return p;
  }
  return end;
}

struct JsonStringError {
  const char* at;    // the opening quote (unterminated), the backslash, or the control byte
  const char* what;  // "unterminated string", "bad escape", …
};

// Decodes the string whose contents start at `p` (just after the opening quote), appending
// them to `out`; returns the position of the closing quote. A lone surrogate becomes U+FFFD,
// as record.cpp writes bytes that are not UTF-8.
std::expected<const char*, JsonStringError> unescape_json_string(const char* p, const char* end,
                                                                 std::string& out);

}  // namespace dg::proxy::decision_log
