#pragma once
// One worker's TCP path to one upstream server (for one group's timeout): queries that came
// over TCP go out over TCP (RFC 7766) on a few long-lived connections, several queries in
// flight on each, each under a fresh random ID; replies are matched by ID and question as they
// come, in any order. A connection the server closes takes its queries with it: those that had
// been sent on a connection already used are retried once on a new one (the server may have
// closed it for idleness just as they left), the others fail over to the next server.
//
// Sends are queued and written once per loop iteration; deadlines are a FIFO as in UdpUpstream.
#include <uv.h>

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "proxy/pipeline/query.hpp"
#include "proxy/upstream/server_state.hpp"
#include "proxy/uv/flush_list.hpp"
#include "proxy/uv/handle.hpp"

namespace dg::proxy::upstream {

class Forwarder;

enum class Failure : uint8_t { Timeout, Unreachable };

class TcpUpstream {
 public:
  struct Context {
    uv_loop_t* loop;
    Forwarder& forwarder;
    uv::FlushList& flush_list;
  };
  static constexpr std::size_t kMaxConnections = 4;
  static constexpr std::size_t kPendingPerConnection = 100;  // before another connection opens

  TcpUpstream(Context ctx, std::shared_ptr<ServerState> server, std::chrono::milliseconds timeout);
  ~TcpUpstream();

  void send(pipeline::QueryPtr q, std::size_t server_index);
  void expire(std::chrono::steady_clock::time_point now);
  std::chrono::steady_clock::time_point next_deadline() const;
  std::size_t in_flight() const { return in_flight_; }

 private:
  struct Connection;
  static std::optional<conf::Endpoint> local_of(Connection& c);
  struct Pending {
    pipeline::QueryPtr q;
    std::size_t server_index;
    uint64_t serial;
    std::chrono::steady_clock::time_point sent;
    bool retried;
  };
  struct Deadline {
    std::chrono::steady_clock::time_point at;
    uint32_t connection;  // Connection::serial
    uint16_t id;
    uint64_t serial;
  };
  Connection* pick_connection();
  Connection* open_connection();
  void enqueue(Connection& c, pipeline::QueryPtr q, std::size_t server_index, bool retried);
  void on_data(Connection& c, std::span<const char> data);
  void on_frame(Connection& c, std::span<uint8_t> reply);
  void on_closed(Connection& c);

  Context ctx_;
  std::shared_ptr<ServerState> server_;
  std::chrono::milliseconds timeout_;
  std::unordered_map<uint32_t, std::unique_ptr<Connection>> connections_;
  uint32_t connection_serial_ = 0;
  std::deque<Deadline> deadlines_;
  uint64_t serial_ = 0;
  std::size_t in_flight_ = 0;
};

}  // namespace dg::proxy::upstream
