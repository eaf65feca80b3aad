#include "proxy/metrics/http_server.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include "proxy/listen/socket.hpp"

namespace dg::proxy::metrics {
namespace {

constexpr std::size_t kMaxRequest = 8192;
constexpr uint64_t kRequestTimeoutMs = 5000;

const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 503: return "Service Unavailable";
    default: return "Bad Request";
  }
}

// One client connection: read the request head, answer, close. Owns itself.
class HttpConnection {
 public:
  HttpConnection(const HttpHandler& handler) : handler_(handler) {}

  void start(uv_loop_t* loop, uv_stream_t* server) {
    uv_tcp_init(loop, tcp_.get());
    tcp_.get()->data = this;
    uv_timer_init(loop, timer_.get());
    timer_.get()->data = this;
    if (uv_accept(server, stream()) != 0) return end();
    uv_timer_start(
        timer_.get(),
        [](uv_timer_t* t) {
          if (auto* self = uv::owner_of<HttpConnection>(t)) self->end();
        },
        kRequestTimeoutMs, 0);
    uv_read_start(
        stream(),
        [](uv_handle_t* h, size_t, uv_buf_t* buf) {
          auto* self = uv::owner_of<HttpConnection>(h);
          *buf = self ? uv_buf_init(self->chunk_, sizeof self->chunk_) : uv_buf_init(nullptr, 0);
        },
        [](uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
          auto* self = uv::owner_of<HttpConnection>(s);
          if (!self) return;
          if (n < 0) return self->end();
          self->on_data({buf->base, size_t(n)});
        });
  }

 private:
  uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(tcp_.get()); }

  void on_data(std::string_view data) {
    request_.append(data);
    if (request_.find("\r\n\r\n") == std::string::npos &&
        request_.find("\n\n") == std::string::npos) {
      if (request_.size() > kMaxRequest) reply({400, "text/plain", "request too large\n"}, true);
      return;
    }
    uv_read_stop(stream());
    // "GET /metrics HTTP/1.1"
    auto line = std::string_view(request_).substr(0, request_.find_first_of("\r\n"));
    auto sp1 = line.find(' ');
    auto sp2 = line.find(' ', sp1 + 1);
    if (sp1 == std::string_view::npos) return reply({400, "text/plain", "bad request\n"}, true);
    auto method = line.substr(0, sp1);
    auto target = line.substr(sp1 + 1, sp2 == std::string_view::npos ? sp2 : sp2 - sp1 - 1);
    target = target.substr(0, target.find('?'));
    if (method != "GET" && method != "HEAD")
      return reply({405, "text/plain", "only GET and HEAD\n"}, true);
    reply(handler_(target), method == "GET");
  }

  void reply(const HttpResponse& r, bool with_body) {
    out_ = fmt::format(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        r.status, reason(r.status), r.content_type, r.body.size());
    if (with_body) out_ += r.body;
    uv_buf_t b = uv_buf_init(out_.data(), unsigned(out_.size()));
    write_.data = this;
    writing_ = true;
    if (uv_write(&write_, stream(), &b, 1, [](uv_write_t* w, int) {
          auto* self = static_cast<HttpConnection*>(w->data);
          self->writing_ = false;
          self->end();
        }) != 0) {
      writing_ = false;
      end();
    }
  }

  // Closing cancels a pending write; the object lives until that write's callback has run.
  void end() {
    if (!ended_) {
      ended_ = true;
      tcp_.close();
      timer_.close();
    }
    if (!writing_) delete this;
  }

  HttpHandler handler_;
  uv::UvHandle<uv_tcp_t> tcp_;
  uv::UvHandle<uv_timer_t> timer_;
  char chunk_[2048];
  std::string request_;
  std::string out_;
  uv_write_t write_{};
  bool ended_ = false;
  bool writing_ = false;
};

}  // namespace

std::expected<std::unique_ptr<HttpServer>, std::string> HttpServer::open(uv_loop_t* loop,
                                                                         const conf::Endpoint& at,
                                                                         HttpHandler handler) {
  auto fd = listen::bind_socket(at, SOCK_STREAM);
  if (!fd) return std::unexpected(fd.error());
  std::unique_ptr<HttpServer> self(new HttpServer(std::move(handler)));
  uv_tcp_init(loop, self->handle_.get());
  if (int rc = uv_tcp_open(self->handle_.get(), *fd); rc != 0) {
    ::close(*fd);
    return std::unexpected(at.str() + ": " + uv_strerror(rc));
  }
  self->handle_.get()->data = self.get();
  int rc = uv_listen(reinterpret_cast<uv_stream_t*>(self->handle_.get()), 128,
                     [](uv_stream_t* s, int status) {
                       auto* server = uv::owner_of<HttpServer>(s);
                       if (server && status == 0) server->on_connection();
                     });
  if (rc != 0) return std::unexpected(at.str() + ": listen: " + uv_strerror(rc));
  return self;
}

void HttpServer::on_connection() {
  auto* c = new HttpConnection(handler_);
  c->start(handle_.get()->loop, reinterpret_cast<uv_stream_t*>(handle_.get()));
}

}  // namespace dg::proxy::metrics
