#include "proxy/cache/reply.hpp"

#include <algorithm>

namespace dg::proxy::cache {
namespace {

constexpr uint16_t kTypeOpt = 41;
constexpr uint16_t kOurUdpSize = 1232;  // as dns/answer.cpp: DNS Flag Day 2020
constexpr uint16_t kOptionEde = 15;     // RFC 8914
constexpr uint16_t kEdeStaleAnswer = 3;
constexpr uint16_t kEdeStaleNxDomain = 19;
constexpr uint16_t kDoBit = 0x8000;
constexpr uint8_t kTc = 0x02, kRd = 0x01, kCd = 0x10;

void put_u16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(uint8_t(v >> 8));
  out.push_back(uint8_t(v));
}

void put_opt(std::vector<uint8_t>& out, const dns::Query& query, std::optional<uint16_t> ede) {
  out.push_back(0);  // root owner
  put_u16(out, kTypeOpt);
  put_u16(out, kOurUdpSize);
  out.push_back(0);  // extended RCODE (NOERROR and NXDOMAIN fit the header)
  out.push_back(0);  // version 0
  put_u16(out, query.edns.do_bit ? kDoBit : 0);
  if (!ede) return put_u16(out, 0);
  put_u16(out, 6);
  put_u16(out, kOptionEde);
  put_u16(out, 2);
  put_u16(out, *ede);
}

uint32_t read_u32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

}  // namespace

void build_reply(const Entry& entry, const dns::Query& query, std::span<const uint8_t> wire,
                 Clock::time_point now, const Serve& how, std::vector<uint8_t>& out) {
  // The entry's question has the same length as the client's: the same name (ignoring case),
  // uncompressed at offset 12 in both, then type and class.
  const std::size_t question_end = query.question_end;
  const std::size_t age = std::size_t(
      std::max<int64_t>(0, std::chrono::floor<std::chrono::seconds>(now - entry.stored).count()));

  out.assign(entry.wire.begin(), entry.wire.end());
  dns::set_id(out, query.id);
  // Flags: the upstream's QR, AA, RA, AD and rcode; TC clear; RD and CD as the client sent
  // them (CD is part of the key, RD=0 never reaches the cache).
  out[2] = uint8_t((out[2] & ~(kTc | kRd)) | (wire[2] & kRd));
  out[3] = uint8_t((out[3] & ~kCd) | (wire[3] & kCd));
  std::copy(wire.begin() + dns::kHeaderSize, wire.begin() + std::ptrdiff_t(question_end),
            out.begin() + dns::kHeaderSize);
  for (const uint16_t at : entry.ttl_at) {
    uint32_t ttl = read_u32(&out[at]);
    ttl = how.stale_ttl ? *how.stale_ttl : ttl > age ? uint32_t(ttl - age) : 0;
    out[at] = uint8_t(ttl >> 24);
    out[at + 1] = uint8_t(ttl >> 16);
    out[at + 2] = uint8_t(ttl >> 8);
    out[at + 3] = uint8_t(ttl);
  }
  std::optional<uint16_t> ede;
  if (how.stale_ttl)
    ede = dns::rcode_of(out) == dns::kNxDomain ? kEdeStaleNxDomain : kEdeStaleAnswer;
  const std::size_t opt_size = query.edns.present ? 11 + (ede ? 6 : 0) : 0;
  if (how.udp && out.size() + opt_size > query.edns.udp_size) {
    // Too large for the client's UDP limit: header and question with TC=1; it retries over TCP.
    out.resize(question_end);
    out[2] |= kTc;
    dns::write_u16(&out[6], 0);
    dns::write_u16(&out[8], 0);
    dns::write_u16(&out[10], 0);
  }
  if (query.edns.present) {
    put_opt(out, query, ede);
    dns::write_u16(&out[10], uint16_t(dns::read_u16(&out[10]) + 1));
  }
}

}  // namespace dg::proxy::cache
