#pragma once
// Sends forwarded queries to their upstream group, one worker loop's share. Servers are tried
// in the order listed, live ones only; a timeout moves the query to the next live server and
// counts against the server (max_failures in a row marks it down). When no server is left the
// query fails: SERVFAIL with EDE 22, never silence.
#include <uv.h>

#include <cstddef>
#include <span>

#include "proxy/pipeline/finisher.hpp"
#include "proxy/pipeline/query.hpp"
#include "proxy/upstream/exchange.hpp"

namespace dg::proxy::upstream {

class Forwarder {
 public:
  Forwarder(uv_loop_t* loop, pipeline::Finisher& finisher) : loop_(loop), finisher_(finisher) {}

  // q->decision.group names the group in q->plan.
  void send(pipeline::QueryPtr q);
  std::size_t in_flight() const { return in_flight_; }

  // Called by an Exchange, once. `reply` is valid for this call only.
  void on_exchange_done(pipeline::QueryPtr q, std::size_t server_index, std::span<uint8_t> reply);
  void on_exchange_failed(pipeline::QueryPtr q, std::size_t server_index, Failure f);

  // A receive buffer shared by this loop's exchanges (a recv callback uses it before the next).
  std::span<char> recv_buffer() { return recv_buffer_; }

 private:
  void try_from(pipeline::QueryPtr q, std::size_t first);

  uv_loop_t* loop_;
  pipeline::Finisher& finisher_;
  std::size_t in_flight_ = 0;
  char recv_buffer_[65536];
};

}  // namespace dg::proxy::upstream
