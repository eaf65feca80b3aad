#pragma once
// The per-second bookkeeping of DEPLOY.md §1 "Rate gauge, warning, spreading", on the main
// loop (server.cpp calls tick() from a 1-s timer; nothing here runs per query). Each tick it
// sums the workers' packet counters of every (server, source) of the running plan, feeds the
// 1-s buckets, publishes each source's recent count for the workers' source choice, computes
// the ratio per interface over the Amazon resolver servers and logs the warning through a
// WarnGate; every 10th tick it reads the ENA counters. render() gives the metric families.
// Main thread only.
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "proxy/aws/ena_stats.hpp"
#include "proxy/aws/host.hpp"
#include "proxy/aws/rate_window.hpp"
#include "proxy/aws/warn_gate.hpp"
#include "proxy/pipeline/plan.hpp"

namespace dg::proxy::aws {

// 169.254.169.253, fd00:ec2::253, or one of aws.resolvers.
bool is_amazon_resolver(const conf::IpAddress& a, const conf::Aws& aws);

class Monitor {
 public:
  using Clock = std::chrono::steady_clock;
  struct Host {  // the host look-ups, replaced by fakes in tests
    std::function<InterfaceTable()> interfaces = &InterfaceTable::from_host;
    RouteLookup route = &kernel_route;
  };
  Monitor(StatsProvider& ena, Host host) : ena_provider_(ena), host_(std::move(host)) {}

  void set_plan(std::shared_ptr<const pipeline::Plan> plan);
  void tick(Clock::time_point now);
  void render(std::string& out) const;

  // The ratio of `interface` after the last tick (0 when unknown), and the pps warnings and
  // ENA rises logged so far (for tests).
  double ratio(const std::string& interface) const;
  uint64_t warnings() const { return warnings_; }
  uint64_t ena_rises() const { return ena_rises_; }

 private:
  struct Series {
    std::shared_ptr<upstream::ServerState> server;  // kept: the key holds its address
    std::size_t slot = 0;
    std::optional<conf::IpAddress> bound;
    std::string source;     // label: the bound address, the kernel's choice, or "auto"
    std::string interface;  // "" when unknown
    bool amazon = false;
    bool seen = false;
    uint64_t last_total = 0;
    RateWindow window;
  };
  struct Interface {
    RateWindow window;
    WarnGate gate;
    std::set<std::string> sources;  // that sent to an Amazon resolver in the last ten seconds
    uint64_t this_tick = 0;
  };
  void resolve(Series& s);
  void warn(const std::string& name, const Interface& i);

  StatsProvider& ena_provider_;
  Host host_;
  std::shared_ptr<const pipeline::Plan> plan_;
  std::unique_ptr<EnaReader> ena_;
  InterfaceTable interfaces_now_;
  std::map<std::pair<const upstream::ServerState*, std::size_t>, Series> series_;
  std::map<std::string, Interface> interfaces_;
  std::map<std::pair<std::string, std::string>, uint64_t> retired_;  // packets of series gone
  std::optional<Clock::time_point> last_tick_;
  uint64_t ticks_ = 0;
  uint64_t warnings_ = 0;
  uint64_t ena_rises_ = 0;
};

}  // namespace dg::proxy::aws
