#include "proxy/listen/tcp_listener.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include "proxy/listen/socket.hpp"
#include "proxy/listen/tcp_connection.hpp"

namespace dg::proxy::listen {

std::expected<std::unique_ptr<TcpListener>, std::string> TcpListener::open(
    uv_loop_t* loop, const conf::Endpoint& at, pipeline::Pipeline& pipeline,
    std::atomic<std::size_t>& open_connections) {
  auto fd = bind_socket(at, SOCK_STREAM);
  if (!fd) return std::unexpected(fd.error());
  std::unique_ptr<TcpListener> self(new TcpListener(loop, pipeline, open_connections));
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
  const auto& config = pipeline_.plan().config;
  auto c = std::make_shared<TcpConnection>(*this, config.tcp.idle_timeout);
  if (stopping_ || open_.fetch_add(1) >= config.tcp.max_connections) {
    if (!stopping_) open_.fetch_sub(1);
    // Over the bound: accept and close at once, so the client is told rather than left hanging.
    uv::UvHandle<uv_tcp_t> reject;
    uv_tcp_init(loop_, reject.get());
    uv_accept(server, reinterpret_cast<uv_stream_t*>(reject.get()));
    return;
  }
  connections_.emplace(c.get(), c);
  if (!c->accept(loop_, server)) c->close();
}

void TcpListener::forget(TcpConnection* c) {
  open_.fetch_sub(1);
  connections_.erase(c);  // may destroy *c: the caller returns right after
}

void TcpListener::stop_accepting() {
  stopping_ = true;
  handle_.close();
  for (const auto& [p, c] : std::unordered_map(connections_)) c->stop_reading();
}

}  // namespace dg::proxy::listen
