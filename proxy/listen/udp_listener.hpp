#pragma once
// Receives client queries on one UDP socket of one worker loop and sends their replies.
// Reads are batched (recvmmsg) and so are replies: send() queues, and the worker's flush at
// the end of the loop iteration sends them all with one sendmmsg.
#include <uv.h>

#include <expected>
#include <memory>
#include <string>

#include "proxy/listen/datagram_batch.hpp"
#include "proxy/listen/recv_batch.hpp"
#include "proxy/pipeline/pipeline.hpp"
#include "proxy/uv/flush_list.hpp"
#include "proxy/uv/handle.hpp"

namespace dg::proxy::listen {

class UdpListener final : public pipeline::ReplySink,
                          public uv::Flushable,
                          public std::enable_shared_from_this<UdpListener> {
 public:
  struct Context {
    uv_loop_t* loop;
    pipeline::Pipeline& pipeline;
    RecvBatch& recv;  // shared by the worker's listeners
    uv::FlushList& flush_list;
  };
  static std::expected<std::shared_ptr<UdpListener>, std::string> open(Context ctx,
                                                                      const conf::Endpoint& at);
  ~UdpListener() override;

  void send(const conf::Endpoint& client, std::span<const uint8_t> reply) override;
  void flush() override;
  // Stops receiving (drain); replies to queries in flight still go out.
  void stop_receiving();
  void close();

 private:
  UdpListener(Context ctx, int fd) : ctx_(ctx), fd_(fd) {}
  void on_readable();

  Context ctx_;
  int fd_;
  uv::UvHandle<uv_poll_t> poll_;
  DatagramBatch out_;
};

}  // namespace dg::proxy::listen
