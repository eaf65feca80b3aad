#pragma once
// --since, --until and --client for the investigation tools, parsed exactly as `devoguard log`
// parses them (decision_log::parse_time_bound, conf::Cidr).
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "conf/address.hpp"
#include "proxy/investigate/event.hpp"

namespace dg::proxy::investigate {

class EventFilter {
 public:
  // Error: "--since: …" / "--client: not an address or CIDR: …".
  static std::expected<EventFilter, std::string> build(const std::string& since,
                                                       const std::string& until,
                                                       const std::vector<std::string>& clients);
  bool matches(const Event& e) const;

 private:
  std::optional<Micros> since_, until_;
  std::vector<conf::Cidr> clients_;
};

}  // namespace dg::proxy::investigate
