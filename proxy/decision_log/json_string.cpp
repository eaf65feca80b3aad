#include "proxy/decision_log/json_string.hpp"

#include <cstdint>

namespace dg::proxy::decision_log {
namespace {

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Four hex digits at `p` (advanced past them); false when they are not.
bool hex4(const char*& p, const char* end, uint32_t& out) {
  if (end - p < 4) return false;
  out = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = *p++;
    out <<= 4;
    if (c >= '0' && c <= '9') {
      out |= static_cast<uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      out |= static_cast<uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      out |= static_cast<uint32_t>(c - 'A' + 10);
    } else {
      return false;
    }
  }
  return true;
}

char short_escape(char e) {
  switch (e) {
    case '"': return '"';
    case '\\': return '\\';
    case '/': return '/';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default: return 0;
  }
}

}  // namespace

std::expected<const char*, JsonStringError> unescape_json_string(const char* p, const char* end,
                                                                 std::string& out) {
  const char* quote = p - 1;
  while (p < end) {
    const char* stop = json_string_stop(p, end);
    out.append(p, static_cast<std::size_t>(stop - p));
    p = stop;
    if (p == end) break;
    if (*p == '"') return p;
    if (*p != '\\') return std::unexpected(JsonStringError{p, "control character in a string"});
    const char* escape = p;  // errors point at the backslash
    if (++p == end) break;
    const char e = *p++;
    if (e != 'u') {
      const char c = short_escape(e);
      if (c == 0) return std::unexpected(JsonStringError{escape, "bad escape"});
      out.push_back(c);
      continue;
    }
    uint32_t cp = 0;
    if (!hex4(p, end, cp)) return std::unexpected(JsonStringError{escape, "bad \\u escape"});
    if (cp >= 0xD800 && cp <= 0xDBFF && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
      const char* low_at = p + 2;
      uint32_t low = 0;
      if (hex4(low_at, end, low) && low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        p = low_at;
      }  // else not a pair: the second escape is read on its own
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
    append_utf8(out, cp);
  }
  return std::unexpected(JsonStringError{quote, "unterminated string"});
}

}  // namespace dg::proxy::decision_log
