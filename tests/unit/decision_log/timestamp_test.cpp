// RFC 3339 timestamps: the log's own form, offsets, fractions of any length, and refusals.
#include "proxy/decision_log/timestamp.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace dg::proxy::decision_log {
namespace {

using namespace std::chrono;

Micros utc(year_month_day d, hours h, minutes m, seconds s, microseconds us = {}) {
  return Micros{sys_days{d} + h + m + s} + us;
}

struct TimestampCase {
  std::string name;
  std::string text;
  std::optional<Micros> want;
};

class ParseTimestamp : public testing::TestWithParam<TimestampCase> {};

TEST_P(ParseTimestamp, Parses) {
  const auto& c = GetParam();
  const auto got = parse_timestamp(c.text);
  ASSERT_EQ(got.has_value(), c.want.has_value()) << c.text;
  if (c.want) {
    EXPECT_EQ(*got, *c.want) << c.text;
  }
}

const auto kT = utc(2026y / 11 / 23, 7h, 30min, 50s);

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseTimestamp,
    testing::ValuesIn(std::vector<TimestampCase>{
        {"log_form", "2026-11-23T07:30:50.123456Z", kT + 123456us},
        {"no_fraction", "2026-11-23T07:30:50Z", kT},
        {"short_fraction", "2026-11-23T07:30:50.5Z", kT + 500ms},
        {"nanoseconds_cut", "2026-11-23T07:30:50.123456789Z", kT + 123456us},
        {"lower_case_t_z", "2026-11-23t07:30:50z", kT},
        {"space_for_t", "2026-11-23 07:30:50Z", kT},
        {"plus_offset", "2026-11-23T16:30:50+09:00", kT},
        {"minus_offset", "2026-11-23T02:00:50-05:30", kT},
        {"zero_offset", "2026-11-23T07:30:50+00:00", kT},
        {"offset_crosses_day", "2026-11-24T01:30:50+18:00", kT},
        {"leap_day", "2028-02-29T00:00:00Z", utc(2028y / 2 / 29, 0h, 0min, 0s)},
        {"epoch", "1970-01-01T00:00:00Z", Micros{}},
        {"no_offset", "2026-11-23T07:30:50", std::nullopt},
        {"no_offset_after_fraction", "2026-11-23T07:30:50.123", std::nullopt},
        {"empty_fraction", "2026-11-23T07:30:50.Z", std::nullopt},
        {"date_only", "2026-11-23", std::nullopt},
        {"bad_month", "2026-13-23T07:30:50Z", std::nullopt},
        {"bad_day", "2026-02-30T07:30:50Z", std::nullopt},
        {"hour_24", "2026-11-23T24:00:00Z", std::nullopt},
        {"leap_second", "2026-12-31T23:59:60Z", std::nullopt},
        {"bad_separator", "2026/11/23T07:30:50Z", std::nullopt},
        {"letters", "2026-1a-23T07:30:50Z", std::nullopt},
        {"short_offset", "2026-11-23T07:30:50+09", std::nullopt},
        {"bad_offset_minutes", "2026-11-23T07:30:50+09:60", std::nullopt},
        {"trailing_text", "2026-11-23T07:30:50Zx", std::nullopt},
        {"relative", "15m", std::nullopt},
        {"empty", "", std::nullopt},
    }),
    [](const auto& info) { return info.param.name; });

// The per-second cache must not hand one second's value to another line or to a bad prefix.
TEST(ParseTimestampCache, DifferentSecondsAndBadAfterGood) {
  EXPECT_EQ(*parse_timestamp("2026-11-23T07:30:50.000001Z"), kT + 1us);
  EXPECT_EQ(*parse_timestamp("2026-11-23T07:30:51.000001Z"), kT + 1s + 1us);
  EXPECT_EQ(*parse_timestamp("2026-11-23T07:30:51+01:00"), kT + 1s - 1h);
  EXPECT_FALSE(parse_timestamp("2026-11-23T07:30:51"));
  EXPECT_FALSE(parse_timestamp("2026-11-23T07:30:5xZ"));
}

TEST(FormatTimestamp, LogForm) {
  EXPECT_EQ(format_timestamp(kT + 123456us), "2026-11-23T07:30:50.123456Z");
  EXPECT_EQ(format_timestamp(Micros{}), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(*parse_timestamp(format_timestamp(kT + 7us)), kT + 7us);
}

}  // namespace
}  // namespace dg::proxy::decision_log
