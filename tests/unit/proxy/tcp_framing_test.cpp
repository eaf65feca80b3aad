// DNS-over-TCP framing: whole frames out of a stream however it is cut, a partial frame
// waits, and a frame shorter than a header puts the stream out of step for good.
#include "proxy/listen/tcp_framing.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dg::proxy::listen {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes frame(std::size_t len, uint8_t fill) {
  Bytes out{uint8_t(len >> 8), uint8_t(len)};
  out.insert(out.end(), len, fill);
  return out;
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

struct Outcome {
  std::vector<Bytes> messages;
  bool broken = false;
  std::size_t pending = 0;
};

// Feeds `stream` in pieces of `chunk` bytes, handling every complete message after each one.
Outcome feed(const Bytes& stream, std::size_t chunk) {
  TcpFraming f;
  Outcome out;
  for (std::size_t at = 0; at < stream.size() && !out.broken; at += chunk) {
    const std::size_t n = std::min(chunk, stream.size() - at);
    f.append({stream.data() + at, n});
    while (true) {
      auto m = f.next();
      if (!m) {
        out.broken = true;
        break;
      }
      if (!*m) break;
      out.messages.emplace_back((*m)->begin(), (*m)->end());
    }
    f.compact();
  }
  out.pending = f.pending();
  return out;
}

struct Case {
  std::string name;
  Bytes stream;
  std::vector<Bytes> messages;
  bool broken;
  std::size_t pending;
};

class Framing : public testing::TestWithParam<std::tuple<Case, std::size_t>> {};

TEST_P(Framing, SameFramesHoweverTheStreamIsCut) {
  const auto& [c, chunk] = GetParam();
  const auto out = feed(c.stream, chunk);
  EXPECT_EQ(out.messages, c.messages);
  EXPECT_EQ(out.broken, c.broken);
  if (!c.broken) {
    EXPECT_EQ(out.pending, c.pending);
  }
}

const Bytes kBig = frame(65535, 0xab);  // the largest frame the prefix allows

INSTANTIATE_TEST_SUITE_P(
    Streams, Framing,
    testing::Combine(
        testing::Values(
            Case{"Empty", {}, {}, false, 0},
            Case{"OneFrame", frame(12, 1), {Bytes(12, 1)}, false, 0},
            Case{"ThreeFrames", cat({frame(12, 1), frame(30, 2), frame(13, 3)}),
                 {Bytes(12, 1), Bytes(30, 2), Bytes(13, 3)}, false, 0},
            Case{"PartialPrefix", {0x00}, {}, false, 1},
            Case{"PartialBody", cat({frame(12, 1), {0x00, 0x20, 7, 7}}), {Bytes(12, 1)}, false, 4},
            Case{"LargestFrame", kBig, {Bytes(65535, 0xab)}, false, 0},
            Case{"OversizedPrefixWaits", {0xff, 0xff, 1, 2, 3}, {}, false, 5},
            Case{"ZeroLength", {0x00, 0x00}, {}, true, 0},
            Case{"ShorterThanHeader", frame(11, 1), {}, true, 0},
            Case{"ShortAfterGood", cat({frame(12, 1), frame(3, 2), frame(12, 3)}),
                 {Bytes(12, 1)}, true, 0}),
        testing::Values(std::size_t(1), std::size_t(2), std::size_t(7), std::size_t(1 << 20))),
    [](const auto& info) {
      return std::get<0>(info.param).name + "_Chunk" + std::to_string(std::get<1>(info.param));
    });

TEST(Framing, StaysOutOfStepAfterABadFrame) {
  TcpFraming f;
  const Bytes bad = frame(2, 0);
  f.append(bad);
  EXPECT_FALSE(f.next().has_value());
  const Bytes good = frame(12, 1);
  f.append(good);
  EXPECT_FALSE(f.next().has_value());
  EXPECT_EQ(f.pending(), 0u);  // nothing after the bad frame is kept
}

}  // namespace
}  // namespace dg::proxy::listen
