#include "proxy/listen/tcp_framing.hpp"

namespace dg::proxy::listen {

void TcpFraming::append(std::span<const uint8_t> bytes) {
  if (broken_) return;  // nothing after a bad frame is read: do not hold on to it
  in_.insert(in_.end(), bytes.begin(), bytes.end());
}

std::expected<std::optional<std::span<const uint8_t>>, FramingError> TcpFraming::next() {
  if (broken_) return std::unexpected(FramingError::TooShort);
  if (pending() < kPrefixSize) return std::nullopt;
  const std::size_t len = std::size_t(in_[used_]) << 8 | in_[used_ + 1];
  if (len < kMinMessage) {
    broken_ = true;
    in_.clear();
    used_ = 0;
    return std::unexpected(FramingError::TooShort);
  }
  if (pending() < kPrefixSize + len) return std::nullopt;
  std::span<const uint8_t> message(in_.data() + used_ + kPrefixSize, len);
  used_ += kPrefixSize + len;
  return message;
}

void TcpFraming::compact() {
  if (used_ == 0) return;
  in_.erase(in_.begin(), in_.begin() + long(used_));
  used_ = 0;
}

}  // namespace dg::proxy::listen
