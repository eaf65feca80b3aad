#pragma once
// A reply built from a cache entry for one client query (DEPLOY.md §1, "Served"): the client's
// ID and question (its qname case, its qtype for an NXDOMAIN entry), TTLs aged by the whole
// seconds since the entry was stored (or `stale_ttl` for a stale answer), the client's own OPT
// (payload 1232, its DO bit, EDE 3 or 19 when stale), and TC with no records when the reply is
// larger than the client's UDP limit (512 without EDNS); over TCP the reply goes out in full.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "proxy/cache/entry.hpp"
#include "proxy/dns/message.hpp"

namespace dg::proxy::cache {

struct Serve {
  bool udp = true;
  std::optional<uint32_t> stale_ttl{};  // set: a stale answer (RFC 8767) with this TTL
};

// `query` is the parsed client query and `wire` its message (the question is copied from it).
// The result replaces the contents of `out`.
void build_reply(const Entry& entry, const dns::Query& query, std::span<const uint8_t> wire,
                 Clock::time_point now, const Serve& how, std::vector<uint8_t>& out);

}  // namespace dg::proxy::cache
