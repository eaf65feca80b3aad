#pragma once
// What the cache keeps of one upstream reply, and the store rules of DEPLOY.md §1:
// NOERROR with answers, TTL = min RR TTL of answer+authority clamped to [min_ttl, max_ttl];
// NODATA and NXDOMAIN only with an SOA in authority (RFC 2308 §5), TTL = min(SOA TTL, SOA
// MINIMUM) clamped to the negative bounds. Never: TC, other rcodes, replies over 4 KiB, TTL 0
// after clamping. The OPT record is left out (RFC 6891 §6.1.1): every reply served from the
// cache gets the asking client's own OPT.
#include <chrono>
#include <cstdint>
#include <expected>
#include <span>
#include <vector>

#include "conf/model.hpp"

namespace dg::proxy::cache {

using Clock = std::chrono::steady_clock;

inline constexpr std::size_t kMaxStoredSize = 4096;

struct Entry {
  std::vector<uint8_t> wire;      // header, question, records without OPT; TTLs clamped
  std::vector<uint16_t> ttl_at;   // offset of each record's TTL field in `wire`
  uint32_t ttl = 0;               // seconds of freshness from `stored`
  bool negative = false;          // NXDOMAIN or NODATA
  bool any_type = false;          // NXDOMAIN with no answer records: answers every qtype
  Clock::time_point stored;

  Clock::time_point expires() const { return stored + std::chrono::seconds(ttl); }
};

// Why a reply is not stored (for tests and for nobody else: not storing is normal).
enum class Skip {
  Malformed,   // cannot be walked (the upstream path accepted it; the cache is stricter)
  TooLarge,    // over kMaxStoredSize
  Truncated,   // TC=1
  Rcode,       // SERVFAIL, REFUSED, FORMERR, NOTIMP, …
  NoSoa,       // NXDOMAIN or NODATA without an SOA in authority (RFC 2308 §5)
  Referral,    // NOERROR, no answers, no SOA
  ZeroTtl,     // TTL 0 after clamping
  Unsupported, // OPT not last, TSIG/SIG(0): records we do not rewrite
};

// The entry for an upstream `reply` (its ID and question as they came) received at `now`.
std::expected<Entry, Skip> make_entry(std::span<const uint8_t> reply, const conf::Cache& settings,
                                      Clock::time_point now);

}  // namespace dg::proxy::cache
