// Event → dnstap frame, decoded again with the code protoc-c generated from the same schema:
// each message type carries the fields dnstap's schema recommends for it.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "dnstap.pb-c.h"
#include "proxy/dnstap/encode.hpp"

namespace dg::proxy::dnstap {
namespace {

struct Unpacked {
  void operator()(Dnstap__Dnstap* d) const { dnstap__dnstap__free_unpacked(d, nullptr); }
};
using Decoded = std::unique_ptr<Dnstap__Dnstap, Unpacked>;

Decoded round_trip(const Event& e) {
  std::string frame;
  encode(e, "dns-a", "devoguard 0.1.0", frame);
  return Decoded(dnstap__dnstap__unpack(
      nullptr, frame.size(), reinterpret_cast<const uint8_t*>(frame.data())));
}

conf::Endpoint endpoint(const char* text) { return *conf::Endpoint::parse(text, 53); }

std::string str(ProtobufCBinaryData b) {
  return std::string(reinterpret_cast<char*>(b.data), b.len);
}

const std::vector<uint8_t> kQuery{0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1};

TEST(Encode, ClientQueryFromAnIpv4Client) {
  Event e;
  e.type = MessageType::ClientQuery;
  e.query_endpoint = endpoint("10.0.0.7:40000");
  e.query_time = timespec{1700000000, 123456789};
  e.message = kQuery;
  auto d = round_trip(e);
  ASSERT_TRUE(d);
  EXPECT_EQ(str(d->identity), "dns-a");
  EXPECT_EQ(str(d->version), "devoguard 0.1.0");
  EXPECT_EQ(d->type, DNSTAP__DNSTAP__TYPE__MESSAGE);
  ASSERT_TRUE(d->message);
  const auto& m = *d->message;
  EXPECT_EQ(m.type, DNSTAP__MESSAGE__TYPE__CLIENT_QUERY);
  EXPECT_EQ(m.socket_family, DNSTAP__SOCKET_FAMILY__INET);
  EXPECT_EQ(m.socket_protocol, DNSTAP__SOCKET_PROTOCOL__UDP);
  EXPECT_EQ(str(m.query_address), std::string("\x0a\x00\x00\x07", 4));
  EXPECT_EQ(m.query_port, 40000u);
  EXPECT_FALSE(m.has_response_address);
  EXPECT_EQ(m.query_time_sec, 1700000000u);
  EXPECT_EQ(m.query_time_nsec, 123456789u);
  ASSERT_TRUE(m.has_query_message);
  EXPECT_EQ(str(m.query_message), std::string(kQuery.begin(), kQuery.end()));
  EXPECT_FALSE(m.has_response_message);
  EXPECT_EQ(m.policy, nullptr);
}

TEST(Encode, ClientResponseOfARuleCarriesThePolicy) {
  Event e;
  e.type = MessageType::ClientResponse;
  e.tcp = true;
  e.query_endpoint = endpoint("[2001:db8::7]:40000");
  e.response_time = timespec{1700000001, 5};
  e.message = kQuery;
  e.policy = {PolicyAction::Nxdomain, "devolved", "abc.co.jp"};
  auto d = round_trip(e);
  ASSERT_TRUE(d && d->message);
  const auto& m = *d->message;
  EXPECT_EQ(m.type, DNSTAP__MESSAGE__TYPE__CLIENT_RESPONSE);
  EXPECT_EQ(m.socket_family, DNSTAP__SOCKET_FAMILY__INET6);
  EXPECT_EQ(m.socket_protocol, DNSTAP__SOCKET_PROTOCOL__TCP);
  EXPECT_EQ(m.query_address.len, 16u);
  EXPECT_TRUE(m.has_response_message);
  EXPECT_FALSE(m.has_query_message);
  EXPECT_EQ(m.response_time_sec, 1700000001u);
  ASSERT_NE(m.policy, nullptr);
  EXPECT_STREQ(m.policy->type, "devoguard");
  EXPECT_EQ(str(m.policy->rule), "devolved");
  EXPECT_EQ(m.policy->action, DNSTAP__POLICY__ACTION__NXDOMAIN);
  EXPECT_EQ(m.policy->match, DNSTAP__POLICY__MATCH__QNAME);
  EXPECT_EQ(str(m.policy->value), "abc.co.jp");
}

TEST(Encode, DroppedQueryHasNoResponseMessage) {
  Event e;
  e.type = MessageType::ClientResponse;
  e.query_endpoint = endpoint("10.0.0.7:1");
  e.policy = {PolicyAction::Drop, "silence", "x.example"};
  auto d = round_trip(e);
  ASSERT_TRUE(d && d->message);
  EXPECT_FALSE(d->message->has_response_message);
  ASSERT_NE(d->message->policy, nullptr);
  EXPECT_EQ(d->message->policy->action, DNSTAP__POLICY__ACTION__DROP);
}

TEST(Encode, ForwarderMessagesNameBothEnds) {
  for (auto type : {MessageType::ForwarderQuery, MessageType::ForwarderResponse}) {
    Event e;
    e.type = type;
    e.query_endpoint = endpoint("192.0.2.1:33333");
    e.response_endpoint = endpoint("192.0.2.53:53");
    e.message = kQuery;
    auto d = round_trip(e);
    ASSERT_TRUE(d && d->message);
    const auto& m = *d->message;
    EXPECT_EQ(int(m.type), int(type));
    EXPECT_EQ(str(m.query_address), std::string("\xc0\x00\x02\x01", 4));
    EXPECT_EQ(m.query_port, 33333u);
    EXPECT_EQ(str(m.response_address), std::string("\xc0\x00\x02\x35", 4));
    EXPECT_EQ(m.response_port, 53u);
    EXPECT_EQ(m.has_query_message, type == MessageType::ForwarderQuery);
    EXPECT_EQ(m.has_response_message, type == MessageType::ForwarderResponse);
    EXPECT_EQ(m.policy, nullptr);
  }
}

TEST(Encode, UnknownSourceLeavesTheAddressOut) {
  Event e;
  e.type = MessageType::ForwarderQuery;
  e.response_endpoint = endpoint("[2001:db8::53]:53");
  e.message = kQuery;
  auto d = round_trip(e);
  ASSERT_TRUE(d && d->message);
  EXPECT_FALSE(d->message->has_query_address);
  EXPECT_FALSE(d->message->has_query_port);
  EXPECT_EQ(d->message->socket_family, DNSTAP__SOCKET_FAMILY__INET6);  // from the server
}

}  // namespace
}  // namespace dg::proxy::dnstap
