#include "proxy/dnstap/encode.hpp"

#include <span>

#include "dnstap.pb-c.h"

namespace dg::proxy::dnstap {
namespace {

ProtobufCBinaryData bytes(std::string_view s) {
  return {s.size(), reinterpret_cast<uint8_t*>(const_cast<char*>(s.data()))};
}

ProtobufCBinaryData bytes(std::span<const uint8_t> s) {
  return {s.size(), const_cast<uint8_t*>(s.data())};
}

}  // namespace

void encode(const Event& e, std::string_view identity, std::string_view version,
            std::string& out) {
  Dnstap__Message m = DNSTAP__MESSAGE__INIT;
  m.type = Dnstap__Message__Type(e.type);
  const auto* family_of = e.query_endpoint ? &*e.query_endpoint
                          : e.response_endpoint ? &*e.response_endpoint
                                                : nullptr;
  if (family_of) {
    m.has_socket_family = true;
    m.socket_family = family_of->address().is_v4() ? DNSTAP__SOCKET_FAMILY__INET
                                                   : DNSTAP__SOCKET_FAMILY__INET6;
  }
  m.has_socket_protocol = true;
  m.socket_protocol = e.tcp ? DNSTAP__SOCKET_PROTOCOL__TCP : DNSTAP__SOCKET_PROTOCOL__UDP;
  if (e.query_endpoint) {
    m.has_query_address = true;
    m.query_address = bytes(e.query_endpoint->address().bytes());
    m.has_query_port = true;
    m.query_port = e.query_endpoint->port();
  }
  if (e.response_endpoint) {
    m.has_response_address = true;
    m.response_address = bytes(e.response_endpoint->address().bytes());
    m.has_response_port = true;
    m.response_port = e.response_endpoint->port();
  }
  if (e.query_time) {
    m.has_query_time_sec = m.has_query_time_nsec = true;
    m.query_time_sec = uint64_t(e.query_time->tv_sec);
    m.query_time_nsec = uint32_t(e.query_time->tv_nsec);
  }
  if (e.response_time) {
    m.has_response_time_sec = m.has_response_time_nsec = true;
    m.response_time_sec = uint64_t(e.response_time->tv_sec);
    m.response_time_nsec = uint32_t(e.response_time->tv_nsec);
  }
  const bool query = e.type == MessageType::ClientQuery || e.type == MessageType::ForwarderQuery;
  if (query) {
    m.has_query_message = true;
    m.query_message = bytes(std::span<const uint8_t>(e.message));
  } else if (!e.message.empty()) {  // empty: the query was dropped, nothing was sent
    m.has_response_message = true;
    m.response_message = bytes(std::span<const uint8_t>(e.message));
  }
  Dnstap__Policy policy = DNSTAP__POLICY__INIT;
  if (e.policy.action != PolicyAction::None) {
    policy.type = const_cast<char*>("devoguard");
    policy.has_rule = true;
    policy.rule = bytes(std::string_view(e.policy.rule));
    policy.has_action = true;
    policy.action = Dnstap__Policy__Action(e.policy.action);
    policy.has_match = true;
    policy.match = DNSTAP__POLICY__MATCH__QNAME;
    policy.has_value = true;
    policy.value = bytes(std::string_view(e.policy.value));
    m.policy = &policy;
  }

  Dnstap__Dnstap d = DNSTAP__DNSTAP__INIT;
  d.has_identity = true;
  d.identity = bytes(identity);
  d.has_version = true;
  d.version = bytes(version);
  d.type = DNSTAP__DNSTAP__TYPE__MESSAGE;
  d.message = &m;
  out.resize(dnstap__dnstap__get_packed_size(&d));
  dnstap__dnstap__pack(&d, reinterpret_cast<uint8_t*>(out.data()));
}

}  // namespace dg::proxy::dnstap
