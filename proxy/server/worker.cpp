#include "proxy/server/worker.hpp"

#include <spdlog/spdlog.h>

namespace dg::proxy::server {

Worker::Worker(std::shared_ptr<const pipeline::Plan> plan, decision_log::Writer* log,
               listen::TcpLimits& tcp_limits, dnstap::Writer* dnstap)
    : pipeline_((uv_loop_init(&loop_), &loop_), std::move(plan), log, flush_list_),
      tcp_limits_(tcp_limits) {
  pipeline_.set_dnstap(dnstap);
  // Sends queued by I/O callbacks go out after the poll phase (check); those queued by timers
  // and other callbacks before the loop blocks again (prepare).
  uv_check_init(&loop_, flush_after_poll_.get());
  flush_after_poll_.get()->data = this;
  uv_check_start(flush_after_poll_.get(), [](uv_check_t* c) {
    if (auto* self = uv::owner_of<Worker>(c)) self->flush_list_.flush_all();
  });
  uv_prepare_init(&loop_, flush_before_poll_.get());
  flush_before_poll_.get()->data = this;
  uv_prepare_start(flush_before_poll_.get(), [](uv_prepare_t* p) {
    if (auto* self = uv::owner_of<Worker>(p)) self->flush_list_.flush_all();
  });
  uv_async_init(&loop_, async_.get(), [](uv_async_t* a) {
    if (auto* self = uv::owner_of<Worker>(a)) self->on_async();
  });
  async_.get()->data = this;
}

Worker::~Worker() {
  join();
  close_all();
  // Let the loop run the close callbacks (they free the handles), then close it.
  uv_run(&loop_, UV_RUN_DEFAULT);
  if (uv_loop_close(&loop_) != 0) spdlog::debug("worker loop closed with live handles");
}

std::expected<void, std::string> Worker::bind() {
  for (const auto& at : pipeline_.plan().config.listen) {
    auto u = listen::UdpListener::open({&loop_, pipeline_, queries_, flush_list_}, at);
    if (!u) return std::unexpected(u.error());
    udp_.push_back(std::move(*u));
    auto t = listen::TcpListener::open(&loop_, at, pipeline_, tcp_limits_);
    if (!t) return std::unexpected(t.error());
    tcp_.push_back(std::move(*t));
  }
  return {};
}

void Worker::start() {
  thread_ = std::thread([this] { uv_run(&loop_, UV_RUN_DEFAULT); });
}

void Worker::join() {
  if (thread_.joinable()) thread_.join();
}

void Worker::set_plan(std::shared_ptr<const pipeline::Plan> plan) {
  {
    std::lock_guard lock(mutex_);
    next_plan_ = std::move(plan);
  }
  uv_async_send(async_.get());
}

void Worker::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_requested_ = true;
  }
  uv_async_send(async_.get());
}

void Worker::on_async() {
  std::shared_ptr<const pipeline::Plan> plan;
  bool stop;
  {
    std::lock_guard lock(mutex_);
    plan = std::move(next_plan_);
    stop = stop_requested_;
  }
  if (plan) pipeline_.set_plan(std::move(plan));
  if (!stop || drain_timer_.get()->loop) return;

  for (auto& u : udp_) u->stop_receiving();
  for (auto& t : tcp_) t->stop_accepting();
  // Queries in flight get their answer, or their SERVFAIL once every server timed out.
  drain_deadline_ = std::chrono::steady_clock::now() + pipeline_.plan().longest_forward() +
                    std::chrono::seconds(1);
  uv_timer_init(&loop_, drain_timer_.get());
  drain_timer_.get()->data = this;
  uv_timer_start(
      drain_timer_.get(),
      [](uv_timer_t* t) {
        if (auto* self = uv::owner_of<Worker>(t)) self->drain_tick();
      },
      0, 10);
}

void Worker::drain_tick() {
  std::size_t open = 0;
  for (const auto& t : tcp_) open += t->connections();
  const bool drained = pipeline_.in_flight() == 0 && open == 0;
  if (!drained && std::chrono::steady_clock::now() < drain_deadline_) return;
  if (!drained) spdlog::warn("stopping with {} queries in flight", pipeline_.in_flight());
  close_all();
  uv_stop(&loop_);
}

void Worker::close_all() {
  flush_list_.flush_all();
  flush_after_poll_.close();
  flush_before_poll_.close();
  drain_timer_.close();
  async_.close();
  for (auto& u : udp_) u->close();
  udp_.clear();
  tcp_.clear();
  pipeline_.close();
}

}  // namespace dg::proxy::server
