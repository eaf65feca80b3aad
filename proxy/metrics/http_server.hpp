#pragma once
// A minimal HTTP/1.1 server for /metrics and /healthz on the main loop: one request per
// connection (Connection: close), requests over 8 KiB or slower than 5 s are cut off.
#include <uv.h>

#include <expected>
#include <functional>
#include <memory>
#include <string>

#include "conf/address.hpp"
#include "proxy/uv/handle.hpp"

namespace dg::proxy::metrics {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// Called with the request path ("/metrics"); GET and HEAD only.
using HttpHandler = std::function<HttpResponse(std::string_view path)>;

class HttpServer {
 public:
  static std::expected<std::unique_ptr<HttpServer>, std::string> open(uv_loop_t* loop,
                                                                     const conf::Endpoint& at,
                                                                     HttpHandler handler);
  void close() { handle_.close(); }

 private:
  explicit HttpServer(HttpHandler h) : handler_(std::move(h)) {}
  void on_connection();

  HttpHandler handler_;
  uv::UvHandle<uv_tcp_t> handle_;
};

}  // namespace dg::proxy::metrics
