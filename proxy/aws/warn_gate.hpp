#pragma once
// When to log the pps warning (DEPLOY.md §1): the ratio at or above warn_ratio for 5
// consecutive one-second observations, then at most once a minute. One gate per interface,
// fed by the main loop's tick; the clock is passed in (tests inject it).
#include <chrono>
#include <optional>

namespace dg::proxy::aws {

class WarnGate {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr int kConsecutive = 5;
  static constexpr std::chrono::seconds kQuiet{60};

  // One observation a second; true: warn now.
  bool observe(Clock::time_point now, bool above) {
    if (!above) {
      run_ = 0;
      return false;
    }
    if (++run_ < kConsecutive) return false;
    if (last_warn_ && now - *last_warn_ < kQuiet) return false;
    last_warn_ = now;
    return true;
  }

 private:
  int run_ = 0;
  std::optional<Clock::time_point> last_warn_;
};

}  // namespace dg::proxy::aws
