// Local answers. They are written straight into the caller's reused buffer: a local answer is
// as hot as a forwarded one (a devolved name arrives on every client boot), so no ldns packet
// is built and nothing allocates once `out` has grown.
#include "proxy/dns/answer.hpp"

#include <array>

namespace dg::proxy::dns {
namespace {

constexpr uint16_t kTypeSoa = 6;
constexpr uint16_t kTypeOpt = 41;
constexpr uint16_t kClassIn = 1;
constexpr uint16_t kOurUdpSize = 1232;  // DNS Flag Day 2020: no IP fragmentation
constexpr uint16_t kOptionEde = 15;     // RFC 8914
constexpr uint16_t kDoBit = 0x8000;
constexpr uint8_t kQr = 0x80, kRd = 0x01, kRa = 0x80;

// SOA RDATA of our negative answers. `.invalid` (RFC 6761) says plainly that no server behind
// this name exists; the numbers are conventional and never used by a stub resolver.
constexpr uint8_t kMname[] = "\x09" "devoguard" "\x07" "invalid";  // root octet: the final NUL
constexpr uint8_t kRnameLabel[] = "\x0a" "hostmaster";             // then a pointer to MNAME
constexpr uint32_t kSerial = 1, kRefresh = 3600, kRetry = 600, kExpire = 86400;

using WireName = std::array<uint8_t, 255>;

void put(std::vector<uint8_t>& out, const uint8_t* p, std::size_t n) {
  out.insert(out.end(), p, p + n);
}
void put_u8(std::vector<uint8_t>& out, uint8_t v) { out.push_back(v); }
void put_u16(std::vector<uint8_t>& out, uint16_t v) {
  const uint8_t b[2] = {uint8_t(v >> 8), uint8_t(v)};
  put(out, b, 2);
}
void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  put_u16(out, uint16_t(v >> 16));
  put_u16(out, uint16_t(v));
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Presentation form (as the parser writes it, or as a user types it: \DDD and \c escapes, the
// final dot optional, "" = root) to wire form. Returns the wire length, 0 when not a name.
std::size_t encode_name(std::string_view name, WireName& wire) {
  std::size_t n = 0;
  std::size_t i = 0;
  while (i < name.size()) {
    const std::size_t len_at = n++;
    std::size_t len = 0;
    while (i < name.size() && name[i] != '.') {
      uint8_t c = uint8_t(name[i++]);
      if (c == '\\') {
        if (i + 3 <= name.size() && is_digit(name[i]) && is_digit(name[i + 1]) &&
            is_digit(name[i + 2])) {
          const int v = (name[i] - '0') * 100 + (name[i + 1] - '0') * 10 + (name[i + 2] - '0');
          if (v > 255) return 0;
          c = uint8_t(v);
          i += 3;
        } else if (i < name.size()) {
          c = uint8_t(name[i++]);
        } else {
          return 0;  // a lone trailing backslash
        }
      }
      if (++len > 63 || n + 1 >= wire.size()) return 0;
      wire[n++] = c;
    }
    if (len == 0) return 0;  // empty label: "a..b" or a leading dot
    wire[len_at] = uint8_t(len);
    if (i < name.size()) ++i;  // the dot; a final one ends the loop
  }
  wire[n++] = 0;
  return n;
}

uint8_t lower(uint8_t c) { return c >= 'A' && c <= 'Z' ? uint8_t(c - 'A' + 'a') : c; }

// Offset of a suffix of the (uncompressed) question name in `out` equal to `owner`, or 0.
// The SOA owner is a parent of the name asked in the common case, so a 2-byte pointer replaces
// it; the comparison ignores case as name comparison does (RFC 4343).
std::size_t find_suffix(const std::vector<uint8_t>& out, const uint8_t* owner, std::size_t len) {
  std::size_t end = kHeaderSize;  // past the root octet of the question name
  while (end < out.size() && out[end] != 0) end += 1 + out[end];
  if (end >= out.size()) return 0;
  ++end;
  for (std::size_t p = kHeaderSize; out[p] != 0; p += 1 + out[p]) {
    if (end - p != len) continue;
    std::size_t k = 0;
    while (k < len && lower(out[p + k]) == lower(owner[k])) ++k;
    if (k == len) return p;
  }
  return 0;
}

void put_owner(std::vector<uint8_t>& out, std::string_view owner) {
  WireName wire;
  std::size_t len = encode_name(owner, wire);
  if (len == 0) {  // not a name: the caller's bug; the root still makes a valid answer
    wire[0] = 0;
    len = 1;
  }
  if (len > 1) {
    if (const std::size_t at = find_suffix(out, wire.data(), len); at != 0)
      return put_u16(out, uint16_t(0xc000 | at));
  }
  put(out, wire.data(), len);
}

void put_soa(std::vector<uint8_t>& out, std::string_view owner, uint32_t negative_ttl) {
  put_owner(out, owner);
  put_u16(out, kTypeSoa);
  put_u16(out, kClassIn);
  put_u32(out, negative_ttl);
  const std::size_t rdlength_at = out.size();
  put_u16(out, 0);
  const std::size_t mname_at = out.size();
  put(out, kMname, sizeof kMname);  // with its root octet
  put(out, kRnameLabel, sizeof kRnameLabel - 1);
  put_u16(out, uint16_t(0xc000 | mname_at));
  for (uint32_t v : {kSerial, kRefresh, kRetry, kExpire, negative_ttl}) put_u32(out, v);
  write_u16(&out[rdlength_at], uint16_t(out.size() - rdlength_at - 2));
}

void put_opt(std::vector<uint8_t>& out, const Query& query, const AnswerSpec& spec) {
  put_u8(out, 0);  // root owner
  put_u16(out, kTypeOpt);
  put_u16(out, kOurUdpSize);
  put_u8(out, uint8_t(spec.rcode >> 4));  // extended RCODE: the high bits
  put_u8(out, 0);                         // version 0
  put_u16(out, query.edns.do_bit ? kDoBit : 0);
  if (!spec.ede) return put_u16(out, 0);
  // RDLENGTH must fit 16 bits: an absurdly long text is cut (rule names are short).
  const std::string_view text = spec.ede->text.substr(0, 0xffff - 6);
  put_u16(out, uint16_t(4 + 2 + text.size()));
  put_u16(out, kOptionEde);
  put_u16(out, uint16_t(2 + text.size()));
  put_u16(out, uint16_t(spec.ede->code));
  put(out, reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

}  // namespace

void build_answer(const Query& query, std::span<const uint8_t> wire, const AnswerSpec& spec,
                  std::vector<uint8_t>& out) {
  out.clear();
  put_u16(out, query.id);
  put_u8(out, uint8_t(kQr | (query.rd ? kRd : 0)));  // opcode QUERY, AA/TC 0
  put_u8(out, uint8_t(kRa | (spec.rcode & 0x0f)));   // AD/CD 0: nothing here is validated
  put_u16(out, 1);
  put_u16(out, 0);
  put_u16(out, spec.soa_owner ? 1 : 0);
  put_u16(out, query.edns.present ? 1 : 0);
  // The question as the client sent it (case preserved, RFC 4343); the parser guarantees it
  // holds no compression pointer, so it stands alone at offset 12 here too.
  put(out, wire.data() + kHeaderSize, query.question_end - kHeaderSize);
  if (spec.soa_owner) put_soa(out, *spec.soa_owner, spec.negative_ttl);
  if (query.edns.present) put_opt(out, query, spec);
}

void build_error(std::span<const uint8_t> wire, uint8_t rcode, std::vector<uint8_t>& out) {
  out.assign(kHeaderSize, 0);
  write_u16(out.data(), id_of(wire));
  out[2] = uint8_t(kQr | (opcode_of(wire) << 3) | (rd_of(wire) ? kRd : 0));
  out[3] = uint8_t(kRa | (rcode & 0x0f));
}

}  // namespace dg::proxy::dns
