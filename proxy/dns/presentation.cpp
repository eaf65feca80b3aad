// Presentation forms for the decision log and the SOA owner: type and rcode mnemonics, and
// the parent of a name. Called once per query, so they avoid allocation: every result fits
// std::string's small buffer, and parent_of returns a view.
#include <array>
#include <charconv>

#include "conf/ldns.hpp"
#include "proxy/dns/answer.hpp"

namespace dg::proxy::dns {
namespace {

std::string numbered(std::string_view prefix, unsigned n) {
  std::array<char, 16> buf;
  std::size_t len = prefix.copy(buf.data(), buf.size());
  len = std::size_t(std::to_chars(buf.data() + len, buf.data() + buf.size(), n).ptr - buf.data());
  return std::string(buf.data(), len);
}

}  // namespace

std::string qtype_name(uint16_t qtype) {
  // The same text as ldns_rr_type2str, without its malloc: ldns's descriptor table has the
  // data types (gaps carry a "TYPEnnn" name of their own, and a mismatching _type) and the
  // meta types 251..255 are named only in ldns_rr_type2str itself.
  const ldns_rr_descriptor* d = ldns_rr_descript(qtype);
  if (d != nullptr && d->_name != nullptr && d->_type == qtype) return d->_name;
  switch (qtype) {
    case LDNS_RR_TYPE_IXFR: return "IXFR";
    case LDNS_RR_TYPE_AXFR: return "AXFR";
    case LDNS_RR_TYPE_MAILB: return "MAILB";
    case LDNS_RR_TYPE_MAILA: return "MAILA";
    case LDNS_RR_TYPE_ANY: return "ANY";
    default: return numbered("TYPE", qtype);
  }
}

std::string rcode_name(uint8_t rcode) {
  // RFC 1035 and RFC 2136 names, as dig and the decision log's readers expect them.
  static constexpr std::array<std::string_view, 11> kNames = {
      "NOERROR", "FORMERR",  "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
      "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE",
  };
  if (rcode < kNames.size()) return std::string(kNames[rcode]);
  return numbered("RCODE", rcode);
}

std::string_view parent_of(std::string_view name) {
  // The first unescaped dot ends the first label. The parser writes a literal dot as \046, but
  // a name from the configuration may hold "\." too.
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '\\') {
      ++i;  // skips the escaped character, or the first digit of \DDD (digits are no dots)
    } else if (name[i] == '.') {
      return name.substr(i + 1);
    }
  }
  return {};
}

}  // namespace dg::proxy::dns
