#pragma once
// RFC 3339 timestamps as the decision log writes them ("2026-11-23T07:30:50.123456Z") and as an
// operator types them for `devoguard log --since/--until` (any offset, any fraction length).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace dg::proxy::decision_log {

using Micros = std::chrono::sys_time<std::chrono::microseconds>;

// "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)"; 't', 'z' and a space for 'T' are accepted
// (RFC 3339 section 5.6, note). A fraction finer than microseconds is cut off. Leap seconds
// (":60") are refused: the log never writes them.
std::optional<Micros> parse_timestamp(std::string_view text);

// "2026-11-23T07:30:50.123456Z", the form the log uses.
std::string format_timestamp(Micros t);

}  // namespace dg::proxy::decision_log
