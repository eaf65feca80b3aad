#pragma once
// One client TCP connection (RFC 7766): 2-byte length-prefixed messages (tcp_framing.hpp),
// several queries in flight at once and answered as each completes, an idle timeout, and a
// clean close on a frame too short to be a DNS message.
//
// Abuse bounds: the idle timer restarts only on a complete message or a reply, so a client
// trickling bytes (slow-loris) is closed after idle_timeout; a client that sends queries but
// does not read its replies is closed once kMaxWriteQueue bytes of replies wait for it.
//
// Ownership: the listener holds the connection in its set; queries in flight hold it too (as
// their ReplySink), so a reply that arrives after the close finds a live object and is dropped.
#include <uv.h>

#include <chrono>
#include <memory>
#include <vector>

#include "proxy/listen/tcp_framing.hpp"
#include "proxy/pipeline/pipeline.hpp"
#include "proxy/uv/handle.hpp"

namespace dg::proxy::listen {

class TcpListener;

class TcpConnection final : public pipeline::ReplySink,
                            public std::enable_shared_from_this<TcpConnection> {
 public:
  static constexpr std::size_t kMaxWriteQueue = 256 * 1024;

  TcpConnection(TcpListener& listener, std::chrono::milliseconds idle_timeout)
      : listener_(&listener), idle_timeout_(idle_timeout) {}
  ~TcpConnection() override;

  // Accepts the pending connection of `server` and starts reading; false when accept failed.
  bool accept(uv_loop_t* loop, uv_stream_t* server);
  void send(const conf::Endpoint& client, std::span<const uint8_t> reply) override;
  const conf::Endpoint& client() const { return client_; }  // valid once accept() succeeded
  // Drain: read no more queries; close once the pending ones are answered.
  void stop_reading();
  void close_gracefully();  // after the queued replies are written
  void close();             // at once

 private:
  void on_data(std::span<const char> data);
  void restart_idle_timer();
  void maybe_close_after_drain();

  TcpListener* listener_;  // null once closed
  std::chrono::milliseconds idle_timeout_;
  uv::UvHandle<uv_tcp_t> tcp_;
  uv::UvHandle<uv_timer_t> idle_;
  conf::Endpoint client_;
  TcpFraming framing_;       // bytes received and not yet handled
  std::size_t pending_ = 0;  // queries in the pipeline
  bool reading_ = true;
  bool shutting_down_ = false;
};

}  // namespace dg::proxy::listen
