#pragma once
// Queries in flight to one upstream group, all worker threads together, against the group's
// max_outstanding. A query takes a slot when it is first forwarded and gives it back when it
// is finished (answered, or failed on every server); one that finds no slot gets SERVFAIL at
// once and is counted. Carried over a reload with its group (by name), so that the queries
// of the old plan still count.
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace dg::proxy::upstream {

struct GroupLoad {
  std::atomic<std::size_t> outstanding{0};
  std::atomic<uint64_t> overflows{0};  // queries refused a slot

  bool try_acquire(std::size_t max) {
    if (outstanding.fetch_add(1, std::memory_order_relaxed) < max) return true;
    outstanding.fetch_sub(1, std::memory_order_relaxed);
    overflows.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  void release() { outstanding.fetch_sub(1, std::memory_order_relaxed); }
};

}  // namespace dg::proxy::upstream
