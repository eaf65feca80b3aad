#include "proxy/listen/udp_listener.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include "proxy/listen/socket.hpp"

namespace dg::proxy::listen {
namespace {

// Datagrams handled per readiness callback before yielding to the other sockets of the loop.
constexpr int kBatchesPerWakeup = 8;

}  // namespace

std::expected<std::shared_ptr<UdpListener>, std::string> UdpListener::open(
    Context ctx, const conf::Endpoint& at) {
  auto fd = bind_socket(at, SOCK_DGRAM);
  if (!fd) return std::unexpected(fd.error());
  std::shared_ptr<UdpListener> self(new UdpListener(ctx, *fd));
  if (int rc = uv_poll_init(ctx.loop, self->poll_.get(), *fd); rc != 0) {
    ::close(*fd);
    self->fd_ = -1;
    return std::unexpected(at.str() + ": " + uv_strerror(rc));
  }
  self->poll_.get()->data = self.get();
  uv_poll_start(self->poll_.get(), UV_READABLE, [](uv_poll_t* p, int status, int) {
    auto* l = uv::owner_of<UdpListener>(p);
    if (l && status == 0) l->on_readable();
  });
  return self;
}

UdpListener::~UdpListener() { close(); }

void UdpListener::on_readable() {
  const auto now = std::chrono::steady_clock::now();
  const auto wall = std::chrono::system_clock::now();
  auto self = shared_from_this();
  for (int round = 0; round < kBatchesPerWakeup && fd_ >= 0; ++round) {
    const std::size_t n = ctx_.recv.receive(fd_);
    for (std::size_t i = 0; i < n; ++i) {
      if (ctx_.recv.truncated(i)) continue;  // larger than any query we accept
      auto q = ctx_.pipeline.new_query();
      auto data = ctx_.recv.data(i);
      q->wire.assign(data.begin(), data.end());
      q->client = conf::Endpoint::from_sockaddr(ctx_.recv.from(i));
      q->proto = pipeline::Proto::Udp;
      q->sink = self;
      q->received = now;
      q->received_wall = wall;
      ctx_.pipeline.on_query(std::move(q));
    }
    if (n < ctx_.recv.capacity()) break;  // drained: another recvmmsg would only say EAGAIN
  }
}

void UdpListener::send(const conf::Endpoint& client, std::span<const uint8_t> reply) {
  if (fd_ < 0) return;
  out_.add(reply, &client);
  ctx_.flush_list.enlist(*this);
}

void UdpListener::flush() {
  if (fd_ >= 0 && !out_.empty()) out_.send(fd_);
}

void UdpListener::stop_receiving() {
  if (poll_) uv_poll_stop(poll_.get());
}

void UdpListener::close() {
  if (fd_ < 0) return;
  flush();
  ctx_.flush_list.forget(*this);
  poll_.close();
  ::close(fd_);  // uv_poll does not own the descriptor
  fd_ = -1;
}

}  // namespace dg::proxy::listen
