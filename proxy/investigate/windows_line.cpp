#include "proxy/investigate/windows_line.hpp"

#include <algorithm>
#include <charconv>

namespace dg::proxy::investigate {
namespace {

bool space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// Whitespace-separated tokens, one at a time, from a position in the line.
class Tokens {
 public:
  explicit Tokens(std::string_view line) : line_(line) {}
  std::string_view next() {
    while (pos_ < line_.size() && space(line_[pos_])) ++pos_;
    const std::size_t start = pos_;
    while (pos_ < line_.size() && !space(line_[pos_])) ++pos_;
    return line_.substr(start, pos_ - start);
  }
  std::string_view rest() {
    while (pos_ < line_.size() && space(line_[pos_])) ++pos_;
    std::string_view r = line_.substr(pos_);
    while (!r.empty() && space(r.back())) r.remove_suffix(1);
    return r;
  }

 private:
  std::string_view line_;
  std::size_t pos_ = 0;
};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::expected<uint16_t, std::string> parse_hex16(std::string_view s, const char* what) {
  if (s.empty() || s.size() > 4) return std::unexpected(std::string(what) + " \"" + std::string(s) + "\" is not 1-4 hex digits");
  unsigned v = 0;
  for (char c : s) {
    const int d = hex_digit(c);
    if (d < 0) return std::unexpected(std::string(what) + " \"" + std::string(s) + "\" is not hex");
    v = v * 16 + unsigned(d);
  }
  return uint16_t(v);
}

LineError error(std::string message) { return LineError{std::move(message), false}; }

// Column 13's letters → the flag bits they stand for.
std::expected<uint16_t, std::string> letter_flags(std::string_view letters) {
  uint16_t bits = 0;
  for (char c : letters) {
    switch (c) {
      case 'A': bits |= kFlagAa; break;
      case 'T': bits |= kFlagTc; break;
      case 'D': bits |= kFlagRd; break;
      case 'R': bits |= kFlagRa; break;
      default: return std::unexpected("unknown flag letter '" + std::string(1, c) + "'");
    }
  }
  return bits;
}

}  // namespace

std::expected<uint16_t, std::string> parse_swapped_flags(std::string_view hex) {
  if (hex.size() != 4) return std::unexpected("flags \"" + std::string(hex) + "\" are not 4 hex digits");
  auto v = parse_hex16(hex, "flags");
  if (!v) return std::unexpected(v.error());
  return uint16_t((*v >> 8) | ((*v & 0xFF) << 8));
}

std::expected<void, std::string> decode_debug_name(std::string_view text, std::string& out,
                                                   bool lenient, uint64_t* mismatches) {
  out.clear();
  std::size_t i = 0;
  while (true) {
    if (i >= text.size() || text[i] != '(')
      return std::unexpected("name: expected \"(\" at offset " + std::to_string(i));
    const std::size_t close = text.find(')', i);
    if (close == std::string_view::npos) return std::unexpected("name: unclosed \"(\"");
    unsigned len = 0;
    auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + close, len);
    if (ec != std::errc() || end != text.data() + close || len > 63)
      return std::unexpected("name: bad label length at offset " + std::to_string(i));
    i = close + 1;
    if (len == 0) break;
    if (lenient) {
      const std::size_t next = std::min(text.find('(', i), text.size());
      if (next - i != len) {
        if (next == i) return std::unexpected("name: empty label");
        if (mismatches) ++*mismatches;
        len = unsigned(next - i);
      }
    }
    if (i + len > text.size())
      return std::unexpected("name: label of length " + std::to_string(len) + " runs past the end");
    // The next "(" must come right after exactly len bytes (or the name ends there).
    if (i + len < text.size() && text[i + len] != '(') {
      const std::size_t next = std::min(text.find('(', i), text.size());
      return std::unexpected("name: label \"" + std::string(text.substr(i, next - i)) + "\" has " +
                             std::to_string(next - i) + " bytes, (" + std::to_string(len) +
                             ") declared (a hand-edited log? --lenient-names reads it)");
    }
    if (!out.empty()) out.push_back('.');
    for (std::size_t k = 0; k < len; ++k) {
      char c = text[i + k];
      if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
      out.push_back(c);
    }
    i += len;
  }
  if (i != text.size()) return std::unexpected("name: text after the final (0)");
  if (out.size() > 253) return std::unexpected("name: longer than 253 bytes");
  return {};
}

std::expected<LineKind, LineError> parse_windows_line(std::string_view line, DateOrder& order,
                                                      Packet& out, const LineOptions& options) {
  Tokens t(line);
  const std::string_view date = t.next();
  const std::string_view time = t.next();
  std::string_view tok = t.next();
  std::string_view am_pm;
  if (tok == "AM" || tok == "PM" || tok == "am" || tok == "pm") {
    am_pm = tok;
    tok = t.next();
  }
  // Events are the lines whose context column says PACKET; everything else is skipped.
  const std::string_view thread = tok;
  if (t.next() != "PACKET" || thread.empty()) return LineKind::Skip;
  if (order == DateOrder::Auto) {
    auto found = detect_date_order(date, !am_pm.empty());
    if (!found)
      return std::unexpected(LineError{"ambiguous date \"" + std::string(date) +
                                           "\": pass --date-order ymd, mdy or dmy",
                                       true});
    order = *found;
  }
  auto local = parse_local_time(date, time, am_pm, order);
  if (!local) return std::unexpected(error(local.error()));
  out.local_seconds = *local;

  if (t.next().empty()) return std::unexpected(error("missing packet identifier"));
  out.transport = t.next();
  if (out.transport != "UDP" && out.transport != "TCP")
    return std::unexpected(error("expected UDP or TCP, got \"" + std::string(out.transport) + "\""));
  const std::string_view dir = t.next();
  if (dir != "Snd" && dir != "Rcv")
    return std::unexpected(error("expected Snd or Rcv, got \"" + std::string(dir) + "\""));
  out.send = dir == "Snd";
  out.remote = t.next();
  if (out.remote.find_first_not_of("0123456789abcdefABCDEF.:") != std::string_view::npos ||
      out.remote.empty())
    return std::unexpected(error("bad remote address \"" + std::string(out.remote) + "\""));
  auto xid = parse_hex16(t.next(), "xid");
  if (!xid) return std::unexpected(error(xid.error()));
  out.xid = *xid;

  // Columns 10–11: "R Q" for a response, "Q" alone for a query; then "[flags".
  std::string_view a = t.next(), b = t.next();
  std::string_view flags_tok;
  if (a == "R" && b.size() == 1) {
    out.response = true;
    out.opcode = b[0];
    flags_tok = t.next();
  } else if (a.size() == 1) {
    out.response = false;
    out.opcode = a[0];
    flags_tok = b;
  } else {
    return std::unexpected(error("bad query/response and opcode columns"));
  }
  if (out.opcode != 'Q' && out.opcode != 'N' && out.opcode != 'U' && out.opcode != '?')
    return std::unexpected(error("unknown opcode \"" + std::string(1, out.opcode) + "\""));
  if (!flags_tok.starts_with('['))
    return std::unexpected(error("expected \"[\" before the flags"));
  auto flags = parse_swapped_flags(flags_tok.substr(1));
  if (!flags) return std::unexpected(error(flags.error()));
  out.flags = *flags;

  // Columns 13–14: letters (possibly space-separated), then the rcode ending in "]".
  uint16_t letters = 0;
  while (true) {
    tok = t.next();
    if (tok.empty()) return std::unexpected(error("missing \"]\" after the response code"));
    if (tok.ends_with(']')) {
      out.rcode = tok.substr(0, tok.size() - 1);
      break;
    }
    auto bits = letter_flags(tok);
    if (!bits) return std::unexpected(error(bits.error()));
    letters |= *bits;
  }
  if (out.rcode.empty()) return std::unexpected(error("empty response code"));
  const uint16_t lettered = out.flags & (kFlagAa | kFlagTc | kFlagRd | kFlagRa);
  if (letters != lettered)
    return std::unexpected(error("flag letters disagree with flags " + std::string(flags_tok.substr(1))));
  if (bool(out.flags & kFlagQr) != out.response)
    return std::unexpected(error("R column disagrees with the QR bit of the flags"));

  out.qtype = t.next();
  if (out.qtype.empty()) return std::unexpected(error("missing question type"));
  const std::string_view name = t.rest();
  if (name.empty()) return std::unexpected(error("missing question name"));
  if (auto ok = decode_debug_name(name, out.qname, options.lenient_names, options.name_mismatches);
      !ok)
    return std::unexpected(error(ok.error()));
  return LineKind::Packet;
}

}  // namespace dg::proxy::investigate
