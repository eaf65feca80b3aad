#pragma once
// The four dnstap messages of one query, built from the query where it happens. Callers hold a
// Writer* that is null when dnstap is off: with it off, each hook point costs one branch.
#include <cstdint>
#include <optional>
#include <span>

#include "conf/address.hpp"
#include "proxy/dnstap/writer.hpp"
#include "proxy/pipeline/query.hpp"

namespace dg::proxy::dnstap {

// At receipt, before anything can change q.wire (upstreams rewrite its ID).
void client_query(Writer& w, const pipeline::Query& q);
// At the reply; with the rule's policy when a rule answered locally (not forwarded).
void client_response(Writer& w, const pipeline::Query& q, std::span<const uint8_t> reply);
// One upstream attempt: q.wire as sent (the new ID); `source` unknown until a TCP connection is up.
void forwarder_query(Writer& w, const pipeline::Query& q,
                     const std::optional<conf::Endpoint>& source, const conf::Endpoint& server);
// The accepted reply, as the upstream sent it.
void forwarder_response(Writer& w, const pipeline::Query& q,
                        const std::optional<conf::Endpoint>& source, const conf::Endpoint& server,
                        std::span<const uint8_t> reply);

// The local address of a connected socket, for `source` above.
std::optional<conf::Endpoint> local_endpoint(int fd);

}  // namespace dg::proxy::dnstap
