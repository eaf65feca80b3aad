#pragma once
// Test helper: a Writer that must open (a failure is the test's error, not a case).
#include <memory>
#include <stdexcept>

#include "proxy/decision_log/writer.hpp"

namespace dg::proxy::decision_log::test_support {

inline std::unique_ptr<Writer> open_writer(WriterOptions options) {
  auto w = Writer::open(std::move(options));
  if (!w) throw std::runtime_error(w.error());
  return std::move(*w);
}

}  // namespace dg::proxy::decision_log::test_support
