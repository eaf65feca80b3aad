#pragma once
// Accepts DNS-over-TCP clients (RFC 7766) on one socket of one worker loop. The number of open
// connections is bounded across all workers (tcp.max_connections): beyond it a new connection
// is accepted and closed at once.
#include <uv.h>

#include <atomic>
#include <expected>
#include <memory>
#include <string>
#include <unordered_map>

#include "proxy/pipeline/pipeline.hpp"
#include "proxy/uv/handle.hpp"

namespace dg::proxy::listen {

class TcpConnection;

class TcpListener {
 public:
  static std::expected<std::unique_ptr<TcpListener>, std::string> open(
      uv_loop_t* loop, const conf::Endpoint& at, pipeline::Pipeline& pipeline,
      std::atomic<std::size_t>& open_connections);
  ~TcpListener();

  // Stops accepting; connections finish the queries they have and then close.
  void stop_accepting();
  std::size_t connections() const { return connections_.size(); }

 private:
  TcpListener(uv_loop_t* loop, pipeline::Pipeline& pipeline, std::atomic<std::size_t>& open)
      : loop_(loop), pipeline_(pipeline), open_(open) {}
  void on_connection();
  friend class TcpConnection;
  void forget(TcpConnection* c);

  uv_loop_t* loop_;
  pipeline::Pipeline& pipeline_;
  std::atomic<std::size_t>& open_;
  uv::UvHandle<uv_tcp_t> handle_;
  std::unordered_map<TcpConnection*, std::shared_ptr<TcpConnection>> connections_;
  bool stopping_ = false;
};

}  // namespace dg::proxy::listen
