#pragma once
// A fixed-bucket latency histogram with relaxed atomic counters: written on the hot path by
// worker loops, read by the metrics scrape.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace dg::proxy::metrics {

class Histogram {
 public:
  // Upper bounds in microseconds (Prometheus `le`, in seconds, on output).
  static constexpr std::array<uint64_t, 12> kBoundsUs{100,   250,   500,    1000,   2500,   5000,
                                                      10000, 25000, 100000, 250000, 1000000,
                                                      2500000};

  void observe(std::chrono::microseconds d) {
    const auto us = uint64_t(d.count());
    std::size_t i = 0;
    while (i < kBoundsUs.size() && us > kBoundsUs[i]) ++i;
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    sum_us_.fetch_add(us, std::memory_order_relaxed);
  }
  // Per bucket, not cumulative; the last one is +Inf.
  uint64_t bucket(std::size_t i) const { return buckets_[i].load(std::memory_order_relaxed); }
  uint64_t sum_us() const { return sum_us_.load(std::memory_order_relaxed); }

 private:
  std::array<std::atomic<uint64_t>, kBoundsUs.size() + 1> buckets_{};
  std::atomic<uint64_t> sum_us_{0};
};

}  // namespace dg::proxy::metrics
