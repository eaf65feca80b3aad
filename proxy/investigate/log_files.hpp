#pragma once
// Reading the inputs of the investigation tools: one Reader per file (plain, gzip or stdin),
// the first non-blank line for format detection, and malformed-line reports in `check`'s
// style, "FILE:LINE: message" on stderr, the first 10 per file then a count.
#include <cstdint>
#include <cstdio>
#include <string>

namespace dg::proxy::investigate {

class MalformedReport {
 public:
  static constexpr uint64_t kShown = 10;

  explicit MalformedReport(std::string file) : file_(std::move(file)) {}
  void add(uint64_t line, const std::string& why);
  // "FILE: N more malformed lines skipped" when more than kShown.
  void finish();
  uint64_t count() const { return count_; }

 private:
  std::string file_;
  uint64_t count_ = 0;
};

// Strips a final '\r' (CRLF files) and a UTF-8 byte-order mark on the first line.
std::string_view clean_line(std::string_view line, bool first);

}  // namespace dg::proxy::investigate
