#include "proxy/listen/tcp_listener.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include "proxy/listen/socket.hpp"
#include "proxy/listen/tcp_connection.hpp"

namespace dg::proxy::listen {

std::expected<std::unique_ptr<TcpListener>, std::string> TcpListener::open(
    uv_loop_t* loop, const conf::Endpoint& at, pipeline::Pipeline& pipeline,
    TcpLimits& limits) {
  auto fd = bind_socket(at, SOCK_STREAM);
  if (!fd) return std::unexpected(fd.error());
  std::unique_ptr<TcpListener> self(new TcpListener(loop, pipeline, limits));
  uv_tcp_init(loop, self->handle_.get());
  if (int rc = uv_tcp_open(self->handle_.get(), *fd); rc != 0) {
    ::close(*fd);
    return std::unexpected(at.str() + ": " + uv_strerror(rc));
  }
  self->handle_.get()->data = self.get();
  int rc = uv_listen(reinterpret_cast<uv_stream_t*>(self->handle_.get()), 1024,
                     [](uv_stream_t* s, int status) {
                       auto* l = uv::owner_of<TcpListener>(s);
                       if (l && status == 0) l->on_connection();
                     });
  if (rc != 0) return std::unexpected(at.str() + ": listen: " + uv_strerror(rc));
  return self;
}

TcpListener::~TcpListener() {
  for (const auto& [p, c] : std::unordered_map(connections_)) c->close();
}

void TcpListener::on_connection() {
  auto* server = reinterpret_cast<uv_stream_t*>(handle_.get());
  const auto& tcp = pipeline_.plan().config.tcp;
  auto c = std::make_shared<TcpConnection>(*this, tcp.idle_timeout);
  connections_.emplace(c.get(), c);
  // Over a bound the connection is accepted (the client address is known only then) and
  // closed at once, so the client is told rather than left hanging.
  if (!c->accept(loop_, server) || stopping_ ||
      limits_.open(c->client().address(), tcp) != TcpLimits::Verdict::Open)
    return c->close();
  admitted_.insert(c.get());
}

void TcpListener::forget(TcpConnection* c) {
  if (admitted_.erase(c)) limits_.close(c->client().address());
  connections_.erase(c);  // may destroy *c: the caller returns right after
}

void TcpListener::stop_accepting() {
  stopping_ = true;
  handle_.close();
  for (const auto& [p, c] : std::unordered_map(connections_)) c->stop_reading();
}

}  // namespace dg::proxy::listen
