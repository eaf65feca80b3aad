#pragma once
// The default output of `devoguard log`: one aligned row per line. Column widths come from
// batches of rows (the whole log is never held), and only ever grow, so later batches stay
// in line with earlier ones as far as their values allow.
#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "proxy/decision_log/output.hpp"

namespace dg::proxy::decision_log {

class Table final : public Output {
 public:
  static constexpr std::size_t kColumns = 10;
  static constexpr std::size_t kBatch = 1000;

  explicit Table(Sink sink, std::size_t batch = kBatch);
  void add(const Line& line) override;
  void flush() override;  // prints the rows held, with the header before the first

 private:
  using Row = std::array<std::string, kColumns>;
  Sink sink_;
  std::size_t batch_;
  std::vector<Row> rows_;  // reused: rows_[0, used_) hold the batch
  std::size_t used_ = 0;
  std::array<std::size_t, kColumns> widths_{};
  bool header_done_ = false;
  std::string out_;
};

// The last column: "from NAME" for a devolved query, "via SERVER" for a forwarded one,
// "dry_run=a,b" for the rules that would have acted; "" when there is nothing to say.
std::string detail_of(const Line& line);

}  // namespace dg::proxy::decision_log
