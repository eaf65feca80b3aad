#include "proxy/upstream/prober.hpp"

#include <spdlog/spdlog.h>

#include "proxy/dns/message.hpp"
#include "proxy/upstream/random.hpp"

namespace dg::proxy::upstream {

struct Prober::GroupTimer {
  Prober* prober;
  const pipeline::GroupPlan* group;
  uv::UvHandle<uv_timer_t> timer;
};

namespace {

// One probe: a connected UDP socket, ". IN NS" with a random ID, bounded by the group timeout.
// Owns itself; deleted when a reply or the timeout ends it.
class Probe {
 public:
  static void start(uv_loop_t* loop, std::shared_ptr<ServerState> server,
                    std::chrono::milliseconds timeout,
                    std::shared_ptr<std::unordered_set<const ServerState*>> probing) {
    auto* p = new Probe(std::move(server), std::move(probing));
    p->probing_->insert(p->server_.get());
    uv_timer_init(loop, p->timer_.get());
    p->timer_.get()->data = p;
    uv_timer_start(
        p->timer_.get(),
        [](uv_timer_t* t) {
          if (auto* self = uv::owner_of<Probe>(t)) self->end(false);
        },
        uint64_t(timeout.count()), 0);
    uv_udp_init(loop, p->udp_.get());
    p->udp_.get()->data = p;
    sockaddr_storage ss;
    p->server_->endpoint.to_sockaddr(ss);
    if (uv_udp_connect(p->udp_.get(), reinterpret_cast<sockaddr*>(&ss)) != 0) return;
    uv_udp_recv_start(
        p->udp_.get(),
        [](uv_handle_t* h, size_t, uv_buf_t* buf) {
          auto* self = uv::owner_of<Probe>(h);
          *buf = self ? uv_buf_init(self->in_, sizeof self->in_) : uv_buf_init(nullptr, 0);
        },
        [](uv_udp_t* h, ssize_t n, const uv_buf_t* buf, const sockaddr*, unsigned) {
          auto* self = uv::owner_of<Probe>(h);
          if (!self || n <= 0) return;
          std::span<const uint8_t> r{reinterpret_cast<const uint8_t*>(buf->base), size_t(n)};
          if (r.size() >= dns::kHeaderSize && dns::qr_of(r) && dns::id_of(r) == self->id_)
            self->end(true);
        });
    uv_buf_t b = uv_buf_init(reinterpret_cast<char*>(p->query_), sizeof p->query_);
    uv_udp_try_send(p->udp_.get(), &b, 1, nullptr);
  }

 private:
  Probe(std::shared_ptr<ServerState> s, std::shared_ptr<std::unordered_set<const ServerState*>> p)
      : server_(std::move(s)), probing_(std::move(p)), id_(uint16_t(random_u32())) {
    dns::write_u16(query_, id_);
  }
  void end(bool answered) {
    if (answered && server_->record_success())
      spdlog::info("upstream {} is up again (probe answered)", server_->name);
    probing_->erase(server_.get());
    timer_.close();
    udp_.close();
    delete this;
  }

  std::shared_ptr<ServerState> server_;
  std::shared_ptr<std::unordered_set<const ServerState*>> probing_;
  uint16_t id_;
  // Header (RD=0, QDCOUNT=1) and the question ". IN NS".
  uint8_t query_[17] = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1};
  char in_[4096];
  uv::UvHandle<uv_timer_t> timer_;
  uv::UvHandle<uv_udp_t> udp_;
};

}  // namespace

Prober::Prober(uv_loop_t* loop) : loop_(loop) {}
Prober::~Prober() = default;

void Prober::set_plan(std::shared_ptr<const pipeline::Plan> plan) {
  timers_.clear();
  plan_ = std::move(plan);
  for (const auto& g : plan_->groups) {
    auto t = std::make_unique<GroupTimer>();
    t->prober = this;
    t->group = &g;
    uv_timer_init(loop_, t->timer.get());
    t->timer.get()->data = t.get();
    const auto every = uint64_t(g.probe_interval.count());
    uv_timer_start(
        t->timer.get(),
        [](uv_timer_t* h) {
          if (auto* gt = uv::owner_of<GroupTimer>(h)) gt->prober->tick(*gt->group);
        },
        every, every);
    // The timer must not keep the loop alive on its own at shutdown.
    uv_unref(t->timer.base());
    timers_.push_back(std::move(t));
  }
}

void Prober::tick(const pipeline::GroupPlan& group) {
  for (const auto& s : group.servers) {
    if (s->up.load(std::memory_order_relaxed) || probing_->contains(s.get())) continue;
    Probe::start(loop_, s, group.timeout, probing_);
  }
}

void Prober::stop() {
  timers_.clear();
  plan_.reset();
}

}  // namespace dg::proxy::upstream
