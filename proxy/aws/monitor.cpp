#include "proxy/aws/monitor.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>

namespace dg::proxy::aws {
namespace {

constexpr uint64_t kHostRefreshTicks = 10;  // interfaces and routes looked up again
constexpr uint64_t kEnaTicks = 10;          // ENA counters read every 10 s

std::string join(const std::set<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

}  // namespace

bool is_amazon_resolver(const conf::IpAddress& a, const conf::Aws& aws) {
  static const auto v4 = *conf::IpAddress::parse("169.254.169.253");
  static const auto v6 = *conf::IpAddress::parse("fd00:ec2::253");
  if (a == v4 || a == v6) return true;
  for (const auto& r : aws.resolvers)
    if (r == a) return true;
  return false;
}

void Monitor::set_plan(std::shared_ptr<const pipeline::Plan> plan) {
  const auto& wanted = plan->config.aws.ena_interfaces;
  if (!plan_ || plan_->config.aws.ena_interfaces != wanted)
    ena_ = wanted.empty() ? nullptr : std::make_unique<EnaReader>(wanted, ena_provider_);
  plan_ = std::move(plan);
  for (auto& [key, s] : series_) s.amazon = is_amazon_resolver(s.server->endpoint.address(), plan_->config.aws);
}

void Monitor::resolve(Series& s) {
  const auto& server = s.server->endpoint.address();
  if (s.bound) {
    s.source = s.bound->str();
    auto i = interfaces_now_.interface_of(*s.bound);
    if (!i)
      if (auto r = host_.route(server, s.bound)) i = r->interface;
    s.interface = i.value_or("");
    return;
  }
  auto r = host_.route(server, std::nullopt);
  s.source = r && r->source ? r->source->str() : "auto";
  s.interface = r ? r->interface : "";
  if (r && r->source && s.interface.empty())
    s.interface = interfaces_now_.interface_of(*r->source).value_or("");
}

void Monitor::tick(Clock::time_point now) {
  if (!plan_) return;
  unsigned seconds = 1;
  if (last_tick_)
    seconds = unsigned(std::max<int64_t>(
        1, std::llround(std::chrono::duration<double>(now - *last_tick_).count())));
  last_tick_ = now;
  const bool refresh = ticks_++ % kHostRefreshTicks == 0;
  if (refresh) interfaces_now_ = host_.interfaces();

  for (auto& [key, s] : series_) s.seen = false;
  for (auto& [name, i] : interfaces_) i.sources.clear();  // those that sent in the window
  const auto& aws = plan_->config.aws;
  for (const auto& g : plan_->groups) {
    for (const auto& server : g.servers) {
      for (const auto& [slot, bound] : server->packets.slots()) {
        auto [it, fresh] = series_.try_emplace({server.get(), slot});
        Series& s = it->second;
        if (fresh) {
          s.server = server;
          s.slot = slot;
          s.bound = bound;
          s.amazon = is_amazon_resolver(server->endpoint.address(), aws);
        }
        if (fresh || refresh) resolve(s);
        if (s.seen) continue;  // a server listed in two groups
        s.seen = true;
        const uint64_t total = server->packets.total(slot);
        const uint64_t delta = total - s.last_total;
        server->packets.mark_second(slot, s.last_total);
        s.last_total = total;
        s.window.push(delta, seconds);
        if (s.amazon && !s.interface.empty()) {
          auto& i = interfaces_[s.interface];
          i.this_tick += delta;
          if (s.window.max() > 0) i.sources.insert(s.source);
        }
      }
    }
  }
  for (auto it = series_.begin(); it != series_.end();) {
    if (it->second.seen) {
      ++it;
      continue;
    }
    const auto& s = it->second;
    retired_[{s.server->name, s.source}] += s.server->packets.total(s.slot);
    it = series_.erase(it);
  }

  for (auto& [name, i] : interfaces_) {
    i.window.push(i.this_tick, seconds);
    i.this_tick = 0;
    const double ratio = double(i.window.max()) / aws.packet_limit;
    if (i.gate.observe(now, ratio >= aws.warn_ratio)) warn(name, i);
  }

  if (ena_ && ticks_ % kEnaTicks == 1) {
    for (const auto& e : ena_->poll()) {
      if (e.kind == EnaReader::Event::Rose && ++ena_rises_)
        spdlog::warn("interface {}: {} rose by {} to {}: the ENI dropped packets to the Amazon "
                     "resolver, IMDS or time sync (over 1024 packets/s): enable cache or add "
                     "instances",
                     e.interface, kEnaStat, e.rise, e.value);
      else
        spdlog::warn("interface {}: cannot read {}: {}", e.interface, kEnaStat, e.why);
    }
  }
}

void Monitor::warn(const std::string& name, const Interface& i) {
  ++warnings_;
  const auto& aws = plan_->config.aws;
  const uint64_t pps = i.window.max();
  spdlog::warn("interface {} ({}) sends {} packets/s to the Amazon resolver ({}% of {} per ENI): "
               "enable cache or add instances",
               name, join(i.sources), pps, std::llround(100.0 * double(pps) / aws.packet_limit),
               aws.packet_limit);
}

double Monitor::ratio(const std::string& interface) const {
  auto it = interfaces_.find(interface);
  if (it == interfaces_.end() || !plan_) return 0;
  return double(it->second.window.max()) / plan_->config.aws.packet_limit;
}

void Monitor::render(std::string& out) const {
  auto header = [&out](const char* name, const char* type, const char* help) {
    fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  };
  std::map<std::pair<std::string, std::string>, uint64_t> packets = retired_, pps;
  for (const auto& [key, s] : series_) {
    packets[{s.server->name, s.source}] += s.server->packets.total(s.slot);
    pps[{s.server->name, s.source}] += s.window.max();
  }
  header("devoguard_upstream_packets_total", "counter",
         "Packets sent to each upstream server by source address (UDP: 1 a query; TCP: 3 a new "
         "connection + 1 a message).");
  for (const auto& [k, v] : packets)
    fmt::format_to(std::back_inserter(out),
                   "devoguard_upstream_packets_total{{server=\"{}\",source=\"{}\"}} {}\n", k.first,
                   k.second, v);
  header("devoguard_upstream_pps", "gauge",
         "Packets per second to each upstream server by source: the largest of the last ten "
         "1-s buckets.");
  for (const auto& [k, v] : pps)
    fmt::format_to(std::back_inserter(out),
                   "devoguard_upstream_pps{{server=\"{}\",source=\"{}\"}} {}\n", k.first, k.second,
                   v);
  header("devoguard_aws_pps_ratio", "gauge",
         "Packets per second to the Amazon resolver from each interface over aws.packet_limit.");
  for (const auto& [name, i] : interfaces_)
    fmt::format_to(std::back_inserter(out), "devoguard_aws_pps_ratio{{interface=\"{}\"}} {}\n",
                   name, ratio(name));
  header("devoguard_ena_linklocal_allowance_exceeded_total", "counter",
         "The ENA driver's linklocal_allowance_exceeded of each aws.ena_interfaces interface.");
  if (ena_)
    for (const auto& [name, v] : ena_->values())
      fmt::format_to(std::back_inserter(out),
                     "devoguard_ena_linklocal_allowance_exceeded_total{{interface=\"{}\"}} {}\n",
                     name, v);
}

}  // namespace dg::proxy::aws
