#include "proxy/server/server.hpp"

#include <sys/resource.h>
#include <unistd.h>
#include <uv.h>

#include <spdlog/spdlog.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "proxy/aws/monitor.hpp"
#include "proxy/aws/source_check.hpp"
#include "proxy/decision_log/writer.hpp"
#include "proxy/dnstap/writer.hpp"
#include "proxy/metrics/exposition.hpp"
#include "proxy/metrics/http_server.hpp"
#include "proxy/pipeline/plan.hpp"
#include "proxy/server/capability.hpp"
#include "proxy/server/notify.hpp"
#include "proxy/server/privilege.hpp"
#include "proxy/server/worker.hpp"
#include "proxy/upstream/prober.hpp"
#include "proxy/version.hpp"
#include "proxy/uv/handle.hpp"

namespace dg::proxy::server {
namespace {

class Server {
 public:
  Server(std::string path, conf::LoadOptions options)
      : path_(std::move(path)),
        options_(std::move(options)),
        prober_(&loop_),
        aws_(ena_stats_, aws::Monitor::Host{}) {
    uv_loop_init(&loop_);
  }
  ~Server();

  int run();

 private:
  void reload();
  void shutdown(const char* why);
  void watch_signal(uv::UvHandle<uv_signal_t>& h, int signum);
  void on_signal(int signum);
  metrics::HttpResponse serve_http(std::string_view path) const;
  void watch_decision_log();
  void report_decision_log();
  void watch_packet_rates();
  std::expected<void, std::string> open_dnstap();

  std::string path_;
  conf::LoadOptions options_;
  uv_loop_t loop_;
  std::shared_ptr<const pipeline::Plan> plan_;
  std::unique_ptr<decision_log::Writer> log_;
  std::unique_ptr<dnstap::Writer> dnstap_;  // before workers_: they hold a pointer to it
  std::vector<std::unique_ptr<Worker>> workers_;
  listen::TcpLimits tcp_limits_;  // open client TCP connections, all workers
  upstream::Prober prober_;
  std::unique_ptr<metrics::HttpServer> http_;
  uint64_t reloads_ = 0;
  uint64_t reload_failures_ = 0;
  uv::UvHandle<uv_signal_t> sighup_, sigterm_, sigint_;
  Notifier notify_;  // systemd readiness ($NOTIFY_SOCKET)
  bool loop_closed_ = false;
  uv::UvHandle<uv_timer_t> log_watch_;
  uint64_t log_dropped_seen_ = 0;
  uint64_t log_rotation_failures_seen_ = 0;
  aws::EthtoolStats ena_stats_;
  aws::Monitor aws_;  // packet rates to upstreams, the Amazon resolver's limit (DEPLOY.md §1)
  uv::UvHandle<uv_timer_t> aws_tick_;
};

// bind_socket's error for a listen address; a port we may not bind is its own sentence.
std::string listen_failure(const std::string& why) {
  return why.starts_with("cannot bind ") ? why : "cannot listen on " + why;
}

// A port below 1024 needs CAP_NET_BIND_SERVICE in the effective set; with the file capability
// +p it is only permitted until raised (server/capability.hpp).
void raise_capability_for(const conf::Config& c) {
  bool privileged = c.metrics.listen && c.metrics.listen->port() < 1024;
  for (const auto& e : c.listen) privileged = privileged || e.port() < 1024;
  if (privileged && geteuid() != 0 && raise_net_bind_service())
    spdlog::debug("CAP_NET_BIND_SERVICE raised from the permitted set");
}

void log_warnings(const conf::Config& c) {
  for (const auto& w : c.warnings) spdlog::warn("{}", w);
  for (const auto& w : aws::source_warnings(c, aws::InterfaceTable::from_host(), aws::kernel_route))
    spdlog::warn("{}", w);
}

// Upstream socket pools and TCP clients need descriptors; the soft limit (often 1024) is
// raised to the hard one, as daemons do.
void raise_fd_limit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
}

int Server::run() {
  raise_fd_limit();
  auto config = conf::load_file(path_, options_);
  if (!config) {
    spdlog::error("{}", config.error().str());
    return 2;
  }
  log_warnings(*config);
  auto plan = pipeline::Plan::build(std::move(*config), nullptr);
  if (!plan) {
    spdlog::error("{}", plan.error().str());
    return 2;
  }
  plan_ = *plan;

  const auto& dl = plan_->config.decision_log;
  if (!dl.path.empty()) {
    auto w = decision_log::Writer::open({dl.path, dl.max_size, dl.keep});
    if (!w) {
      spdlog::error("{}", w.error());
      return 1;
    }
    log_ = std::move(*w);
  }
  if (auto ok = open_dnstap(); !ok) {
    spdlog::error("{}", ok.error());
    return 1;
  }

  raise_capability_for(plan_->config);
  unsigned threads = plan_->config.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < threads; ++i) {
    auto w = std::make_unique<Worker>(plan_, log_.get(), tcp_limits_, dnstap_.get());
    if (auto ok = w->bind(); !ok) {
      spdlog::error("{}", listen_failure(ok.error()));
      return 1;
    }
    workers_.push_back(std::move(w));
  }
  if (const auto& at = plan_->config.metrics.listen) {
    auto h = metrics::HttpServer::open(&loop_, *at,
                                       [this](std::string_view p) { return serve_http(p); });
    if (!h) {
      spdlog::error("metrics.listen: {}", listen_failure(h.error()));
      return 1;
    }
    http_ = std::move(*h);
  }
  // Every socket is bound: root (or CAP_NET_BIND_SERVICE) is not needed any more.
  if (const auto& user = plan_->config.user; !user.empty()) {
    auto account = find_account(user);
    if (account) hand_over(dl.path, *account);
    auto switched = account ? become(*account) : std::unexpected(account.error());
    if (!switched) {
      spdlog::error("{}", switched.error());
      return 1;
    }
  }
  for (auto& w : workers_) w->start();
  prober_.set_plan(plan_);
  watch_decision_log();
  watch_packet_rates();

  watch_signal(sighup_, SIGHUP);
  watch_signal(sigterm_, SIGTERM);
  watch_signal(sigint_, SIGINT);
  std::string listen;
  for (const auto& e : plan_->config.listen) listen += (listen.empty() ? "" : ", ") + e.str();
  spdlog::info("devoguard serving on {} (udp+tcp) with {} worker thread{}{}", listen, threads,
               threads == 1 ? "" : "s",
               plan_->config.user.empty() ? "" : " as user " + plan_->config.user);
  notify_.ready("serving on " + listen);

  uv_run(&loop_, UV_RUN_DEFAULT);

  workers_.clear();  // joins; the workers have drained
  if (log_) log_->flush();
  uv_run(&loop_, UV_RUN_NOWAIT);  // close callbacks
  uv_loop_close(&loop_);
  loop_closed_ = true;
  spdlog::info("devoguard stopped");
  return 0;
}

// run() closes the loop after a clean stop. A start that fails half-way (a port that cannot be
// bound, a user that cannot be switched to) returns early: what it opened on the loop is closed
// here, so that even that exit leaks nothing (LeakSanitizer checks every exit in the tests).
Server::~Server() {
  if (loop_closed_) return;
  prober_.stop();
  if (http_) http_->close();
  workers_.clear();
  uv_run(&loop_, UV_RUN_NOWAIT);  // close callbacks
  uv_loop_close(&loop_);
}

void Server::watch_signal(uv::UvHandle<uv_signal_t>& h, int signum) {
  uv_signal_init(&loop_, h.get());
  h.get()->data = this;
  uv_signal_start(
      h.get(),
      [](uv_signal_t* s, int signum) {
        if (auto* self = uv::owner_of<Server>(s)) self->on_signal(signum);
      },
      signum);
}

void Server::on_signal(int signum) {
  if (signum == SIGHUP) return reload();
  shutdown(signum == SIGTERM ? "SIGTERM" : "SIGINT");
}

void Server::reload() {
  notify_.reloading();
  // Whether the new configuration is taken or rejected, the server serves on.
  struct ReadyAgain {
    Notifier& notify;
    ~ReadyAgain() { notify.ready("serving"); }
  } ready_again{notify_};
  if (log_) log_->reopen();
  auto config = conf::load_file(path_, options_);
  if (!config) {
    spdlog::error("reload rejected, the running configuration stays: {}", config.error().str());
    ++reload_failures_;
    return;
  }
  if (config->listen != plan_->config.listen || config->threads != plan_->config.threads ||
      config->user != plan_->config.user)
    spdlog::warn("reload: listen, threads and user changes take effect after a restart");
  log_warnings(*config);
  auto plan = pipeline::Plan::build(std::move(*config), plan_.get());
  if (!plan) {
    spdlog::error("reload rejected, the running configuration stays: {}", plan.error().str());
    ++reload_failures_;
    return;
  }
  ++reloads_;
  plan_ = *plan;
  for (auto& w : workers_) w->set_plan(plan_);
  prober_.set_plan(plan_);
  aws_.set_plan(plan_);
  spdlog::info("configuration reloaded from {}", path_);
}

void Server::shutdown(const char* why) {
  spdlog::info("{}: draining queries in flight", why);
  notify_.stopping();
  sighup_.close();
  sigterm_.close();
  sigint_.close();
  prober_.stop();
  log_watch_.close();
  aws_tick_.close();
  if (http_) http_->close();
  for (auto& w : workers_) w->stop();
  // The loop now has nothing left to wait for: run() returns and joins the workers.
}

// Lost decision-log lines (full queue, full disk) and failed rotations are counted and
// reported here at most once a minute, never per line.
void Server::watch_decision_log() {
  if (!log_) return;
  uv_timer_init(&loop_, log_watch_.get());
  log_watch_.get()->data = this;
  uv_timer_start(
      log_watch_.get(),
      [](uv_timer_t* t) {
        if (auto* self = uv::owner_of<Server>(t)) self->report_decision_log();
      },
      60000, 60000);
  uv_unref(log_watch_.base());
}

void Server::report_decision_log() {
  const auto s = log_->stats();
  if (s.dropped > log_dropped_seen_)
    spdlog::warn("decision log: {} lines lost in the last minute (queue full or write "
                 "failed); queries were answered",
                 s.dropped - log_dropped_seen_);
  if (s.rotation_failures > log_rotation_failures_seen_)
    spdlog::warn("decision log: {} rotations failed in the last minute, their rotated files "
                 "are lost; the last said: {}",
                 s.rotation_failures - log_rotation_failures_seen_, s.last_rotation_error);
  log_dropped_seen_ = s.dropped;
  log_rotation_failures_seen_ = s.rotation_failures;
}

// dnstap: (needs a restart to change, like decision_log). A unix reader need not be there
// yet: the writer connects when it has frames and counts what it cannot deliver.
std::expected<void, std::string> Server::open_dnstap() {
  const auto& d = plan_->config.dnstap;
  if (!d.enabled()) return {};
  std::string identity = d.identity;
  if (identity.empty()) {
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) == 0) identity = host;
  }
  auto w = dnstap::Writer::open({d, identity, std::string("devoguard ") + kVersion});
  if (!w) return std::unexpected(w.error());
  dnstap_ = std::move(*w);
  spdlog::info("dnstap: {} {}", d.unix_path.empty() ? "file" : "unix socket",
               d.unix_path.empty() ? d.file : d.unix_path);
  return {};
}

// Once a second on this loop: the packet-rate buckets, the pps warning, the ENA counters.
void Server::watch_packet_rates() {
  aws_.set_plan(plan_);
  uv_timer_init(&loop_, aws_tick_.get());
  aws_tick_.get()->data = this;
  uv_timer_start(
      aws_tick_.get(),
      [](uv_timer_t* t) {
        if (auto* self = uv::owner_of<Server>(t)) self->aws_.tick(std::chrono::steady_clock::now());
      },
      1000, 1000);
  uv_unref(aws_tick_.base());
}

metrics::HttpResponse Server::serve_http(std::string_view path) const {
  if (path == "/metrics") {
    metrics::Sources sources{{}, plan_, log_.get(), reloads_, reload_failures_, &tcp_limits_,
                             dnstap_.get()};
    for (const auto& w : workers_) sources.workers.push_back(&w->counters());
    std::string text = metrics::render(sources);
    aws_.render(text);  // DEPLOY.md §1 families (proxy/aws/monitor.cpp)
    return {200, "text/plain; version=0.0.4; charset=utf-8", std::move(text)};
  }
  if (path == "/healthz") {
    std::string why;
    if (metrics::healthy(*plan_, &why)) return {200, "text/plain", "ok\n"};
    return {503, "text/plain", why + "\n"};
  }
  return {404, "text/plain", "not found: try /metrics or /healthz\n"};
}

}  // namespace

int run(const std::string& config_path, const conf::LoadOptions& options) {
  Server server(config_path, options);
  return server.run();
}

}  // namespace dg::proxy::server
