#pragma once
// `devoguard log --summary`: counts per action, per rule and per client, the devolved names
// (with the names they came from) and queries per minute as a text histogram. Holds counters
// in bounded memory (tally.hpp) and one per minute of the time covered, never the lines.
#include <cstddef>
#include <climits>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "proxy/decision_log/output.hpp"
#include "proxy/decision_log/tally.hpp"

namespace dg::proxy::decision_log {

class Summary final : public Output {
 public:
  static constexpr std::size_t kTop = 10;
  static constexpr std::size_t kBarWidth = 40;
  static constexpr std::size_t kMaxHistogramRows = 60;

  explicit Summary(Sink sink) : sink_(std::move(sink)) {}
  void add(const Line& line) override;
  void flush() override {}  // nothing is written before the end
  void finish() override { sink_(report()); }

  std::string report() const;
  uint64_t total() const { return total_; }

 private:
  static std::string title(std::string_view what, const Tally& tally);
  void append_devolved(std::string& out) const;
  void append_histogram(std::string& out) const;

  Sink sink_;
  uint64_t total_ = 0;
  Micros first_{Micros::max()};
  Micros last_{Micros::min()};
  Tally actions_;
  Tally rules_;
  Tally clients_;
  Tally devolved_;  // qname '\0' devolved_from → count; per qname summed in report()
  std::string pair_;  // reused key of devolved_
  std::map<int64_t, uint64_t> per_minute_;  // minutes since the epoch → queries
  int64_t minute_ = INT64_MIN;              // the minute of the last line, and its counter
  uint64_t* minute_count_ = nullptr;
};

}  // namespace dg::proxy::decision_log
