#include "proxy/listen/udp_listener.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include "proxy/listen/socket.hpp"

namespace dg::proxy::listen {
namespace {

struct UdpSend {
  uv_udp_send_t req;
  std::vector<uint8_t> bytes;
};

}  // namespace

std::expected<std::shared_ptr<UdpListener>, std::string> UdpListener::open(
    uv_loop_t* loop, const conf::Endpoint& at, pipeline::Pipeline& pipeline) {
  auto fd = bind_socket(at, SOCK_DGRAM);
  if (!fd) return std::unexpected(fd.error());
  std::shared_ptr<UdpListener> self(new UdpListener(pipeline));
  uv_udp_init(loop, self->handle_.get());
  if (int rc = uv_udp_open(self->handle_.get(), *fd); rc != 0) {
    ::close(*fd);
    return std::unexpected(at.str() + ": " + uv_strerror(rc));
  }
  self->handle_.get()->data = self.get();
  uv_udp_recv_start(
      self->handle_.get(),
      [](uv_handle_t* h, size_t, uv_buf_t* buf) {
        auto* l = uv::owner_of<UdpListener>(h);
        *buf = l ? uv_buf_init(l->buffer_, sizeof l->buffer_) : uv_buf_init(nullptr, 0);
      },
      [](uv_udp_t* h, ssize_t n, const uv_buf_t* buf, const sockaddr* from, unsigned) {
        auto* l = uv::owner_of<UdpListener>(h);
        if (!l || n < 0 || from == nullptr) return;  // n == 0 with from: an empty datagram
        l->on_datagram({reinterpret_cast<const uint8_t*>(buf->base), size_t(n)}, from);
      });
  return self;
}

void UdpListener::on_datagram(std::span<const uint8_t> data, const sockaddr* from) {
  auto q = std::make_unique<pipeline::Query>();
  q->wire.assign(data.begin(), data.end());
  q->client = conf::Endpoint::from_sockaddr(from);
  q->proto = pipeline::Proto::Udp;
  q->sink = shared_from_this();
  q->received = std::chrono::steady_clock::now();
  q->received_wall = std::chrono::system_clock::now();
  pipeline_.on_query(std::move(q));
}

void UdpListener::send(const conf::Endpoint& client, std::span<const uint8_t> reply) {
  if (!handle_) return;
  sockaddr_storage ss;
  client.to_sockaddr(ss);
  auto* to = reinterpret_cast<const sockaddr*>(&ss);
  uv_buf_t b = uv_buf_init(const_cast<char*>(reinterpret_cast<const char*>(reply.data())),
                           unsigned(reply.size()));
  int rc = uv_udp_try_send(handle_.get(), &b, 1, to);
  if (rc != UV_EAGAIN) return;  // sent, or an error no retry would fix
  auto* s = new UdpSend{{}, {reply.begin(), reply.end()}};
  uv_buf_t copy = uv_buf_init(reinterpret_cast<char*>(s->bytes.data()), unsigned(s->bytes.size()));
  if (uv_udp_send(&s->req, handle_.get(), &copy, 1, to,
                  [](uv_udp_send_t* r, int) { delete reinterpret_cast<UdpSend*>(r); }) != 0)
    delete s;
}

void UdpListener::stop_receiving() {
  if (handle_) uv_udp_recv_stop(handle_.get());
}

}  // namespace dg::proxy::listen
