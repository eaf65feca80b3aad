#pragma once
// devoguard's own decision log (INVESTIGATE.md §1c) → events. A line reached AWS when its
// action is `forward` and its upstream is an AWS resolver address.
#include <expected>
#include <string>

#include "proxy/decision_log/line.hpp"
#include "proxy/investigate/aws_resolvers.hpp"
#include "proxy/investigate/event.hpp"

namespace dg::proxy::investigate {

// "Answered with data" from rcode and ancount: NOERROR with ancount > 0 → true; NOERROR with
// ancount 0 → false (NODATA); NOERROR without ancount (older logs) → unknown; anything else,
// or nothing sent → false.
std::optional<bool> with_data_of(std::optional<std::string_view> rcode,
                                 std::optional<uint64_t> ancount);

void devoguard_event(const decision_log::Line& line, AwsResolvers& aws, Event& out);

}  // namespace dg::proxy::investigate
