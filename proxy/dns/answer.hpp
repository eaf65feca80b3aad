#pragma once
// Answers devoguard builds itself: local rule answers (RFC 2308 negative answers with an SOA),
// REFUSED for clients outside clients.allow, SERVFAIL when every upstream failed, and the
// FORMERR/NOTIMP replies to bad queries. They echo ID, question and RD and set RA.
#include <cstdint>
#include <optional>
#include <string>
#include <span>
#include <string_view>
#include <vector>

#include "proxy/dns/message.hpp"

namespace dg::proxy::dns {

// Extended DNS Errors (RFC 8914) that devoguard sends.
enum class EdeCode : uint16_t {
  Blocked = 15,
  Prohibited = 18,
  NoReachableAuthority = 22,
};

struct Ede {
  EdeCode code;
  std::string_view text;  // EXTRA-TEXT, e.g. "rule devolved"
};

struct AnswerSpec {
  uint8_t rcode = kNoError;
  // NXDOMAIN/NODATA: owner of the SOA in the authority section ("" = root); none: no SOA.
  std::optional<std::string_view> soa_owner{};
  uint32_t negative_ttl = 30;
  // Added only when the query had EDNS (an OPT is never sent to a client that sent none).
  std::optional<Ede> ede{};
};

// Builds the answer to the parsed `query` whose wire form is `wire`. The result replaces the
// contents of `out` (reused buffer, no allocation once it has grown).
void build_answer(const Query& query, std::span<const uint8_t> wire, const AnswerSpec& spec,
                  std::vector<uint8_t>& out);

// Reply to a query that did not parse (FORMERR) or has an unknown opcode (NOTIMP): the header
// with the client's ID, opcode and RD, QR and RA set, no sections. `wire` has >= 12 bytes.
void build_error(std::span<const uint8_t> wire, uint8_t rcode, std::vector<uint8_t>& out);

// "A", "AAAA", … or "TYPE65280"; and "NOERROR", "NXDOMAIN", … for the decision log.
// (Short enough for the small-string buffer: no allocation.)
std::string qtype_name(uint16_t qtype);
std::string rcode_name(uint8_t rcode);

// The parent of a name: "co.jp" for "x.co.jp", "" (root) for "jp" and for "".
std::string_view parent_of(std::string_view name);

}  // namespace dg::proxy::dns
