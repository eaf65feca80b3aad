#include "proxy/upstream/udp_upstream.hpp"

#include <stdlib.h>  // arc4random, arc4random_uniform
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <optional>

#include <spdlog/spdlog.h>

#include "proxy/dns/message.hpp"
#include "proxy/dnstap/tap.hpp"
#include "proxy/upstream/forwarder.hpp"

namespace dg::proxy::upstream {

struct UdpUpstream::Socket : uv::Flushable {
  UdpUpstream* owner = nullptr;
  uint32_t serial = 0;
  int fd = -1;
  uint32_t uses_left = 0;
  bool retired = false;
  uv::UvHandle<uv_poll_t> poll;
  listen::DatagramBatch out;
  std::unordered_map<uint16_t, Pending> pending;  // by the ID sent
  std::optional<conf::Endpoint> local;  // the socket's address, only with dnstap

  void flush() override {
    if (!out.empty()) out.send(fd);
  }
  void close(uv::FlushList& flush_list) {
    flush();
    flush_list.forget(*this);
    poll.close();
    if (fd >= 0) ::close(fd);  // uv_poll does not own the descriptor
    fd = -1;
  }
};

UdpUpstream::UdpUpstream(Context ctx, std::shared_ptr<ServerState> server,
                         std::chrono::milliseconds timeout)
    : ctx_(ctx), server_(std::move(server)), timeout_(timeout) {
  for (std::size_t i = 0; i < kSockets; ++i)
    if (auto* s = open_socket()) active_.push_back(s);
  turn_ = active_.empty() ? 0 : arc4random_uniform(uint32_t(active_.size()));
}

UdpUpstream::~UdpUpstream() {
  for (auto& [serial, s] : sockets_) s->close(ctx_.flush_list);
}

UdpUpstream::Socket* UdpUpstream::open_socket() {
  sockaddr_storage ss;
  socklen_t len = server_->endpoint.to_sockaddr(ss);
  // connect() binds the socket to an ephemeral port; Linux picks it at random.
  int fd = ::socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    spdlog::warn("upstream {}: cannot open a UDP socket: {}", server_->name, std::strerror(errno));
    if (fd >= 0) ::close(fd);
    return nullptr;
  }
  auto s = std::make_unique<Socket>();
  s->owner = this;
  s->serial = ++socket_serial_;
  s->fd = fd;
  s->uses_left = kMinUsesPerSocket + arc4random_uniform(2 * kMinUsesPerSocket);
  if (ctx_.forwarder.dnstap()) s->local = dnstap::local_endpoint(fd);  // FORWARDER_* source
  uv_poll_init(ctx_.loop, s->poll.get(), fd);
  s->poll.get()->data = s.get();
  uv_poll_start(s->poll.get(), UV_READABLE, [](uv_poll_t* p, int status, int) {
    auto* sock = uv::owner_of<Socket>(p);
    if (sock && status == 0) sock->owner->on_readable(*sock);
  });
  auto* raw = s.get();
  sockets_.emplace(raw->serial, std::move(s));
  return raw;
}

// The socket for the next query: the current one while it has datagrams waiting for this
// iteration's flush (batching: one sendmmsg, and the replies arrive together), otherwise the
// next of the pool. One that has served its share is replaced by a fresh one.
UdpUpstream::Socket* UdpUpstream::next_socket() {
  if (active_.empty()) return nullptr;
  if (Socket* current = active_[turn_]; !current->out.empty() && current->uses_left > 0) {
    --current->uses_left;
    return current;
  }
  turn_ = (turn_ + 1) % active_.size();
  Socket*& slot = active_[turn_];
  if (slot->uses_left == 0) {
    if (Socket* fresh = open_socket()) {
      Socket* old = std::exchange(slot, fresh);
      old->retired = true;
      retire_if_done(*old);
    } else {
      slot->uses_left = kMinUsesPerSocket;  // keep the old one rather than none
    }
  }
  --slot->uses_left;
  return slot;
}

void UdpUpstream::retire_if_done(Socket& s) {
  if (!s.retired || !s.pending.empty()) return;
  s.close(ctx_.flush_list);
  sockets_.erase(s.serial);  // deadlines that still name it find nothing and are skipped
}

void UdpUpstream::send(pipeline::QueryPtr q, std::size_t server_index) {
  Socket* s = next_socket();
  if (!s) return ctx_.forwarder.on_udp_failed(std::move(q), server_index);
  uint16_t id;
  do {
    id = uint16_t(arc4random());
  } while (s->pending.contains(id));
  dns::set_id(q->wire, id);
  s->out.add(q->wire, nullptr);
  if (auto* tap = ctx_.forwarder.dnstap())
    dnstap::forwarder_query(*tap, *q, s->local, server_->endpoint);
  ctx_.flush_list.enlist(*s);
  server_->queries.fetch_add(1, std::memory_order_relaxed);
  const auto now = std::chrono::steady_clock::now();
  deadlines_.push_back({now + timeout_, s->serial, id, ++serial_});
  s->pending.emplace(id, Pending{std::move(q), server_index, serial_, now});
  ++in_flight_;
}

void UdpUpstream::on_readable(Socket& s) {
  const uint32_t serial = s.serial;
  for (int round = 0; round < 8; ++round) {
    const std::size_t n = ctx_.recv.receive(s.fd);
    for (std::size_t i = 0; i < n; ++i) {
      on_reply(s, ctx_.recv.data(i));
      if (!sockets_.contains(serial)) return;  // retired and closed by that reply
    }
    if (n < ctx_.recv.capacity()) return;  // drained: another recvmmsg would only say EAGAIN
  }
}

void UdpUpstream::on_reply(Socket& s, std::span<uint8_t> reply) {
  auto it = reply.size() >= dns::kHeaderSize && dns::qr_of(reply)
                ? s.pending.find(dns::id_of(reply))
                : s.pending.end();
  if (it == s.pending.end() || !dns::same_question(reply, it->second.q->msg)) {
    spdlog::debug("upstream {}: ignored reply ({} bytes, {})", server_->name, reply.size(),
                  it == s.pending.end() ? "unknown id" : "other question");
    server_->ignored_replies.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  Pending p = std::move(it->second);
  s.pending.erase(it);  // its Deadline entry finds no match later and is skipped
  --in_flight_;
  server_->latency.observe(std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - p.sent));
  if (auto* tap = ctx_.forwarder.dnstap())
    dnstap::forwarder_response(*tap, *p.q, s.local, server_->endpoint, reply);
  dns::set_id(reply, p.q->msg.id);
  retire_if_done(s);
  ctx_.forwarder.on_udp_reply(std::move(p.q), p.server_index, reply);
}

void UdpUpstream::expire(std::chrono::steady_clock::time_point now) {
  while (!deadlines_.empty()) {
    const Deadline d = deadlines_.front();
    auto sit = sockets_.find(d.socket);
    if (sit == sockets_.end()) {
      deadlines_.pop_front();
      continue;
    }
    Socket& s = *sit->second;
    auto it = s.pending.find(d.id);
    if (it == s.pending.end() || it->second.serial != d.serial) {  // answered already
      deadlines_.pop_front();
      continue;
    }
    if (d.at > now) return;
    deadlines_.pop_front();
    Pending p = std::move(it->second);
    s.pending.erase(it);
    --in_flight_;
    retire_if_done(s);
    ctx_.forwarder.on_udp_failed(std::move(p.q), p.server_index);
  }
}

std::chrono::steady_clock::time_point UdpUpstream::next_deadline() const {
  return deadlines_.empty() ? std::chrono::steady_clock::time_point::max() : deadlines_.front().at;
}

}  // namespace dg::proxy::upstream
