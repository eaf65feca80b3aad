#include "proxy/upstream/exchange.hpp"

#include <stdlib.h>  // arc4random

#include <cstring>

#include "proxy/dns/message.hpp"
#include "proxy/upstream/forwarder.hpp"

namespace dg::proxy::upstream {
namespace {

uint16_t random_id() { return uint16_t(arc4random()); }

struct TcpWrite {
  uv_write_t req;
  std::vector<uint8_t> bytes;
};

}  // namespace

void Exchange::start(uv_loop_t* loop, Forwarder& forwarder, pipeline::QueryPtr q,
                     std::size_t server_index) {
  // Owned by itself from here on: deleted in done().
  auto* x = new Exchange(forwarder, std::move(q), server_index);
  x->server().queries.fetch_add(1, std::memory_order_relaxed);
  uv_timer_init(loop, x->timer_.get());
  x->timer_.get()->data = x;
  const auto timeout = x->q_->plan->groups[x->q_->decision.group].timeout;
  uv_timer_start(
      x->timer_.get(),
      [](uv_timer_t* t) {
        if (auto* self = uv::owner_of<Exchange>(t)) self->fail(Failure::Timeout);
      },
      uint64_t(timeout.count()), 0);
  x->start_tcp(loop);
}

Exchange::Exchange(Forwarder& forwarder, pipeline::QueryPtr q, std::size_t server_index)
    : forwarder_(forwarder),
      q_(std::move(q)),
      server_index_(server_index),
      id_(random_id()),
      started_(std::chrono::steady_clock::now()) {
  dns::set_id(q_->wire, id_);
}

ServerState& Exchange::server() const {
  return *q_->plan->groups[q_->decision.group].servers[server_index_];
}

void Exchange::start_tcp(uv_loop_t* loop) {
  sockaddr_storage ss;
  server().endpoint.to_sockaddr(ss);
  uv_tcp_init(loop, tcp_.get());
  tcp_.get()->data = this;
  auto* connect = new uv_connect_t;
  connect->data = this;
  int rc = uv_tcp_connect(connect, tcp_.get(), reinterpret_cast<sockaddr*>(&ss),
                          [](uv_connect_t* c, int status) {
                            // The exchange may be gone (timeout): its handle then cancels us.
                            auto* self = uv::owner_of<Exchange>(c->handle);
                            delete c;
                            if (!self) return;
                            if (status != 0) return self->fail(Failure::Unreachable);
                            auto* w = new TcpWrite{{}, {}};
                            w->bytes.resize(2);
                            dns::write_u16(w->bytes.data(), uint16_t(self->q_->wire.size()));
                            w->bytes.insert(w->bytes.end(), self->q_->wire.begin(),
                                            self->q_->wire.end());
                            uv_buf_t b = uv_buf_init(reinterpret_cast<char*>(w->bytes.data()),
                                                     unsigned(w->bytes.size()));
                            uv_write(&w->req, reinterpret_cast<uv_stream_t*>(self->tcp_.get()), &b,
                                     1, [](uv_write_t* r, int) {
                                       delete reinterpret_cast<TcpWrite*>(r);
                                     });
                            uv_read_start(
                                reinterpret_cast<uv_stream_t*>(self->tcp_.get()),
                                [](uv_handle_t* h, size_t, uv_buf_t* buf) {
                                  auto* x = uv::owner_of<Exchange>(h);
                                  auto rb = x ? x->forwarder_.recv_buffer() : std::span<char>();
                                  *buf = uv_buf_init(rb.data(), unsigned(rb.size()));
                                },
                                [](uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
                                  auto* x = uv::owner_of<Exchange>(s);
                                  if (!x) return;
                                  if (n < 0) return x->fail(Failure::Unreachable);
                                  x->on_tcp_data({buf->base, size_t(n)});
                                });
                          });
  if (rc != 0) {
    delete connect;
    fail(Failure::Unreachable);
  }
}

void Exchange::on_tcp_data(std::span<const char> data) {
  tcp_in_.insert(tcp_in_.end(), data.begin(), data.end());
  // Several messages may arrive on one connection (a spoofed one first): take each in turn.
  while (tcp_in_.size() >= 2) {
    std::size_t len = dns::read_u16(tcp_in_.data());
    if (tcp_in_.size() < 2 + len) return;
    std::vector<uint8_t> message(tcp_in_.begin() + 2, tcp_in_.begin() + 2 + long(len));
    tcp_in_.erase(tcp_in_.begin(), tcp_in_.begin() + 2 + long(len));
    if (on_reply(message)) return;  // `this` is gone
  }
}

bool Exchange::on_reply(std::span<uint8_t> reply) {
  if (reply.size() < dns::kHeaderSize || !dns::qr_of(reply) || dns::id_of(reply) != id_ ||
      !dns::same_question(reply, q_->msg)) {
    server().ignored_replies.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  dns::set_id(reply, q_->msg.id);
  server().latency.observe(std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started_));
  done(reply, true, Failure::Timeout);
  return true;
}

void Exchange::fail(Failure f) { done({}, false, f); }

void Exchange::done(std::span<uint8_t> reply, bool ok, Failure f) {
  if (finished_) return;
  finished_ = true;
  // Close the handles first: the query may go straight to another exchange.
  timer_.close();
  tcp_.close();
  auto& forwarder = forwarder_;
  auto q = std::move(q_);
  auto index = server_index_;
  delete this;
  if (ok)
    forwarder.on_exchange_done(std::move(q), index, reply);
  else
    forwarder.on_exchange_failed(std::move(q), index, f);
}

}  // namespace dg::proxy::upstream
