#pragma once
// Receives client queries on one UDP socket of one worker loop and sends their replies.
#include <uv.h>

#include <expected>
#include <memory>
#include <string>

#include "proxy/pipeline/pipeline.hpp"
#include "proxy/uv/handle.hpp"

namespace dg::proxy::listen {

class UdpListener final : public pipeline::ReplySink,
                          public std::enable_shared_from_this<UdpListener> {
 public:
  static std::expected<std::shared_ptr<UdpListener>, std::string> open(
      uv_loop_t* loop, const conf::Endpoint& at, pipeline::Pipeline& pipeline);

  void send(const conf::Endpoint& client, std::span<const uint8_t> reply) override;
  // Stops receiving (drain); replies to queries in flight still go out.
  void stop_receiving();
  void close() { handle_.close(); }

 private:
  explicit UdpListener(pipeline::Pipeline& pipeline) : pipeline_(pipeline) {}
  void on_datagram(std::span<const uint8_t> data, const sockaddr* from);

  pipeline::Pipeline& pipeline_;
  uv::UvHandle<uv_udp_t> handle_;
  char buffer_[65536];
};

}  // namespace dg::proxy::listen
