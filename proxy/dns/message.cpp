// Parsing of client queries and upstream replies: only the header, the question and the OPT.
// Everything here runs once per query on the hot path, so nothing allocates: names are
// written into the inline `Name` and every other field is read in place.
#include "proxy/dns/message.hpp"

#include <array>

namespace dg::proxy::dns {
namespace {

constexpr std::size_t kMaxNameWire = 255;  // RFC 1035 2.3.4, length octets included
constexpr std::size_t kMaxLabel = 63;
constexpr std::size_t kMaxHops = 127;      // more pointers than a 255-octet name can need
constexpr std::size_t kRrFixed = 10;       // TYPE, CLASS, TTL, RDLENGTH
constexpr uint16_t kTypeOpt = 41;
constexpr uint16_t kMinUdpSize = 512;      // RFC 6891 6.2.3: smaller values are treated as 512
constexpr uint32_t kDoBit = 0x8000;

inline uint32_t read_u32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

// Walks the name at `offset`, calling `on_label(bytes, length)` for each label (never for the
// root), and returns the offset just past the name where it sits. Compression pointers must
// point before the start of the piece that holds them and past the header: that alone rules
// out loops (each jump goes strictly backwards); the hop bound is belt and braces.
template <class OnLabel>
std::expected<std::size_t, Reject> walk_name(std::span<const uint8_t> wire, std::size_t offset,
                                             OnLabel&& on_label) {
  std::size_t pos = offset;
  std::size_t piece_start = offset;  // where the current run of labels began
  std::size_t end = 0;               // offset past the name in place, set at the first pointer
  std::size_t wire_len = 1;          // the root octet
  std::size_t hops = 0;
  for (;;) {
    if (pos >= wire.size()) return std::unexpected(Reject::FormErr);
    const uint8_t len = wire[pos];
    if ((len & 0xc0) == 0xc0) {
      if (pos + 1 >= wire.size()) return std::unexpected(Reject::FormErr);
      const std::size_t target = read_u16(&wire[pos]) & 0x3fff;
      if (target < kHeaderSize || target >= piece_start || ++hops > kMaxHops)
        return std::unexpected(Reject::FormErr);
      if (end == 0) end = pos + 2;
      pos = piece_start = target;
      continue;
    }
    if (len & 0xc0) return std::unexpected(Reject::FormErr);  // 0x40/0x80: no such label types
    if (len == 0) return end == 0 ? pos + 1 : end;
    if (len > kMaxLabel || pos + 1 + len > wire.size()) return std::unexpected(Reject::FormErr);
    wire_len += 1 + len;
    if (wire_len > kMaxNameWire) return std::unexpected(Reject::FormErr);
    on_label(&wire[pos + 1], len);
    pos += 1 + len;
  }
}

// One label in presentation form, lower case, with the ldns-style \DDD escape for the bytes
// that would make the text ambiguous or unprintable ('.', '\\', and outside 0x21..0x7e).
void append_label(Name& out, const uint8_t* bytes, uint8_t len) {
  std::array<char, 1 + kMaxLabel * 4> buf;  // a leading dot and every byte escaped
  std::size_t n = 0;
  if (!out.empty()) buf[n++] = '.';
  for (uint8_t i = 0; i < len; ++i) {
    uint8_t c = bytes[i];
    if (c >= 'A' && c <= 'Z') c = uint8_t(c - 'A' + 'a');
    if (c == '.' || c == '\\' || c < 0x21 || c > 0x7e) {
      buf[n++] = '\\';
      buf[n++] = char('0' + c / 100);
      buf[n++] = char('0' + c / 10 % 10);
      buf[n++] = char('0' + c % 10);
    } else {
      buf[n++] = char(c);
    }
  }
  // Cannot fail: a 255-octet name escapes to at most ~1000 characters (Name::kCapacity).
  out.append({buf.data(), n});
}

// Validates the name at `offset` without writing it; `labels` counts its labels (0: root).
std::expected<std::size_t, Reject> skip_name(std::span<const uint8_t> wire, std::size_t offset,
                                             std::size_t& labels) {
  labels = 0;
  return walk_name(wire, offset, [&labels](const uint8_t*, uint8_t) { ++labels; });
}

// Skips `count` resource records from `pos`; OPT records seen on the way fill `edns` (only the
// additional section passes one). Returns the offset past the last record.
std::expected<std::size_t, Reject> skip_records(std::span<const uint8_t> wire, std::size_t pos,
                                                std::size_t count, Edns* edns) {
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t owner_labels = 0;
    auto after_name = skip_name(wire, pos, owner_labels);
    if (!after_name) return after_name;
    pos = *after_name;
    if (pos + kRrFixed > wire.size()) return std::unexpected(Reject::FormErr);
    const uint16_t type = read_u16(&wire[pos]);
    const uint16_t rdlength = read_u16(&wire[pos + 8]);
    if (pos + kRrFixed + rdlength > wire.size()) return std::unexpected(Reject::FormErr);
    if (edns != nullptr && type == kTypeOpt) {
      // RFC 6891 6.1.1: one OPT at most, owned by the root; otherwise FORMERR.
      if (edns->present || owner_labels != 0) return std::unexpected(Reject::FormErr);
      edns->present = true;
      const uint16_t udp_size = read_u16(&wire[pos + 2]);
      edns->udp_size = udp_size < kMinUdpSize ? kMinUdpSize : udp_size;
      edns->do_bit = (read_u32(&wire[pos + 4]) & kDoBit) != 0;
    }
    pos += kRrFixed + rdlength;
  }
  return pos;
}

}  // namespace

std::expected<std::size_t, Reject> read_name(std::span<const uint8_t> wire, std::size_t offset,
                                             Name& out) {
  out.clear();
  return walk_name(wire, offset,
                   [&out](const uint8_t* bytes, uint8_t len) { append_label(out, bytes, len); });
}

std::expected<Query, Reject> parse_query(std::span<const uint8_t> wire) {
  if (wire.size() < kHeaderSize || qr_of(wire)) return std::unexpected(Reject::Drop);
  if (opcode_of(wire) != 0) return std::unexpected(Reject::NotImp);
  if (qdcount_of(wire) != 1) return std::unexpected(Reject::FormErr);

  Query q;
  q.id = id_of(wire);
  q.rd = rd_of(wire);
  auto pos = read_name(wire, kHeaderSize, q.qname);
  if (!pos) return std::unexpected(pos.error());
  if (*pos + 4 > wire.size()) return std::unexpected(Reject::FormErr);
  q.qtype = read_u16(&wire[*pos]);
  q.qclass = read_u16(&wire[*pos + 2]);
  q.question_end = *pos + 4;

  // A query normally carries records only in the additional section (the OPT), but a
  // well-formed answer or authority section is skipped rather than refused. Bytes after the
  // last counted record are ignored, as most servers do.
  const std::size_t ancount = ancount_of(wire);
  const std::size_t nscount = read_u16(&wire[8]);
  const std::size_t arcount = read_u16(&wire[10]);
  auto after = skip_records(wire, q.question_end, ancount + nscount, nullptr);
  if (!after) return std::unexpected(after.error());
  after = skip_records(wire, *after, arcount, &q.edns);
  if (!after) return std::unexpected(after.error());
  return q;
}

bool same_question(std::span<const uint8_t> reply, const Query& query) {
  if (reply.size() < kHeaderSize || qdcount_of(reply) != 1) return false;
  Name name;
  auto pos = read_name(reply, kHeaderSize, name);
  if (!pos || *pos + 4 > reply.size()) return false;
  return name.view() == query.qname.view() && read_u16(&reply[*pos]) == query.qtype &&
         read_u16(&reply[*pos + 2]) == query.qclass;
}

}  // namespace dg::proxy::dns
