#pragma once
// A view of a DNS message on the wire: the header, the one question and the client's EDNS
// facts. The hot path parses only this much; the rest of the message is forwarded untouched.
#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <string_view>

#include "proxy/dns/name.hpp"

namespace dg::proxy::dns {

inline constexpr std::size_t kHeaderSize = 12;

enum Rcode : uint8_t {
  kNoError = 0, kFormErr = 1, kServFail = 2, kNxDomain = 3, kNotImp = 4, kRefused = 5,
};

inline uint16_t read_u16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
inline void write_u16(uint8_t* p, uint16_t v) { p[0] = uint8_t(v >> 8); p[1] = uint8_t(v); }

// Header fields straight from the wire (the message must be at least kHeaderSize long).
inline uint16_t id_of(std::span<const uint8_t> m) { return read_u16(m.data()); }
inline void set_id(std::span<uint8_t> m, uint16_t id) { write_u16(m.data(), id); }
inline bool qr_of(std::span<const uint8_t> m) { return m[2] & 0x80; }
inline uint8_t opcode_of(std::span<const uint8_t> m) { return (m[2] >> 3) & 0x0f; }
inline bool tc_of(std::span<const uint8_t> m) { return m[2] & 0x02; }
inline bool rd_of(std::span<const uint8_t> m) { return m[2] & 0x01; }
inline uint8_t rcode_of(std::span<const uint8_t> m) { return m[3] & 0x0f; }
inline uint16_t qdcount_of(std::span<const uint8_t> m) { return read_u16(m.data() + 4); }
inline uint16_t ancount_of(std::span<const uint8_t> m) { return read_u16(m.data() + 6); }

// Why a query is not processed: the contract's answer to each kind of bad input.
enum class Reject : uint8_t {
  Drop,     // shorter than a header, or a response (QR=1): no answer at all
  NotImp,   // opcode other than QUERY
  FormErr,  // not exactly one question, or unparseable
};

struct Edns {
  bool present = false;
  uint16_t udp_size = 512;  // the client's advertised payload size (512 without EDNS)
  bool do_bit = false;
};

struct Query {
  uint16_t id = 0;
  bool rd = false;
  Name qname;  // lower case, no final dot
  uint16_t qtype = 0;
  uint16_t qclass = 0;
  std::size_t question_end = 0;  // offset just past the question section
  Edns edns;
};

// Parses a client query: header, exactly one question, and the OPT record if any.
std::expected<Query, Reject> parse_query(std::span<const uint8_t> wire);

// Does `reply` answer `query`'s question (same name ignoring case, type and class)?
// Used to accept an upstream reply (RFC 5452) together with its source and ID.
bool same_question(std::span<const uint8_t> reply, const Query& query);

// Reads a (possibly compressed) name at `offset`; on success fills `out` (lower case) and
// returns the offset just past the name in place. Loops and overruns are errors.
std::expected<std::size_t, Reject> read_name(std::span<const uint8_t> wire, std::size_t offset,
                                             Name& out);

}  // namespace dg::proxy::dns
