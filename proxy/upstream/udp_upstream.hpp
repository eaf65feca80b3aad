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
// With `source_addresses` (DEPLOY.md §1) the pool is split into one pool per source address,
// each socket bound to its address before connect(). The source is chosen once per loop
// iteration, when the iteration's first query takes a socket: the one with the fewest packets
// sent to this server over the last one to two seconds (all workers, aws::PacketCounters).
// Per iteration and not per query, because the queries of one iteration share a socket (one
// sendmmsg); per iteration and not per socket renewal, because renewal (every few hundred
// queries) is too coarse to follow the load. The cost is a few relaxed loads per iteration.
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
#include <optional>
#include <unordered_map>
#include <vector>

#include "conf/address.hpp"

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
  // At most this many queries of one loop iteration share a socket: batches stay large enough
  // to save syscalls, and a burst of replies is spread over several receive buffers.
  static constexpr std::size_t kBatchPerSocket = 16;
  static constexpr int kReceiveBuffer = 1 << 20;
  static constexpr std::size_t kMinSocketsPerSource = 4;

  // `sources`: upstreams.NAME.source_addresses (empty: the kernel chooses).
  UdpUpstream(Context ctx, std::shared_ptr<ServerState> server, std::chrono::milliseconds timeout,
              std::vector<conf::IpAddress> sources = {});
  ~UdpUpstream();

  // The source addresses of the plan of `generation`; a newer plan with other addresses
  // retires the sockets (each closes when its last query is answered) and opens new ones.
  void use_sources(uint64_t generation, const std::vector<conf::IpAddress>& sources);

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
  struct Pool {  // the sockets of one source address (or of the kernel's choice)
    std::optional<conf::IpAddress> source;
    std::size_t slot = 0;  // in server_->packets
    std::vector<Socket*> sockets;
    std::size_t turn = 0;
  };
  void open_pools();
  Socket* open_socket(const Pool& pool);
  Socket* next_socket();
  std::size_t quietest_pool() const;
  void retire_if_done(Socket& s);
  void on_readable(Socket& s);
  void on_reply(Socket& s, std::span<uint8_t> reply);

  Context ctx_;
  std::shared_ptr<ServerState> server_;
  std::chrono::milliseconds timeout_;
  std::unordered_map<uint32_t, std::unique_ptr<Socket>> sockets_;  // active and retiring
  std::vector<conf::IpAddress> sources_;
  uint64_t sources_generation_ = 0;
  std::vector<Pool> pools_;   // one per source address, or one; sockets taken in turn
  std::size_t current_ = 0;   // the pool of this loop iteration
  uint32_t socket_serial_ = 0;
  std::deque<Deadline> deadlines_;  // in send order = expiry order
  uint64_t serial_ = 0;
  std::size_t in_flight_ = 0;
};

}  // namespace dg::proxy::upstream
