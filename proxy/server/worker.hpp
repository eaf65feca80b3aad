#pragma once
// One worker: a thread running its own libuv loop with its own listening sockets (one UDP and
// one TCP per listen address, SO_REUSEPORT), its own pipeline and upstream sockets. Only the
// worker's thread touches its handles; other threads talk to it through set_plan() and stop(),
// which hand over through a uv_async_t.
#include <uv.h>

#include <atomic>
#include <expected>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "proxy/decision_log/writer.hpp"
#include "proxy/listen/tcp_listener.hpp"
#include "proxy/listen/udp_listener.hpp"
#include "proxy/pipeline/pipeline.hpp"
#include "proxy/uv/flush_list.hpp"
#include "proxy/uv/handle.hpp"

namespace dg::proxy::server {

class Worker {
 public:
  // `log` and `dnstap` may be null (not configured); they outlive the worker.
  Worker(std::shared_ptr<const pipeline::Plan> plan, decision_log::Writer* log,
         listen::TcpLimits& tcp_limits, dnstap::Writer* dnstap = nullptr);
  ~Worker();

  // Binds the listening sockets; call before start(), on any thread.
  std::expected<void, std::string> bind();
  void start();
  // Any thread. The new plan serves queries that arrive from now on.
  void set_plan(std::shared_ptr<const pipeline::Plan> plan);
  // Any thread: stop receiving, answer what is in flight (bounded), then end the loop.
  void stop();
  void join();
  // Read by the metrics scrape on the main thread.
  const metrics::WorkerCounters& counters() const { return pipeline_.counters(); }

 private:
  void on_async();
  void drain_tick();
  void close_all();

  uv_loop_t loop_;
  uv::FlushList flush_list_;  // batched sends, flushed once per loop iteration
  listen::RecvBatch queries_{32, 4096};
  pipeline::Pipeline pipeline_;
  listen::TcpLimits& tcp_limits_;
  std::vector<std::shared_ptr<listen::UdpListener>> udp_;
  std::vector<std::unique_ptr<listen::TcpListener>> tcp_;
  uv::UvHandle<uv_async_t> async_;
  uv::UvHandle<uv_check_t> flush_after_poll_;
  uv::UvHandle<uv_prepare_t> flush_before_poll_;
  uv::UvHandle<uv_timer_t> drain_timer_;
  std::chrono::steady_clock::time_point drain_deadline_;
  std::thread thread_;

  std::mutex mutex_;  // guards the hand-over fields below
  std::shared_ptr<const pipeline::Plan> next_plan_;
  bool stop_requested_ = false;
};

}  // namespace dg::proxy::server
