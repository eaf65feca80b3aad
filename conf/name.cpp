#include "conf/name.hpp"

namespace dg::conf {
namespace {

constexpr std::size_t kMaxLabel = 63;
// 255 octets on the wire are at most 253 characters in text without the final dot.
constexpr std::size_t kMaxName = 253;

// Host names (RFC 952/1123) plus `_` for service labels (`_ldap._tcp…`, RFC 2782) and `/` for
// classless reverse zones (RFC 2317). Anything else in a config is a typo.
bool allowed(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '/';
}

}  // namespace

std::expected<std::string, std::string> normalize_name(std::string_view text) {
  if (text.ends_with('.')) text.remove_suffix(1);
  if (text.empty()) return std::unexpected("empty name");
  if (text.size() > kMaxName)
    return std::unexpected("longer than " + std::to_string(kMaxName) + " characters");
  std::string name;
  name.reserve(text.size());
  std::size_t label = 0;
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == '.') {
      if (label == 0) return std::unexpected("empty label");
      label = 0;
    } else if (c == '*') {
      return std::unexpected("wildcards are not supported (use suffix or regex)");
    } else if (!allowed(c)) {
      return std::unexpected("invalid character '" + std::string(1, c) + "'");
    } else if (++label > kMaxLabel) {
      return std::unexpected("label longer than " + std::to_string(kMaxLabel) + " characters");
    }
    name.push_back(c);
  }
  if (label == 0) return std::unexpected("empty label");  // "a.b.." or "."-only tails
  return name;
}

}  // namespace dg::conf
