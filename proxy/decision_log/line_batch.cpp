#include "proxy/decision_log/line_batch.hpp"

namespace dg::proxy::decision_log {

void LineBatch::add(const Record& r) {
  const std::size_t start = lines_.size();
  try {
    append_json(r, lines_);
    lines_.push_back('\n');
    ++count_;
  } catch (...) {  // bad_alloc: this line is lost (and counted), the ones before stay whole
    lines_.resize(start);
    writer_.count_dropped(1);
    return;
  }
  if (lines_.size() >= kHandOverBytes) flush();
}

void LineBatch::flush() {
  if (count_ == 0) return;
  writer_.push_lines(lines_, count_);
  count_ = 0;
}

}  // namespace dg::proxy::decision_log
