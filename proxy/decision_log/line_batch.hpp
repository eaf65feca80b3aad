#pragma once
// One DNS thread's decision lines on their way to the writer. add() formats a record as a JSON
// line into a buffer the thread owns; flush() hands the lines over under one lock. The worker
// flushes once per loop iteration (uv::FlushList), so a query's line costs neither a lock nor
// a heap allocation, and no line waits longer than one loop iteration.
#include <cstddef>
#include <string>

#include "proxy/decision_log/record.hpp"
#include "proxy/decision_log/writer.hpp"
#include "proxy/uv/flush_list.hpp"

namespace dg::proxy::decision_log {

class LineBatch final : public uv::Flushable {
 public:
  explicit LineBatch(Writer& writer) : writer_(writer) {}
  ~LineBatch() override { flush(); }
  LineBatch(const LineBatch&) = delete;
  LineBatch& operator=(const LineBatch&) = delete;

  void add(const Record& r);
  void flush() override;

 private:
  // A batch this large goes to the writer at once, flushed or not: a loop iteration that
  // answers thousands of queries must not hold their lines back from a writer that is idle.
  static constexpr std::size_t kHandOverBytes = 64 << 10;

  Writer& writer_;
  std::string lines_;
  std::size_t count_ = 0;
};

}  // namespace dg::proxy::decision_log
