#pragma once
// One dnstap message as the DNS threads hand it to the writer: plain data, copied out of the
// query so that the query can go on (or back to its pool) at once. The writer thread turns it
// into protobuf (encode.hpp), so no DNS thread pays for the encoding.
#include <time.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "conf/address.hpp"

namespace dg::proxy::dnstap {

// The numbers of dnstap's Message.Type.
enum class MessageType : uint8_t {
  ClientQuery = 5,
  ClientResponse = 6,
  ForwarderQuery = 7,
  ForwarderResponse = 8,
};

// The numbers of dnstap's Policy.Action; None: no policy (the answer came from upstream).
enum class PolicyAction : uint8_t {
  None = 0,
  Nxdomain = 1,
  Nodata = 2,
  Pass = 3,
  Drop = 4,
  LocalData = 6,
};

struct Policy {
  PolicyAction action = PolicyAction::None;
  std::string rule;   // the devoguard rule that decided
  std::string value;  // the qname it matched, presentation form
};

struct Event {
  MessageType type = MessageType::ClientQuery;
  bool tcp = false;
  // The initiator (client, or devoguard's source towards an upstream) and the responder (the
  // upstream; unknown for client messages: devoguard may listen on a wildcard address).
  std::optional<conf::Endpoint> query_endpoint;
  std::optional<conf::Endpoint> response_endpoint;
  std::optional<timespec> query_time;
  std::optional<timespec> response_time;
  // The DNS message verbatim: the query for *_QUERY types, the response for *_RESPONSE.
  std::vector<uint8_t> message;
  Policy policy;  // CLIENT_RESPONSE of a rule-decided answer only
};

}  // namespace dg::proxy::dnstap
