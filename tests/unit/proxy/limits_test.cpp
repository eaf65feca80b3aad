// The per-connection and per-group bounds: TcpLimits (tcp.max_connections and
// tcp.max_connections_per_client) and GroupLoad (upstreams.NAME.max_outstanding).
#include <gtest/gtest.h>

#include "proxy/listen/tcp_limits.hpp"
#include "proxy/upstream/group_load.hpp"

namespace dg::proxy {
namespace {

using listen::TcpLimits;
using V = TcpLimits::Verdict;

conf::IpAddress ip(const char* text) { return *conf::IpAddress::parse(text); }

TEST(TcpLimits, PerClientBoundLeavesRoomForOthers) {
  TcpLimits limits;
  const conf::Tcp tcp{.max_connections = 4, .max_connections_per_client = 2};
  EXPECT_EQ(limits.open(ip("10.0.0.1"), tcp), V::Open);
  EXPECT_EQ(limits.open(ip("10.0.0.1"), tcp), V::Open);
  EXPECT_EQ(limits.open(ip("10.0.0.1"), tcp), V::ClientFull);
  EXPECT_EQ(limits.open(ip("10.0.0.2"), tcp), V::Open);
  EXPECT_EQ(limits.open(ip("::1"), tcp), V::Open);
  EXPECT_EQ(limits.open(ip("10.0.0.3"), tcp), V::Full);
  EXPECT_EQ(limits.total(), 4u);
  EXPECT_EQ(limits.rejected(V::ClientFull), 1u);
  EXPECT_EQ(limits.rejected(V::Full), 1u);
}

TEST(TcpLimits, CloseGivesTheSlotBack) {
  TcpLimits limits;
  const conf::Tcp tcp{.max_connections = 10, .max_connections_per_client = 1};
  ASSERT_EQ(limits.open(ip("10.0.0.1"), tcp), V::Open);
  EXPECT_EQ(limits.open(ip("10.0.0.1"), tcp), V::ClientFull);
  limits.close(ip("10.0.0.1"));
  EXPECT_EQ(limits.total(), 0u);
  EXPECT_EQ(limits.open(ip("10.0.0.1"), tcp), V::Open);
  limits.close(ip("10.0.0.9"));  // never opened: ignored, no underflow
  EXPECT_EQ(limits.total(), 1u);
}

TEST(GroupLoad, BoundedAndCounted) {
  upstream::GroupLoad load;
  EXPECT_TRUE(load.try_acquire(2));
  EXPECT_TRUE(load.try_acquire(2));
  EXPECT_FALSE(load.try_acquire(2));
  EXPECT_EQ(load.outstanding, 2u);
  EXPECT_EQ(load.overflows, 1u);
  load.release();
  EXPECT_TRUE(load.try_acquire(2));
}

}  // namespace
}  // namespace dg::proxy
