#pragma once
// The read loop of `devoguard log`: lines from a Reader are scanned, malformed ones reported
// as "FILE:LINE: malformed decision-log line: why" and skipped, and those that pass the
// Filter handed to the Output.
#include <cstdint>
#include <expected>
#include <string>

#include "proxy/decision_log/filter.hpp"
#include "proxy/decision_log/line.hpp"
#include "proxy/decision_log/output.hpp"
#include "proxy/decision_log/reader.hpp"

namespace dg::proxy::decision_log {

class Selection {
 public:
  // Malformed lines reported one by one; past this, they are only counted (a wrong file
  // given by mistake must not flood the terminal).
  static constexpr uint64_t kMaxReported = 100;

  // `errors` receives whole lines of text, each ending in '\n'.
  Selection(const Filter& filter, Output& output, Sink errors)
      : filter_(filter), output_(output), errors_(std::move(errors)) {}

  // Reads `reader` until it has nothing more. Only a read error is returned: the lines read
  // before it have been passed on.
  std::expected<void, std::string> read(Reader& reader);
  // Reports how many malformed lines were not shown, if any.
  void finish();

  uint64_t lines() const { return lines_; }
  uint64_t matched() const { return matched_; }
  uint64_t malformed() const { return malformed_; }

 private:
  void report(const Reader& reader, const std::string& why);

  const Filter& filter_;
  Output& output_;
  Sink errors_;
  Line line_;
  uint64_t lines_ = 0;
  uint64_t matched_ = 0;
  uint64_t malformed_ = 0;
};

}  // namespace dg::proxy::decision_log
