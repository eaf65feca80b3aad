// Upstream replies: anything an upstream (or a spoofer) sends is checked against the query
// it might answer with same_question, and read_name walks names at any offset. The input is
// a query and a reply: [2-byte query length][query][reply]. Beyond "no crash, no overrun",
// acceptance must agree with an independent reading of the reply's question by ldns.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <strings.h>

#include "conf/ldns.hpp"
#include "proxy/dns/message.hpp"

namespace dns = dg::proxy::dns;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// ldns's view of the question: does the reply's only question equal the query's? Unknown
// (-1) when ldns cannot read the whole packet (our reader looks at the question only).
int ldns_same_question(std::span<const uint8_t> reply, std::span<const uint8_t> query) {
  ldns_pkt* r = nullptr;
  ldns_pkt* q = nullptr;
  int verdict = -1;
  if (ldns_wire2pkt(&r, reply.data(), reply.size()) == LDNS_STATUS_OK &&
      ldns_wire2pkt(&q, query.data(), query.size()) == LDNS_STATUS_OK &&
      ldns_pkt_qdcount(r) == 1 && ldns_pkt_qdcount(q) == 1) {
    const ldns_rr* a = ldns_rr_list_rr(ldns_pkt_question(r), 0);
    const ldns_rr* b = ldns_rr_list_rr(ldns_pkt_question(q), 0);
    verdict = ldns_dname_compare(ldns_rr_owner(a), ldns_rr_owner(b)) == 0 &&
              ldns_rr_get_type(a) == ldns_rr_get_type(b) &&
              ldns_rr_get_class(a) == ldns_rr_get_class(b);
  }
  ldns_pkt_free(r);
  ldns_pkt_free(q);
  return verdict;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::size_t qlen = std::min<std::size_t>(dns::read_u16(data), size - 2);
  std::span<const uint8_t> query(data + 2, qlen);
  std::span<const uint8_t> reply(data + 2 + qlen, size - 2 - qlen);

  // read_name anywhere in the reply: in bounds, and a success stays inside the message.
  dns::Name name;
  for (std::size_t at = 0; at < reply.size() && at < 512; ++at) {
    auto end = dns::read_name(reply, at, name);
    if (end) check(*end > at && *end <= reply.size() && name.size() <= dns::Name::kCapacity);
  }

  auto q = dns::parse_query(query);
  if (!q) return 0;
  const bool accepted = dns::same_question(reply, *q);
  const int ldns = ldns_same_question(reply, query);
  // ldns reads the whole packet and compares case-insensitively, as we do.
  if (ldns >= 0) check(accepted == bool(ldns));
  return 0;
}
