// Client queries: anything a client can send goes through parse_query, and every query that
// parses gets local answers (each rcode, with an SOA and an EDE) and the error replies. The
// answers must be well-formed DNS (ldns, an independent parser, reads them), echo the
// question, and carry the SOA owner the caller asked for.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "conf/ldns.hpp"
#include "proxy/dns/answer.hpp"
#include "proxy/dns/message.hpp"

namespace dns = dg::proxy::dns;

namespace {

void check(bool ok) {
  if (!ok) std::abort();  // a finding: libFuzzer saves the input
}

bool ldns_reads(const std::vector<uint8_t>& wire) {
  ldns_pkt* pkt = nullptr;
  const bool ok = ldns_wire2pkt(&pkt, wire.data(), wire.size()) == LDNS_STATUS_OK;
  ldns_pkt_free(pkt);
  return ok;
}

void check_answer(const dns::Query& q, std::span<const uint8_t> wire, const dns::AnswerSpec& spec,
                  std::vector<uint8_t>& out) {
  dns::build_answer(q, wire, spec, out);
  check(out.size() >= dns::kHeaderSize && dns::id_of(out) == q.id && dns::qr_of(out));
  check(dns::rcode_of(out) == (spec.rcode & 0x0f));
  check(dns::same_question(out, q));
  check(ldns_reads(out));
  if (spec.soa_owner) {
    dns::Name owner;
    auto end = dns::read_name(out, q.question_end, owner);
    check(end.has_value() && owner.view() == *spec.soa_owner);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> wire(data, size);
  std::vector<uint8_t> out;
  auto q = dns::parse_query(wire);
  if (!q) {
    if (q.error() != dns::Reject::Drop) {
      check(size >= dns::kHeaderSize);
      dns::build_error(wire, q.error() == dns::Reject::NotImp ? dns::kNotImp : dns::kFormErr, out);
      check(out.size() == dns::kHeaderSize && dns::id_of(out) == dns::id_of(wire));
    }
    return 0;
  }
  check(q->question_end <= size && q->qname.size() <= dns::Name::kCapacity);
  check(dns::same_question(wire, *q));  // a query asks its own question
  const auto parent = dns::parent_of(q->qname.view());
  for (uint8_t rcode : {dns::kNoError, dns::kServFail, dns::kNxDomain, dns::kRefused}) {
    dns::AnswerSpec spec{.rcode = rcode, .negative_ttl = 30,
                         .ede = dns::Ede{dns::EdeCode::Blocked, "devoguard rule fuzz"}};
    if (rcode == dns::kNoError || rcode == dns::kNxDomain) spec.soa_owner = parent;
    check_answer(*q, wire, spec, out);
  }
  // The SOA owner of a devolved query is any parent zone, the root included.
  check_answer(*q, wire, {.rcode = dns::kNxDomain, .soa_owner = "", .negative_ttl = 1}, out);
  check_answer(*q, wire, {.rcode = dns::kNxDomain, .soa_owner = q->qname.view()}, out);
  return 0;
}
