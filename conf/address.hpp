#pragma once
// IP addresses, socket endpoints and CIDR prefixes: the address vocabulary of the whole
// program (listen addresses, upstream servers, clients.allow, `client:` matchers).
#include <sys/socket.h>
#include <netinet/in.h>

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace dg::conf {

// An IPv4 or IPv6 address. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are stored as IPv4 so
// that a dual-stack socket's clients match IPv4 CIDRs.
class IpAddress {
 public:
  IpAddress() = default;
  static std::optional<IpAddress> parse(std::string_view text);
  static IpAddress from_sockaddr(const sockaddr* sa);

  bool is_v4() const { return v4_; }
  bool is_loopback() const;
  bool is_unspecified() const;  // 0.0.0.0 or ::
  // 4 bytes for IPv4, 16 for IPv6.
  std::span<const uint8_t> bytes() const { return {bytes_.data(), v4_ ? 4u : 16u}; }
  std::string str() const;

  auto operator<=>(const IpAddress&) const = default;

 private:
  std::array<uint8_t, 16> bytes_{};
  bool v4_ = true;
};

// An address and a port: "1.2.3.4:53", "[::1]:53", or a bare address with a default port.
class Endpoint {
 public:
  Endpoint() = default;
  Endpoint(IpAddress address, uint16_t port) : address_(address), port_(port) {}
  static std::optional<Endpoint> parse(std::string_view text, uint16_t default_port);
  static Endpoint from_sockaddr(const sockaddr* sa);

  const IpAddress& address() const { return address_; }
  uint16_t port() const { return port_; }
  // Fills `out` and returns the length to pass to bind/connect/sendto.
  socklen_t to_sockaddr(sockaddr_storage& out) const;
  std::string str() const;  // "1.2.3.4:53" or "[::1]:53"

  auto operator<=>(const Endpoint&) const = default;

 private:
  IpAddress address_;
  uint16_t port_ = 0;
};

// A prefix such as 10.0.0.0/8 or ::1/128; a bare address is a host prefix.
class Cidr {
 public:
  static std::optional<Cidr> parse(std::string_view text);
  bool contains(const IpAddress& a) const;
  std::string str() const;

 private:
  IpAddress network_;
  int length_ = 0;
};

}  // namespace dg::conf
