// The pps gauge's bucket math (ten 1-s buckets, max of them) and the warning's hysteresis
// (5 consecutive seconds at or above warn_ratio, then at most once a minute), with an injected
// clock (DEPLOY.md §1).
#include <gtest/gtest.h>

#include <vector>

#include "proxy/aws/rate_window.hpp"
#include "proxy/aws/warn_gate.hpp"

namespace dg::proxy::aws {
namespace {

struct WindowCase {
  std::string name;
  std::vector<std::pair<uint64_t, unsigned>> pushes;  // (packets, seconds)
  uint64_t max, last;
};

class RateWindowTest : public testing::TestWithParam<WindowCase> {};

TEST_P(RateWindowTest, MaxOfLastTenBuckets) {
  RateWindow w;
  for (auto [packets, seconds] : GetParam().pushes) w.push(packets, seconds);
  EXPECT_EQ(w.max(), GetParam().max);
  EXPECT_EQ(w.last(), GetParam().last);
}

std::vector<std::pair<uint64_t, unsigned>> burst_then_quiet(unsigned quiet) {
  std::vector<std::pair<uint64_t, unsigned>> p{{2000, 1}};
  for (unsigned i = 0; i < quiet; ++i) p.push_back({0, 1});
  return p;
}

INSTANTIATE_TEST_SUITE_P(
    Buckets, RateWindowTest,
    testing::Values(
        WindowCase{"empty", {}, 0, 0},
        WindowCase{"one_second", {{870, 1}}, 870, 870},
        WindowCase{"busiest_second_wins", {{100, 1}, {900, 1}, {300, 1}}, 900, 300},
        // The burst stays in the gauge for ten seconds (itself and nine more), then leaves.
        WindowCase{"burst_kept_nine_seconds_after", burst_then_quiet(9), 2000, 0},
        WindowCase{"burst_gone_after_ten", burst_then_quiet(10), 0, 0},
        // A late tick covering three seconds spreads its packets over them.
        WindowCase{"late_tick_spread", {{300, 3}}, 100, 100},
        WindowCase{"late_tick_remainder_to_newest", {{10, 3}}, 4, 4},
        WindowCase{"zero_seconds_is_one", {{50, 0}}, 50, 50},
        // A stall longer than the window fills it with the average.
        WindowCase{"stall_longer_than_window", {{5000, 20}, {0, 1}}, 250, 0}),
    [](const auto& info) { return info.param.name; });

using Clock = WarnGate::Clock;
using std::chrono::seconds;

struct GateCase {
  std::string name;
  std::string above;    // one character a second: '1' at or above warn_ratio, '0' below
  std::string expect;   // '!' where the gate says warn, '.' elsewhere
};

class WarnGateTest : public testing::TestWithParam<GateCase> {};

TEST_P(WarnGateTest, Hysteresis) {
  WarnGate gate;
  const Clock::time_point t0{};  // the injected clock: one observation a second from t0
  std::string got;
  for (std::size_t i = 0; i < GetParam().above.size(); ++i)
    got += gate.observe(t0 + seconds(i), GetParam().above[i] == '1') ? '!' : '.';
  EXPECT_EQ(got, GetParam().expect);
}

std::string repeat(char c, int n) { return std::string(std::size_t(n), c); }

INSTANTIATE_TEST_SUITE_P(
    Seconds, WarnGateTest,
    testing::Values(
        GateCase{"four_seconds_are_not_enough", "11110", "....."},
        GateCase{"fifth_consecutive_second_warns", "11111", "....!"},
        GateCase{"a_dip_restarts_the_count", "1111011111", ".........!"},
        // Still above: the next warning waits a minute after the first.
        GateCase{"once_a_minute", repeat('1', 66), repeat('.', 4) + "!" + repeat('.', 59) + "!."},
        // After a quiet spell a new run of five warns only when a minute has passed.
        GateCase{"new_run_within_the_minute_is_quiet",
                 "11111" + repeat('0', 10) + "11111", repeat('.', 4) + "!" + repeat('.', 15)},
        GateCase{"new_run_after_the_minute_warns",
                 "11111" + repeat('0', 60) + "11111",
                 repeat('.', 4) + "!" + repeat('.', 64) + "!"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace dg::proxy::aws
