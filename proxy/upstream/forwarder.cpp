#include "proxy/upstream/forwarder.hpp"

#include <spdlog/spdlog.h>

namespace dg::proxy::upstream {

using Clock = std::chrono::steady_clock;

Forwarder::Forwarder(uv_loop_t* loop, pipeline::Finisher& finisher, uv::FlushList& flush_list)
    : loop_(loop), finisher_(finisher), flush_list_(flush_list) {
  uv_timer_init(loop_, timer_.get());
  timer_.get()->data = this;
}

Forwarder::~Forwarder() { close(); }

void Forwarder::close() {
  timer_.close();
  udp_.clear();
  tcp_.clear();
}

void Forwarder::send(pipeline::QueryPtr q) {
  // upstreams.NAME.max_outstanding: a slot from here until answered() or the last failure.
  const auto& group = q->plan->groups[q->decision.group];
  if (!group.load->try_acquire(group.max_outstanding)) return finisher_.fail_upstream(std::move(q));
  ++in_flight_;
  try_from(std::move(q), 0);
}

void Forwarder::try_from(pipeline::QueryPtr q, std::size_t first) {
  const auto& group = q->plan->groups[q->decision.group];
  for (std::size_t i = first; i < group.servers.size(); ++i) {
    if (!group.servers[i]->up.load(std::memory_order_relaxed)) continue;
    if (q->proto == pipeline::Proto::Tcp)
      tcp_for(group, i).send(std::move(q), i);
    else
      udp_for(group, i, *q->plan).send(std::move(q), i);
    arm_timer();
    return;
  }
  --in_flight_;
  group.load->release();
  finisher_.fail_upstream(std::move(q));
}

UdpUpstream& Forwarder::udp_for(const pipeline::GroupPlan& group, std::size_t server_index,
                                const pipeline::Plan& plan) {
  const auto& server = group.servers[server_index];
  // plan.groups and plan.config.upstreams are in the same order.
  const auto& sources = plan.config.upstreams[std::size_t(&group - plan.groups.data())].source_addresses;
  auto& slot = udp_[{server.get(), group.timeout.count()}];
  if (!slot) {
    slot = std::make_unique<UdpUpstream>(UdpUpstream::Context{loop_, *this, replies_, flush_list_},
                                         server, group.timeout, sources);
  }
  slot->use_sources(plan.generation, sources);  // a compare per query; work only on a reload
  return *slot;
}

TcpUpstream& Forwarder::tcp_for(const pipeline::GroupPlan& group, std::size_t server_index) {
  const auto& server = group.servers[server_index];
  auto& slot = tcp_[{server.get(), group.timeout.count()}];
  if (!slot)
    slot = std::make_unique<TcpUpstream>(TcpUpstream::Context{loop_, *this, flush_list_}, server,
                                         group.timeout);
  return *slot;
}

void Forwarder::arm_timer() {
  Clock::time_point due = Clock::time_point::max();
  for (const auto& [key, u] : udp_)
    if (u->in_flight()) due = std::min(due, u->next_deadline());
  for (const auto& [key, t] : tcp_)
    if (t->in_flight()) due = std::min(due, t->next_deadline());
  if (due == Clock::time_point::max()) {
    uv_timer_stop(timer_.get());
    timer_due_ = due;
    return;
  }
  if (due >= timer_due_ && uv_is_active(timer_.base())) return;  // already due earlier
  timer_due_ = due;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(due - Clock::now()).count();
  uv_timer_start(
      timer_.get(),
      [](uv_timer_t* t) {
        if (auto* self = uv::owner_of<Forwarder>(t)) self->on_timer();
      },
      uint64_t(std::max<int64_t>(ms, 0)), 0);
}

void Forwarder::on_timer() {
  timer_due_ = Clock::time_point::max();
  const auto now = Clock::now();
  for (auto& [key, u] : udp_) u->expire(now);
  for (auto& [key, t] : tcp_) t->expire(now);
  arm_timer();
}

void Forwarder::on_udp_reply(pipeline::QueryPtr q, std::size_t server_index,
                             std::span<uint8_t> reply) {
  answered(std::move(q), server_index, reply);
}

void Forwarder::on_udp_failed(pipeline::QueryPtr q, std::size_t server_index) {
  failed(std::move(q), server_index, Failure::Timeout);
}

void Forwarder::on_exchange_done(pipeline::QueryPtr q, std::size_t server_index,
                                 std::span<uint8_t> reply) {
  answered(std::move(q), server_index, reply);
}

void Forwarder::on_exchange_failed(pipeline::QueryPtr q, std::size_t server_index, Failure f) {
  failed(std::move(q), server_index, f);
}

void Forwarder::answered(pipeline::QueryPtr q, std::size_t server_index, std::span<uint8_t> reply) {
  auto& server = *q->plan->groups[q->decision.group].servers[server_index];
  if (server.record_success()) spdlog::info("upstream {} is up again", server.name);
  q->upstream = &server;
  --in_flight_;
  q->plan->groups[q->decision.group].load->release();
  finisher_.finish(std::move(q), reply);
}

void Forwarder::failed(pipeline::QueryPtr q, std::size_t server_index, Failure f) {
  const auto& group = q->plan->groups[q->decision.group];
  auto& server = *group.servers[server_index];
  if (server.record_failure(group.max_failures))
    spdlog::warn("upstream {} marked down after {} consecutive failures ({})", server.name,
                 group.max_failures, f == Failure::Timeout ? "timeout" : "unreachable");
  try_from(std::move(q), server_index + 1);
}

}  // namespace dg::proxy::upstream
