#pragma once
// Sends forwarded queries to their upstream group, one worker loop's share. Servers are tried
// in the order listed, live ones only; a timeout moves the query to the next live server and
// counts against the server (max_failures in a row marks it down). When no server is left the
// query fails: SERVFAIL with EDE 22, never silence.
//
// UDP queries go through a UdpUpstream per (server, timeout): pooled sockets, batched I/O;
// queries that came over TCP go through a TcpUpstream (a few long-lived connections). One timer
// serves every deadline of the worker.
#include <uv.h>

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <span>

#include "proxy/dnstap/writer.hpp"
#include "proxy/listen/recv_batch.hpp"
#include "proxy/pipeline/finisher.hpp"
#include "proxy/pipeline/query.hpp"
#include "proxy/upstream/tcp_upstream.hpp"
#include "proxy/upstream/udp_upstream.hpp"
#include "proxy/uv/flush_list.hpp"
#include "proxy/uv/handle.hpp"

namespace dg::proxy::upstream {

class Forwarder {
 public:
  Forwarder(uv_loop_t* loop, pipeline::Finisher& finisher, uv::FlushList& flush_list);
  ~Forwarder();

  // q->decision.group names the group in q->plan.
  void send(pipeline::QueryPtr q);
  std::size_t in_flight() const { return in_flight_; }
  void close();

  // Outcomes of one attempt at server `server_index` of the query's group. `reply` is valid
  // for the call only.
  void on_udp_reply(pipeline::QueryPtr q, std::size_t server_index, std::span<uint8_t> reply);
  void on_udp_failed(pipeline::QueryPtr q, std::size_t server_index);
  void on_exchange_done(pipeline::QueryPtr q, std::size_t server_index, std::span<uint8_t> reply);
  void on_exchange_failed(pipeline::QueryPtr q, std::size_t server_index, Failure f);

  // A read buffer for TCP connections (a read callback uses it before the next).
  std::span<char> recv_buffer() { return recv_buffer_; }
  // The dnstap writer for FORWARDER_QUERY/RESPONSE; null when dnstap is off. Set before the
  // first query.
  void set_dnstap(dnstap::Writer* w) { dnstap_ = w; }
  dnstap::Writer* dnstap() const { return dnstap_; }

 private:
  void try_from(pipeline::QueryPtr q, std::size_t first);
  void answered(pipeline::QueryPtr q, std::size_t server_index, std::span<uint8_t> reply);
  void failed(pipeline::QueryPtr q, std::size_t server_index, Failure f);
  UdpUpstream& udp_for(const pipeline::GroupPlan& group, std::size_t server_index,
                       const pipeline::Plan& plan);
  TcpUpstream& tcp_for(const pipeline::GroupPlan& group, std::size_t server_index);
  void arm_timer();
  void on_timer();

  uv_loop_t* loop_;
  pipeline::Finisher& finisher_;
  uv::FlushList& flush_list_;
  listen::RecvBatch replies_{32, 65536};
  std::map<std::pair<const ServerState*, int64_t>, std::unique_ptr<UdpUpstream>> udp_;
  std::map<std::pair<const ServerState*, int64_t>, std::unique_ptr<TcpUpstream>> tcp_;
  uv::UvHandle<uv_timer_t> timer_;
  std::chrono::steady_clock::time_point timer_due_ = std::chrono::steady_clock::time_point::max();
  std::size_t in_flight_ = 0;
  dnstap::Writer* dnstap_ = nullptr;
  char recv_buffer_[65536];
};

}  // namespace dg::proxy::upstream
