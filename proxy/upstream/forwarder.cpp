#include "proxy/upstream/forwarder.hpp"

#include <spdlog/spdlog.h>

namespace dg::proxy::upstream {

void Forwarder::send(pipeline::QueryPtr q) {
  ++in_flight_;
  try_from(std::move(q), 0);
}

void Forwarder::try_from(pipeline::QueryPtr q, std::size_t first) {
  const auto& group = q->plan->groups[q->decision.group];
  for (std::size_t i = first; i < group.servers.size(); ++i) {
    if (!group.servers[i]->up.load(std::memory_order_relaxed)) continue;
    Exchange::start(loop_, *this, std::move(q), i);
    return;
  }
  --in_flight_;
  finisher_.fail_upstream(std::move(q));
}

void Forwarder::on_exchange_done(pipeline::QueryPtr q, std::size_t server_index,
                                 std::span<uint8_t> reply) {
  auto& server = *q->plan->groups[q->decision.group].servers[server_index];
  if (server.record_success()) spdlog::info("upstream {} is up again", server.name);
  q->upstream = &server;
  --in_flight_;
  finisher_.finish(std::move(q), reply);
}

void Forwarder::on_exchange_failed(pipeline::QueryPtr q, std::size_t server_index, Failure f) {
  const auto& group = q->plan->groups[q->decision.group];
  auto& server = *group.servers[server_index];
  if (server.record_failure(group.max_failures))
    spdlog::warn("upstream {} marked down after {} consecutive failures ({})", server.name,
                 group.max_failures, f == Failure::Timeout ? "timeout" : "unreachable");
  try_from(std::move(q), server_index + 1);
}

}  // namespace dg::proxy::upstream
