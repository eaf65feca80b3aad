#include "proxy/cache/entry.hpp"

#include <algorithm>
#include <limits>

#include "proxy/dns/message.hpp"

namespace dg::proxy::cache {
namespace {

constexpr uint16_t kTypeSoa = 6;
constexpr uint16_t kTypeOpt = 41;
constexpr uint16_t kTypeSig = 24;
constexpr uint16_t kTypeTsig = 250;
constexpr std::size_t kRrFixed = 10;

uint32_t read_u32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
void write_u32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 24);
  p[1] = uint8_t(v >> 16);
  p[2] = uint8_t(v >> 8);
  p[3] = uint8_t(v);
}

struct Record {
  std::size_t start;   // owner name
  std::size_t ttl_at;  // TTL field
  std::size_t rdata;   // RDATA
  std::size_t end;     // past RDATA
  uint16_t type;
  int section;         // 0 answer, 1 authority, 2 additional
};

uint32_t clamp(uint32_t ttl, uint32_t lo, uint32_t hi) { return std::clamp(ttl, lo, hi); }

}  // namespace

std::expected<Entry, Skip> make_entry(std::span<const uint8_t> reply, const conf::Cache& settings,
                                      Clock::time_point now) {
  if (reply.size() > kMaxStoredSize) return std::unexpected(Skip::TooLarge);
  if (reply.size() < dns::kHeaderSize || dns::qdcount_of(reply) != 1)
    return std::unexpected(Skip::Malformed);
  if (dns::tc_of(reply)) return std::unexpected(Skip::Truncated);
  const uint8_t rcode = dns::rcode_of(reply);
  if (rcode != dns::kNoError && rcode != dns::kNxDomain) return std::unexpected(Skip::Rcode);

  dns::Name name;
  auto pos = dns::read_name(reply, dns::kHeaderSize, name);
  if (!pos || *pos + 4 > reply.size()) return std::unexpected(Skip::Malformed);
  const std::size_t question_end = *pos + 4;

  // Walk every record: where its TTL is, whether an SOA stands in authority, where the OPT is.
  const std::size_t counts[3] = {dns::ancount_of(reply), dns::read_u16(&reply[8]),
                                 dns::read_u16(&reply[10])};
  std::vector<Record> records;
  records.reserve(counts[0] + counts[1] + counts[2]);
  std::size_t at = question_end;
  for (int section = 0; section < 3; ++section) {
    for (std::size_t i = 0; i < counts[section]; ++i) {
      auto after = dns::read_name(reply, at, name);
      if (!after || *after + kRrFixed > reply.size()) return std::unexpected(Skip::Malformed);
      const uint16_t type = dns::read_u16(&reply[*after]);
      const uint16_t rdlength = dns::read_u16(&reply[*after + 8]);
      if (*after + kRrFixed + rdlength > reply.size()) return std::unexpected(Skip::Malformed);
      if (type == kTypeTsig || (type == kTypeSig && section == 2))
        return std::unexpected(Skip::Unsupported);
      records.push_back({at, *after + 4, *after + kRrFixed, *after + kRrFixed + rdlength, type,
                         section});
      at = *after + kRrFixed + rdlength;
    }
  }
  // The OPT is dropped by cutting the message short: only possible when it is the last record
  // (records after it could point into names after it, which the cut would move).
  std::size_t keep_end = at;
  std::size_t kept = records.size();
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (records[i].type != kTypeOpt) continue;
    if (records[i].section != 2 || i + 1 != records.size()) return std::unexpected(Skip::Unsupported);
    keep_end = records[i].start;
    kept = i;
  }

  Entry e;
  e.stored = now;
  const bool has_answers = counts[0] > 0;
  e.negative = rcode == dns::kNxDomain || !has_answers;
  e.any_type = rcode == dns::kNxDomain && !has_answers;
  const uint32_t lo = e.negative ? settings.negative_min_ttl : settings.min_ttl;
  const uint32_t hi = e.negative ? settings.negative_max_ttl : settings.max_ttl;

  uint32_t ttl = std::numeric_limits<uint32_t>::max();
  if (e.negative) {
    // RFC 2308 §5: min(SOA TTL, SOA MINIMUM) of the SOA in authority.
    const Record* soa = nullptr;
    for (std::size_t i = 0; i < kept && !soa; ++i)
      if (records[i].section == 1 && records[i].type == kTypeSoa) soa = &records[i];
    if (!soa) return std::unexpected(has_answers || rcode == dns::kNxDomain ? Skip::NoSoa
                                                                            : Skip::Referral);
    // MNAME, RNAME, then five 32-bit fields; MINIMUM is the last.
    auto p = dns::read_name(reply, soa->rdata, name);
    if (p) p = dns::read_name(reply, *p, name);
    if (!p || *p + 20 != soa->end) return std::unexpected(Skip::Malformed);
    ttl = std::min(read_u32(&reply[soa->ttl_at]), read_u32(&reply[*p + 16]));
    if (has_answers)  // NXDOMAIN after a CNAME chain: the chain's TTLs bound it too
      for (std::size_t i = 0; i < kept; ++i)
        if (records[i].section == 0) ttl = std::min(ttl, read_u32(&reply[records[i].ttl_at]));
  } else {
    for (std::size_t i = 0; i < kept; ++i)
      if (records[i].section < 2) ttl = std::min(ttl, read_u32(&reply[records[i].ttl_at]));
  }
  // RFC 2181 §8: a TTL with the top bit set is read as 0.
  if (ttl > uint32_t(std::numeric_limits<int32_t>::max())) ttl = 0;
  e.ttl = clamp(ttl, lo, hi);
  if (e.ttl == 0) return std::unexpected(Skip::ZeroTtl);

  // Stored TTLs: each record's own, clamped to the bounds and never past the entry's life, so
  // that aging by the entry's age never serves a TTL longer than the cache keeps the entry...
  // except that a record may say less (aging floors it at 0). The SOA of a negative answer
  // carries the negative TTL (RFC 2308 §3).
  e.wire.assign(reply.begin(), reply.begin() + std::ptrdiff_t(keep_end));
  dns::write_u16(&e.wire[10], uint16_t(counts[2] - (records.size() - kept)));
  e.ttl_at.reserve(kept);
  for (std::size_t i = 0; i < kept; ++i) {
    const auto& r = records[i];
    uint32_t t = read_u32(&reply[r.ttl_at]);
    if (t > uint32_t(std::numeric_limits<int32_t>::max())) t = 0;
    t = std::min(clamp(t, lo, hi), e.ttl);
    if (e.negative && r.type == kTypeSoa && r.section == 1) t = e.ttl;
    write_u32(&e.wire[r.ttl_at], t);
    e.ttl_at.push_back(uint16_t(r.ttl_at));
  }
  return e;
}

}  // namespace dg::proxy::cache
