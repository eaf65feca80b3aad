#include "proxy/upstream/udp_upstream.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <optional>

#include <spdlog/spdlog.h>

#include "proxy/dns/message.hpp"
#include "proxy/dnstap/tap.hpp"
#include "proxy/aws/source_choice.hpp"
#include "proxy/upstream/forwarder.hpp"
#include "proxy/upstream/random.hpp"

namespace dg::proxy::upstream {

struct UdpUpstream::Socket : uv::Flushable {
  UdpUpstream* owner = nullptr;
  uint32_t serial = 0;
  std::size_t slot = 0;  // in ServerState::packets: the source address it is bound to
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
                         std::chrono::milliseconds timeout, std::vector<conf::IpAddress> sources)
    : ctx_(ctx), server_(std::move(server)), timeout_(timeout), sources_(std::move(sources)) {
  open_pools();
}

void UdpUpstream::open_pools() {
  pools_.clear();
  current_ = 0;
  if (sources_.empty()) pools_.push_back({});
  for (const auto& a : sources_) pools_.push_back({a, server_->packets.slot_for(a), {}, 0});
  const std::size_t per_pool = std::max(kMinSocketsPerSource, kSockets / pools_.size());
  for (auto& pool : pools_) {
    for (std::size_t i = 0; i < per_pool; ++i)
      if (auto* s = open_socket(pool)) pool.sockets.push_back(s);
    pool.turn = pool.sockets.empty() ? 0 : random_below(uint32_t(pool.sockets.size()));
  }
}

void UdpUpstream::use_sources(uint64_t generation, const std::vector<conf::IpAddress>& sources) {
  // Queries of an older plan (retries in flight across a reload) must not switch back.
  if (generation <= sources_generation_) return;
  sources_generation_ = generation;
  if (sources == sources_) return;
  for (auto& pool : pools_)
    for (Socket* s : pool.sockets) {
      s->retired = true;
      retire_if_done(*s);
    }
  sources_ = sources;
  open_pools();
}

UdpUpstream::~UdpUpstream() {
  for (auto& [serial, s] : sockets_) s->close(ctx_.flush_list);
}

UdpUpstream::Socket* UdpUpstream::open_socket(const Pool& pool) {
  sockaddr_storage ss;
  socklen_t len = server_->endpoint.to_sockaddr(ss);
  // connect() binds the socket to an ephemeral port; Linux picks it at random. With a source
  // address, bind() to it (port 0: still a random port) comes first.
  int fd = ::socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  bool ok = fd >= 0;
  // Replies to a batch arrive together; while the worker is busy (or descheduled) they wait in
  // this buffer, and the kernel's default (~200 KiB, ~90 small datagrams) overflowed under load
  // in the fault tests. The kernel caps the request at net.core.rmem_max.
  const int rcvbuf = kReceiveBuffer;
  if (ok) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  if (ok && pool.source) {
    sockaddr_storage src;
    socklen_t src_len = conf::Endpoint(*pool.source, 0).to_sockaddr(src);
    ok = ::bind(fd, reinterpret_cast<sockaddr*>(&src), src_len) == 0;
  }
  if (!ok || ::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    spdlog::warn("upstream {}: cannot open a UDP socket{}: {}", server_->name,
                 pool.source ? " from " + pool.source->str() : std::string(), std::strerror(errno));
    if (fd >= 0) ::close(fd);
    return nullptr;
  }
  auto s = std::make_unique<Socket>();
  s->owner = this;
  s->serial = ++socket_serial_;
  s->slot = pool.slot;
  s->fd = fd;
  s->uses_left = kMinUsesPerSocket + random_below(2 * kMinUsesPerSocket);
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

// The pool whose source sent this server the fewest packets lately (DEPLOY.md §1); pools
// whose sockets could not be opened are skipped. Called once per loop iteration.
std::size_t UdpUpstream::quietest_pool() const {
  if (pools_.size() == 1) return pools_[0].sockets.empty() ? 1 : 0;
  return aws::quietest(
      pools_.size(), [this](std::size_t i) { return !pools_[i].sockets.empty(); },
      [this](std::size_t i) { return server_->packets.recent(pools_[i].slot); });
}

// The socket for the next query: the current one while it has datagrams waiting for this
// iteration's flush (batching: one sendmmsg, and the replies arrive together), otherwise the
// next of the quietest source's pool. One that has served its share is replaced by a fresh one.
UdpUpstream::Socket* UdpUpstream::next_socket() {
  if (current_ < pools_.size() && !pools_[current_].sockets.empty()) {
    const Pool& pool = pools_[current_];
    if (Socket* current = pool.sockets[pool.turn]; !current->out.empty() &&
        current->out.size() < kBatchPerSocket && current->uses_left > 0) {
      --current->uses_left;
      return current;
    }
  }
  current_ = quietest_pool();
  if (current_ == pools_.size()) return nullptr;
  Pool& pool = pools_[current_];
  pool.turn = (pool.turn + 1) % pool.sockets.size();
  Socket*& slot = pool.sockets[pool.turn];
  if (slot->uses_left == 0) {
    if (Socket* fresh = open_socket(pool)) {
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
    id = uint16_t(random_u32());
  } while (s->pending.contains(id));
  dns::set_id(q->wire, id);
  s->out.add(q->wire, nullptr);
  if (auto* tap = ctx_.forwarder.dnstap())
    dnstap::forwarder_query(*tap, *q, s->local, server_->endpoint);
  ctx_.flush_list.enlist(*s);
  server_->queries.fetch_add(1, std::memory_order_relaxed);
  server_->packets.add(s->slot, 1);
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
