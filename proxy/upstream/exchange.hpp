#pragma once
// One upstream query over TCP: one attempt at one server, on a fresh connection (so from a
// fresh source port) under a fresh random ID (RFC 5452). Only a reply with the same ID and
// question counts; anything else is ignored and counted. It ends in exactly one call to
// Forwarder::on_exchange_done or on_exchange_failed. (UDP goes through UdpUpstream.)
//
// Ownership: an Exchange owns itself and the query while in flight; it deletes itself when
// done (its uv handles are freed later by the loop, see uv/handle.hpp).
#include <uv.h>

#include <cstdint>
#include <span>
#include <vector>

#include "proxy/pipeline/query.hpp"
#include "proxy/uv/handle.hpp"

namespace dg::proxy::upstream {

class Forwarder;

enum class Failure : uint8_t { Timeout, Unreachable };

class Exchange {
 public:
  // Starts the attempt; the exchange reports to `forwarder` exactly once.
  static void start(uv_loop_t* loop, Forwarder& forwarder, pipeline::QueryPtr q,
                    std::size_t server_index);

 private:
  Exchange(Forwarder& forwarder, pipeline::QueryPtr q, std::size_t server_index);
  void start_tcp(uv_loop_t* loop);
  // True when the reply was accepted: the exchange is then finished and deleted.
  bool on_reply(std::span<uint8_t> reply);
  void on_tcp_data(std::span<const char> data);
  void fail(Failure f);
  void done(std::span<uint8_t> reply, bool ok, Failure f);
  ServerState& server() const;

  Forwarder& forwarder_;
  pipeline::QueryPtr q_;
  std::size_t server_index_;
  uint16_t id_;  // the ID sent upstream
  std::chrono::steady_clock::time_point started_;
  uv::UvHandle<uv_timer_t> timer_;
  uv::UvHandle<uv_tcp_t> tcp_;
  std::vector<uint8_t> tcp_in_;  // TCP: bytes received so far (length prefix included)
  bool finished_ = false;
};

}  // namespace dg::proxy::upstream
