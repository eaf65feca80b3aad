#include "proxy/dnstap/tap.hpp"

#include <sys/socket.h>

#include <chrono>

namespace dg::proxy::dnstap {
namespace {

timespec to_timespec(std::chrono::system_clock::time_point t) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch());
  return {time_t(ns.count() / 1000000000), long(ns.count() % 1000000000)};
}

timespec now() { return to_timespec(std::chrono::system_clock::now()); }

// dnstap has no REFUSED or SERVFAIL action: a locally built answer is LOCAL_DATA.
PolicyAction policy_action(rules::Action a) {
  switch (a) {
    case rules::Action::NxDomain: return PolicyAction::Nxdomain;
    case rules::Action::NoData: return PolicyAction::Nodata;
    case rules::Action::Drop: return PolicyAction::Drop;
    case rules::Action::Refused:
    case rules::Action::ServFail: return PolicyAction::LocalData;
    case rules::Action::Forward: break;
  }
  return PolicyAction::None;
}

Event event(MessageType type, const pipeline::Query& q, std::span<const uint8_t> message) {
  Event e;
  e.type = type;
  e.tcp = q.proto == pipeline::Proto::Tcp;
  e.message.assign(message.begin(), message.end());
  return e;
}

}  // namespace

void client_query(Writer& w, const pipeline::Query& q) {
  if (!w.wants(MessageType::ClientQuery)) return;
  Event e = event(MessageType::ClientQuery, q, q.wire);
  e.query_endpoint = q.client;
  e.query_time = to_timespec(q.received_wall);
  w.push(std::move(e));
}

void client_response(Writer& w, const pipeline::Query& q, std::span<const uint8_t> reply) {
  if (!w.wants(MessageType::ClientResponse)) return;
  Event e = event(MessageType::ClientResponse, q, reply);
  e.query_endpoint = q.client;
  e.query_time = to_timespec(q.received_wall);
  e.response_time = now();
  // Only a rule that answered itself is a policy: a forwarded answer is the upstream's.
  if (q.decision.rule && q.decision.action != rules::Action::Forward) {
    e.policy.action = policy_action(q.decision.action);
    e.policy.rule = q.decision.rule->name;
    e.policy.value = q.msg.qname.str();
  }
  w.push(std::move(e));
}

void forwarder_query(Writer& w, const pipeline::Query& q,
                     const std::optional<conf::Endpoint>& source, const conf::Endpoint& server) {
  if (!w.wants(MessageType::ForwarderQuery)) return;
  Event e = event(MessageType::ForwarderQuery, q, q.wire);
  e.query_endpoint = source;
  e.response_endpoint = server;
  e.query_time = now();
  w.push(std::move(e));
}

void forwarder_response(Writer& w, const pipeline::Query& q,
                        const std::optional<conf::Endpoint>& source, const conf::Endpoint& server,
                        std::span<const uint8_t> reply) {
  if (!w.wants(MessageType::ForwarderResponse)) return;
  Event e = event(MessageType::ForwarderResponse, q, reply);
  e.query_endpoint = source;
  e.response_endpoint = server;
  e.response_time = now();
  w.push(std::move(e));
}

std::optional<conf::Endpoint> local_endpoint(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return std::nullopt;
  return conf::Endpoint::from_sockaddr(reinterpret_cast<const sockaddr*>(&ss));
}

}  // namespace dg::proxy::dnstap
