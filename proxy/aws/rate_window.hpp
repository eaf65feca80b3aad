#pragma once
// Packets per second as DEPLOY.md §1 defines the gauge: the largest of the last ten 1-s
// buckets. Fed once a second by the main loop with the packets counted since the previous tick;
// a late tick (a busy main loop) spreads its packets over the seconds it covers.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

namespace dg::proxy::aws {

class RateWindow {
 public:
  static constexpr std::size_t kBuckets = 10;

  // `packets` sent during the last `seconds` (≥ 1) whole seconds.
  void push(uint64_t packets, unsigned seconds = 1) {
    if (seconds == 0) seconds = 1;
    const unsigned n = std::min<unsigned>(seconds, kBuckets);
    // The older seconds (beyond the window) are dropped; the remainder goes to the newest.
    const uint64_t each = packets / seconds;
    for (unsigned i = 0; i < n; ++i) {
      uint64_t v = each + (i + 1 == n ? packets - each * seconds : 0);
      buckets_[next_] = v;
      next_ = (next_ + 1) % kBuckets;
    }
  }
  uint64_t max() const { return *std::max_element(buckets_.begin(), buckets_.end()); }
  uint64_t last() const { return buckets_[(next_ + kBuckets - 1) % kBuckets]; }

 private:
  std::array<uint64_t, kBuckets> buckets_{};
  std::size_t next_ = 0;
};

}  // namespace dg::proxy::aws
