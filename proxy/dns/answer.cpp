// Local answers. They are written straight into the caller's reused buffer: a local answer is
// as hot as a forwarded one (a devolved name arrives on every client boot), so no ldns packet
// is built and nothing allocates once `out` has grown.
#include "proxy/dns/answer.hpp"

#include <array>
#include <cstring>
#include <tuple>

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

// Writes the answer with plain stores: `out` is first sized to the largest answer the spec can
// give (answer_bound) and cut to what was written at the end. (A vector insert per field was an
// out-of-line call each, 1.6 % of a local-answer load under perf.)
struct Cursor {
  uint8_t* const base;
  uint8_t* p;

  std::size_t size() const { return std::size_t(p - base); }
  std::span<const uint8_t> written() const { return {base, size()}; }
  void put(const uint8_t* from, std::size_t n) {
    std::memcpy(p, from, n);
    p += n;
  }
  void u8(uint8_t v) { *p++ = v; }
  void u16(uint16_t v) {
    write_u16(p, v);
    p += 2;
  }
  void u32(uint32_t v) {
    u16(uint16_t(v >> 16));
    u16(uint16_t(v));
  }
};

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
std::size_t find_suffix(std::span<const uint8_t> out, const uint8_t* owner, std::size_t len) {
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

void put_owner(Cursor& out, std::string_view owner) {
  WireName wire;
  std::size_t len = encode_name(owner, wire);
  if (len == 0) {  // not a name: the caller's bug; the root still makes a valid answer
    wire[0] = 0;
    len = 1;
  }
  if (len > 1) {
    if (const std::size_t at = find_suffix(out.written(), wire.data(), len); at != 0)
      return out.u16(uint16_t(0xc000 | at));
  }
  out.put(wire.data(), len);
}

constexpr std::size_t kSoaBound = std::tuple_size_v<WireName> + 10 + sizeof kMname +
                                  sizeof kRnameLabel - 1 + 2 + 5 * 4;

void put_soa(Cursor& out, std::string_view owner, uint32_t negative_ttl) {
  put_owner(out, owner);
  out.u16(kTypeSoa);
  out.u16(kClassIn);
  out.u32(negative_ttl);
  const std::size_t rdlength_at = out.size();
  out.u16(0);
  const std::size_t mname_at = out.size();
  out.put(kMname, sizeof kMname);  // with its root octet
  out.put(kRnameLabel, sizeof kRnameLabel - 1);
  out.u16(uint16_t(0xc000 | mname_at));
  for (uint32_t v : {kSerial, kRefresh, kRetry, kExpire, negative_ttl}) out.u32(v);
  write_u16(out.base + rdlength_at, uint16_t(out.size() - rdlength_at - 2));
}

// RDLENGTH must fit 16 bits: an absurdly long text is cut (rule names are short).
std::string_view ede_text(const AnswerSpec& spec) {
  return spec.ede ? spec.ede->text.substr(0, 0xffff - 6) : std::string_view();
}

constexpr std::size_t kOptBound = 11 + 6;  // the OPT RR and the EDE option, without its text

void put_opt(Cursor& out, const Query& query, const AnswerSpec& spec) {
  out.u8(0);  // root owner
  out.u16(kTypeOpt);
  out.u16(kOurUdpSize);
  out.u8(uint8_t(spec.rcode >> 4));  // extended RCODE: the high bits
  out.u8(0);                         // version 0
  out.u16(query.edns.do_bit ? kDoBit : 0);
  if (!spec.ede) return out.u16(0);
  const std::string_view text = ede_text(spec);
  out.u16(uint16_t(4 + 2 + text.size()));
  out.u16(kOptionEde);
  out.u16(uint16_t(2 + text.size()));
  out.u16(uint16_t(spec.ede->code));
  out.put(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

std::size_t answer_bound(const Query& query, const AnswerSpec& spec) {
  return query.question_end + (spec.soa_owner ? kSoaBound : 0) +
         (query.edns.present ? kOptBound + ede_text(spec).size() : 0);
}

}  // namespace

void build_answer(const Query& query, std::span<const uint8_t> wire, const AnswerSpec& spec,
                  std::vector<uint8_t>& out) {
  out.resize(answer_bound(query, spec));
  Cursor c{out.data(), out.data()};
  c.u16(query.id);
  c.u8(uint8_t(kQr | (query.rd ? kRd : 0)));  // opcode QUERY, AA/TC 0
  c.u8(uint8_t(kRa | (spec.rcode & 0x0f)));   // AD/CD 0: nothing here is validated
  c.u16(1);
  c.u16(0);
  c.u16(spec.soa_owner ? 1 : 0);
  c.u16(query.edns.present ? 1 : 0);
  // The question as the client sent it (case preserved, RFC 4343); the parser guarantees it
  // holds no compression pointer, so it stands alone at offset 12 here too.
  c.put(wire.data() + kHeaderSize, query.question_end - kHeaderSize);
  if (spec.soa_owner) put_soa(c, *spec.soa_owner, spec.negative_ttl);
  if (query.edns.present) put_opt(c, query, spec);
  out.resize(c.size());
}

void build_error(std::span<const uint8_t> wire, uint8_t rcode, std::vector<uint8_t>& out) {
  out.assign(kHeaderSize, 0);
  write_u16(out.data(), id_of(wire));
  out[2] = uint8_t(kQr | (opcode_of(wire) << 3) | (rd_of(wire) ? kRd : 0));
  out[3] = uint8_t(kRa | (rcode & 0x0f));
}

}  // namespace dg::proxy::dns
