#pragma once
// One decision-log line read back for `devoguard log`: the fields record.cpp writes, as views
// into the line (or into the Line's own buffer when a string held JSON escapes).
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proxy/decision_log/timestamp.hpp"

namespace dg::proxy::decision_log {

class Line {
 public:
  // Reads one JSON object as record.cpp writes it: flat, with string, number, null and
  // array-of-strings values. Keys may come in any order; unknown keys are skipped whatever
  // their value. `ts`, `client`, `qname` and `action` are required. The error says why the
  // line is malformed ("qname: expected a string", "unterminated string at column 57").
  // The views stay valid until the next scan() and while `text` lives.
  std::expected<void, std::string> scan(std::string_view text);

  std::string_view text;  // the whole line, unchanged
  Micros ts{};
  std::string_view ts_text;
  std::string_view client;
  std::string_view proto;
  std::optional<uint64_t> id;
  std::string_view qname;
  std::string_view qtype;
  std::optional<std::string_view> rule;  // null in the log: no rule decided
  std::string_view action;
  std::string_view upstream;  // "" when absent or null
  std::string_view cache;     // hit, miss, stale, bypass; "" when absent (cache off)
  std::optional<std::string_view> rcode;  // null: nothing was sent
  std::optional<uint64_t> latency_us;
  std::string_view devolved_from;  // "" when absent
  std::vector<std::string_view> dry_run;
  std::optional<uint64_t> ancount;   // null or absent (older logs): unknown
  std::optional<double> label_score;  // present when a random_label matcher was evaluated

 private:
  // Unescaped strings. Reserved to the line's size before a scan: an unescaped string is never
  // longer than its escaped form, so the buffer does not reallocate and the views stay put.
  std::string unescaped_;
};

}  // namespace dg::proxy::decision_log
