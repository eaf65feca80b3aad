// DNS-over-TCP framing: the stream is cut into reads whose sizes come from the input, and the
// frames must be the same as when the stream arrives in one piece; the buffer never holds
// more than one partial frame. Input: [1 byte: cut seed][stream].
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "proxy/listen/tcp_framing.hpp"

using dg::proxy::listen::TcpFraming;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

struct Result {
  std::vector<std::vector<uint8_t>> frames;
  bool broken = false;
};

// Reads as TcpConnection does: append, take every complete frame, compact.
Result frame(std::span<const uint8_t> stream, uint8_t seed) {
  TcpFraming f;
  Result r;
  uint32_t state = seed | 1u;
  std::size_t at = 0;
  while (at < stream.size() && !r.broken) {
    state = state * 1103515245u + 12345u;
    const std::size_t cut = seed == 0 ? stream.size() : 1 + (state >> 16) % 97;
    const std::size_t n = std::min(cut, stream.size() - at);
    f.append(stream.subspan(at, n));
    at += n;
    for (;;) {
      auto m = f.next();
      if (!m) {
        r.broken = true;
        break;
      }
      if (!*m) break;
      check((*m)->size() >= TcpFraming::kMinMessage);
      r.frames.emplace_back((*m)->begin(), (*m)->end());
    }
    f.compact();
    check(f.pending() < TcpFraming::kPrefixSize + 65536);  // at most one partial frame
  }
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::span<const uint8_t> stream(data + 1, size - 1);
  const Result whole = frame(stream, 0);
  const Result cut = frame(stream, data[0] | 1);
  check(whole.frames == cut.frames && whole.broken == cut.broken);
  return 0;
}
