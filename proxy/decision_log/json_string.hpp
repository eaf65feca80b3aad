#pragma once
// JSON strings (RFC 8259 section 7) for the decision-log scanner (line.cpp): the end of the
// plain part found eight bytes at a time, and escapes decoded.
#include <expected>
#include <string>

namespace dg::proxy::decision_log {

// The first byte in [p, end) that ends the plain part of a JSON string: '"', '\\' or a
// control character; `end` when there is none.
const char* json_string_stop(const char* p, const char* end);

struct JsonStringError {
  const char* at;    // the opening quote (unterminated), the backslash, or the control byte
  const char* what;  // "unterminated string", "bad escape", …
};

// Decodes the string whose contents start at `p` (just after the opening quote), appending
// them to `out`; returns the position of the closing quote. A lone surrogate becomes U+FFFD,
// as record.cpp writes bytes that are not UTF-8.
std::expected<const char*, JsonStringError> unescape_json_string(const char* p, const char* end,
                                                                 std::string& out);

}  // namespace dg::proxy::decision_log
