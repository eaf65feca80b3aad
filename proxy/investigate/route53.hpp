#pragma once
// Route 53 Resolver query logs (INVESTIGATE.md §1b): one JSON object per query that reached
// the resolver, as delivered to CloudWatch Logs, S3 or Firehose, or the
// `aws logs filter-log-events` wrapper {"events":[{"message":"<record>"}…]}. Unknown fields
// are ignored (minor versions add fields).
#include <expected>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "proxy/investigate/event.hpp"

namespace dg::proxy::investigate {

// Caveats printed with a Route 53 input: what the log never holds.
inline constexpr const char* kRoute53Caveat =
    "Route 53 query logs hold only queries not answered from the resolver cache, and queries "
    "throttled at 1024 packets/s per ENI never appear";

// One record → `out` (file and line are the caller's). Error says which field is wrong.
std::expected<void, std::string> route53_event(const nlohmann::json& record, Event& out);
// Same from the text of one line.
std::expected<void, std::string> route53_event(std::string_view line, Event& out);

}  // namespace dg::proxy::investigate
