#include "proxy/listen/tcp_connection.hpp"

#include "proxy/dns/message.hpp"
#include "proxy/listen/tcp_listener.hpp"

namespace dg::proxy::listen {
namespace {

struct TcpWrite {
  uv_write_t req;
  std::vector<uint8_t> bytes;
};

uv_stream_t* stream(const uv::UvHandle<uv_tcp_t>& h) {
  return reinterpret_cast<uv_stream_t*>(h.get());
}

}  // namespace

TcpConnection::~TcpConnection() = default;

bool TcpConnection::accept(uv_loop_t* loop, uv_stream_t* server) {
  uv_tcp_init(loop, tcp_.get());
  if (uv_accept(server, stream(tcp_)) != 0) return false;
  tcp_.get()->data = this;
  sockaddr_storage ss;
  int len = sizeof ss;
  if (uv_tcp_getpeername(tcp_.get(), reinterpret_cast<sockaddr*>(&ss), &len) != 0) return false;
  client_ = conf::Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&ss));
  uv_tcp_nodelay(tcp_.get(), 1);

  uv_timer_init(loop, idle_.get());
  idle_.get()->data = this;
  restart_idle_timer();
  uv_read_start(
      stream(tcp_),
      [](uv_handle_t*, size_t suggested, uv_buf_t* buf) {
        *buf = uv_buf_init(new char[suggested], unsigned(suggested));
      },
      [](uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
        std::unique_ptr<char[]> owned(buf->base);
        auto* self = uv::owner_of<TcpConnection>(s);
        if (!self) return;
        if (n < 0) {  // EOF or error: answer what is pending, then close
          self->stop_reading();
          return;
        }
        self->on_data({buf->base, size_t(n)});
      });
  return true;
}

void TcpConnection::on_data(std::span<const char> data) {
  framing_.append({reinterpret_cast<const uint8_t*>(data.data()), data.size()});
  auto self = shared_from_this();  // the pipeline may answer (and we may close) synchronously
  bool framed = false;
  while (reading_ && listener_) {
    auto message = framing_.next();
    if (!message) {  // cannot be a DNS message: the stream is out of step
      close();
      return;
    }
    if (!*message) break;
    auto q = listener_->pipeline_.new_query();
    q->wire.assign((*message)->begin(), (*message)->end());
    q->client = client_;
    q->proto = pipeline::Proto::Tcp;
    q->sink = self;
    q->received = std::chrono::steady_clock::now();
    q->received_wall = std::chrono::system_clock::now();
    ++pending_;
    framed = true;
    listener_->pipeline_.on_query(std::move(q));
  }
  if (!listener_) return;  // closed while answering
  framing_.compact();
  // Only a whole message is activity: a byte now and then does not keep the connection.
  if (framed) restart_idle_timer();
}

void TcpConnection::send(const conf::Endpoint&, std::span<const uint8_t> reply) {
  if (pending_ > 0) --pending_;
  if (!listener_) return;
  if (uv_stream_get_write_queue_size(stream(tcp_)) > kMaxWriteQueue) {
    close();  // the client does not read its replies: do not buffer them without bound
    return;
  }
  auto* w = new TcpWrite{{}, std::vector<uint8_t>(2 + reply.size())};
  dns::write_u16(w->bytes.data(), uint16_t(reply.size()));
  std::copy(reply.begin(), reply.end(), w->bytes.begin() + 2);
  uv_buf_t b = uv_buf_init(reinterpret_cast<char*>(w->bytes.data()), unsigned(w->bytes.size()));
  if (uv_write(&w->req, stream(tcp_), &b, 1,
               [](uv_write_t* r, int) { delete reinterpret_cast<TcpWrite*>(r); }) != 0) {
    delete w;
    close();
    return;
  }
  restart_idle_timer();
  maybe_close_after_drain();
}

void TcpConnection::restart_idle_timer() {
  if (!idle_) return;
  uv_timer_start(
      idle_.get(),
      [](uv_timer_t* t) {
        auto* self = uv::owner_of<TcpConnection>(t);
        // Queries still in flight keep the connection: their answers are due.
        if (self && self->pending_ == 0) self->close_gracefully();
      },
      uint64_t(idle_timeout_.count()), 0);
}

void TcpConnection::stop_reading() {
  if (!reading_) return;
  reading_ = false;
  if (tcp_) uv_read_stop(stream(tcp_));
  maybe_close_after_drain();
}

void TcpConnection::maybe_close_after_drain() {
  if (!reading_ && pending_ == 0) close_gracefully();
}

// uv_close would cancel writes still queued; a shutdown request completes after them.
void TcpConnection::close_gracefully() {
  if (!listener_ || shutting_down_) return;
  shutting_down_ = true;
  auto* req = new uv_shutdown_t;
  req->data = this;
  int rc = uv_shutdown(req, stream(tcp_), [](uv_shutdown_t* r, int) {
    auto* self = uv::owner_of<TcpConnection>(r->handle);
    delete r;
    if (self) self->close();
  });
  if (rc != 0) {
    delete req;
    close();
  }
}

void TcpConnection::close() {
  if (!listener_) return;
  auto* listener = std::exchange(listener_, nullptr);
  idle_.close();
  tcp_.close();
  listener->forget(this);  // may drop the last reference to this object
}

}  // namespace dg::proxy::listen
