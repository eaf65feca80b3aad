#pragma once
// One worker's UDP path to one upstream server (for one group's timeout). Queries leave from
// a pool of connected sockets, each bound by the kernel to a random ephemeral port, taken in
// turn: the queries of one loop iteration share a socket (one sendmmsg out, and their replies
// come back together for one recvmmsg), the next iteration takes the next socket, so queries
// of different moments leave from different ports. Each socket is retired after a few hundred
// queries (a random count) and replaced by a new one on a new random port. Every query
// also gets a fresh random ID (RFC 5452). A connected socket receives only datagrams from the
// server's address and port; a reply counts only with the ID sent on that socket and the same
// question. Anything else is ignored and counted.
//
// Why a pool and not a new socket per query: socket(), connect() and close() per query would
// add three syscalls and an epoll registration to the four datagrams a forwarded query costs;
// see docs/BENCHMARKS.md.
//
// Queries are sent in batches (sendmmsg, flushed once per loop iteration) and replies read in
// batches (recvmmsg). Every query here has the same timeout, so send order is expiry order and
// a FIFO of deadlines replaces per-query timers.
#include <uv.h>

#include <chrono>
#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

#include "proxy/listen/datagram_batch.hpp"
#include "proxy/listen/recv_batch.hpp"
#include "proxy/pipeline/query.hpp"
#include "proxy/upstream/server_state.hpp"
#include "proxy/uv/flush_list.hpp"
#include "proxy/uv/handle.hpp"

namespace dg::proxy::upstream {

class Forwarder;

class UdpUpstream {
 public:
  struct Context {
    uv_loop_t* loop;
    Forwarder& forwarder;
    listen::RecvBatch& recv;  // shared by the worker's upstream sockets
    uv::FlushList& flush_list;
  };
  static constexpr std::size_t kSockets = 32;
  static constexpr uint32_t kMinUsesPerSocket = 256;  // retired after 256..767 queries

  UdpUpstream(Context ctx, std::shared_ptr<ServerState> server, std::chrono::milliseconds timeout);
  ~UdpUpstream();

  // Takes the query (its ID is rewritten); it comes back through the forwarder.
  void send(pipeline::QueryPtr q, std::size_t server_index);
  // Fails the queries whose time is up.
  void expire(std::chrono::steady_clock::time_point now);
  // The earliest deadline in the queue (perhaps of a query answered already: an early wake-up).
  std::chrono::steady_clock::time_point next_deadline() const;
  std::size_t in_flight() const { return in_flight_; }

 private:
  struct Socket;
  struct Pending {
    pipeline::QueryPtr q;
    std::size_t server_index;
    uint64_t serial;
    std::chrono::steady_clock::time_point sent;
  };
  struct Deadline {
    std::chrono::steady_clock::time_point at;
    uint32_t socket;  // Socket::serial
    uint16_t id;
    uint64_t serial;
  };
  Socket* open_socket();
  Socket* next_socket();
  void retire_if_done(Socket& s);
  void on_readable(Socket& s);
  void on_reply(Socket& s, std::span<uint8_t> reply);

  Context ctx_;
  std::shared_ptr<ServerState> server_;
  std::chrono::milliseconds timeout_;
  std::unordered_map<uint32_t, std::unique_ptr<Socket>> sockets_;  // active and retiring
  std::vector<Socket*> active_;                                     // the pool, taken in turn
  std::size_t turn_ = 0;
  uint32_t socket_serial_ = 0;
  std::deque<Deadline> deadlines_;  // in send order = expiry order
  uint64_t serial_ = 0;
  std::size_t in_flight_ = 0;
};

}  // namespace dg::proxy::upstream
