#pragma once
// Domain names as the configuration holds them: lower case, no final dot, checked against the
// DNS limits (RFC 1035 section 2.3.4) so that a typo fails at load time, not at match time.
#include <expected>
#include <string>
#include <string_view>

namespace dg::conf {

// "Example.CO.JP." → "example.co.jp". The error is the reason, e.g. "empty label".
std::expected<std::string, std::string> normalize_name(std::string_view text);

}  // namespace dg::conf
