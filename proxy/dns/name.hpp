#pragma once
// A domain name in presentation form, lower case, without the final dot, held inline
// (no allocation on the hot path). Labels are stored escaped as ldns would print them only
// for the characters that matter (".", "\\" and non-printables as \DDD).
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace dg::proxy::dns {

class Name {
 public:
  // Presentation form of the longest legal name (255 octets on the wire) with escapes.
  static constexpr std::size_t kCapacity = 1024;

  std::string_view view() const { return {buf_, len_}; }
  std::size_t size() const { return len_; }
  bool empty() const { return len_ == 0; }
  void clear() { len_ = 0; }
  // False when the capacity would be exceeded.
  bool append(std::string_view s) {
    if (len_ + s.size() > kCapacity) return false;
    std::memcpy(buf_ + len_, s.data(), s.size());
    len_ += s.size();
    return true;
  }
  std::string str() const { return std::string(view()); }

 private:
  char buf_[kCapacity];
  std::size_t len_ = 0;
};

}  // namespace dg::proxy::dns
