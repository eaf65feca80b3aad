#pragma once
// Where `devoguard log` puts the lines that pass the filter: the matching lines as they are
// (--json), an aligned table (default, table.hpp) or counts (--summary, summary.hpp).
#include <functional>
#include <string>
#include <string_view>

#include "proxy/decision_log/line.hpp"

namespace dg::proxy::decision_log {

// Receives output text: stdout in the command, a string in tests.
using Sink = std::function<void(std::string_view)>;

class Output {
 public:
  virtual ~Output() = default;
  virtual void add(const Line& line) = 0;
  // Writes what is held back so far (--follow calls it after each poll).
  virtual void flush() = 0;
  // The input has ended (or --follow was stopped): write everything still to come.
  virtual void finish() { flush(); }
};

// --json: each matching line unchanged, buffered into large writes.
class JsonLines final : public Output {
 public:
  explicit JsonLines(Sink sink) : sink_(std::move(sink)) {}
  void add(const Line& line) override {
    buf_.append(line.text);
    buf_.push_back('\n');
    if (buf_.size() >= kFlushAt) flush();
  }
  void flush() override {
    if (!buf_.empty()) sink_(buf_);
    buf_.clear();
  }

 private:
  static constexpr std::size_t kFlushAt = 256u << 10;
  Sink sink_;
  std::string buf_;
};

}  // namespace dg::proxy::decision_log
