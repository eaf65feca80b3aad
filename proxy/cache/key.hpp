#pragma once
// The cache key (DEPLOY.md §1): (qname lower-cased, qtype, qclass, DO bit, CD bit, upstream
// group), as bytes in a fixed buffer, so that a lookup does not allocate. An NXDOMAIN entry is
// stored under the key with kAnyType in place of the qtype: it answers every type of the name.
#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "proxy/dns/message.hpp"

namespace dg::proxy::cache {

struct Key {
  // qname (at most ~1000 characters with escapes, dns::Name), 7 fixed bytes, a group name (cut
  // at 128 bytes: group names are short).
  static constexpr std::size_t kGroupMax = 128;
  std::array<char, dns::Name::kCapacity + 8 + kGroupMax> bytes;
  std::size_t size = 0;
  std::string_view view() const { return {bytes.data(), size}; }
};

struct KeyFields {
  std::string_view qname;  // lower case (dns::Query::qname)
  uint16_t qtype = 0;
  uint16_t qclass = 0;
  bool do_bit = false;
  bool cd_bit = false;
  std::string_view group;
};

inline constexpr uint8_t kAnyType = 0x80;  // in the flags byte: the NXDOMAIN-for-all-types key

inline Key make_key(const KeyFields& f, bool any_type = false) {
  Key k;
  auto put = [&k](const void* p, std::size_t n) {
    std::memcpy(k.bytes.data() + k.size, p, n);
    k.size += n;
  };
  put(f.qname.data(), f.qname.size());
  const uint16_t qtype = any_type ? 0 : f.qtype;
  const uint8_t fixed[] = {0,
                           uint8_t(qtype >> 8),
                           uint8_t(qtype),
                           uint8_t(f.qclass >> 8),
                           uint8_t(f.qclass),
                           uint8_t((f.do_bit ? 1 : 0) | (f.cd_bit ? 2 : 0) | (any_type ? kAnyType : 0))};
  put(fixed, sizeof fixed);
  put(f.group.data(), std::min(f.group.size(), Key::kGroupMax));
  return k;
}

// The key fields of a parsed client query forwarded to `group`; `wire` is its message (for the
// CD bit, which the header view does not keep).
inline KeyFields key_fields(const dns::Query& q, std::span<const uint8_t> wire,
                            std::string_view group) {
  return {q.qname.view(), q.qtype, q.qclass, q.edns.do_bit, (wire[3] & 0x10) != 0, group};
}

}  // namespace dg::proxy::cache
