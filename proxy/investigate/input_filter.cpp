#include "proxy/investigate/input_filter.hpp"

#include <chrono>

#include "proxy/decision_log/filter.hpp"

namespace dg::proxy::investigate {

std::expected<EventFilter, std::string> EventFilter::build(const std::string& since,
                                                           const std::string& until,
                                                           const std::vector<std::string>& clients) {
  EventFilter f;
  const auto now = std::chrono::time_point_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now());
  if (!since.empty()) {
    auto t = decision_log::parse_time_bound(since, now);
    if (!t) return std::unexpected("--since: " + t.error());
    f.since_ = *t;
  }
  if (!until.empty()) {
    auto t = decision_log::parse_time_bound(until, now);
    if (!t) return std::unexpected("--until: " + t.error());
    f.until_ = *t;
  }
  for (const auto& c : clients) {
    auto cidr = conf::Cidr::parse(c);
    if (!cidr) return std::unexpected("--client: not an address or CIDR: " + c);
    f.clients_.push_back(*cidr);
  }
  return f;
}

bool EventFilter::matches(const Event& e) const {
  if (since_ && e.ts < *since_) return false;
  if (until_ && e.ts > *until_) return false;
  if (clients_.empty()) return true;
  auto a = conf::IpAddress::parse(e.client);
  if (!a) return false;
  for (const auto& c : clients_)
    if (c.contains(*a)) return true;
  return false;
}

}  // namespace dg::proxy::investigate
