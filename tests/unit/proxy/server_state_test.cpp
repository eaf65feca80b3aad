// Upstream health: consecutive failures mark a server down, one success brings it back.
#include "proxy/upstream/server_state.hpp"

#include <gtest/gtest.h>

namespace dg::proxy::upstream {
namespace {

ServerState make() { return ServerState(*conf::Endpoint::parse("127.0.0.1:53", 53)); }

TEST(ServerState, MarkedDownAfterMaxFailuresInARow) {
  auto s = make();
  EXPECT_FALSE(s.record_failure(3));
  EXPECT_FALSE(s.record_failure(3));
  EXPECT_TRUE(s.up);
  EXPECT_TRUE(s.record_failure(3));  // the third one marks it down, and says so once
  EXPECT_FALSE(s.up);
  EXPECT_FALSE(s.record_failure(3));
  EXPECT_EQ(s.timeouts, 4u);
}

TEST(ServerState, SuccessResetsTheCount) {
  auto s = make();
  s.record_failure(3);
  s.record_failure(3);
  EXPECT_FALSE(s.record_success());  // it was up: nothing to announce
  EXPECT_FALSE(s.record_failure(3));
  EXPECT_FALSE(s.record_failure(3));
  EXPECT_TRUE(s.up);
}

TEST(ServerState, SuccessBringsADownServerBack) {
  auto s = make();
  EXPECT_TRUE(s.record_failure(1));
  EXPECT_FALSE(s.up);
  EXPECT_TRUE(s.record_success());
  EXPECT_TRUE(s.up);
  EXPECT_EQ(s.consecutive_failures, 0);
}

TEST(ServerState, NameIsTheEndpoint) {
  ServerState v6(*conf::Endpoint::parse("[::1]:5300", 53));
  EXPECT_EQ(v6.name, "[::1]:5300");
}

}  // namespace
}  // namespace dg::proxy::upstream
