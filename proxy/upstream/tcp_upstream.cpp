#include "proxy/upstream/tcp_upstream.hpp"

#include <spdlog/spdlog.h>

#include "proxy/dns/message.hpp"
#include "proxy/dnstap/tap.hpp"
#include "proxy/upstream/forwarder.hpp"
#include "proxy/upstream/random.hpp"

namespace dg::proxy::upstream {

struct TcpUpstream::Connection : uv::Flushable {
  TcpUpstream* owner = nullptr;
  uint32_t serial = 0;
  bool connected = false;
  bool closed = false;
  uint64_t answered = 0;  // replies received: > 0 means the connection had been in use
  uv::UvHandle<uv_tcp_t> tcp;
  std::vector<uint8_t> out;       // frames waiting for the next write
  std::vector<uint8_t> writing;   // frames handed to uv_write, until its callback
  bool write_pending = false;
  std::vector<uint8_t> in;        // bytes read, not yet a whole frame
  std::unordered_map<uint16_t, Pending> pending;

  uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(tcp.get()); }

  void flush() override {
    if (!connected || closed || write_pending || out.empty()) return;
    writing.swap(out);
    out.clear();
    write_pending = true;
    auto* req = new uv_write_t;
    req->data = this;
    uv_buf_t b = uv_buf_init(reinterpret_cast<char*>(writing.data()), unsigned(writing.size()));
    int rc = uv_write(req, stream(), &b, 1, [](uv_write_t* r, int status) {
      auto* c = static_cast<Connection*>(r->data);
      delete r;
      if (status == UV_ECANCELED) return;  // closed: the connection may be gone
      c->write_pending = false;
      if (status != 0) return c->owner->on_closed(*c);
      c->flush();  // what queued up meanwhile
    });
    if (rc != 0) {
      delete req;
      write_pending = false;
      owner->on_closed(*this);
    }
  }
};

// The connection's local address (dnstap only); unknown until it is connected.
std::optional<conf::Endpoint> TcpUpstream::local_of(Connection& c) {
  uv_os_fd_t fd;
  if (!c.connected || uv_fileno(reinterpret_cast<uv_handle_t*>(c.tcp.get()), &fd) != 0)
    return std::nullopt;
  return dnstap::local_endpoint(fd);
}

TcpUpstream::TcpUpstream(Context ctx, std::shared_ptr<ServerState> server,
                         std::chrono::milliseconds timeout)
    : ctx_(ctx), server_(std::move(server)), timeout_(timeout) {}

TcpUpstream::~TcpUpstream() {
  for (auto& [serial, c] : connections_) {
    ctx_.flush_list.forget(*c);
    c->closed = true;
    c->tcp.close();  // cancels a pending write; its callback sees UV_ECANCELED
  }
}

TcpUpstream::Connection* TcpUpstream::open_connection() {
  sockaddr_storage ss;
  server_->endpoint.to_sockaddr(ss);
  auto c = std::make_unique<Connection>();
  c->owner = this;
  c->serial = ++connection_serial_;
  uv_tcp_init(ctx_.loop, c->tcp.get());
  c->tcp.get()->data = c.get();
  uv_tcp_nodelay(c->tcp.get(), 1);
  auto* req = new uv_connect_t;
  int rc = uv_tcp_connect(req, c->tcp.get(), reinterpret_cast<sockaddr*>(&ss),
                          [](uv_connect_t* r, int status) {
                            auto* conn = uv::owner_of<Connection>(r->handle);
                            delete r;
                            if (!conn || status == UV_ECANCELED) return;
                            if (status != 0) return conn->owner->on_closed(*conn);
                            conn->connected = true;
                            conn->flush();
                            uv_read_start(
                                conn->stream(),
                                [](uv_handle_t* h, size_t, uv_buf_t* buf) {
                                  auto* cc = uv::owner_of<Connection>(h);
                                  auto b = cc ? cc->owner->ctx_.forwarder.recv_buffer()
                                              : std::span<char>();
                                  *buf = uv_buf_init(b.data(), unsigned(b.size()));
                                },
                                [](uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
                                  auto* cc = uv::owner_of<Connection>(s);
                                  if (!cc) return;
                                  if (n < 0) return cc->owner->on_closed(*cc);
                                  cc->owner->on_data(*cc, {buf->base, size_t(n)});
                                });
                          });
  if (rc != 0) {
    delete req;
    spdlog::debug("upstream {}: tcp connect: {}", server_->name, uv_strerror(rc));
    return nullptr;
  }
  // DEPLOY.md §1's approximation: a new connection costs 3 packets (the handshake).
  server_->packets.add(aws::PacketCounters::kDefaultSlot, 3);
  auto* raw = c.get();
  connections_.emplace(raw->serial, std::move(c));
  return raw;
}

TcpUpstream::Connection* TcpUpstream::pick_connection() {
  Connection* best = nullptr;
  for (auto& [serial, c] : connections_)
    if (!c->closed && (!best || c->pending.size() < best->pending.size())) best = c.get();
  if (best && best->pending.size() < kPendingPerConnection) return best;
  if (connections_.size() < kMaxConnections)
    if (auto* fresh = open_connection()) return fresh;
  return best;
}

void TcpUpstream::send(pipeline::QueryPtr q, std::size_t server_index) {
  Connection* c = pick_connection();
  if (!c) return ctx_.forwarder.on_exchange_failed(std::move(q), server_index, Failure::Unreachable);
  server_->queries.fetch_add(1, std::memory_order_relaxed);
  enqueue(*c, std::move(q), server_index, false);
}

void TcpUpstream::enqueue(Connection& c, pipeline::QueryPtr q, std::size_t server_index,
                          bool retried) {
  uint16_t id;
  do {
    id = uint16_t(random_u32());
  } while (c.pending.contains(id));
  dns::set_id(q->wire, id);
  const std::size_t at = c.out.size();
  c.out.resize(at + 2 + q->wire.size());
  dns::write_u16(c.out.data() + at, uint16_t(q->wire.size()));
  std::copy(q->wire.begin(), q->wire.end(), c.out.begin() + long(at) + 2);
  ctx_.flush_list.enlist(c);
  server_->packets.add(aws::PacketCounters::kDefaultSlot, 1);  // + 1 a message
  if (auto* tap = ctx_.forwarder.dnstap())
    dnstap::forwarder_query(*tap, *q, local_of(c), server_->endpoint);
  const auto now = std::chrono::steady_clock::now();
  deadlines_.push_back({now + timeout_, c.serial, id, ++serial_});
  c.pending.emplace(id, Pending{std::move(q), server_index, serial_, now, retried});
  ++in_flight_;
}

void TcpUpstream::on_data(Connection& c, std::span<const char> data) {
  c.in.insert(c.in.end(), data.begin(), data.end());
  const uint32_t serial = c.serial;
  std::size_t used = 0;
  while (c.in.size() - used >= 2) {
    const std::size_t len = dns::read_u16(c.in.data() + used);
    if (c.in.size() - used < 2 + len) break;
    on_frame(c, {c.in.data() + used + 2, len});
    if (!connections_.contains(serial)) return;  // closed meanwhile
    used += 2 + len;
  }
  c.in.erase(c.in.begin(), c.in.begin() + long(used));
}

void TcpUpstream::on_frame(Connection& c, std::span<uint8_t> reply) {
  auto it = reply.size() >= dns::kHeaderSize && dns::qr_of(reply)
                ? c.pending.find(dns::id_of(reply))
                : c.pending.end();
  if (it == c.pending.end() || !dns::same_question(reply, it->second.q->msg)) {
    server_->ignored_replies.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  Pending p = std::move(it->second);
  c.pending.erase(it);
  ++c.answered;
  --in_flight_;
  server_->latency.observe(std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - p.sent));
  if (auto* tap = ctx_.forwarder.dnstap())
    dnstap::forwarder_response(*tap, *p.q, local_of(c), server_->endpoint, reply);
  dns::set_id(reply, p.q->msg.id);
  ctx_.forwarder.on_exchange_done(std::move(p.q), p.server_index, reply);
}

void TcpUpstream::on_closed(Connection& c) {
  if (c.closed) return;
  c.closed = true;
  ctx_.flush_list.forget(c);
  c.tcp.close();
  const bool was_in_use = c.answered > 0;
  auto pending = std::move(c.pending);
  auto owned = std::move(connections_.at(c.serial));  // destroyed at the end of this call
  connections_.erase(c.serial);
  for (auto& [id, p] : pending) {
    --in_flight_;
    if (was_in_use && !p.retried) {
      if (Connection* fresh = pick_connection()) {
        enqueue(*fresh, std::move(p.q), p.server_index, true);
        continue;
      }
    }
    ctx_.forwarder.on_exchange_failed(std::move(p.q), p.server_index, Failure::Unreachable);
  }
}

void TcpUpstream::expire(std::chrono::steady_clock::time_point now) {
  while (!deadlines_.empty()) {
    const Deadline d = deadlines_.front();
    auto cit = connections_.find(d.connection);
    if (cit == connections_.end()) {
      deadlines_.pop_front();
      continue;
    }
    auto& pending = cit->second->pending;
    auto it = pending.find(d.id);
    if (it == pending.end() || it->second.serial != d.serial) {
      deadlines_.pop_front();
      continue;
    }
    if (d.at > now) return;
    deadlines_.pop_front();
    Pending p = std::move(it->second);
    pending.erase(it);
    --in_flight_;
    ctx_.forwarder.on_exchange_failed(std::move(p.q), p.server_index, Failure::Timeout);
  }
}

std::chrono::steady_clock::time_point TcpUpstream::next_deadline() const {
  return deadlines_.empty() ? std::chrono::steady_clock::time_point::max() : deadlines_.front().at;
}

}  // namespace dg::proxy::upstream
