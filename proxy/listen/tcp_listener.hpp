#pragma once
// Accepts DNS-over-TCP clients (RFC 7766) on one socket of one worker loop. Open connections
// are bounded across all workers, in total (tcp.max_connections) and per client address
// (tcp.max_connections_per_client): beyond either a new connection is accepted and closed at
// once.
#include <uv.h>

#include <atomic>
#include <expected>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "proxy/listen/tcp_limits.hpp"
#include "proxy/pipeline/pipeline.hpp"
#include "proxy/uv/handle.hpp"

namespace dg::proxy::listen {

class TcpConnection;

class TcpListener {
 public:
  static std::expected<std::unique_ptr<TcpListener>, std::string> open(
      uv_loop_t* loop, const conf::Endpoint& at, pipeline::Pipeline& pipeline,
      TcpLimits& limits);
  ~TcpListener();

  // Stops accepting; connections finish the queries they have and then close.
  void stop_accepting();
  std::size_t connections() const { return connections_.size(); }

 private:
  TcpListener(uv_loop_t* loop, pipeline::Pipeline& pipeline, TcpLimits& limits)
      : loop_(loop), pipeline_(pipeline), limits_(limits) {}
  void on_connection();
  friend class TcpConnection;
  void forget(TcpConnection* c);

  uv_loop_t* loop_;
  pipeline::Pipeline& pipeline_;
  TcpLimits& limits_;
  uv::UvHandle<uv_tcp_t> handle_;
  std::unordered_map<TcpConnection*, std::shared_ptr<TcpConnection>> connections_;
  std::unordered_set<TcpConnection*> admitted_;  // those holding a slot of limits_
  bool stopping_ = false;
};

}  // namespace dg::proxy::listen
