#pragma once
// DNS over TCP framing (RFC 1035 4.2.2, RFC 7766 8): a byte stream split into messages, each
// preceded by a 2-byte length. Pure (no sockets), so that it is unit-tested and fuzzed
// (tests/fuzz/tcp_framing_fuzz.cpp) on its own; TcpConnection feeds it what it reads.
//
// Bounds: a frame is at most 65535 bytes (the prefix is 16 bits), so the buffer holds at most
// one incomplete frame (2 + 65535 bytes) plus the unread rest of the last read. A frame
// shorter than a DNS header cannot be a message: the stream is out of step and the connection
// must be closed, since nothing after it can be trusted to start a frame.
#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <vector>

namespace dg::proxy::listen {

enum class FramingError : uint8_t {
  TooShort,  // a length below the DNS header size (12)
};

class TcpFraming {
 public:
  static constexpr std::size_t kPrefixSize = 2;
  static constexpr std::size_t kMinMessage = 12;  // a DNS header

  // Appends bytes read from the stream. Invalidates the spans returned by next().
  void append(std::span<const uint8_t> bytes);
  // The next complete message (without its prefix), std::nullopt when more bytes are needed,
  // or an error once the stream is out of step (it stays so). The span is valid until the
  // next append() or compact().
  std::expected<std::optional<std::span<const uint8_t>>, FramingError> next();
  // Forgets the messages next() returned; call after handling a batch.
  void compact();
  // Bytes received and not yet returned as a message (a partial frame).
  std::size_t pending() const { return in_.size() - used_; }

 private:
  std::vector<uint8_t> in_;
  std::size_t used_ = 0;  // bytes of in_ already returned as messages
  bool broken_ = false;
};

}  // namespace dg::proxy::listen
