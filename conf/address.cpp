#include "conf/address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <vector>

namespace dg::conf {
namespace {

// ::ffff:0:0/96, RFC 4291 section 2.5.5.2.
constexpr std::array<uint8_t, 12> kMappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool is_mapped(const uint8_t* v6) {
  return std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), v6);
}

// Digits only (no sign, no spaces), as the ports of "1.2.3.4:53" and the lengths of "/8".
std::optional<unsigned> parse_decimal(std::string_view text, unsigned max) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > max) return std::nullopt;
  return value;
}

// Port 0 is refused: nobody can reach a DNS listener on an ephemeral port, and an upstream
// cannot be sent to port 0.
std::optional<uint16_t> parse_port(std::string_view text) {
  auto port = parse_decimal(text, 65535);
  if (!port || *port == 0) return std::nullopt;
  return static_cast<uint16_t>(*port);
}

// IpAddress has no constructor from bytes; a sockaddr is the public way in.
IpAddress from_bytes(std::span<const uint8_t> bytes) {
  sockaddr_storage ss{};
  if (bytes.size() == 4) {
    auto* in = reinterpret_cast<sockaddr_in*>(&ss);
    in->sin_family = AF_INET;
    std::memcpy(&in->sin_addr, bytes.data(), 4);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
    in6->sin6_family = AF_INET6;
    std::memcpy(&in6->sin6_addr, bytes.data(), 16);
  }
  return IpAddress::from_sockaddr(reinterpret_cast<const sockaddr*>(&ss));
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  // inet_pton needs a NUL-terminated string; the longest textual IPv6 address is 45 chars.
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buf[INET6_ADDRSTRLEN] = {};
  std::memcpy(buf, text.data(), text.size());
  IpAddress a;
  if (text.find(':') == std::string_view::npos) {
    // inet_pton(AF_INET) takes dotted quads only: "10.1", "0x7f.1" and "010.0.0.1" are refused.
    if (inet_pton(AF_INET, buf, a.bytes_.data()) != 1) return std::nullopt;
    a.v4_ = true;
    return a;
  }
  std::array<uint8_t, 16> v6{};
  // Scoped addresses ("fe80::1%eth0") are refused here: the scope is not part of an address.
  if (inet_pton(AF_INET6, buf, v6.data()) != 1) return std::nullopt;
  if (is_mapped(v6.data())) {
    std::copy_n(v6.begin() + 12, 4, a.bytes_.begin());
    a.v4_ = true;
  } else {
    a.bytes_ = v6;
    a.v4_ = false;
  }
  return a;
}

IpAddress IpAddress::from_sockaddr(const sockaddr* sa) {
  IpAddress a;
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    std::memcpy(a.bytes_.data(), &in->sin_addr, 4);
    a.v4_ = true;
  } else if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    const auto* raw = reinterpret_cast<const uint8_t*>(&in6->sin6_addr);
    if (is_mapped(raw)) {
      std::memcpy(a.bytes_.data(), raw + 12, 4);
      a.v4_ = true;
    } else {
      std::memcpy(a.bytes_.data(), raw, 16);
      a.v4_ = false;
    }
  }
  return a;
}

bool IpAddress::is_loopback() const {
  if (v4_) return bytes_[0] == 127;  // 127.0.0.0/8
  return std::all_of(bytes_.begin(), bytes_.begin() + 15, [](uint8_t b) { return b == 0; }) &&
         bytes_[15] == 1;  // ::1
}

bool IpAddress::is_unspecified() const {
  auto b = bytes();
  return std::all_of(b.begin(), b.end(), [](uint8_t x) { return x == 0; });
}

std::string IpAddress::str() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v4_ ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof buf);
  return buf;
}

std::optional<Endpoint> Endpoint::parse(std::string_view text, uint16_t default_port) {
  if (text.starts_with('[')) {
    // "[::1]:53" or "[::1]".
    auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    auto inside = text.substr(1, close - 1);
    auto rest = text.substr(close + 1);
    if (inside.find(':') == std::string_view::npos) return std::nullopt;  // "[1.2.3.4]"
    auto address = IpAddress::parse(inside);
    if (!address) return std::nullopt;
    if (rest.empty()) return Endpoint(*address, default_port);
    if (!rest.starts_with(':')) return std::nullopt;
    auto port = parse_port(rest.substr(1));
    if (!port) return std::nullopt;
    return Endpoint(*address, *port);
  }
  auto colon = text.find(':');
  if (colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
    // Exactly one colon: "1.2.3.4:53". (An IPv6 address has at least two.)
    auto address = IpAddress::parse(text.substr(0, colon));
    auto port = parse_port(text.substr(colon + 1));
    if (!address || !address->is_v4() || !port) return std::nullopt;
    return Endpoint(*address, *port);
  }
  // A bare address: "1.2.3.4" or "::1" (a port after an unbracketed IPv6 address would be
  // ambiguous, so it is read as part of the address and fails there or not at all).
  auto address = IpAddress::parse(text);
  if (!address) return std::nullopt;
  return Endpoint(*address, default_port);
}

Endpoint Endpoint::from_sockaddr(const sockaddr* sa) {
  uint16_t port = 0;
  if (sa->sa_family == AF_INET)
    port = ntohs(reinterpret_cast<const sockaddr_in*>(sa)->sin_port);
  else if (sa->sa_family == AF_INET6)
    port = ntohs(reinterpret_cast<const sockaddr_in6*>(sa)->sin6_port);
  return Endpoint(IpAddress::from_sockaddr(sa), port);
}

socklen_t Endpoint::to_sockaddr(sockaddr_storage& out) const {
  std::memset(&out, 0, sizeof out);
  auto b = address_.bytes();
  if (address_.is_v4()) {
    auto* in = reinterpret_cast<sockaddr_in*>(&out);
    in->sin_family = AF_INET;
    in->sin_port = htons(port_);
    std::memcpy(&in->sin_addr, b.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&out);
  in6->sin6_family = AF_INET6;
  in6->sin6_port = htons(port_);
  std::memcpy(&in6->sin6_addr, b.data(), 16);
  return sizeof(sockaddr_in6);
}

std::string Endpoint::str() const {
  auto port = std::to_string(port_);
  if (address_.is_v4()) return address_.str() + ":" + port;
  return "[" + address_.str() + "]:" + port;
}

std::optional<Cidr> Cidr::parse(std::string_view text) {
  auto slash = text.find('/');
  auto address_text = text.substr(0, slash);
  auto address = IpAddress::parse(address_text);
  if (!address) return std::nullopt;
  bool written_v6 = address_text.find(':') != std::string_view::npos;
  unsigned length = written_v6 ? 128 : 32;
  if (slash != std::string_view::npos) {
    auto parsed = parse_decimal(text.substr(slash + 1), length);
    if (!parsed) return std::nullopt;
    length = *parsed;
  }
  std::vector<uint8_t> bytes(address->bytes().begin(), address->bytes().end());
  if (written_v6 && address->is_v4()) {
    // IpAddress::parse unmapped ::ffff:a.b.c.d; the length must follow: ::ffff:10.0.0.0/104 is
    // 10.0.0.0/8. A prefix shorter than the mapped block (::ffff:0:0/95) stays IPv6; masking
    // below takes it out of ::ffff:0:0/96, so from_bytes keeps it IPv6.
    if (length >= 96) {
      length -= 96;
    } else {
      bytes.assign(kMappedPrefix.begin(), kMappedPrefix.end());
      bytes.insert(bytes.end(), address->bytes().begin(), address->bytes().end());
    }
  }
  // Host bits are tolerated and masked away: operators write "10.0.0.1/8" meaning the network
  // the host is in, as nftables and Go's net.ParseCIDR read it.
  for (unsigned i = 0; i < bytes.size(); ++i) {
    unsigned keep = length > i * 8 ? std::min(8u, length - i * 8) : 0;
    bytes[i] &= static_cast<uint8_t>(keep == 0 ? 0 : 0xff << (8 - keep));
  }
  Cidr c;
  c.network_ = from_bytes(bytes);
  c.length_ = static_cast<int>(length);
  return c;
}

bool Cidr::contains(const IpAddress& a) const {
  std::array<uint8_t, 16> mapped{};
  std::span<const uint8_t> candidate = a.bytes();
  if (network_.is_v4() != a.is_v4()) {
    if (network_.is_v4()) return false;  // an IPv4 prefix never holds a real IPv6 address
    // An IPv6 prefix (say ::/0) is compared with the client's mapped form: on a dual-stack
    // socket the client did arrive as ::ffff:a.b.c.d.
    std::copy(kMappedPrefix.begin(), kMappedPrefix.end(), mapped.begin());
    std::copy_n(a.bytes().begin(), 4, mapped.begin() + 12);
    candidate = mapped;
  }
  auto net = network_.bytes();
  int whole = length_ / 8;
  if (!std::equal(net.begin(), net.begin() + whole, candidate.begin())) return false;
  int rest = length_ % 8;
  if (rest == 0) return true;
  auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (net[whole] & mask) == (candidate[whole] & mask);
}

std::string Cidr::str() const { return network_.str() + "/" + std::to_string(length_); }

}  // namespace dg::conf
