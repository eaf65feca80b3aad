#pragma once
// Test helpers for the dns unit: well-formed messages come from ldns (an independent
// implementation), malformed ones are written byte by byte.
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "conf/ldns.hpp"

namespace dg::proxy::dns::test {

using Bytes = std::vector<uint8_t>;

struct PktFree {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
using Pkt = std::unique_ptr<ldns_pkt, PktFree>;

struct RdfFree {
  void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); }
};
using Rdf = std::unique_ptr<ldns_rdf, RdfFree>;

struct QuerySpec {
  std::string qname = "www.example.com";
  ldns_rr_type qtype = LDNS_RR_TYPE_A;
  ldns_rr_class qclass = LDNS_RR_CLASS_IN;
  uint16_t id = 0x1234;
  bool rd = true;
  std::optional<uint16_t> edns_udp{};  // set: the query carries an OPT with this payload size
  bool do_bit = false;
};

inline Rdf dname(const std::string& s) { return Rdf(ldns_dname_new_frm_str(s.c_str())); }

inline Bytes to_wire(const ldns_pkt* pkt) {
  uint8_t* buf = nullptr;
  std::size_t size = 0;
  if (ldns_pkt2wire(&buf, pkt, &size) != LDNS_STATUS_OK) std::abort();
  Bytes out(buf, buf + size);
  std::free(buf);
  return out;
}

inline Pkt make_pkt(const QuerySpec& q) {
  ldns_rdf* name = ldns_dname_new_frm_str(q.qname.c_str());
  if (name == nullptr) std::abort();
  Pkt pkt(ldns_pkt_query_new(name, q.qtype, q.qclass, q.rd ? LDNS_RD : 0));
  ldns_pkt_set_id(pkt.get(), q.id);
  if (q.edns_udp) {
    ldns_pkt_set_edns_udp_size(pkt.get(), *q.edns_udp);
    ldns_pkt_set_edns_do(pkt.get(), q.do_bit);
  }
  return pkt;
}

inline Bytes query_wire(const QuerySpec& q) { return to_wire(make_pkt(q).get()); }

inline Pkt from_wire(std::span<const uint8_t> wire) {
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, wire.data(), wire.size()) != LDNS_STATUS_OK) return nullptr;
  return Pkt(pkt);
}

// Hand-made pieces. `flags` is the 16-bit word after the ID (QR, opcode, …, RCODE).
inline Bytes header(uint16_t id, uint16_t flags, uint16_t qd, uint16_t an = 0, uint16_t ns = 0,
                    uint16_t ar = 0) {
  Bytes b;
  for (uint16_t v : {id, flags, qd, an, ns, ar}) {
    b.push_back(uint8_t(v >> 8));
    b.push_back(uint8_t(v));
  }
  return b;
}

inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Uncompressed wire name from dot-separated plain labels ("" = root).
inline Bytes name_wire(const std::string& s) {
  Bytes out;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t dot = s.find('.', start);
    if (dot == std::string::npos) dot = s.size();
    out.push_back(uint8_t(dot - start));
    out.insert(out.end(), s.begin() + long(start), s.begin() + long(dot));
    start = dot + 1;
  }
  out.push_back(0);
  return out;
}

inline Bytes label(std::size_t len, char c = 'a') {
  Bytes out(len + 1, uint8_t(c));
  out[0] = uint8_t(len);
  return out;
}

inline Bytes pointer(uint16_t offset) { return {uint8_t(0xc0 | offset >> 8), uint8_t(offset)}; }

inline Bytes u16(uint16_t v) { return {uint8_t(v >> 8), uint8_t(v)}; }

// TYPE, CLASS, TTL, RDLENGTH of a record, after its owner name.
inline Bytes rr_fixed(uint16_t type, uint16_t klass, uint32_t ttl, uint16_t rdlength) {
  return cat({u16(type), u16(klass), u16(uint16_t(ttl >> 16)), u16(uint16_t(ttl)), u16(rdlength)});
}

inline Bytes type_class_a_in() { return cat({u16(1), u16(1)}); }

}  // namespace dg::proxy::dns::test
