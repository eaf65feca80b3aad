#pragma once
// Upstream replies for the cache tests, built with ldns (an independent implementation) from
// records in zone-file text, and the parsed client queries they answer.
#include <string>
#include <vector>

#include "../dns/wire.hpp"
#include "proxy/dns/message.hpp"

namespace dg::proxy::cache::test {

using dns::test::Bytes;
using dns::test::Pkt;
using dns::test::QuerySpec;

struct ReplySpec {
  QuerySpec query;
  ldns_pkt_rcode rcode = LDNS_RCODE_NOERROR;
  std::vector<std::string> answer{};  // "www.example.com. 300 IN A 192.0.2.1"
  std::vector<std::string> authority{};
  std::vector<std::string> additional{};
  bool tc = false;
  bool opt = false;  // the reply carries an OPT (payload 1232)
};

inline void push(ldns_pkt* pkt, ldns_pkt_section section, const std::vector<std::string>& rrs) {
  for (const auto& text : rrs) {
    ldns_rr* rr = nullptr;
    if (ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK)
      std::abort();
    ldns_pkt_push_rr(pkt, section, rr);
  }
}

inline Bytes reply_wire(const ReplySpec& r) {
  Pkt pkt = dns::test::make_pkt(r.query);
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_ra(pkt.get(), true);
  ldns_pkt_set_tc(pkt.get(), r.tc);
  ldns_pkt_set_rcode(pkt.get(), uint8_t(r.rcode));
  push(pkt.get(), LDNS_SECTION_ANSWER, r.answer);
  push(pkt.get(), LDNS_SECTION_AUTHORITY, r.authority);
  push(pkt.get(), LDNS_SECTION_ADDITIONAL, r.additional);
  if (r.opt) {
    ldns_pkt_set_edns_udp_size(pkt.get(), 1232);
  } else {
    ldns_pkt_set_edns_udp_size(pkt.get(), 0);
    ldns_pkt_set_edns_do(pkt.get(), false);
  }
  return dns::test::to_wire(pkt.get());
}

inline const char* kSoa = "example.com. 3600 IN SOA ns.example.com. host.example.com. 1 7200 900 "
                          "1209600 300";

// A client query and its parse (the wire is kept: the parse refers to it for nothing, but the
// cache reads the CD bit and the question from it).
struct ClientQuery {
  Bytes wire;
  dns::Query msg;
};

inline ClientQuery client_query(const QuerySpec& spec, bool cd = false) {
  ClientQuery q{dns::test::query_wire(spec), {}};
  if (cd) q.wire[3] |= 0x10;
  auto parsed = dns::parse_query(q.wire);
  if (!parsed) std::abort();
  q.msg = *parsed;
  return q;
}

}  // namespace dg::proxy::cache::test
